-- The number shield (ADR 0020). A NULL expires_at never expires.

-- name: ShieldSettingsGet
SELECT code_prefix, code_length, code_ttl_seconds, fixed_code, webhook_url, webhook_secret, timezone, updated_at
FROM shield_settings WHERE tenant_id = $1;

-- name: ShieldSettingsSave
INSERT INTO shield_settings (tenant_id, code_prefix, code_length, code_ttl_seconds, fixed_code, webhook_url,
                             webhook_secret, timezone, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (tenant_id) DO UPDATE SET code_prefix = excluded.code_prefix, code_length = excluded.code_length,
    code_ttl_seconds = excluded.code_ttl_seconds, fixed_code = excluded.fixed_code, webhook_url = excluded.webhook_url,
    webhook_secret = excluded.webhook_secret, timezone = excluded.timezone, updated_at = excluded.updated_at;

-- name: ShieldNumberInsert
INSERT INTO shield_numbers (id, tenant_id, number, purpose, area, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: ShieldNumberGet
SELECT id, tenant_id, number, purpose, area, created_at FROM shield_numbers WHERE tenant_id = $1 AND id = $2;

-- name: ShieldNumberList
SELECT id, tenant_id, number, purpose, area, created_at FROM shield_numbers WHERE tenant_id = $1 ORDER BY number, id;

-- name: ShieldNumberDelete
DELETE FROM shield_numbers WHERE tenant_id = $1 AND id = $2;

-- name: ShieldRuleInsert
INSERT INTO shield_rules (id, tenant_id, name, condition, outcome, reason, caller_id, record, notify, position,
                          created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: ShieldRuleGet
SELECT id, tenant_id, name, condition, outcome, reason, caller_id, record, notify, position, created_at, updated_at
FROM shield_rules WHERE tenant_id = $1 AND id = $2;

-- name: ShieldRuleList
SELECT id, tenant_id, name, condition, outcome, reason, caller_id, record, notify, position, created_at, updated_at
FROM shield_rules WHERE tenant_id = $1 ORDER BY position, id;

-- name: ShieldRuleUpdate
UPDATE shield_rules SET name = $3, condition = $4, outcome = $5, reason = $6, caller_id = $7, record = $8, notify = $9,
    position = $10, updated_at = $11
WHERE tenant_id = $1 AND id = $2;

-- name: ShieldRuleDelete
DELETE FROM shield_rules WHERE tenant_id = $1 AND id = $2;

-- name: ShieldEntryInsert
INSERT INTO shield_list_entries (id, tenant_id, list, number, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: ShieldEntryList
-- $2 is the list ('' for both), $3 the previous page's last number.
SELECT id, tenant_id, list, number, created_at FROM shield_list_entries
WHERE tenant_id = $1 AND ($2 = '' OR list = $2) AND number > $3
ORDER BY number, list LIMIT $4;

-- name: ShieldEntryDelete
DELETE FROM shield_list_entries WHERE tenant_id = $1 AND list = $2 AND id = $3;

-- name: ShieldBindingInsert
INSERT INTO shield_bindings (id, tenant_id, type, x, a, b, direction, record, external_id, allowed_callers, expires_at,
                             created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: ShieldBindingGet
SELECT id, tenant_id, type, x, a, b, direction, record, external_id, allowed_callers, expires_at, created_at, updated_at
FROM shield_bindings WHERE tenant_id = $1 AND id = $2;

-- name: ShieldBindingList
-- $3 (when not 0) keeps the bindings live at that time.
SELECT id, tenant_id, type, x, a, b, direction, record, external_id, allowed_callers, expires_at, created_at, updated_at
FROM shield_bindings
WHERE tenant_id = $1 AND id > $2 AND (CAST($3 AS BIGINT) = 0 OR expires_at IS NULL OR expires_at > $3)
ORDER BY id LIMIT $4;

-- name: ShieldBindingUpdate
UPDATE shield_bindings SET b = $3, direction = $4, record = $5, external_id = $6, allowed_callers = $7, expires_at = $8,
    updated_at = $9
WHERE tenant_id = $1 AND id = $2;

-- name: ShieldBindingDelete
DELETE FROM shield_bindings WHERE tenant_id = $1 AND id = $2;

-- name: ShieldBindingLiveOn
SELECT count(*) FROM shield_bindings
WHERE tenant_id = $1 AND x = $2 AND (expires_at IS NULL OR expires_at > $3);

-- name: ShieldLastCaller
SELECT last_caller FROM shield_bindings WHERE tenant_id = $1 AND id = $2;

-- name: ShieldLastCallerSet
-- A later call wins: batches may be written out of order.
UPDATE shield_bindings SET last_caller = $3, last_caller_at = $4
WHERE tenant_id = $1 AND id = $2 AND last_caller_at <= $4;

-- name: ShieldPartyFree
-- Frees a party's claim on X held by a binding that has expired.
DELETE FROM shield_binding_parties
WHERE tenant_id = $1 AND x = $2 AND party = $3 AND expires_at IS NOT NULL AND expires_at <= $4;

-- name: ShieldPartyInsert
INSERT INTO shield_binding_parties (tenant_id, x, party, binding_id, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: ShieldPartiesClear
DELETE FROM shield_binding_parties WHERE tenant_id = $1 AND binding_id = $2;

-- name: ShieldPartyBusy
-- The X values on which a party is bound by a live binding.
SELECT x FROM shield_binding_parties
WHERE tenant_id = $1 AND party = $2 AND (expires_at IS NULL OR expires_at > $3);

-- name: ShieldCodePrune
DELETE FROM shield_dial_codes WHERE tenant_id = $1 AND agent_id = $2 AND expires_at <= $3;

-- name: ShieldCodeInsert
-- Inserts nothing when the agent holds the code already.
INSERT INTO shield_dial_codes (tenant_id, agent_id, code, customer_id, reusable, expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (tenant_id, agent_id, code) DO NOTHING;

-- name: ShieldCodeGet
SELECT code, agent_id, customer_id, reusable, expires_at, used_at, created_at
FROM shield_dial_codes WHERE tenant_id = $1 AND agent_id = $2 AND code = $3;

-- name: ShieldCodeUse
UPDATE shield_dial_codes SET used_at = $4 WHERE tenant_id = $1 AND agent_id = $2 AND code = $3 AND used_at IS NULL;

-- name: ShieldDecisionInsert
INSERT INTO shield_decisions (id, tenant_id, at, call_id, caller, destination, via, agent_id, customer_id, binding_id,
                              actor_id, outcome, code, reason, rule_id, caller_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: ShieldDecisionList
-- Newest first over shield_decisions_recent; $2/$3 are the keyset cursor
-- (at, id) of the previous page.
SELECT id, tenant_id, at, call_id, caller, destination, via, agent_id, customer_id, binding_id, actor_id, outcome, code,
       reason, rule_id, caller_id
FROM shield_decisions
WHERE tenant_id = $1 AND (CAST($2 AS BIGINT) = 0 OR at < $2 OR (at = $2 AND id < $3))
ORDER BY at DESC, id DESC LIMIT $4;

-- name: ShieldDecisionListCustomer
-- One customer's decisions, newest first, over shield_decisions_customer.
SELECT id, tenant_id, at, call_id, caller, destination, via, agent_id, customer_id, binding_id, actor_id, outcome, code,
       reason, rule_id, caller_id
FROM shield_decisions
WHERE tenant_id = $1 AND customer_id = $2 AND (CAST($3 AS BIGINT) = 0 OR at < $3 OR (at = $3 AND id < $4))
ORDER BY at DESC, id DESC LIMIT $5;
