// Package sqldb is the seam between Switchboard's stores and a SQL engine.
//
// Stores are written once, against the small Querier interface, in the
// portable SQL subset both engines share (ADR 0003). Each engine package
// (store/sqlite, store/postgres) implements DB and classifies its errors into
// the sentinels below, so store code never sees a driver type. Queries live
// in .sql files as named blocks that Load reads for one dialect, rewriting
// placeholders for SQLite.
package sqldb

import (
	"context"
	"errors"
)

// Querier runs statements. It is implemented by a connection pool and by a
// transaction alike.
type Querier interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Rows is a result set. Scan accepts pointers to int64, int, string, bool,
// []byte and pointers to those (for NULL).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is a single-row result. Scan returns ErrNoRows when there is none.
type Row interface {
	Scan(dest ...any) error
}

// DB is an open database.
type DB interface {
	// Dialect names the engine: "sqlite" or "postgres".
	Dialect() string
	// Reader serves reads outside transactions. On SQLite it is a pool of
	// read-only connections, so reads never queue behind the single writer.
	Reader() Querier
	// Writer serves single-statement writes outside transactions.
	Writer() Querier
	// InTx runs fn in a read-write transaction and commits if fn returns
	// nil. On serialisation failures it retries fn, so fn must not have
	// effects outside the transaction.
	InTx(ctx context.Context, fn func(Querier) error) error
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Preparer is implemented by engines that benefit from preparing the
// query catalog ahead of use (SQLite compiles each statement otherwise).
type Preparer interface {
	Prepare(ctx context.Context, queries []string) error
}

// Errors classified by the engines.
var (
	// ErrNoRows is returned by Row.Scan when the query matched nothing.
	ErrNoRows = errors.New("sqldb: no rows")
)

// ConstraintKind tells which kind of constraint a statement violated.
type ConstraintKind int

// The constraint kinds stores react to.
const (
	Unique ConstraintKind = iota + 1
	ForeignKey
	Check
)

// ConstraintError is a violated constraint. Constraint is the name of the
// index or constraint when the engine reports it (PostgreSQL does; SQLite
// reports the columns instead, in Columns).
type ConstraintError struct {
	Kind       ConstraintKind
	Constraint string
	Columns    string
	Err        error
}

func (e *ConstraintError) Error() string { return "sqldb: constraint violation: " + e.Err.Error() }
func (e *ConstraintError) Unwrap() error { return e.Err }

// IsUnique reports whether err violates a unique constraint. When any names
// are given, it must also match one of them: either the constraint name or
// the violated column list (for SQLite, such as "users.email").
func IsUnique(err error, names ...string) bool { return is(err, Unique, names) }

// IsForeignKey reports whether err violates a foreign key, matching names
// as IsUnique does.
func IsForeignKey(err error, names ...string) bool { return is(err, ForeignKey, names) }

func is(err error, kind ConstraintKind, names []string) bool {
	var ce *ConstraintError
	if !errors.As(err, &ce) || ce.Kind != kind {
		return false
	}
	if len(names) == 0 {
		return true
	}
	for _, n := range names {
		if n == ce.Constraint || n == ce.Columns {
			return true
		}
	}
	return false
}
