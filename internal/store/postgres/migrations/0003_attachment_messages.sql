-- Attachments are uploaded into a conversation first and bound to the
-- message that carries them when it is sent: message_id records that (an
-- attachment is sent once), shared whether the message was visible to the
-- customer (a private note's files stay internal).

-- +goose Up
ALTER TABLE attachments ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN shared BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX attachments_conversation ON attachments (tenant_id, conversation_id);

-- +goose Down
DROP INDEX attachments_conversation;
ALTER TABLE attachments DROP COLUMN shared;
ALTER TABLE attachments DROP COLUMN message_id;
