-- +goose Up
-- What "publicly visible" means, written once: published by staff (or
-- automatically) and not merged into another event. A plain SQL function
-- is inlined by the planner, so a query using it still matches the
-- partial indexes (events_public_start, events_public_end, …) whose
-- predicate spells the same condition.
CREATE FUNCTION tp_public(review text, merged_into bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT $1 = 'published' AND $2 IS NULL $$;

-- +goose Down
DROP FUNCTION tp_public(text, bigint);
