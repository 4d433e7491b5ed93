package sqldb

import (
	"context"
	"database/sql"
	"errors"
)

// StdQuerier adapts a database/sql handle (*sql.DB, *sql.Conn or *sql.Tx) to
// Querier, passing every error through Classify.
type StdQuerier struct {
	Handle interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
	// Classify maps driver errors to ConstraintError and friends.
	Classify func(error) error
}

var _ Querier = StdQuerier{}

// Exec implements Querier.
func (q StdQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.Handle.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, q.Classify(err)
	}
	return res.RowsAffected()
}

// Query implements Querier.
func (q StdQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := q.Handle.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.Classify(err)
	}
	return stdRows{rows: rows, classify: q.Classify}, nil
}

// QueryRow implements Querier.
func (q StdQuerier) QueryRow(ctx context.Context, query string, args ...any) Row {
	return stdRow{row: q.Handle.QueryRowContext(ctx, query, args...), classify: q.Classify}
}

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
