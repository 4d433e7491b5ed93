-- name: SkillInsert
INSERT INTO skills (id, tenant_id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: SkillGet
SELECT id, tenant_id, name, description, created_at, updated_at FROM skills WHERE tenant_id = $1 AND id = $2;

-- name: SkillList
SELECT id, tenant_id, name, description, created_at, updated_at FROM skills
WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3;

-- name: SkillUpdate
UPDATE skills SET name = $3, description = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2;

-- name: SkillDelete
DELETE FROM skills WHERE tenant_id = $1 AND id = $2;
