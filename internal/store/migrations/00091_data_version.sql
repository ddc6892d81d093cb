-- +goose Up
-- The version caches are checked against (store.ReadVersion): a counter
-- every transaction that writes events or event_items bumps once, in that
-- transaction, so a reader sees the new value exactly when it sees the
-- data. It replaces the statistics collector's write counters, which moved
-- only "within about a second" of a commit. The counter is striped over 16
-- rows by backend so concurrent writers do not queue on one row lock; the
-- version is their sum.
CREATE TABLE data_version (
    slot  smallint PRIMARY KEY,
    n     bigint NOT NULL DEFAULT 0
);
INSERT INTO data_version (slot) SELECT generate_series(0, 15);

-- Once per transaction: the transaction-local setting remembers that this
-- transaction (or subtransaction: a rolled-back savepoint forgets it with
-- its update) has bumped already.
-- +goose StatementBegin
CREATE FUNCTION tp_bump_data_version() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('treffpunkt.version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version SET n = n + 1 WHERE slot = pg_backend_pid() % 16;
        PERFORM set_config('treffpunkt.version_bumped', 'on', true);
    END IF;
END $$;
-- +goose StatementEnd

-- The outbox trigger (every write to events queues its id) bumps it too.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Which sources announced an event is searchable (the source filter).
-- +goose StatementBegin
CREATE FUNCTION tp_event_items_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tp_bump_data_version();
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER event_items_version AFTER INSERT OR UPDATE OR DELETE ON event_items FOR EACH ROW
    EXECUTE FUNCTION tp_event_items_bump();

-- +goose Down
DROP TRIGGER event_items_version ON event_items;
DROP FUNCTION tp_event_items_bump();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP FUNCTION tp_bump_data_version();
DROP TABLE data_version;
