-- +goose Up
-- events_title_trgm (lower(title)) has served no query since search
-- matches titles folded (events_title_fold_trgm, tp_unaccent(lower(title)),
-- 00010); the review queue's title filter is an ILIKE on title itself,
-- which neither index serves. Every inserted or retitled event still
-- paid for its trigrams: one GIN index less on the write path.
DROP INDEX IF EXISTS events_title_trgm;

-- +goose Down
CREATE INDEX IF NOT EXISTS events_title_trgm ON events USING gin (lower(title) gin_trgm_ops);
