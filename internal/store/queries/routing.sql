-- Routing (ADR 0015): queues, work items, agents' presence, rules, away
-- reasons and per-tenant settings with the ownership epoch (ADR 0016).

-- name: RoutingSettingsGet
SELECT voice_blocks_chats, timezone, disconnect_grace_seconds FROM routing_settings WHERE tenant_id = $1;

-- name: RoutingSettingsPut
INSERT INTO routing_settings (tenant_id, voice_blocks_chats, timezone, disconnect_grace_seconds) VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant_id) DO UPDATE SET voice_blocks_chats = excluded.voice_blocks_chats, timezone = excluded.timezone,
    disconnect_grace_seconds = excluded.disconnect_grace_seconds;

-- name: RoutingClaim
-- Takes the next epoch: every claim is higher than all before it.
INSERT INTO routing_settings (tenant_id, epoch) VALUES ($1, 1)
ON CONFLICT (tenant_id) DO UPDATE SET epoch = routing_settings.epoch + 1
RETURNING epoch;

-- name: RoutingFence
-- SQLite has one writer, so the read is stable for the transaction; see
-- postgres/routing.sql.
SELECT COALESCE((SELECT epoch FROM routing_settings WHERE tenant_id = $1), 0);

-- name: QueueInsert
INSERT INTO queues (id, tenant_id, name, skills, priority, strategy, auto_accept, offer_timeout_seconds,
                    max_wait_seconds, wrap_up_seconds, overflow, sticky_seconds, target_percent, target_seconds,
                    missed_offer_away, alternatives_after_seconds, hours, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);

-- name: QueueUpdate
UPDATE queues SET name = $3, skills = $4, priority = $5, strategy = $6, auto_accept = $7, offer_timeout_seconds = $8,
    max_wait_seconds = $9, wrap_up_seconds = $10, overflow = $11, sticky_seconds = $12, target_percent = $13,
    target_seconds = $14, missed_offer_away = $15, alternatives_after_seconds = $16, hours = $17, updated_at = $18
WHERE tenant_id = $1 AND id = $2;

-- name: QueueGet
SELECT id, tenant_id, name, skills, priority, strategy, auto_accept, offer_timeout_seconds, max_wait_seconds,
       wrap_up_seconds, overflow, sticky_seconds, target_percent, target_seconds, missed_offer_away,
       alternatives_after_seconds, hours, created_at, updated_at
FROM queues WHERE tenant_id = $1 AND id = $2;

-- name: QueueList
SELECT id, tenant_id, name, skills, priority, strategy, auto_accept, offer_timeout_seconds, max_wait_seconds,
       wrap_up_seconds, overflow, sticky_seconds, target_percent, target_seconds, missed_offer_away,
       alternatives_after_seconds, hours, created_at, updated_at
FROM queues WHERE tenant_id = $1 ORDER BY name, id;

-- name: QueueDelete
DELETE FROM queues WHERE tenant_id = $1 AND id = $2;

-- name: QueueReferenced
-- Inboxes whose default queue, and queues whose overflow, name the queue.
SELECT (SELECT count(*) FROM inboxes WHERE tenant_id = $1 AND default_queue_id = $2)
     + (SELECT count(*) FROM queues WHERE tenant_id = $1 AND id <> $2 AND overflow LIKE '%"' || $2 || '"%');

-- name: RoutingItemSave
INSERT INTO routing_items (id, tenant_id, queue_id, channel, ref, customer_id, priority, attributes, status, agent_id,
                           offer_id, offered_at, expires_at, declined, sticky, forced, enqueued_at, queued_at,
                           assigned_at, ended_at, end_reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
ON CONFLICT (id) DO UPDATE SET queue_id = excluded.queue_id, priority = excluded.priority, status = excluded.status,
    agent_id = excluded.agent_id, offer_id = excluded.offer_id, offered_at = excluded.offered_at,
    expires_at = excluded.expires_at, declined = excluded.declined, forced = excluded.forced,
    queued_at = excluded.queued_at, assigned_at = excluded.assigned_at, ended_at = excluded.ended_at,
    end_reason = excluded.end_reason;

-- name: RoutingItemsActive
SELECT id, tenant_id, queue_id, channel, ref, customer_id, priority, attributes, status, agent_id, offer_id,
       offered_at, expires_at, declined, sticky, forced, enqueued_at, queued_at, assigned_at, ended_at, end_reason
FROM routing_items WHERE tenant_id = $1 AND status IN ('queued', 'offered', 'assigned');

-- name: RoutingItemsSince
-- Items answered or ended since $2, for the day's statistics.
SELECT id, tenant_id, queue_id, channel, ref, customer_id, priority, attributes, status, agent_id, offer_id,
       offered_at, expires_at, declined, sticky, forced, enqueued_at, queued_at, assigned_at, ended_at, end_reason
FROM routing_items WHERE tenant_id = $1 AND ended_at >= $2
UNION ALL
SELECT id, tenant_id, queue_id, channel, ref, customer_id, priority, attributes, status, agent_id, offer_id,
       offered_at, expires_at, declined, sticky, forced, enqueued_at, queued_at, assigned_at, ended_at, end_reason
FROM routing_items WHERE tenant_id = $1 AND status = 'assigned' AND assigned_at >= $2;

-- name: RoutingLastAgent
SELECT agent_id FROM routing_items
WHERE tenant_id = $1 AND customer_id = $2 AND assigned_at >= $3 AND assigned_at > 0 AND agent_id <> ''
ORDER BY assigned_at DESC LIMIT 1;

-- name: RoutingAgents
-- Every active user of the tenant can take work; presence defaults to
-- offline.
SELECT u.id,
       COALESCE((SELECT string_agg(s.skill_id || ':' || s.level, ',' ORDER BY s.skill_id) FROM user_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id), ''),
       u.capacity, COALESCE(p.presence, 'offline'), COALESCE(p.reason, ''), COALESCE(p.since, u.created_at),
       COALESCE(p.wrap_until, 0), COALESCE(p.idle_since, 0)
FROM users u LEFT JOIN agent_presence p ON p.tenant_id = u.tenant_id AND p.user_id = u.id
WHERE u.tenant_id = $1 AND u.deleted_at IS NULL AND u.status = 'active';

-- name: AgentPresenceSave
INSERT INTO agent_presence (tenant_id, user_id, presence, reason, since, wrap_until, idle_since)
SELECT tenant_id, id, $3, $4, $5, $6, $7 FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
ON CONFLICT (tenant_id, user_id) DO UPDATE SET presence = excluded.presence, reason = excluded.reason,
    since = excluded.since, wrap_until = excluded.wrap_until, idle_since = excluded.idle_since;

-- name: AwayReasonInsert
INSERT INTO away_reasons (id, tenant_id, name, created_at) VALUES ($1, $2, $3, $4);

-- name: AwayReasonList
SELECT id, tenant_id, name, created_at FROM away_reasons WHERE tenant_id = $1 ORDER BY name, id;

-- name: AwayReasonDelete
DELETE FROM away_reasons WHERE tenant_id = $1 AND id = $2;

-- name: RoutingRuleList
SELECT id, tenant_id, position, name, inbox_id, expression, queue_id FROM routing_rules
WHERE tenant_id = $1 ORDER BY position;

-- name: RoutingInboxQueues
SELECT id, default_queue_id FROM inboxes WHERE tenant_id = $1 AND default_queue_id <> '';

-- name: RoutingRulesClear
DELETE FROM routing_rules WHERE tenant_id = $1;

-- name: RoutingRuleInsert
-- Inserts nothing when the queue is not the tenant's.
INSERT INTO routing_rules (id, tenant_id, position, name, inbox_id, expression, queue_id)
SELECT CAST($1 AS TEXT), tenant_id, CAST($3 AS INTEGER), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), id
FROM queues WHERE tenant_id = $2 AND id = $7;

-- name: RoutingTenants
-- Across tenants, like the snooze waker: the active tenants with routing
-- state to keep (waiting or assigned work, or an agent signed in), which
-- are routed from start-up so their timers run.
SELECT t.id FROM tenants t
WHERE t.status = 'active'
  AND (EXISTS (SELECT 1 FROM routing_items i WHERE i.tenant_id = t.id AND i.status IN ('queued', 'offered', 'assigned'))
       OR EXISTS (SELECT 1 FROM agent_presence p WHERE p.tenant_id = t.id AND p.presence <> 'offline'))
ORDER BY t.id;

-- name: RoutingSlotCounts
-- Items by queue and quarter hour ($4 ms) of when they entered their queue,
-- in [$2, $3): answered = assigned, in target = assigned within the queue's
-- service level seconds (20 for a queue without one, or deleted since),
-- abandoned = ended without being assigned. routing_items_queued covers it.
SELECT i.queue_id, (i.queued_at - $2) / $4 AS slot, count(*),
       sum(CASE WHEN i.assigned_at > 0 THEN 1 ELSE 0 END),
       sum(CASE WHEN i.assigned_at > 0
                 AND i.assigned_at - i.queued_at <= 1000 * (CASE WHEN q.target_seconds > 0 THEN q.target_seconds ELSE 20 END)
                THEN 1 ELSE 0 END),
       sum(CASE WHEN i.assigned_at = 0 AND i.ended_at > 0 THEN 1 ELSE 0 END)
FROM routing_items i LEFT JOIN queues q ON q.tenant_id = i.tenant_id AND q.id = i.queue_id
WHERE i.tenant_id = $1 AND i.queued_at >= $2 AND i.queued_at < $3 AND ($5 = '' OR i.queue_id = $5)
GROUP BY i.queue_id, slot
ORDER BY i.queue_id, slot;
