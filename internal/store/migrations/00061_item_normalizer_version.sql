-- +goose Up
-- The normaliser version that read each item (normalize.Version): after an
-- upgrade, items read by an older one are read again from their raw
-- extract (treffpunkt renormalize). 0: read before versions were stamped.
ALTER TABLE items ADD COLUMN normalizer_version integer NOT NULL DEFAULT 0;
CREATE INDEX items_source_version ON items (source_id, normalizer_version) WHERE vanished_at IS NULL;

-- +goose Down
DROP INDEX items_source_version;
ALTER TABLE items DROP COLUMN normalizer_version;
