-- How long an agent may be without an agent socket before routing sets
-- them offline (reason "disconnected"); 0 never does.

-- +goose Up
ALTER TABLE routing_settings ADD COLUMN disconnect_grace_seconds INTEGER NOT NULL DEFAULT 60;

-- +goose Down
ALTER TABLE routing_settings DROP COLUMN disconnect_grace_seconds;
