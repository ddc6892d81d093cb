-- +goose Up
-- The audience and access columns cost ~40 µs of backend CPU per written
-- event (BenchmarkInsertEvents, "without=audience-access"): the functions
-- read the draft's array with a subquery, and PostgreSQL never inlines a
-- SQL function that holds one, so every row ran it through the SQL
-- function executor. The same answers without a subquery: the slugs are a
-- fixed, small set, each one a test of the array (? matches its string
-- elements, the only ones whose text could be a slug), written in the
-- order the subquery sorted them. The functions now inline into the
-- generated columns. Their results are unchanged (TestFacetFunctionsUnchanged
-- compares them with 00160's on hostile drafts), so no row is recomputed.
-- Age ranges: the upper bound has exactly two digits, 14..27 is 1[4-9]|2[0-7].
CREATE OR REPLACE FUNCTION tp_audience(draft jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(draft->'audience') = 'array' THEN array_remove(ARRAY[
        CASE WHEN draft->'audience' ? 'multipliers' THEN 'multipliers' END,
        CASE WHEN draft->'audience' ?| '{parents,families}' THEN 'parents' END,
        CASE WHEN draft->'audience' ? 'professionals' THEN 'professionals' END,
        CASE WHEN draft->'audience' ? 'refugees' THEN 'refugees' END,
        CASE WHEN draft->'audience' ? 'volunteers' THEN 'volunteers' END,
        CASE WHEN draft->'audience' ? 'women' THEN 'women' END,
        CASE WHEN draft->'audience' ?| '{youth,young_people}'
              OR jsonb_path_exists(draft->'audience', '$[*] ? (@ like_regex "^age:[0-9]{1,3}-(1[4-9]|2[0-7])$")')
             THEN 'youth' END], NULL)
    ELSE '{}' END;

CREATE OR REPLACE FUNCTION tp_access(draft jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(draft->'accessibility') = 'array' THEN array_remove(ARRAY[
        CASE WHEN draft->'accessibility' ?| '{barrier_free,wheelchair}'
              AND NOT draft->'accessibility' ? 'not_barrier_free' THEN 'barrier_free' END,
        CASE WHEN draft->'accessibility' ? 'childcare' THEN 'childcare' END,
        CASE WHEN draft->'accessibility' ? 'easy_language' THEN 'easy_language' END,
        CASE WHEN draft->'accessibility' ? 'interpreting' THEN 'interpreting' END,
        CASE WHEN draft->'accessibility' ? 'sign_language' THEN 'sign_language' END], NULL)
    ELSE '{}' END;

-- +goose Down
CREATE OR REPLACE FUNCTION tp_audience(draft jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT s FROM (
            SELECT CASE
                WHEN a IN ('volunteers', 'refugees', 'multipliers', 'youth', 'women', 'parents', 'professionals') THEN a
                WHEN a = 'young_people' THEN 'youth'
                WHEN a = 'families' THEN 'parents'
                WHEN a ~ '^age:[0-9]{1,3}-[0-9]{2}$' AND split_part(substr(a, 5), '-', 2)::int BETWEEN 14 AND 27 THEN 'youth'
            END
            FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(draft->'audience') = 'array' THEN draft->'audience' ELSE '[]' END) x(a)
        ) y(s)
        WHERE s IS NOT NULL ORDER BY s);

CREATE OR REPLACE FUNCTION tp_access(draft jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT s FROM (
            SELECT CASE
                WHEN a IN ('barrier_free', 'wheelchair') THEN 'barrier_free'
                WHEN a IN ('interpreting', 'sign_language', 'easy_language', 'childcare') THEN a
            END
            FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(draft->'accessibility') = 'array' THEN draft->'accessibility' ELSE '[]' END) x(a)
        ) y(s)
        WHERE s IS NOT NULL
          AND NOT (s = 'barrier_free' AND coalesce(draft->'accessibility' ? 'not_barrier_free', false))
        ORDER BY s);
