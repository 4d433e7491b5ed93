-- Conversations and messages. An inbound message is three statements:
-- ConversationBump (the next seq, under the row's write lock; for a visitor
-- only while the conversation is open or pending), MessageInsert, and the
-- service's outbox insert. A resent client_id is refused by the unique index
-- and answered by MessageByClientID; a visitor writing to a resolved or
-- snoozed conversation adds ConversationGet and the reopening.

-- name: ConversationInsert
INSERT INTO conversations (id, tenant_id, inbox_id, customer_id, contact_id, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: ConversationGet
SELECT id, tenant_id, inbox_id, customer_id, contact_id, status, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
       last_seq, last_message_at, snoozed_until, visitor_read_seq, agent_read_seq, created_at, updated_at
FROM conversations WHERE tenant_id = $1 AND id = $2;

-- name: ConversationFindActive
SELECT id, tenant_id, inbox_id, customer_id, contact_id, status, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
       last_seq, last_message_at, snoozed_until, visitor_read_seq, agent_read_seq, created_at, updated_at
FROM conversations
WHERE tenant_id = $1 AND inbox_id = $2 AND customer_id = $3 AND status <> 'resolved'
ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: ConversationList
-- Newest activity first; conversations without messages are not listed.
-- $9/$10 are the keyset cursor (last_message_at, id) of the previous page.
SELECT id, tenant_id, inbox_id, customer_id, contact_id, status, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
       last_seq, last_message_at, snoozed_until, visitor_read_seq, agent_read_seq, created_at, updated_at
FROM conversations c
WHERE c.tenant_id = $1 AND c.last_seq > 0
  AND ($2 = '' OR c.status = $2)
  AND ($3 = '' OR c.inbox_id = $3)
  AND ($4 = '' OR c.team_id = $4)
  AND ($5 = '' OR c.assignee_id = $5)
  AND ($6 = 0 OR c.assignee_id IS NULL)
  AND ($7 = '' OR c.assignee_id = $7
       OR (c.assignee_id IS NULL AND EXISTS (SELECT 1 FROM inbox_members m WHERE m.tenant_id = c.tenant_id AND m.inbox_id = c.inbox_id AND m.user_id = $7)))
  AND ($8 = '' OR c.customer_id = $8)
  AND (CAST($9 AS BIGINT) = 0 OR c.last_message_at < $9 OR (c.last_message_at = $9 AND c.id < $10))
ORDER BY c.last_message_at DESC, c.id DESC
LIMIT $11;

-- name: ConversationBump
-- Takes the next sequence number; $4 (when not '') sets the status and
-- clears a snooze; $5 (when not '') matches only an open or pending
-- conversation.
UPDATE conversations SET
    last_seq = last_seq + 1,
    last_message_at = $3,
    updated_at = $3,
    status = CASE WHEN $4 <> '' THEN $4 ELSE status END,
    snoozed_until = CASE WHEN $4 <> '' THEN NULL ELSE snoozed_until END
WHERE tenant_id = $1 AND id = $2 AND ($5 = '' OR status IN ('open', 'pending'))
RETURNING id, tenant_id, inbox_id, customer_id, contact_id, status, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
          last_seq, last_message_at, snoozed_until, visitor_read_seq, agent_read_seq, created_at, updated_at;

-- name: ConversationSetStatus
-- $6 (when not '') and $7 (when not 0) make it conditional on the current
-- status and last seq.
UPDATE conversations SET status = $3, snoozed_until = $4, updated_at = $5
WHERE tenant_id = $1 AND id = $2 AND ($6 = '' OR status = $6) AND (CAST($7 AS BIGINT) = 0 OR last_seq = $7);

-- name: ConversationSetAssignment
UPDATE conversations SET assignee_id = $3, team_id = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2;

-- name: ConversationUserExists
SELECT count(*) FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: ConversationTeamExists
SELECT count(*) FROM teams WHERE tenant_id = $1 AND id = $2;

-- name: ConversationMarkVisitorRead
UPDATE conversations SET visitor_read_seq = $3 WHERE tenant_id = $1 AND id = $2 AND visitor_read_seq < $3 AND $3 <= last_seq;

-- name: ConversationMarkAgentRead
UPDATE conversations SET agent_read_seq = $3 WHERE tenant_id = $1 AND id = $2 AND agent_read_seq < $3 AND $3 <= last_seq;

-- name: ConversationDueSnoozed
SELECT id, tenant_id, inbox_id, customer_id, contact_id, status, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
       last_seq, last_message_at, snoozed_until, visitor_read_seq, agent_read_seq, created_at, updated_at
FROM conversations WHERE status = 'snoozed' AND snoozed_until <= $1 ORDER BY snoozed_until LIMIT $2;

-- name: ConversationDueAutoResolve
-- Across tenants, like ConversationDueSnoozed: open and pending
-- conversations with messages whose last one is at least the tenant's
-- auto_resolve_after_hours old (conversations_idle holds exactly these
-- statuses, by tenant and last message).
SELECT c.id, c.tenant_id, c.inbox_id, c.customer_id, c.contact_id, c.status, COALESCE(c.assignee_id, ''),
       COALESCE(c.team_id, ''), c.last_seq, c.last_message_at, c.snoozed_until, c.visitor_read_seq, c.agent_read_seq,
       c.created_at, c.updated_at
FROM tenants t JOIN conversations c ON c.tenant_id = t.id
WHERE t.status = 'active' AND t.auto_resolve_after_hours > 0
  AND c.status IN ('open', 'pending') AND c.last_message_at > 0
  AND c.last_message_at <= CAST($1 AS BIGINT) - CAST(t.auto_resolve_after_hours AS BIGINT) * 3600000
ORDER BY c.last_message_at, c.id LIMIT $2;

-- name: MessageInsert
INSERT INTO messages (id, tenant_id, conversation_id, seq, sender_type, sender_id, sender_name, body, private,
                      client_id, event, attachments, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: MessageByClientID
SELECT id, tenant_id, conversation_id, seq, sender_type, sender_id, sender_name, body, private,
       COALESCE(client_id, ''), event, attachments, created_at
FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND client_id = $3;

-- name: MessagesAfter
SELECT id, tenant_id, conversation_id, seq, sender_type, sender_id, sender_name, body, private,
       COALESCE(client_id, ''), event, attachments, created_at
FROM messages
WHERE tenant_id = $1 AND conversation_id = $2 AND seq > $3 AND ($4 = 1 OR private = FALSE)
ORDER BY seq LIMIT $5;

-- name: MessagesBefore
-- The last $5 messages before seq $3, newest first (the store reverses them).
SELECT id, tenant_id, conversation_id, seq, sender_type, sender_id, sender_name, body, private,
       COALESCE(client_id, ''), event, attachments, created_at
FROM messages
WHERE tenant_id = $1 AND conversation_id = $2 AND seq < $3 AND ($4 = 1 OR private = FALSE)
ORDER BY seq DESC LIMIT $5;

-- name: AttachmentBind
-- Binds one of the sender's uploads to the message that carries it, once.
UPDATE attachments SET message_id = $3, shared = $4
WHERE tenant_id = $1 AND id = $2 AND conversation_id = $5 AND message_id = ''
  AND uploader_type = $6 AND uploader_id = $7
RETURNING id, name, content_type, size;
