-- Canned replies: saved answers agents insert into the composer, found by a
-- shortcut that is unique in the tenant. team_id NULL makes a reply
-- tenant-wide; otherwise only the team's members see it, and deleting the
-- team deletes its replies. The unique (tenant_id, shortcut) index also
-- serves the list, which is in shortcut order. The shortcut collates as
-- "C" so that order and the page cursor compare bytes, as on SQLite,
-- whatever the database's locale.

-- +goose Up
CREATE TABLE canned_replies (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    shortcut   TEXT COLLATE "C" NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    team_id    TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, shortcut),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX canned_replies_team ON canned_replies (tenant_id, team_id);

-- +goose Down
DROP TABLE canned_replies;
