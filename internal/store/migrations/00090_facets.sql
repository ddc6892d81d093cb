-- +goose Up
-- The audience and access facets (issue 15). The normaliser writes them
-- into the draft only (draft.audience, draft.accessibility) with a richer
-- vocabulary than the filters offer; these functions map it to the facet
-- slugs, and generated columns keep the result in step with the draft on
-- every write, whichever code path makes it, and fill it for existing rows.
-- free and registration need no column: cost_free and registration_required
-- are already columns.

-- Audience: age ranges ending at 14..27 years count as youth, "families"
-- as parents; groups the filter does not offer are left out.
CREATE FUNCTION tp_audience(draft jsonb) RETURNS text[]
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

-- Access: wheelchair access counts as barrier-free; an announcement that
-- says it is not barrier-free ("nicht barrierefrei") never is.
CREATE FUNCTION tp_access(draft jsonb) RETURNS text[]
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

ALTER TABLE events ADD COLUMN audience text[] NOT NULL GENERATED ALWAYS AS (tp_audience(draft)) STORED;
ALTER TABLE events ADD COLUMN access text[] NOT NULL GENERATED ALWAYS AS (tp_access(draft)) STORED;
CREATE INDEX events_audience ON events USING gin (audience);
CREATE INDEX events_access ON events USING gin (access);

-- +goose Down
DROP INDEX events_access;
DROP INDEX events_audience;
ALTER TABLE events DROP COLUMN access;
ALTER TABLE events DROP COLUMN audience;
DROP FUNCTION tp_access(jsonb);
DROP FUNCTION tp_audience(jsonb);
