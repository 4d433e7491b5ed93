// Package postgres is the scale-out storage engine: PostgreSQL through
// pgx/v5's native pool behind the sqldb seam. Any number of Switchboard nodes
// may share one database; migrations take a session advisory lock so that
// nodes starting together apply them once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files.
func Migrations() embed.FS { return migrations }

// defaultPoolSize is the connection pool size unless the URL sets one.
const defaultPoolSize = 32

// maxTxAttempts bounds retries of a transaction that failed with a
// serialisation failure or deadlock.
const maxTxAttempts = 3

// DB is an open PostgreSQL pool.
type DB struct {
	pool *pgxpool.Pool
}

var _ sqldb.DB = (*DB)(nil)

// Open connects to the database at url (postgres://…). Unknown URL query
// parameters such as search_path become session settings.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	// Acknowledged writes must survive a crash of the database host: never
	// inherit a relaxed server or role default.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	// Every message is its own durable transaction here; with pgx's default
	// of max(4, cores) connections, commits queue behind four fsyncs at a
	// time. A URL's pool_max_conns still wins.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = defaultPoolSize
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect %s@%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, err)
	}
	return &DB{pool: pool}, nil
}

// Dialect implements sqldb.DB.
func (db *DB) Dialect() string { return "postgres" }

// Reader implements sqldb.DB.
func (db *DB) Reader() sqldb.Querier { return querier{db.pool} }

// Writer implements sqldb.DB.
func (db *DB) Writer() sqldb.Querier { return querier{db.pool} }

// InTx implements sqldb.DB.
func (db *DB) InTx(ctx context.Context, fn func(sqldb.Querier) error) error {
	var err error
	for range maxTxAttempts {
		if err = db.tryTx(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(sqldb.Querier) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	if err := fn(querier{tx}); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", classify(err))
	}
	return nil
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Ping implements sqldb.DB.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Close implements sqldb.DB.
func (db *DB) Close() error { db.pool.Close(); return nil }

// Migrate applies pending migrations under an advisory lock and returns the
// schema version.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return 0, fmt.Errorf("postgres: migration lock: %w", err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return 0, fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// Pool exposes the pool to tests that manage schemas.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

type pgxHandle interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type querier struct{ h pgxHandle }

func (q querier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.h.Exec(ctx, query, args...)
	if err != nil {
		return 0, classify(err)
	}
	return tag.RowsAffected(), nil
}

func (q querier) Query(ctx context.Context, query string, args ...any) (sqldb.Rows, error) {
	rows, err := q.h.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	return pgRows{rows}, nil
}

func (q querier) QueryRow(ctx context.Context, query string, args ...any) sqldb.Row {
	return pgRow{q.h.QueryRow(ctx, query, args...)}
}

type pgRows struct{ pgx.Rows }

func (r pgRows) Scan(dest ...any) error { return classify(r.Rows.Scan(dest...)) }
func (r pgRows) Err() error             { return classify(r.Rows.Err()) }

type pgRow struct{ row pgx.Row }

func (r pgRow) Scan(dest ...any) error { return classify(r.row.Scan(dest...)) }

// classify maps pgx errors onto the sqldb sentinels.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return sqldb.ErrNoRows
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	var kind sqldb.ConstraintKind
	switch pe.Code {
	case "23505":
		kind = sqldb.Unique
	case "23503":
		kind = sqldb.ForeignKey
	case "23514":
		kind = sqldb.Check
	default:
		return err
	}
	return &sqldb.ConstraintError{Kind: kind, Constraint: pe.ConstraintName, Columns: pe.TableName + "." + pe.ColumnName, Err: err}
}
