-- +goose Up
-- What the triggers on events and event_items cost per written row, not per
-- statement (BenchmarkInsertEvents, "without=triggers"): a PL/pgSQL call
-- with two single-row INSERTs (outbox, search_changes) per event, a
-- deferred version trigger queued per row and run at commit per row, and
-- the was_public call per row. They record the same rows as before, with
-- fewer calls.

-- Outbox and change log: one statement-level call per INSERT, UPDATE or
-- DELETE, writing one row per changed event from the transition table, as
-- the row trigger did (TestTriggersRecordEveryRow).
DROP TRIGGER events_enqueue ON events;
-- +goose StatementBegin
CREATE FUNCTION tp_events_enqueue_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (event_id) SELECT id FROM changed;
    INSERT INTO search_changes (event_id) SELECT id FROM changed;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_enqueue_insert AFTER INSERT ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tp_events_enqueue_rows();
CREATE TRIGGER events_enqueue_update AFTER UPDATE ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tp_events_enqueue_rows();
CREATE TRIGGER events_enqueue_delete AFTER DELETE ON events REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tp_events_enqueue_rows();

-- A new link logs its event once per statement too. Updates and deletes of
-- links keep the row trigger: they compare a row's old and new event, and
-- a cascade from events or items deletes links one parent row at a time.
DROP TRIGGER event_items_version ON event_items;
CREATE TRIGGER event_items_version AFTER UPDATE OR DELETE ON event_items FOR EACH ROW
    EXECUTE FUNCTION tp_event_items_bump();
-- +goose StatementBegin
CREATE FUNCTION tp_event_items_log_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_changes (event_id) SELECT event_id FROM linked;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER event_items_log_insert AFTER INSERT ON event_items REFERENCING NEW TABLE AS linked
    FOR EACH STATEMENT EXECUTE FUNCTION tp_event_items_log_new();

-- The version is bumped once per transaction, at commit (00141); a
-- constraint trigger has to be a row trigger, so every written row queued
-- one deferred call, all but the first of which found the transaction
-- bumped already. The WHEN condition queues only the first: it marks the
-- transaction in a transaction-local setting as it lets the row through
-- (a rolled-back savepoint forgets both the mark and the queued call).
-- Written as one expression so the planner inlines it: no function call
-- per row.
CREATE FUNCTION tp_version_queue_once() RETURNS boolean
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    RETURN CASE WHEN current_setting('treffpunkt.version_queued', true) IS DISTINCT FROM 'on'
                THEN set_config('treffpunkt.version_queued', 'on', true) = 'on' ELSE false END;
DROP TRIGGER events_version ON events;
DROP TRIGGER event_items_version_at_commit ON event_items;
CREATE CONSTRAINT TRIGGER events_version AFTER INSERT OR UPDATE OR DELETE ON events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (tp_version_queue_once())
    EXECUTE FUNCTION tp_bump_data_version_trigger();
CREATE CONSTRAINT TRIGGER event_items_version_at_commit AFTER INSERT OR UPDATE OR DELETE ON event_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (tp_version_queue_once())
    EXECUTE FUNCTION tp_bump_data_version_trigger();

-- was_public only ever turns true: no call for a row that is not published
-- or already was.
DROP TRIGGER events_was_public ON events;
CREATE TRIGGER events_was_public BEFORE INSERT OR UPDATE OF review ON events FOR EACH ROW
    WHEN (NEW.review = 'published' AND NOT NEW.was_public)
    EXECUTE FUNCTION events_mark_public();

-- +goose Down
DROP TRIGGER events_was_public ON events;
CREATE TRIGGER events_was_public BEFORE INSERT OR UPDATE OF review ON events
    FOR EACH ROW EXECUTE FUNCTION events_mark_public();

DROP TRIGGER event_items_version_at_commit ON event_items;
DROP TRIGGER events_version ON events;
CREATE CONSTRAINT TRIGGER events_version AFTER INSERT OR UPDATE OR DELETE ON events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tp_bump_data_version_trigger();
CREATE CONSTRAINT TRIGGER event_items_version_at_commit AFTER INSERT OR UPDATE OR DELETE ON event_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tp_bump_data_version_trigger();
DROP FUNCTION tp_version_queue_once();

DROP TRIGGER event_items_log_insert ON event_items;
DROP FUNCTION tp_event_items_log_new();
DROP TRIGGER event_items_version ON event_items;
CREATE TRIGGER event_items_version AFTER INSERT OR UPDATE OR DELETE ON event_items FOR EACH ROW
    EXECUTE FUNCTION tp_event_items_bump();

DROP TRIGGER events_enqueue_delete ON events;
DROP TRIGGER events_enqueue_update ON events;
DROP TRIGGER events_enqueue_insert ON events;
DROP FUNCTION tp_events_enqueue_rows();
CREATE TRIGGER events_enqueue AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW
    EXECUTE FUNCTION tp_events_enqueue();
