-- name: OutboxInsert
INSERT INTO outbox (id, subject, payload, created_at) VALUES ($1, $2, $3, $4);

-- name: OutboxLock
-- One relay at a time drains the outbox, so events leave in commit order.
-- SQLite has a single writer already; see postgres/outbox.sql.
SELECT 1;

-- name: OutboxPending
SELECT seq, id, subject, payload FROM outbox ORDER BY seq LIMIT $1;

-- name: OutboxDelete
DELETE FROM outbox WHERE seq = $1;

-- name: OutboxDeleteUpTo
-- SQLite only: with one writer, seqs are committed in order, so everything
-- up to the last published seq has been published.
DELETE FROM outbox WHERE seq <= $1;

-- name: OutboxCount
SELECT count(*) FROM outbox;
