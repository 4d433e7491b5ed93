-- Conversations and the web chat channel: inboxes, customers with their
-- channel identities, contacts (one row per interaction in a customer's
-- timeline), conversations with a per-conversation message sequence, and
-- attachments. Messages are numbered 1, 2, 3 … per conversation by
-- conversations.last_seq, which every append increments in the same
-- transaction; (conversation_id, seq) and (conversation_id, client_id) are
-- unique, so a sequence never has gaps or duplicates.

-- +goose Up
CREATE TABLE inboxes (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    channel         TEXT NOT NULL CHECK (channel IN ('webchat', 'sms', 'email', 'wechat', 'voice', 'api')),
    name            TEXT NOT NULL,
    public_key      TEXT NOT NULL UNIQUE,
    identity_secret TEXT NOT NULL,
    settings        TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE inbox_members (
    tenant_id TEXT NOT NULL,
    inbox_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (inbox_id, user_id),
    FOREIGN KEY (tenant_id, inbox_id) REFERENCES inboxes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX inbox_members_user ON inbox_members (user_id);

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);

CREATE TABLE customer_identities (
    tenant_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, value),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE contacts (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    channel         TEXT NOT NULL,
    inbox_id        TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    ended_at        BIGINT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX contacts_customer ON contacts (tenant_id, customer_id, started_at);

CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    inbox_id         TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    contact_id       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'snoozed')),
    assignee_id      TEXT,
    team_id          TEXT,
    last_seq         BIGINT NOT NULL DEFAULT 0,
    last_message_at  BIGINT NOT NULL DEFAULT 0,
    snoozed_until    BIGINT,
    visitor_read_seq BIGINT NOT NULL DEFAULT 0,
    agent_read_seq   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, inbox_id) REFERENCES inboxes (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX conversations_activity ON conversations (tenant_id, last_message_at, id);
CREATE INDEX conversations_customer ON conversations (tenant_id, customer_id, inbox_id);
CREATE INDEX conversations_assignee ON conversations (tenant_id, assignee_id);
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 'snoozed';

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    sender_type     TEXT NOT NULL CHECK (sender_type IN ('visitor', 'agent', 'system', 'bot')),
    sender_id       TEXT NOT NULL DEFAULT '',
    sender_name     TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    private         BOOLEAN NOT NULL DEFAULT FALSE,
    client_id       TEXT,
    event           TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_id),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id)
);

CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    inbox_id        TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    uploader_type   TEXT NOT NULL CHECK (uploader_type IN ('visitor', 'agent')),
    uploader_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);

-- +goose Down
DROP TABLE attachments;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
DROP TABLE customer_identities;
DROP TABLE customers;
DROP TABLE inbox_members;
DROP TABLE inboxes;
