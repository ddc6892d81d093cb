-- +goose Up
-- The version counter is bumped at commit instead of at a transaction's
-- first write. Bumped at the first write, a writer held its counter row
-- (one of 16, by backend) while it went on locking event rows, so two
-- writers on the same row could wait for each other in opposite order
-- (row, then counter; counter, then row) — a deadlock — or one writer
-- waited on another's open transaction for a row it never touched. A
-- deferred constraint trigger runs when the transaction commits, after
-- every row lock it takes, so the counter row is the last lock taken and
-- held only for the commit. It still commits with the data.
-- +goose StatementBegin
CREATE FUNCTION tp_bump_data_version_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER events_version AFTER INSERT OR UPDATE OR DELETE ON events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tp_bump_data_version_trigger();
CREATE CONSTRAINT TRIGGER event_items_version_at_commit AFTER INSERT OR UPDATE OR DELETE ON event_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tp_bump_data_version_trigger();

-- The row triggers only queue and log now.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (ev);
    INSERT INTO search_changes (event_id) VALUES (ev);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_event_items_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO search_changes (event_id) VALUES (OLD.event_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.event_id IS DISTINCT FROM OLD.event_id) THEN
        INSERT INTO search_changes (event_id) VALUES (NEW.event_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
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
DROP TRIGGER event_items_version_at_commit ON event_items;
DROP TRIGGER events_version ON events;
DROP FUNCTION tp_bump_data_version_trigger();
