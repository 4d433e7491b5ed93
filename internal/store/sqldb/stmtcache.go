package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// StmtCache keeps one prepared statement per query text for a *sql.DB.
// database/sql re-prepares a cached statement on each pool connection the
// first time it runs there, so SQLite compiles every query once per
// connection instead of once per call — compiling was the largest single
// cost of a read (docs/benchmarks.md). The set of queries is the fixed
// catalog, so the cache is bounded.
type StmtCache struct {
	db *sql.DB
	m  sync.Map // query text → *sql.Stmt
}

// NewStmtCache returns an empty cache for db.
func NewStmtCache(db *sql.DB) *StmtCache { return &StmtCache{db: db} }

// Stmt returns the prepared statement for query, preparing it on first use.
func (c *StmtCache) Stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(query, st); loaded {
		_ = st.Close() //nolint:sqlclosecheck // a duplicate: another goroutine prepared it first
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// Cached returns the prepared statement for query if there is one.
func (c *StmtCache) Cached(query string) (*sql.Stmt, bool) {
	v, ok := c.m.Load(query)
	if !ok {
		return nil, false
	}
	return v.(*sql.Stmt), true
}

// Prepare prepares queries ahead of use, so that statements first run
// inside a transaction are cached too. A query that fails to prepare is
// reported; the others are kept.
func (c *StmtCache) Prepare(ctx context.Context, queries []string) error {
	var errs []error
	for _, q := range queries {
		if _, err := c.Stmt(ctx, q); err != nil { //nolint:sqlclosecheck // kept in the cache
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close closes every cached statement.
func (c *StmtCache) Close() error {
	var errs []error
	c.m.Range(func(k, v any) bool {
		errs = append(errs, v.(*sql.Stmt).Close())
		c.m.Delete(k)
		return true
	})
	return errors.Join(errs...)
}
