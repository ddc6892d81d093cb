-- +goose Up
-- Staff edits are per-field overrides: the pipeline recomputes an event from
-- its sources and then lays these on top, so a re-crawl never clobbers a
-- field staff changed. source_value is what the sources said when staff
-- edited; when a re-crawl brings something else, source_now and
-- source_changed_at tell staff that the source moved under their edit.
CREATE TABLE event_overrides (
    event_id           bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    field              text NOT NULL,
    value              jsonb NOT NULL,
    source_value       jsonb NOT NULL,
    source_now         jsonb,
    source_changed_at  timestamptz,
    set_by             text NOT NULL,
    set_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, field)
);

-- The review side of an event: the last approved version (for the
-- field-by-field diff when the source changes it), the last staff decision
-- and the last content change after approval. An event is back in the queue
-- as "changed" while changed_at is later than decided_at.
CREATE TABLE event_reviews (
    event_id        bigint PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    approved_draft  jsonb,
    approved_at     timestamptz,
    approved_by     text,
    decided_at      timestamptz,
    decided_by      text,
    reject_reason   text NOT NULL DEFAULT '',
    changed_at      timestamptz
);
CREATE INDEX event_reviews_changed ON event_reviews (changed_at) WHERE changed_at IS NOT NULL;

-- Staff decisions about duplicates that the pipeline's matching respects:
-- this item is not the event (a split, or a suggested pair dismissed), so
-- a new occurrence of the item is never matched to it again.
CREATE TABLE dedup_distinct (
    item_id     bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    event_id    bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    decided_by  text NOT NULL,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, event_id)
);
CREATE INDEX dedup_distinct_event ON dedup_distinct (event_id);

-- Staff merges, kept so a split can undo one: which links moved from the
-- merged-away event to the kept one.
CREATE TABLE event_merges (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    into_id     bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    links       jsonb NOT NULL,
    merged_by   text NOT NULL,
    merged_at   timestamptz NOT NULL DEFAULT now(),
    split_at    timestamptz
);
CREATE INDEX event_merges_into ON event_merges (into_id) WHERE split_at IS NULL;

-- The queue reads pending and changed events newest first.
CREATE INDEX events_review_queue ON events (created_at DESC, id DESC) WHERE merged_into IS NULL;

-- +goose Down
DROP INDEX events_review_queue;
DROP TABLE event_merges;
DROP TABLE dedup_distinct;
DROP TABLE event_reviews;
DROP TABLE event_overrides;
