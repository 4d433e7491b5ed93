package sqldb

import (
	"context"
	"database/sql"
	"errors"
)

// StdQuerier adapts database/sql to Querier: statements run as prepared
// statements from Stmts, inside Tx when it is set, and every error passes
// through Classify.
type StdQuerier struct {
	Stmts *StmtCache
	// Tx, when set, runs the statements in this transaction.
	Tx *sql.Tx
	// TxStmts caches Tx's statements for the transaction's lifetime: a
	// group commit runs the same few statements hundreds of times.
	TxStmts map[string]*sql.Stmt
	// Classify maps driver errors to ConstraintError and friends.
	Classify func(error) error
	// Uninterruptible runs statements to completion even when their ctx
	// ends: SQLite answers an interrupted write by rolling back the whole
	// transaction, which group commit shares among many callers.
	Uninterruptible bool
}

func (q StdQuerier) ctx(ctx context.Context) context.Context {
	if q.Uninterruptible {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

var _ Querier = StdQuerier{}

func (q StdQuerier) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if q.Tx != nil {
		// Inside a transaction the pool may have no other connection (the
		// SQLite writer has one), so never prepare on the pool here: use
		// the cached statement if there is one, else prepare on the
		// transaction's own connection. Either is closed with the
		// transaction.
		if st, ok := q.TxStmts[query]; ok {
			return st, nil
		}
		var st *sql.Stmt
		if cached, ok := q.Stmts.Cached(query); ok {
			st = q.Tx.StmtContext(ctx, cached)
		} else {
			var err error
			if st, err = q.Tx.PrepareContext(ctx, query); err != nil {
				return nil, q.Classify(err)
			}
		}
		if q.TxStmts != nil {
			q.TxStmts[query] = st
		}
		return st, nil
	}
	st, err := q.Stmts.Stmt(ctx, query)
	if err != nil {
		return nil, q.Classify(err)
	}
	return st, nil
}

// Exec implements Querier.
func (q StdQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx = q.ctx(ctx)
	st, err := q.stmt(ctx, query) //nolint:sqlclosecheck // cached: closed by StmtCache.Close or with the transaction
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, q.Classify(err)
	}
	return res.RowsAffected()
}

// Query implements Querier.
func (q StdQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	ctx = q.ctx(ctx)
	st, err := q.stmt(ctx, query) //nolint:sqlclosecheck // cached: closed by StmtCache.Close or with the transaction
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, q.Classify(err)
	}
	return stdRows{rows: rows, classify: q.Classify}, nil
}

// QueryRow implements Querier.
func (q StdQuerier) QueryRow(ctx context.Context, query string, args ...any) Row {
	ctx = q.ctx(ctx)
	st, err := q.stmt(ctx, query) //nolint:sqlclosecheck // cached: closed by StmtCache.Close or with the transaction
	if err != nil {
		return errRow{err}
	}
	return stdRow{row: st.QueryRowContext(ctx, args...), classify: q.Classify}
}

// errRow is a Row whose statement could not be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type stdRows struct {
	rows     *sql.Rows
	classify func(error) error
}

func (r stdRows) Next() bool { return r.rows.Next() }
func (r stdRows) Scan(dest ...any) error {
	if err := r.rows.Scan(dest...); err != nil {
		return r.classify(err)
	}
	return nil
}
func (r stdRows) Err() error {
	if err := r.rows.Err(); err != nil {
		return r.classify(err)
	}
	return nil
}
func (r stdRows) Close() { _ = r.rows.Close() }

type stdRow struct {
	row      *sql.Row
	classify func(error) error
}

func (r stdRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoRows
	}
	if err != nil {
		return r.classify(err)
	}
	return nil
}
