-- name: AuditInsert
INSERT INTO audit_log (id, tenant_id, actor_id, action, target_type, target_id, ip, details, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: AuditList
-- Newest first. $2 is the cursor (an entry ID; '' for the first page).
SELECT id, tenant_id, actor_id, action, target_type, target_id, ip, details, created_at
FROM audit_log
WHERE tenant_id = $1 AND ($2 = '' OR id < $2)
  AND ($3 = '' OR action = $3)
  AND ($4 = '' OR action LIKE $4)
  AND ($5 = '' OR actor_id = $5)
  AND ($6 = '' OR target_id = $6)
ORDER BY id DESC
LIMIT $7;
