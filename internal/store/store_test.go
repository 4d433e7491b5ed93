package store_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/postgres"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, e.Open)
		})
	}
}

// TestMigrationsLockstep keeps the two dialects' schemas at the same
// versions: every migration exists for both engines under the same name.
func TestMigrationsLockstep(t *testing.T) {
	t.Parallel()
	names := func(fsys fs.FS) []string {
		entries, err := fs.ReadDir(fsys, "migrations")
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := names(sqlite.Migrations()), names(postgres.Migrations())
	require.NotEmpty(t, lite)
	require.Equal(t, lite, pg, "sqlite and postgres migrations must have the same versions and names")
}
