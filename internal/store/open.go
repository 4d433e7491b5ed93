package store

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/store/postgres"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
)

// Engine is an open database that can migrate its schema.
type Engine interface {
	sqldb.DB
	// Migrate applies pending migrations and returns the schema version.
	Migrate(ctx context.Context) (int64, error)
}

var (
	_ Engine = (*sqlite.DB)(nil)
	_ Engine = (*postgres.DB)(nil)
)

// OpenEngine opens PostgreSQL when url is set, else SQLite at sqlitePath.
func OpenEngine(ctx context.Context, url, sqlitePath string) (Engine, error) {
	if url != "" {
		return postgres.Open(ctx, url)
	}
	return sqlite.Open(ctx, sqlitePath)
}
