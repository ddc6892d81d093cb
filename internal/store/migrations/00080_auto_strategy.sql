-- +goose Up
-- kind: auto (issue 17): a source given by its URL alone. Each crawl run
-- records the strategy discovery chose and why, so staff see when it changes.
ALTER TABLE sources DROP CONSTRAINT sources_kind_check;
ALTER TABLE sources ADD CONSTRAINT sources_kind_check CHECK (kind IN ('auto', 'html', 'jsonld', 'ical'));
ALTER TABLE crawl_runs ADD COLUMN strategy text NOT NULL DEFAULT '';
ALTER TABLE crawl_runs ADD COLUMN strategy_reason text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE crawl_runs DROP COLUMN strategy_reason;
ALTER TABLE crawl_runs DROP COLUMN strategy;
ALTER TABLE sources DROP CONSTRAINT sources_kind_check;
ALTER TABLE sources ADD CONSTRAINT sources_kind_check CHECK (kind IN ('html', 'jsonld', 'ical'));
