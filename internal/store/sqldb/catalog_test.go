package sqldb_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// catalogFS is a small query tree: two portable files, a PostgreSQL override
// and files Load must ignore.
func catalogFS() fstest.MapFS {
	return fstest.MapFS{
		"queries/users.sql": {Data: []byte(`-- Header comments before the first block belong to no query.

-- name: UserGet
-- Comment lines inside a block are documentation, not SQL.
SELECT id, email
FROM users
WHERE tenant_id = $1 AND id = $2 AND owner = $1;

-- name: UserLock
SELECT 1;
`)},
		"queries/teams.sql": {Data: []byte("-- name: TeamDelete\nDELETE FROM teams WHERE id = $10 AND x = $2;\n")},
		"queries/postgres/users.sql": {Data: []byte(`-- name: UserLock
-- PostgreSQL serialises writers with an advisory lock.
SELECT pg_advisory_xact_lock($1);
`)},
		"queries/README.md":         {Data: []byte("-- name: NotSQL\nnot a query file\n")},
		"queries/nested/deeper.sql": {Data: []byte("-- name: Nested\nSELECT 'only the dialect directory is read';\n")},
	}
}

// catalogQueries is the destination struct Load fills.
type catalogQueries struct {
	Get      string `query:"UserGet"`
	Lock     string `query:"UserLock"`
	Delete   string `query:"TeamDelete"`
	Untagged string
	Other    string `json:"other"`
}

func TestLoad(t *testing.T) {
	t.Parallel()

	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()

		var q catalogQueries
		require.NoError(t, sqldb.Load(catalogFS(), "queries", "sqlite", &q))
		require.Equal(t, "SELECT id, email\nFROM users\nWHERE tenant_id = ?1 AND id = ?2 AND owner = ?1;", q.Get,
			"comment lines dropped, text trimmed, $N rewritten to ?N (so a placeholder may repeat)")
		require.Equal(t, "SELECT 1;", q.Lock, "no sqlite override: the portable block")
		require.Equal(t, "DELETE FROM teams WHERE id = ?10 AND x = ?2;", q.Delete, "multi-digit placeholders")
		require.Empty(t, q.Untagged)
		require.Empty(t, q.Other)
	})

	t.Run("PostgresOverrideWins", func(t *testing.T) {
		t.Parallel()

		var q catalogQueries
		require.NoError(t, sqldb.Load(catalogFS(), "queries", "postgres", &q))
		require.Equal(t, "SELECT pg_advisory_xact_lock($1);", q.Lock, "dialect file overrides the portable block")
		require.Equal(t, "SELECT id, email\nFROM users\nWHERE tenant_id = $1 AND id = $2 AND owner = $1;", q.Get,
			"placeholders are left alone for PostgreSQL")
		require.Equal(t, "DELETE FROM teams WHERE id = $10 AND x = $2;", q.Delete)
	})

	t.Run("OverrideIsPerDialect", func(t *testing.T) {
		t.Parallel()

		fsys := catalogFS()
		fsys["queries/sqlite/users.sql"] = &fstest.MapFile{Data: []byte("-- name: UserLock\nSELECT $1 AS lite;\n")}
		var lite, pg catalogQueries
		require.NoError(t, sqldb.Load(fsys, "queries", "sqlite", &lite))
		require.NoError(t, sqldb.Load(fsys, "queries", "postgres", &pg))
		require.Equal(t, "SELECT ?1 AS lite;", lite.Lock, "the sqlite override is rewritten too")
		require.Equal(t, "SELECT pg_advisory_xact_lock($1);", pg.Lock)
	})

	t.Run("OnlyOverrideDefinesIt", func(t *testing.T) {
		t.Parallel()

		var q struct {
			Only string `query:"PgOnly"`
		}
		fsys := catalogFS()
		fsys["queries/postgres/extra.sql"] = &fstest.MapFile{Data: []byte("-- name: PgOnly\nSELECT now();\n")}
		require.NoError(t, sqldb.Load(fsys, "queries", "postgres", &q))
		require.Equal(t, "SELECT now();", q.Only)
		require.ErrorContains(t, sqldb.Load(fsys, "queries", "sqlite", &q), `"PgOnly" not found`,
			"a block only in one dialect's directory is missing for the other")
	})

	t.Run("NamePrefixWhitespace", func(t *testing.T) {
		t.Parallel()

		var q struct {
			A string `query:"A"`
		}
		fsys := fstest.MapFS{"q/a.sql": {Data: []byte("  -- name:   A  \n\tSELECT 'a';\n")}}
		require.NoError(t, sqldb.Load(fsys, "q", "postgres", &q))
		require.Equal(t, "SELECT 'a';", q.A)
	})
}

func TestLoad_Errors(t *testing.T) {
	t.Parallel()

	t.Run("MissingName", func(t *testing.T) {
		t.Parallel()

		var q struct {
			Get     string `query:"UserGet"`
			Missing string `query:"UserGetTypo"`
		}
		err := sqldb.Load(catalogFS(), "queries", "sqlite", &q)
		require.ErrorContains(t, err, `query "UserGetTypo" not found in queries`)
	})

	t.Run("DuplicateAcrossFiles", func(t *testing.T) {
		t.Parallel()

		fsys := catalogFS()
		fsys["queries/again.sql"] = &fstest.MapFile{Data: []byte("-- name: UserGet\nSELECT 2;\n")}
		var q catalogQueries
		err := sqldb.Load(fsys, "queries", "sqlite", &q)
		require.ErrorContains(t, err, `query "UserGet" defined twice`)
	})

	t.Run("DuplicateInOneFile", func(t *testing.T) {
		t.Parallel()

		fsys := fstest.MapFS{"q/a.sql": {Data: []byte("-- name: A\nSELECT 1;\n-- name: A\nSELECT 2;\n")}}
		var q struct {
			A string `query:"A"`
		}
		require.ErrorContains(t, sqldb.Load(fsys, "q", "sqlite", &q), `query "A" defined twice`)
	})

	t.Run("DuplicateInOverride", func(t *testing.T) {
		t.Parallel()

		fsys := catalogFS()
		fsys["queries/postgres/again.sql"] = &fstest.MapFile{Data: []byte("-- name: UserLock\nSELECT 3;\n")}
		var q catalogQueries
		require.ErrorContains(t, sqldb.Load(fsys, "queries", "postgres", &q), `query "UserLock" defined twice`)
		require.NoError(t, sqldb.Load(fsys, "queries", "sqlite", &q), "the sqlite catalog does not read postgres/")
	})

	t.Run("MissingDirectory", func(t *testing.T) {
		t.Parallel()

		var q catalogQueries
		err := sqldb.Load(catalogFS(), "nope", "sqlite", &q)
		require.ErrorIs(t, err, fs.ErrNotExist)
	})
}
