-- +goose Up
-- 64 stripes instead of 16: a crawl writes a big feed's batches on eight
-- connections at once, and two of eight backends shared a stripe in most
-- runs (pid % 16), so one waited for the other's whole transaction on the
-- stripe's row lock (84 ms per bump in the ten-feeds benchmark).
INSERT INTO data_version (slot) SELECT generate_series(16, 63) ON CONFLICT DO NOTHING;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_bump_data_version() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('treffpunkt.version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version SET n = n + 1 WHERE slot = pg_backend_pid() % 64;
        PERFORM set_config('treffpunkt.version_bumped', 'on', true);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tp_bump_data_version() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('treffpunkt.version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version SET n = n + 1 WHERE slot = pg_backend_pid() % 16;
        PERFORM set_config('treffpunkt.version_bumped', 'on', true);
    END IF;
END $$;
-- +goose StatementEnd
-- The counts of the upper stripes move to the lower ones, so the sum
-- (the version) never goes back.
UPDATE data_version d SET n = d.n + u.n FROM (SELECT slot % 16 AS s, sum(n) AS n FROM data_version WHERE slot >= 16 GROUP BY 1) u
    WHERE d.slot = u.s;
DELETE FROM data_version WHERE slot >= 16;
