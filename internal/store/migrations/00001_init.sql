-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- A partner site. config holds the whole sources-file entry so a crawl can be
-- re-run from the database alone.
CREATE TABLE sources (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    url         text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('html', 'jsonld', 'ical')),
    publish     text NOT NULL DEFAULT 'review' CHECK (publish IN ('auto', 'review')),
    enabled     boolean NOT NULL DEFAULT true,
    config      jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id       text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    pages           integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    items           integer NOT NULL DEFAULT 0,
    events_new      integer NOT NULL DEFAULT 0,
    events_updated  integer NOT NULL DEFAULT 0,
    vanished        integer NOT NULL DEFAULT 0,
    errors          integer NOT NULL DEFAULT 0,
    error           text,
    complete        boolean NOT NULL DEFAULT false
);
CREATE INDEX crawl_runs_source_started ON crawl_runs (source_id, started_at DESC);

-- Per-URL problems of a run, for staff.
CREATE TABLE crawl_errors (
    run_id      bigint NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    url         text NOT NULL,
    status      integer,
    message     text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crawl_errors_run ON crawl_errors (run_id);

-- What was fetched per URL: the validators for conditional GET.
CREATE TABLE fetches (
    source_id      text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url            text NOT NULL,
    final_url      text NOT NULL,
    status         integer NOT NULL,
    etag           text NOT NULL DEFAULT '',
    last_modified  text NOT NULL DEFAULT '',
    content_hash   text NOT NULL DEFAULT '',
    fetched_at     timestamptz NOT NULL,
    PRIMARY KEY (source_id, url)
);

-- Raw extracted items: everything the scraper saw, so normalisation can be
-- re-run without re-crawling. Identity within a source is (source_id, key).
CREATE TABLE items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id       text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    key             text NOT NULL,
    page_url        text NOT NULL,
    raw             jsonb NOT NULL,
    raw_hash        text NOT NULL,
    normalize_error text,
    first_seen      timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz NOT NULL DEFAULT now(),
    vanished_at     timestamptz,
    UNIQUE (source_id, key)
);
CREATE INDEX items_page ON items (source_id, page_url);

-- Normalised events. review is the staff workflow state, status the
-- organiser's own (scheduled/cancelled/postponed).
CREATE TABLE events (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid                   text NOT NULL UNIQUE,
    title                 text NOT NULL,
    description           text NOT NULL DEFAULT '',
    description_html      text NOT NULL DEFAULT '',
    start_at              timestamptz NOT NULL,
    end_at                timestamptz,
    all_day               boolean NOT NULL DEFAULT false,
    online                text NOT NULL DEFAULT 'no' CHECK (online IN ('no', 'yes', 'hybrid')),
    venue                 text NOT NULL DEFAULT '',
    street                text NOT NULL DEFAULT '',
    postal_code           text NOT NULL DEFAULT '',
    city                  text NOT NULL DEFAULT '',
    region                text,
    lat                   double precision,
    lon                   double precision,
    languages             text[] NOT NULL DEFAULT '{}',
    topics                text[] NOT NULL DEFAULT '{}',
    recurrence            text NOT NULL DEFAULT '',
    registration_required boolean,
    cost_free             boolean,
    organizer             text NOT NULL DEFAULT '',
    status                text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled', 'postponed')),
    review                text NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'published', 'rejected')),
    low_confidence        boolean NOT NULL DEFAULT false,
    -- The full normalised draft (contact, audience, confidence, warnings…).
    draft                 jsonb NOT NULL DEFAULT '{}',
    -- Hash of the normalised content: an unchanged re-crawl writes nothing.
    fingerprint           text NOT NULL,
    sequence              integer NOT NULL DEFAULT 0,
    series_id             text,
    merged_into           bigint REFERENCES events (id),
    vanished_at           timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_start ON events (start_at);
CREATE INDEX events_region ON events (region);
CREATE INDEX events_series ON events (series_id) WHERE series_id IS NOT NULL;
CREATE INDEX events_title_trgm ON events USING gin (lower(title) gin_trgm_ops);

-- Which item (and which of its occurrences: one announcement may list
-- several dates) produced which event. Several items may point at one event
-- once deduplication merges cross-posts.
CREATE TABLE event_items (
    item_id     bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    occurrence  integer NOT NULL,
    event_id    bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    draft       jsonb NOT NULL,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, occurrence)
);
CREATE INDEX event_items_event ON event_items (event_id);

-- +goose Down
DROP TABLE event_items;
DROP TABLE events;
DROP TABLE items;
DROP TABLE fetches;
DROP TABLE crawl_errors;
DROP TABLE crawl_runs;
DROP TABLE sources;
