-- +goose Up
-- Transactions a crawl ran again after a deadlock or a serialisation
-- failure: a busy database shows here before it loses anything.
ALTER TABLE crawl_runs ADD COLUMN retries integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE crawl_runs DROP COLUMN retries;
