-- name: TokenInsert
INSERT INTO auth_tokens (id, tenant_id, user_id, kind, name, digest, scopes, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: TokenIdentify
-- The one query on every authenticated request: token, owner and tenant.
SELECT t.id, COALESCE(t.tenant_id, ''), t.user_id, t.kind, t.name, t.scopes, t.created_at,
       t.expires_at, t.last_used_at, u.role, u.status, u.name, COALESCE(te.status, 'active')
FROM auth_tokens t
JOIN users u ON u.id = t.user_id AND u.deleted_at IS NULL
LEFT JOIN tenants te ON te.id = t.tenant_id
WHERE t.digest = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2);

-- name: TokenTouch
UPDATE auth_tokens SET last_used_at = $2 WHERE id = $1;

-- name: TokenListAPI
SELECT id, COALESCE(tenant_id, ''), user_id, kind, name, scopes, created_at, expires_at, last_used_at
FROM auth_tokens
WHERE COALESCE(tenant_id, '') = $1 AND user_id = $2 AND kind = 'api' AND revoked_at IS NULL
  AND (expires_at IS NULL OR expires_at > $3)
ORDER BY id DESC;

-- name: TokenRevoke
UPDATE auth_tokens SET revoked_at = $4
WHERE COALESCE(tenant_id, '') = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL;

-- name: TokenRevokeUser
UPDATE auth_tokens SET revoked_at = $4
WHERE COALESCE(tenant_id, '') = $1 AND user_id = $2 AND id <> $3 AND revoked_at IS NULL;
