package storetest

import (
	"context"
	"sync/atomic"

	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// Counting wraps an engine and counts, at the sqldb seam, the statements
// stores issue and the transactions they open. BEGIN and COMMIT are not
// statements here; Txs counts them. Tests and benchmarks use it to hold
// the per-operation SQL budget.
type Counting struct {
	store.Engine
	Stmts, Txs atomic.Int64
	// OnRead, if set before use, sees each statement run on the reader
	// (outside transactions): a test tells a request's reads apart from
	// writes and background work running meanwhile.
	OnRead func(query string)
}

// Count wraps e.
func Count(e store.Engine) *Counting { return &Counting{Engine: e} }

// Reader implements sqldb.DB.
func (c *Counting) Reader() sqldb.Querier {
	return countingQuerier{q: c.Engine.Reader(), n: &c.Stmts, onRead: c.OnRead}
}

// Writer implements sqldb.DB.
func (c *Counting) Writer() sqldb.Querier { return countingQuerier{q: c.Engine.Writer(), n: &c.Stmts} }

// InTx implements sqldb.DB.
func (c *Counting) InTx(ctx context.Context, fn func(sqldb.Querier) error) error {
	c.Txs.Add(1)
	return c.Engine.InTx(ctx, func(q sqldb.Querier) error { return fn(countingQuerier{q: q, n: &c.Stmts}) })
}

// Prepare passes preparation through, so counting does not change what is
// measured.
func (c *Counting) Prepare(ctx context.Context, queries []string) error {
	if p, ok := c.Engine.(sqldb.Preparer); ok {
		return p.Prepare(ctx, queries)
	}
	return nil
}

// Reset zeroes the counters.
func (c *Counting) Reset() { c.Stmts.Store(0); c.Txs.Store(0) }

type countingQuerier struct {
	q      sqldb.Querier
	n      *atomic.Int64
	onRead func(query string) // nil but on the reader
}

func (c countingQuerier) count(query string) {
	c.n.Add(1)
	if c.onRead != nil {
		c.onRead(query)
	}
}

func (c countingQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	c.count(query)
	return c.q.Exec(ctx, query, args...)
}

func (c countingQuerier) Query(ctx context.Context, query string, args ...any) (sqldb.Rows, error) {
	c.count(query)
	return c.q.Query(ctx, query, args...)
}

func (c countingQuerier) QueryRow(ctx context.Context, query string, args ...any) sqldb.Row {
	c.count(query)
	return c.q.QueryRow(ctx, query, args...)
}
