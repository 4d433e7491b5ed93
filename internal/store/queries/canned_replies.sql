-- name: CannedReplyInsert
INSERT INTO canned_replies (id, tenant_id, shortcut, title, body, team_id, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: CannedReplyGet
SELECT id, tenant_id, shortcut, title, body, COALESCE(team_id, ''), created_by, created_at, updated_at
FROM canned_replies WHERE tenant_id = $1 AND id = $2;

-- name: CannedReplyList
-- $3 is a user whose teams limit the list ('' for no limit). $4 is the
-- lower-cased query with LIKE's wildcards escaped ('' for no query): a
-- prefix of the shortcut, or a substring of the title or body.
SELECT id, tenant_id, shortcut, title, body, COALESCE(team_id, ''), created_by, created_at, updated_at
FROM canned_replies
WHERE tenant_id = $1 AND shortcut > $2
  AND ($3 = '' OR team_id IS NULL
       OR team_id IN (SELECT m.team_id FROM team_members m WHERE m.tenant_id = $1 AND m.user_id = $3))
  AND ($4 = '' OR shortcut LIKE ($4 || '%') ESCAPE '\'
       OR lower(title) LIKE ('%' || $4 || '%') ESCAPE '\'
       OR lower(body) LIKE ('%' || $4 || '%') ESCAPE '\')
ORDER BY shortcut LIMIT $5;

-- name: CannedReplyUpdate
UPDATE canned_replies SET shortcut = $3, title = $4, body = $5, team_id = $6, updated_at = $7
WHERE tenant_id = $1 AND id = $2;

-- name: CannedReplyDelete
DELETE FROM canned_replies WHERE tenant_id = $1 AND id = $2;

-- name: CannedReplyMemberTeams
SELECT team_id FROM team_members WHERE tenant_id = $1 AND user_id = $2 ORDER BY team_id;
