// Package storetest is the conformance suite every storage engine must pass
// (ADR 0003), plus helpers that give tests a fresh, migrated database on
// SQLite or PostgreSQL.
//
// PostgreSQL tests use SWITCHBOARD_TEST_DATABASE_URL, or the local default
// postgres://postgres@127.0.0.1:5432/test when it answers. Each test gets its
// own schema, dropped afterwards. Without PostgreSQL they skip — unless
// SWITCHBOARD_TEST_STRICT=1, when they fail, so CI never silently skips.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/postgres"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
)

// DefaultPostgresURL is tried when SWITCHBOARD_TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Strict reports whether missing test dependencies must fail tests.
func Strict() bool { return os.Getenv("SWITCHBOARD_TEST_STRICT") == "1" }

// SkipOrFail skips the test, or fails it in strict mode.
func SkipOrFail(t testing.TB, why string) {
	t.Helper()
	if Strict() {
		t.Fatalf("SWITCHBOARD_TEST_STRICT=1 and %s", why)
	}
	t.Skip(why)
}

// Engine names a storage engine and opens fresh migrated instances of it.
type Engine struct {
	Name string
	// Open returns an empty, migrated database that is removed when t ends.
	Open func(t testing.TB) store.Engine
}

// Engines returns SQLite and PostgreSQL.
func Engines() []Engine {
	return []Engine{{Name: "sqlite", Open: OpenSQLite}, {Name: "postgres", Open: OpenPostgres}}
}

// OpenSQLite returns a migrated SQLite database in a temporary directory.
func OpenSQLite(t testing.TB) store.Engine {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

var pgProbe struct {
	once sync.Once
	url  string
	err  error
}

// PostgresURL returns the test server's URL, skipping (or failing in strict
// mode) when no server answers.
func PostgresURL(t testing.TB) string {
	t.Helper()
	pgProbe.once.Do(func() {
		u := os.Getenv("SWITCHBOARD_TEST_DATABASE_URL")
		if u == "" {
			u = DefaultPostgresURL
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, u)
		if err == nil {
			_ = c.Close(ctx)
		}
		pgProbe.url, pgProbe.err = u, err
	})
	if pgProbe.err != nil {
		SkipOrFail(t, "PostgreSQL is not reachable: "+pgProbe.err.Error())
	}
	return pgProbe.url
}

// OpenPostgres returns a migrated PostgreSQL database in a new schema.
func OpenPostgres(t testing.TB) store.Engine {
	t.Helper()
	return openPostgres(t, NewSchemaURL(t))
}

// NewSchemaURL creates an empty schema, dropped when t ends, and returns a
// URL whose connections use it. Migrations are not applied.
func NewSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "sbtest_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPostgres(t testing.TB, u string) store.Engine {
	t.Helper()
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// NewStores wraps an engine in stores with real UUIDv7 IDs.
func NewStores(t testing.TB, e store.Engine) *store.Stores {
	t.Helper()
	st, err := store.New(e, store.Options{NewID: NewID})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// NewID returns a UUIDv7, as production does.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
