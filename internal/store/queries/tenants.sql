-- name: TenantInsert
INSERT INTO tenants (id, name, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5);

-- name: TenantGet
SELECT id, name, status, created_at, updated_at FROM tenants WHERE id = $1;

-- name: TenantList
SELECT id, name, status, created_at, updated_at FROM tenants WHERE id > $1 ORDER BY id LIMIT $2;

-- name: TenantUpdate
UPDATE tenants SET name = $2, status = $3, updated_at = $4 WHERE id = $1;

-- name: TenantSettingsGet
SELECT name, default_locale, auto_resolve_after_hours, default_region FROM tenants WHERE id = $1;

-- name: TenantSettingsUpdate
UPDATE tenants SET name = $2, default_locale = $3, auto_resolve_after_hours = $4, default_region = $5, updated_at = $6
WHERE id = $1;

-- name: TenantDefaultTier
-- A new tenant's customer tiers (customer.DefaultTiers), with the tenant.
INSERT INTO customer_tiers (tenant_id, name, label, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5);
