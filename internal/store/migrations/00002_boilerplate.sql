-- +goose Up
-- Paragraphs that repeat across many pages of one site (a radio-show blurb,
-- a funding notice): removed from descriptions and from matching.
CREATE TABLE source_boilerplate (
    source_id   text PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    paragraphs  text[] NOT NULL DEFAULT '{}',
    learned_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE source_boilerplate;
