-- name: OutboxLock
-- A transaction-scoped advisory lock: relays on other nodes skip the round
-- instead of publishing concurrently and out of order. The key is arbitrary
-- but fixed ("sb-outbox").
SELECT CASE WHEN pg_try_advisory_xact_lock(7306086745160462712) THEN 1 ELSE 0 END;

-- name: OutboxDelete
-- One statement for the whole published batch.
DELETE FROM outbox WHERE seq = ANY($1);
