-- name: TeamInsert
INSERT INTO teams (id, tenant_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: TeamMemberAdd
-- Inserts nothing when the user is not a live user of the tenant.
INSERT INTO team_members (tenant_id, team_id, user_id)
SELECT tenant_id, CAST($2 AS TEXT), id FROM users WHERE tenant_id = $1 AND id = $3 AND deleted_at IS NULL;

-- name: TeamMembersClear
DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2;

-- name: TeamGet
SELECT t.id, t.tenant_id, t.name, t.description, t.created_at, t.updated_at,
       COALESCE((SELECT string_agg(m.user_id, ',' ORDER BY m.user_id) FROM team_members m WHERE m.tenant_id = t.tenant_id AND m.team_id = t.id), '')
FROM teams t WHERE t.tenant_id = $1 AND t.id = $2;

-- name: TeamList
SELECT t.id, t.tenant_id, t.name, t.description, t.created_at, t.updated_at,
       COALESCE((SELECT string_agg(m.user_id, ',' ORDER BY m.user_id) FROM team_members m WHERE m.tenant_id = t.tenant_id AND m.team_id = t.id), '')
FROM teams t WHERE t.tenant_id = $1 AND t.id > $2
ORDER BY t.id LIMIT $3;

-- name: TeamUpdate
UPDATE teams SET name = $3, description = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2;

-- name: TeamDelete
DELETE FROM teams WHERE tenant_id = $1 AND id = $2;
