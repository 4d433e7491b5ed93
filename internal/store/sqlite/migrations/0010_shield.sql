-- The number shield (ADR 0020). Users gain a phone extension (unique among
-- the tenant's live users; NULL for none) and a level for the shield's
-- rules.
--
-- shield_numbers is the tenant's pool of virtual numbers by purpose;
-- shield_rules are evaluated in position order; shield_list_entries are the
-- block and allow lists (a number or an E.164 prefix). A binding's parties
-- are indexed in shield_binding_parties, whose primary key keeps a party on
-- one binding per X; a party row of an expired binding is deleted when a
-- new binding claims it (expires_at NULL never expires). The party "*" is
-- an AXN binding open to every caller. Dial codes belong to the agent who
-- asked for them, so their key leads with the agent; an agent's expired
-- codes are deleted when they ask for a new one. shield_decisions is the
-- record of every resolve, written in batches; it holds masked numbers
-- only, and is read newest first by tenant and by customer.

-- +goose Up
ALTER TABLE users ADD COLUMN extension TEXT;
ALTER TABLE users ADD COLUMN level INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX users_extension ON users (tenant_id, extension) WHERE extension IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE shield_settings (
    tenant_id        TEXT PRIMARY KEY REFERENCES tenants (id),
    code_prefix      TEXT NOT NULL,
    code_length      INTEGER NOT NULL,
    code_ttl_seconds INTEGER NOT NULL,
    fixed_code       TEXT NOT NULL,
    webhook_url      TEXT NOT NULL,
    webhook_secret   TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE shield_numbers (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    number     TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    area       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, number)
);

CREATE TABLE shield_rules (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    condition  TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    caller_id  TEXT NOT NULL,
    record     BOOLEAN NOT NULL,
    notify     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX shield_rules_order ON shield_rules (tenant_id, position, id);

CREATE TABLE shield_list_entries (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    list       TEXT NOT NULL,
    number     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, list, number)
);

CREATE TABLE shield_bindings (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    type            TEXT NOT NULL,
    x               TEXT NOT NULL,
    a               TEXT NOT NULL,
    b               TEXT NOT NULL,
    direction       TEXT NOT NULL,
    record          BOOLEAN NOT NULL,
    external_id     TEXT NOT NULL,
    allowed_callers TEXT NOT NULL,
    last_caller     TEXT NOT NULL DEFAULT '',
    last_caller_at  BIGINT NOT NULL DEFAULT 0,
    expires_at      BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX shield_bindings_x ON shield_bindings (tenant_id, x);

CREATE TABLE shield_binding_parties (
    tenant_id  TEXT NOT NULL,
    x          TEXT NOT NULL,
    party      TEXT NOT NULL,
    binding_id TEXT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (tenant_id, x, party),
    FOREIGN KEY (tenant_id, binding_id) REFERENCES shield_bindings (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX shield_binding_parties_party ON shield_binding_parties (tenant_id, party);
CREATE INDEX shield_binding_parties_binding ON shield_binding_parties (tenant_id, binding_id);

CREATE TABLE shield_dial_codes (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    agent_id    TEXT NOT NULL,
    code        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    reusable    BOOLEAN NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, code)
);

CREATE TABLE shield_decisions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    at          BIGINT NOT NULL,
    call_id     TEXT NOT NULL,
    caller      TEXT NOT NULL,
    destination TEXT NOT NULL,
    via         TEXT NOT NULL,
    agent_id    TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    binding_id  TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    code        INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    caller_id   TEXT NOT NULL
);
CREATE INDEX shield_decisions_recent ON shield_decisions (tenant_id, at, id);
CREATE INDEX shield_decisions_customer ON shield_decisions (tenant_id, customer_id, at, id);

-- +goose Down
DROP TABLE shield_decisions;
DROP TABLE shield_dial_codes;
DROP TABLE shield_binding_parties;
DROP TABLE shield_bindings;
DROP TABLE shield_list_entries;
DROP TABLE shield_rules;
DROP TABLE shield_numbers;
DROP TABLE shield_settings;
DROP INDEX users_extension;
ALTER TABLE users DROP COLUMN level;
ALTER TABLE users DROP COLUMN extension;
