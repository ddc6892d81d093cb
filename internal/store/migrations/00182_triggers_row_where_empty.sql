-- +goose Up
-- A statement-level trigger runs (a call, two empty INSERTs) even when its
-- statement changes no row, and the write path sends many such statements
-- one row at a time: the conditional UPDATE that finds an event unchanged
-- (WHERE fingerprint <> …; BenchmarkWriteBeforeAfter/update-unchanged
-- measured 1.22× main's CPU after 00181), and every link upsert (INSERT …
-- ON CONFLICT DO UPDATE) that only updates fired the INSERT statement
-- trigger for nothing. Those two go back to row triggers, which cost
-- nothing for no row; inserts and deletes of events, which always write
-- the rows they name, stay per statement, as do the version trigger's
-- single queued call and was_public's condition.
DROP TRIGGER events_enqueue_update ON events;
CREATE TRIGGER events_enqueue_update AFTER UPDATE ON events FOR EACH ROW
    EXECUTE FUNCTION tp_events_enqueue();

DROP TRIGGER event_items_log_insert ON event_items;
DROP FUNCTION tp_event_items_log_new();
DROP TRIGGER event_items_version ON event_items;
CREATE TRIGGER event_items_version AFTER INSERT OR UPDATE OR DELETE ON event_items FOR EACH ROW
    EXECUTE FUNCTION tp_event_items_bump();

-- +goose Down
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

DROP TRIGGER events_enqueue_update ON events;
CREATE TRIGGER events_enqueue_update AFTER UPDATE ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION tp_events_enqueue_rows();
