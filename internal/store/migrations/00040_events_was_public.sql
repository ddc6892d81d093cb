-- +goose Up
-- Whether an event was ever published. The public change feed lists an
-- event that is no longer public (withdrawn, merged away) only when it
-- once was: a subscriber must drop it, but the ids of events that never
-- left the review queue are nobody's business outside staff. A trigger
-- keeps it, so no write path can forget to.
ALTER TABLE events ADD COLUMN was_public boolean NOT NULL DEFAULT false;
UPDATE events SET was_public = true
WHERE review = 'published' OR id IN (SELECT event_id FROM event_reviews WHERE approved_at IS NOT NULL);

-- +goose StatementBegin
CREATE FUNCTION events_mark_public() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.review = 'published' THEN
        NEW.was_public := true;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER events_was_public BEFORE INSERT OR UPDATE OF review ON events
    FOR EACH ROW EXECUTE FUNCTION events_mark_public();

-- +goose Down
DROP TRIGGER events_was_public ON events;
DROP FUNCTION events_mark_public();
ALTER TABLE events DROP COLUMN was_public;
