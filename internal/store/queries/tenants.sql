-- name: TenantInsert
INSERT INTO tenants (id, name, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5);

-- name: TenantGet
SELECT id, name, status, created_at, updated_at FROM tenants WHERE id = $1;

-- name: TenantList
SELECT id, name, status, created_at, updated_at FROM tenants WHERE id > $1 ORDER BY id LIMIT $2;

-- name: TenantUpdate
UPDATE tenants SET name = $2, status = $3, updated_at = $4 WHERE id = $1;
