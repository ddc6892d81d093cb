-- +goose Up
-- Live items of the source when a run finished, so a drop to zero between
-- two runs shows on the partner page and in metrics (issue 17). NULL for
-- runs recorded before.
ALTER TABLE crawl_runs ADD COLUMN live_items integer;

-- +goose Down
ALTER TABLE crawl_runs DROP COLUMN live_items;
