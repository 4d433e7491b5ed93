package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
)

// TestUncachedStatementInTx guards against a deadlock: the writer pool has
// one connection, which an open transaction holds, so a statement first
// seen inside the transaction must be prepared on the transaction itself.
func TestUncachedStatementInTx(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = db.InTx(ctx, func(q sqldb.Querier) error {
		if _, err := q.Exec(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
			return err
		}
		_, err := q.Exec(ctx, "INSERT INTO t (v) VALUES (?1)", "x")
		return err
	})
	require.NoError(t, err)
	var v string
	require.NoError(t, db.Reader().QueryRow(ctx, "SELECT v FROM t WHERE id = ?1", 1).Scan(&v))
	require.Equal(t, "x", v)
	require.ErrorIs(t, db.Reader().QueryRow(ctx, "SELECT v FROM t WHERE id = ?1", 2).Scan(&v), sqldb.ErrNoRows)
	_, err = db.Writer().Exec(ctx, "INSERT INTO t (id, v) VALUES (?1, ?2)", 1, "dup")
	require.True(t, sqldb.IsUnique(err, "t.id"), "constraint errors are classified: %v", err)
}
