-- +goose Up
-- Which events changed, by writing transaction, so the search's in-memory
-- index can apply only those instead of reading all events again. A reader
-- remembers the snapshot it read at (pg_current_snapshot()); the changes
-- it has not seen are exactly the rows whose transaction that snapshot
-- does not see: committed later, in whatever order their ids or start
-- times were taken. xid is the top-level transaction's even in a
-- savepoint; a rolled-back write leaves no visible row.
CREATE TABLE search_changes (
    xid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id  bigint NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_changes_xid ON search_changes (xid);

-- Old rows are pruned (search.PruneChanges); horizon is the newest
-- transaction pruned, so a reader whose snapshot is older than that reads
-- everything again instead of missing a change.
CREATE TABLE search_changes_horizon (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    horizon  xid8 NOT NULL DEFAULT '0'
);
INSERT INTO search_changes_horizon DEFAULT VALUES;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (ev);
    INSERT INTO search_changes (event_id) VALUES (ev);
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- An event's sources are searchable: a link moving between events changes
-- both.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_event_items_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO search_changes (event_id) VALUES (OLD.event_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.event_id IS DISTINCT FROM OLD.event_id) THEN
        INSERT INTO search_changes (event_id) VALUES (NEW.event_id);
    END IF;
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_event_items_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TABLE search_changes_horizon;
DROP TABLE search_changes;
