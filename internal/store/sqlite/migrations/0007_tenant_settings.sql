-- Settings a tenant's own administrator changes: the language the web app
-- and the chat widget fall back to, and after how many hours without a
-- message an open or pending conversation is resolved automatically (0 is
-- off). The auto-resolver looks for such conversations every minute across
-- tenants; conversations_idle holds only open and pending ones, so that
-- look-up does not walk a tenant's resolved history the way
-- conversations_activity would.

-- +goose Up
ALTER TABLE tenants ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE tenants ADD COLUMN auto_resolve_after_hours INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_idle ON conversations (tenant_id, last_message_at) WHERE status IN ('open', 'pending');

-- +goose Down
DROP INDEX conversations_idle;
ALTER TABLE tenants DROP COLUMN auto_resolve_after_hours;
ALTER TABLE tenants DROP COLUMN default_locale;
