-- name: InboxInsert
INSERT INTO inboxes (id, tenant_id, channel, name, public_key, identity_secret, settings, created_at, updated_at,
                     default_queue_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: InboxMemberAdd
-- Inserts nothing when the user is not a live user of the tenant.
INSERT INTO inbox_members (tenant_id, inbox_id, user_id)
SELECT tenant_id, CAST($2 AS TEXT), id FROM users WHERE tenant_id = $1 AND id = $3 AND deleted_at IS NULL;

-- name: InboxMembersClear
DELETE FROM inbox_members WHERE tenant_id = $1 AND inbox_id = $2;

-- name: InboxGet
SELECT i.id, i.tenant_id, i.channel, i.name, i.public_key, i.identity_secret, i.settings, i.created_at, i.updated_at,
       COALESCE((SELECT string_agg(m.user_id, ',' ORDER BY m.user_id) FROM inbox_members m WHERE m.tenant_id = i.tenant_id AND m.inbox_id = i.id), ''),
       i.default_queue_id
FROM inboxes i WHERE i.tenant_id = $1 AND i.id = $2;

-- name: InboxGetByKey
SELECT i.id, i.tenant_id, i.channel, i.name, i.public_key, i.identity_secret, i.settings, i.created_at, i.updated_at,
       COALESCE((SELECT string_agg(m.user_id, ',' ORDER BY m.user_id) FROM inbox_members m WHERE m.tenant_id = i.tenant_id AND m.inbox_id = i.id), ''),
       i.default_queue_id
FROM inboxes i WHERE i.public_key = $1;

-- name: InboxList
SELECT i.id, i.tenant_id, i.channel, i.name, i.public_key, i.identity_secret, i.settings, i.created_at, i.updated_at,
       COALESCE((SELECT string_agg(m.user_id, ',' ORDER BY m.user_id) FROM inbox_members m WHERE m.tenant_id = i.tenant_id AND m.inbox_id = i.id), ''),
       i.default_queue_id
FROM inboxes i
WHERE i.tenant_id = $1 AND i.id > $2
  AND ($3 = '' OR EXISTS (SELECT 1 FROM inbox_members m WHERE m.tenant_id = i.tenant_id AND m.inbox_id = i.id AND m.user_id = $3))
ORDER BY i.id LIMIT $4;

-- name: InboxUpdate
UPDATE inboxes SET name = $3, identity_secret = $4, settings = $5, updated_at = $6, default_queue_id = $7
WHERE tenant_id = $1 AND id = $2;

-- name: InboxHasConversations
-- Only conversations with messages keep an inbox: widget sessions that
-- never wrote leave empty ones, which go with the inbox.
SELECT count(*) FROM conversations WHERE tenant_id = $1 AND inbox_id = $2 AND last_seq > 0;

-- name: InboxEmptyContactsDelete
DELETE FROM contacts WHERE tenant_id = $1 AND inbox_id = $2
  AND conversation_id IN (SELECT id FROM conversations WHERE tenant_id = $1 AND inbox_id = $2 AND last_seq = 0);

-- name: InboxEmptyConversationsDelete
DELETE FROM conversations WHERE tenant_id = $1 AND inbox_id = $2 AND last_seq = 0;

-- name: InboxDelete
DELETE FROM inboxes WHERE tenant_id = $1 AND id = $2;

-- name: InboxesOfUser
SELECT inbox_id FROM inbox_members WHERE tenant_id = $1 AND user_id = $2 ORDER BY inbox_id;
