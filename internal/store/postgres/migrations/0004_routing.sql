-- Routing (ADR 0015): queues with their settings, the work items routed
-- through them (one active item per routed object), agents' presence, the
-- rules that choose a queue, away reasons, per-tenant routing settings and
-- the ownership epoch that fences a routing node which lost its lease
-- (ADR 0016). Agents' capacity per channel lives on users, next to skills.
-- JSON columns hold small lists the engine reads whole.

-- +goose Up
ALTER TABLE users ADD COLUMN capacity TEXT NOT NULL DEFAULT '';
ALTER TABLE inboxes ADD COLUMN default_queue_id TEXT NOT NULL DEFAULT '';

CREATE TABLE queues (
    id                         TEXT PRIMARY KEY,
    tenant_id                  TEXT NOT NULL REFERENCES tenants (id),
    name                       TEXT NOT NULL,
    skills                     TEXT NOT NULL DEFAULT '[]',
    priority                   INTEGER NOT NULL DEFAULT 0,
    strategy                   TEXT NOT NULL,
    auto_accept                BOOLEAN NOT NULL DEFAULT FALSE,
    offer_timeout_seconds      INTEGER NOT NULL,
    max_wait_seconds           INTEGER NOT NULL DEFAULT 0,
    wrap_up_seconds            INTEGER NOT NULL DEFAULT 0,
    overflow                   TEXT NOT NULL DEFAULT '[]',
    sticky_seconds             INTEGER NOT NULL DEFAULT 0,
    target_percent             INTEGER NOT NULL,
    target_seconds             INTEGER NOT NULL,
    missed_offer_away          BOOLEAN NOT NULL DEFAULT TRUE,
    alternatives_after_seconds INTEGER NOT NULL DEFAULT 0,
    hours                      TEXT NOT NULL DEFAULT '',
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE routing_items (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    queue_id    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    ref         TEXT NOT NULL,
    customer_id TEXT NOT NULL DEFAULT '',
    priority    INTEGER NOT NULL DEFAULT 0,
    attributes  TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL CHECK (status IN ('queued', 'offered', 'assigned', 'completed', 'abandoned')),
    agent_id    TEXT NOT NULL DEFAULT '',
    offer_id    TEXT NOT NULL DEFAULT '',
    offered_at  BIGINT NOT NULL DEFAULT 0,
    expires_at  BIGINT NOT NULL DEFAULT 0,
    declined    TEXT NOT NULL DEFAULT '[]',
    sticky      TEXT NOT NULL DEFAULT '',
    forced      BOOLEAN NOT NULL DEFAULT FALSE,
    enqueued_at BIGINT NOT NULL,
    queued_at   BIGINT NOT NULL,
    assigned_at BIGINT NOT NULL DEFAULT 0,
    ended_at    BIGINT NOT NULL DEFAULT 0,
    end_reason  TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX routing_items_active ON routing_items (tenant_id, ref)
    WHERE status IN ('queued', 'offered', 'assigned');
CREATE INDEX routing_items_ended ON routing_items (tenant_id, ended_at) WHERE ended_at > 0;
CREATE INDEX routing_items_customer ON routing_items (tenant_id, customer_id, assigned_at) WHERE assigned_at > 0;

CREATE TABLE agent_presence (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    presence  TEXT NOT NULL CHECK (presence IN ('offline', 'available', 'away', 'after_work')),
    reason    TEXT NOT NULL DEFAULT '',
    since     BIGINT NOT NULL,
    wrap_until BIGINT NOT NULL DEFAULT 0,
    idle_since BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE away_reasons (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE routing_rules (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    inbox_id   TEXT NOT NULL DEFAULT '',
    expression TEXT NOT NULL,
    queue_id   TEXT NOT NULL,
    FOREIGN KEY (tenant_id, queue_id) REFERENCES queues (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX routing_rules_tenant ON routing_rules (tenant_id, position);

CREATE TABLE routing_settings (
    tenant_id          TEXT PRIMARY KEY REFERENCES tenants (id),
    voice_blocks_chats BOOLEAN NOT NULL DEFAULT FALSE,
    timezone           TEXT NOT NULL DEFAULT 'UTC',
    epoch              BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE routing_settings;
DROP TABLE routing_rules;
DROP TABLE away_reasons;
DROP TABLE agent_presence;
DROP TABLE routing_items;
DROP TABLE queues;
ALTER TABLE inboxes DROP COLUMN default_queue_id;
ALTER TABLE users DROP COLUMN capacity;
