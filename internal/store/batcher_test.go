package store

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/sqlite"
)

// TestBatcherInterruptedWrite cancels a writer's ctx while its statement
// runs, in the savepoint pass of a batch that also holds a failing write.
// SQLite rolls back its whole transaction when a statement is interrupted;
// the batch must not go on as if it had not, so every write's answer
// matches what is stored.
func TestBatcherInterruptedWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	_, err = db.Migrate(ctx)
	require.NoError(t, err)
	st, err := New(db, Options{NewID: func() string { return "unused" }})
	require.NoError(t, err)
	b := NewBatcher(st, slog.New(slog.DiscardHandler))
	require.NoError(t, b.Start(ctx))
	defer b.Stop()

	insert := func(ctx context.Context, tx *Tx, id string) error {
		_, err := tx.q.Exec(ctx, "INSERT INTO outbox (id, subject, payload, created_at) VALUES ($1, 's', '{}', 0)", id)
		return err
	}
	// A slow write (about a second of work) to be interrupted midway:
	// SQLite undoes the whole transaction for an interrupted write.
	slow := "INSERT INTO outbox (id, subject, payload, created_at) WITH RECURSIVE r(x) AS " +
		"(SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 5000000) SELECT 'C', 's', '{}', count(*) FROM r"

	release := make(chan struct{})
	results := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	submit := func(name string, ctx context.Context, fn func(*Tx) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := b.Do(ctx, fn)
			mu.Lock()
			results[name] = err
			mu.Unlock()
		}()
		time.Sleep(20 * time.Millisecond) // queue in this order
	}
	submit("hold", ctx, func(*Tx) error { <-release; return nil }) // the next four form one batch
	submit("A", ctx, func(tx *Tx) error { return insert(ctx, tx, "A") })
	submit("B", ctx, func(*Tx) error { return errors.New("boom") })
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	submit("C", cctx, func(tx *Tx) error {
		if cctx.Err() == nil {
			time.AfterFunc(30*time.Millisecond, cancel)
		}
		_, err := tx.q.Exec(cctx, slow)
		return err
	})
	submit("D", ctx, func(tx *Tx) error { return insert(ctx, tx, "D") })
	close(release)
	wg.Wait()

	require.EqualError(t, results["B"], "boom")
	for _, id := range []string{"A", "C", "D"} {
		var n int64
		require.NoError(t, db.Reader().QueryRow(ctx, "SELECT count(*) FROM outbox WHERE id = $1", id).Scan(&n))
		require.Equal(t, results[id] == nil, n == 1, "%s: Do said %v, stored %d", id, results[id], n)
	}
}
