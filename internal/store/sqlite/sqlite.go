// Package sqlite is the embedded storage engine: modernc.org/sqlite (pure Go,
// no cgo) in WAL mode behind the sqldb seam. One connection writes, so
// write transactions never fail with SQLITE_BUSY inside the process; a small
// pool of read-only connections serves reads concurrently with it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded migration files.
func Migrations() embed.FS { return migrations }

// readers is the size of the read pool. Reads are short point and range
// lookups, so a few connections saturate two cores.
const readers = 4

// DB is an open SQLite database.
type DB struct {
	path   string
	w, r   *sql.DB
	ws, rs *sqldb.StmtCache
}

var (
	_ sqldb.DB       = (*DB)(nil)
	_ sqldb.Preparer = (*DB)(nil)
)

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &DB{path: path, w: w, r: r, ws: sqldb.NewStmtCache(w), rs: sqldb.NewStmtCache(r)}, nil
}

// dsn builds the connection string. _txlock=immediate takes the write lock at
// BEGIN, so a transaction never has to upgrade a read lock and deadlock.
// synchronous=FULL fsyncs the WAL at every commit: an acknowledged write
// survives power loss, not only a crash. Group commit (store.Batcher)
// keeps that affordable.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	// temp_store=MEMORY keeps savepoint journals off the disk.
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "synchronous(FULL)", "foreign_keys(1)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	// The default page cache (2 MB) makes the writer spill and re-read
	// pages mid-transaction; 64 MB for the writer and 16 MB for each reader
	// keep a busy working set in memory.
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "cache_size(-16384)")
	} else {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "cache_size(-65536)")
		// Checkpoint every 10,000 WAL pages (40 MB) instead of 1,000: hot
		// pages rewritten many times between checkpoints are copied once.
		q.Add("_pragma", "wal_autocheckpoint(10000)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Dialect implements sqldb.DB.
func (db *DB) Dialect() string { return "sqlite" }

// Reader implements sqldb.DB.
func (db *DB) Reader() sqldb.Querier { return sqldb.StdQuerier{Stmts: db.rs, Classify: classify} }

// Writer implements sqldb.DB.
func (db *DB) Writer() sqldb.Querier { return sqldb.StdQuerier{Stmts: db.ws, Classify: classify} }

// InTx implements sqldb.DB. With one writer connection there is no
// in-process contention to retry; another process holding the lock is
// waited for by busy_timeout. Statements in the transaction run to
// completion whatever their ctx (sqldb.StdQuerier.Uninterruptible): ctx
// decides only whether the transaction starts.
func (db *DB) InTx(ctx context.Context, fn func(sqldb.Querier) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", classify(err))
	}
	q := sqldb.StdQuerier{Stmts: db.ws, Tx: tx, TxStmts: map[string]*sql.Stmt{}, Classify: classify, Uninterruptible: true}
	if err := fn(q); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", classify(err))
	}
	return nil
}

// Prepare implements sqldb.Preparer: every query is prepared on the writer,
// and on the readers too when they can run it (writes cannot be prepared
// on a query_only connection; they never run there).
func (db *DB) Prepare(ctx context.Context, queries []string) error {
	if err := db.ws.Prepare(ctx, queries); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	_ = db.rs.Prepare(ctx, queries)
	return nil
}

// Ping implements sqldb.DB.
func (db *DB) Ping(ctx context.Context) error { return db.w.PingContext(ctx) }

// Close implements sqldb.DB.
func (db *DB) Close() error {
	return errors.Join(db.rs.Close(), db.ws.Close(), db.r.Close(), db.w.Close())
}

// Migrate applies pending migrations and returns the schema version.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, mustSub(migrations, "migrations"))
	if err != nil {
		return 0, fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("sqlite: migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// Backup writes a consistent copy of the live database to path with VACUUM
// INTO, which runs in a read transaction and so does not stop writers.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", path)
	}
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}

// classify maps SQLite errors onto the sqldb sentinels.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	var kind sqldb.ConstraintKind
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		kind = sqldb.Unique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		kind = sqldb.ForeignKey
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		kind = sqldb.Check
	default:
		return err
	}
	// "UNIQUE constraint failed: users.email" → "users.email"
	msg := se.Error()
	cols := ""
	if i := strings.LastIndex(msg, "constraint failed: "); i >= 0 {
		cols, _, _ = strings.Cut(msg[i+len("constraint failed: "):], " (")
	}
	return &sqldb.ConstraintError{Kind: kind, Columns: cols, Err: err}
}
