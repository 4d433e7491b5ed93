-- name: CustomerInsert
INSERT INTO customers (id, tenant_id, name, email, phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: CustomerGet
SELECT id, tenant_id, name, email, phone, created_at, updated_at FROM customers WHERE tenant_id = $1 AND id = $2;

-- name: CustomerByIdentity
SELECT c.id, c.tenant_id, c.name, c.email, c.phone, c.created_at, c.updated_at
FROM customer_identities i JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value = $3;

-- name: CustomerIdentityInsert
INSERT INTO customer_identities (tenant_id, kind, value, customer_id, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, kind, value) DO NOTHING;

-- name: CustomerIdentityOwner
SELECT customer_id FROM customer_identities WHERE tenant_id = $1 AND kind = $2 AND value = $3;

-- name: CustomerUpdateProfile
UPDATE customers SET
    name = CASE WHEN $3 <> '' THEN $3 ELSE name END,
    email = CASE WHEN $4 <> '' THEN $4 ELSE email END,
    phone = CASE WHEN $5 <> '' THEN $5 ELSE phone END,
    updated_at = $6
WHERE tenant_id = $1 AND id = $2;

-- name: ContactInsert
INSERT INTO contacts (id, tenant_id, customer_id, channel, inbox_id, conversation_id, started_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);
