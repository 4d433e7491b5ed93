package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// maxBatch bounds how many writes share one transaction.
const maxBatch = 1024

// errRetryIsolated rolls back an optimistic batch pass that had a failure.
var errRetryIsolated = errors.New("store: a write in the batch failed")

// safeCall runs fn, turning a panic into an error.
func safeCall(tx *Tx, fn func(*Tx) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: write panicked: %v", v)
		}
	}()
	return fn(tx)
}

// Batcher is group commit for SQLite: writes submitted concurrently run in
// one transaction, each inside its own savepoint (a failing write rolls back
// alone), and all are answered after one commit — one fsync for the whole
// batch instead of one per write. Batches form naturally while the previous
// one commits; there is no added delay. On PostgreSQL, which commits
// concurrent transactions in parallel, Do is simply InTx.
type Batcher struct {
	s   *Stores
	log *slog.Logger

	reqs chan *batchReq
	// mu orders submissions against Stop: Do holds it shared while it
	// queues, so the final drain cannot miss a request queued after it.
	mu      sync.RWMutex
	started bool
	stop    chan struct{}
	done    chan struct{}
}

type batchReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

// NewBatcher returns a Batcher writing through s.
func NewBatcher(s *Stores, log *slog.Logger) *Batcher {
	return &Batcher{s: s, log: log, reqs: make(chan *batchReq, maxBatch*4)}
}

func (b *Batcher) grouped() bool { return b.s.db.Dialect() == "sqlite" }

// Start begins committing. Safe to call more than once.
func (b *Batcher) Start(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started || !b.grouped() {
		return nil
	}
	b.started, b.stop, b.done = true, make(chan struct{}), make(chan struct{})
	go b.run()
	return nil
}

// Stop commits what is queued and stops. Safe before Start and twice.
func (b *Batcher) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.started {
		return
	}
	close(b.stop)
	<-b.done
	b.started = false
}

// Do runs fn in a write transaction and returns once its changes are
// durable, or with fn's error (its changes undone). A write whose ctx has
// ended before its turn is skipped (Do returns ctx's error); once it has
// started it completes, and Do waits for the outcome. Savepoint statements
// are built here, not in queries/: they are transaction control, not data
// access.
func (b *Batcher) Do(ctx context.Context, fn func(*Tx) error) error {
	if !b.grouped() {
		return b.s.InTx(ctx, fn)
	}
	b.mu.RLock()
	if !b.started {
		b.mu.RUnlock()
		return b.s.InTx(ctx, fn) // before Start (migrations, bootstrap) and after Stop
	}
	r := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		b.mu.RUnlock()
		return ctx.Err()
	}
	b.mu.RUnlock()
	return <-r.done
}

func (b *Batcher) run() {
	defer close(b.done)
	batch := make([]*batchReq, 0, maxBatch)
	for {
		select {
		case r := <-b.reqs:
			batch = b.fill(append(batch[:0], r))
		case <-b.stop:
			b.drainQueued()
			return
		}
		b.commit(batch)
	}
}

// fill adds what is already queued, up to maxBatch, without waiting.
func (b *Batcher) fill(batch []*batchReq) []*batchReq {
	for len(batch) < maxBatch {
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// drainQueued commits whatever was submitted before Stop.
func (b *Batcher) drainQueued() {
	for {
		batch := b.fill(make([]*batchReq, 0, maxBatch))
		if len(batch) == 0 {
			return
		}
		b.commit(batch)
	}
}

// commit runs one batch in one transaction. Each write runs in a savepoint
// so its failure undoes only its own changes.
func (b *Batcher) commit(batch []*batchReq) {
	if len(batch) == 1 {
		// Alone: the transaction itself isolates the write.
		r := batch[0]
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			return
		}
		r.done <- b.s.InTx(context.Background(), func(tx *Tx) error { return safeCall(tx, r.fn) })
		return
	}
	// Optimistic pass: the writes share the transaction without
	// savepoints. Failures are rare; when one happens the whole pass is
	// rolled back and the batch runs again with a savepoint per write, so
	// only the failing write is undone.
	results := make([]error, len(batch))
	err := b.s.InTx(context.Background(), func(tx *Tx) error {
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				results[i] = err // abandoned before it started: do nothing
				continue
			}
			if results[i] = safeCall(tx, r.fn); results[i] != nil {
				return errRetryIsolated
			}
		}
		return nil
	})
	if errors.Is(err, errRetryIsolated) {
		results = make([]error, len(batch))
		err = b.s.InTx(context.Background(), func(tx *Tx) error {
			for i, r := range batch {
				if err := r.ctx.Err(); err != nil {
					results[i] = err
					continue
				}
				var lost error
				if results[i], lost = b.inSavepoint(tx, r.fn); lost != nil {
					return lost // every write of the batch fails with it
				}
			}
			return nil
		})
	}
	for i, r := range batch {
		if err != nil && results[i] == nil {
			results[i] = fmt.Errorf("store: group commit: %w", err)
		}
		r.done <- results[i]
	}
	if err != nil {
		b.log.Error("group commit failed", "writes", len(batch), "err", err)
	}
}

// inSavepoint runs fn in a savepoint: err is fn's failure, its changes
// undone. lost reports that the transaction itself is gone — SQLite rolls
// back the whole transaction on some errors (I/O, a full disk), and then the
// savepoint cannot be rolled back to — so nothing of the batch may be
// reported as done. Savepoints nest by name, so one name serves every write
// (and its statements are prepared once per transaction).
func (b *Batcher) inSavepoint(tx *Tx, fn func(*Tx) error) (err, lost error) {
	ctx := context.Background()
	if _, err := tx.q.Exec(ctx, "SAVEPOINT sb"); err != nil {
		return nil, fmt.Errorf("store: savepoint: %w", err)
	}
	if err = safeCall(tx, fn); err != nil {
		if _, rerr := tx.q.Exec(ctx, "ROLLBACK TO sb"); rerr != nil {
			return err, fmt.Errorf("store: roll back a failed write: %w", rerr)
		}
	}
	if _, rerr := tx.q.Exec(ctx, "RELEASE sb"); rerr != nil {
		return err, fmt.Errorf("store: release savepoint: %w", rerr)
	}
	return err, nil
}

// BatchAs adapts Batcher.Do to a domain's transaction interface, like InTxAs.
func BatchAs[T any](b *Batcher, bind func(*Tx) T) func(context.Context, func(T) error) error {
	return func(ctx context.Context, fn func(T) error) error {
		return b.Do(ctx, func(tx *Tx) error { return fn(bind(tx)) })
	}
}
