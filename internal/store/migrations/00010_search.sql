-- +goose Up
-- Search over events in PostgreSQL. The document is a generated column, so
-- it can never be out of step with the row: Postgres full-text search needs
-- no sync. Meilisearch (optional) is fed through search_outbox below.

-- unaccent() is only STABLE (its dictionary could change), so it cannot be
-- used in a generated column or index directly; this wrapper pins the
-- dictionary and is declared IMMUTABLE, the usual way round.
CREATE FUNCTION tp_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

-- Both configurations: 'german' stems (Workshops finds Workshop), 'simple'
-- keeps whole words so names, places and non-German words still match and
-- prefixes typed so far ("leip") find "Leipzig". Weights: title A,
-- venue/city B, description C.
ALTER TABLE events ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german', tp_unaccent(title)), 'A') ||
    setweight(to_tsvector('simple', tp_unaccent(title)), 'A') ||
    setweight(to_tsvector('german', tp_unaccent(venue || ' ' || city)), 'B') ||
    setweight(to_tsvector('simple', tp_unaccent(venue || ' ' || city)), 'B') ||
    setweight(to_tsvector('german', tp_unaccent(left(description, 10000))), 'C') ||
    setweight(to_tsvector('simple', tp_unaccent(left(description, 10000))), 'C')
) STORED;

-- When an event is over, for the From filter: its end, or its start when no
-- end is known; an all-day event lasts to the end of its last day. 24 hours
-- rather than '1 day' keeps the function independent of the session time
-- zone (an hour off on the two DST days), which an index needs.
CREATE FUNCTION tp_event_end(start_at timestamptz, end_at timestamptz, all_day boolean) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(end_at, start_at) + CASE WHEN all_day THEN interval '24 hours' ELSE interval '0' END;

CREATE INDEX events_search_doc ON events USING gin (search_doc);
-- Typo tolerance: trigram similarity on the folded title.
CREATE INDEX events_title_fold_trgm ON events USING gin (tp_unaccent(lower(title)) gin_trgm_ops);
CREATE INDEX events_languages ON events USING gin (languages);
CREATE INDEX events_topics ON events USING gin (topics);
-- The public listing in date order (keyset pagination on (start_at, id)).
CREATE INDEX events_public_start ON events (start_at, id) WHERE review = 'published' AND merged_into IS NULL;
CREATE INDEX events_public_end ON events (tp_event_end(start_at, end_at, all_day)) WHERE review = 'published' AND merged_into IS NULL;
-- The change feed pages on (updated_at, id).
CREATE INDEX events_updated ON events (updated_at, id);

-- The change feed reads updated_at, so a review decision or a merge done by
-- any code path must move it too, not only a content change.
-- +goose StatementBegin
CREATE FUNCTION tp_events_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW
    WHEN (OLD.review IS DISTINCT FROM NEW.review OR OLD.merged_into IS DISTINCT FROM NEW.merged_into
          OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION tp_events_touch();

-- Outbox for an external search index: one row per event that changed, added
-- in the same transaction as the change, deleted once the index has it. No
-- foreign key: a deleted event still has to be removed from the index.
CREATE TABLE search_outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         bigint NOT NULL,
    enqueued_at      timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text
);
CREATE INDEX search_outbox_due ON search_outbox (next_attempt_at, id);

-- Every write to events queues its id, whatever code path made it; the
-- pipeline calls search.Enqueue only for changes outside the events row
-- (an event gaining a source link).
-- +goose StatementBegin
CREATE FUNCTION tp_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_outbox (event_id) VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER events_enqueue AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW
    EXECUTE FUNCTION tp_events_enqueue();

-- +goose Down
DROP TRIGGER events_enqueue ON events;
DROP FUNCTION tp_events_enqueue();
DROP TABLE search_outbox;
DROP TRIGGER events_touch ON events;
DROP FUNCTION tp_events_touch();
DROP INDEX events_updated;
DROP INDEX events_public_end;
DROP INDEX events_public_start;
DROP INDEX events_topics;
DROP INDEX events_languages;
DROP INDEX events_title_fold_trgm;
DROP INDEX events_search_doc;
ALTER TABLE events DROP COLUMN search_doc;
DROP FUNCTION tp_event_end(timestamptz, timestamptz, boolean);
DROP FUNCTION tp_unaccent(text);
