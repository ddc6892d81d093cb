-- +goose Up
-- A one-time password (printed by `treffpunkt users add`) must be replaced
-- at the first login: until then the account can do nothing else.
ALTER TABLE staff_users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE staff_users DROP COLUMN must_change_password;
