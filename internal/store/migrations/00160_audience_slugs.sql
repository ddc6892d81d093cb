-- +goose Up
-- Staff set an event's audience in the facet's own slugs (the edit form
-- offers the filter's values): "youth" is then a word of the draft too,
-- mapped to itself. No stored row holds it yet (the normaliser writes
-- "young_people"), so the generated column needs no recomputing.
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

-- +goose Down
CREATE OR REPLACE FUNCTION tp_audience(draft jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT s FROM (
            SELECT CASE
                WHEN a IN ('volunteers', 'refugees', 'multipliers', 'women', 'parents', 'professionals') THEN a
                WHEN a = 'young_people' THEN 'youth'
                WHEN a = 'families' THEN 'parents'
                WHEN a ~ '^age:[0-9]{1,3}-[0-9]{2}$' AND split_part(substr(a, 5), '-', 2)::int BETWEEN 14 AND 27 THEN 'youth'
            END
            FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(draft->'audience') = 'array' THEN draft->'audience' ELSE '[]' END) x(a)
        ) y(s)
        WHERE s IS NOT NULL ORDER BY s);
