-- Users with their team memberships and skills, read in one statement.
-- string_agg(… ORDER BY …) is standard in PostgreSQL and SQLite ≥ 3.44.

-- name: UserInsert
INSERT INTO users (id, tenant_id, email, name, role, status, password_hash, created_at, updated_at, capacity, extension, level)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: UserTeamAdd
-- Inserts nothing when the team is not the tenant's: the caller checks the count.
INSERT INTO team_members (tenant_id, team_id, user_id)
SELECT tenant_id, id, CAST($3 AS TEXT) FROM teams WHERE tenant_id = $1 AND id = $2;

-- name: UserTeamsClear
DELETE FROM team_members WHERE tenant_id = $1 AND user_id = $2;

-- name: UserSkillAdd
INSERT INTO user_skills (tenant_id, user_id, skill_id, level)
SELECT tenant_id, CAST($2 AS TEXT), id, CAST($4 AS INTEGER) FROM skills WHERE tenant_id = $1 AND id = $3;

-- name: UserSkillsClear
DELETE FROM user_skills WHERE tenant_id = $1 AND user_id = $2;

-- name: UserGet
SELECT u.id, COALESCE(u.tenant_id, ''), u.email, u.name, u.role, u.status, u.password_hash,
       u.created_at, u.updated_at,
       COALESCE((SELECT string_agg(m.team_id, ',' ORDER BY m.team_id) FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id), ''),
       COALESCE((SELECT string_agg(s.skill_id || ':' || s.level, ',' ORDER BY s.skill_id) FROM user_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id), ''),
       u.capacity, COALESCE(u.extension, ''), u.level
FROM users u
WHERE COALESCE(u.tenant_id, '') = $1 AND u.id = $2 AND u.deleted_at IS NULL;

-- name: UserGetByEmail
SELECT u.id, COALESCE(u.tenant_id, ''), u.email, u.name, u.role, u.status, u.password_hash,
       u.created_at, u.updated_at,
       COALESCE((SELECT string_agg(m.team_id, ',' ORDER BY m.team_id) FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id), ''),
       COALESCE((SELECT string_agg(s.skill_id || ':' || s.level, ',' ORDER BY s.skill_id) FROM user_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id), ''),
       u.capacity, COALESCE(u.extension, ''), u.level
FROM users u
WHERE u.email = $1 AND u.deleted_at IS NULL;

-- name: UserGetByExtension
-- The number shield's look-up of a calling agent, over users_extension.
SELECT u.id, COALESCE(u.tenant_id, ''), u.email, u.name, u.role, u.status, u.password_hash,
       u.created_at, u.updated_at,
       COALESCE((SELECT string_agg(m.team_id, ',' ORDER BY m.team_id) FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id), ''),
       COALESCE((SELECT string_agg(s.skill_id || ':' || s.level, ',' ORDER BY s.skill_id) FROM user_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id), ''),
       u.capacity, COALESCE(u.extension, ''), u.level
FROM users u
WHERE u.tenant_id = $1 AND u.extension = $2 AND u.deleted_at IS NULL;

-- name: UserList
SELECT u.id, COALESCE(u.tenant_id, ''), u.email, u.name, u.role, u.status, u.password_hash,
       u.created_at, u.updated_at,
       COALESCE((SELECT string_agg(m.team_id, ',' ORDER BY m.team_id) FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id), ''),
       COALESCE((SELECT string_agg(s.skill_id || ':' || s.level, ',' ORDER BY s.skill_id) FROM user_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id), ''),
       u.capacity, COALESCE(u.extension, ''), u.level
FROM users u
WHERE u.tenant_id = $1 AND u.deleted_at IS NULL AND u.id > $2
  AND ($3 = '' OR u.role = $3)
  AND ($4 = '' OR u.status = $4)
  AND ($5 = '' OR EXISTS (SELECT 1 FROM team_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id AND m.team_id = $5))
ORDER BY u.id
LIMIT $6;

-- name: UserUpdate
UPDATE users SET name = $3, role = $4, status = $5, updated_at = $6, capacity = $7, extension = $8, level = $9
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: UserSetPassword
UPDATE users SET password_hash = $3, status = $4, updated_at = $5
WHERE COALESCE(tenant_id, '') = $1 AND id = $2 AND deleted_at IS NULL;

-- name: UserDelete
UPDATE users SET deleted_at = $3, status = 'disabled', password_hash = '', updated_at = $3
WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: UserCountActiveAdmins
SELECT count(*) FROM users
WHERE tenant_id = $1 AND role = 'admin' AND status = 'active' AND deleted_at IS NULL;

-- name: UserCountPlatformAdmins
SELECT count(*) FROM users WHERE role = 'platform_admin' AND deleted_at IS NULL;

-- name: InviteInsert
INSERT INTO user_invites (digest, tenant_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: InviteGet
SELECT digest, tenant_id, user_id, created_at, expires_at FROM user_invites WHERE digest = $1;

-- name: InviteDeleteForUser
DELETE FROM user_invites WHERE tenant_id = $1 AND user_id = $2;
