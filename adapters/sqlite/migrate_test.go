package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// schema returns the database's tables and indexes as SQL, sorted.
func schema(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT coalesce(sql, name) FROM sqlite_schema ORDER BY type, name`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func version(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second))
	require.NoError(t, err)
	defer db.Close()
	var v int
	require.NoError(t, db.QueryRow(`SELECT version FROM schema_version`).Scan(&v))
	return v
}

// atVersion writes a database at schema version v, as an older critpath left it.
func atVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second, "_txlock=immediate"))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, migrate(context.Background(), db, path, v))
}

func TestMigrations(t *testing.T) {
	ms, err := migrations()
	require.NoError(t, err)
	current := schemaVersion()
	require.Equal(t, len(ms), current)
	require.GreaterOrEqual(t, current, 1)

	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	b := open(t, fresh, Config{})
	require.NoError(t, b.Close())
	want := schema(t, fresh)
	require.Equal(t, current, version(t, fresh))
	require.Contains(t, want, "CREATE TABLE schema_version (version INTEGER NOT NULL)")

	t.Run("empty file", func(t *testing.T) {
		// A file of no bytes is a SQLite database with no tables.
		path := filepath.Join(t.TempDir(), "empty.db")
		require.NoError(t, os.WriteFile(path, nil, 0o644))
		b := open(t, path, Config{})
		require.NoError(t, b.Close())
		require.Equal(t, current, version(t, path))
		require.Equal(t, want, schema(t, path))
	})
	// Every earlier version, the previous one first, comes up to the
	// current schema, the same as a fresh file's.
	for v := current - 1; v >= 0; v-- {
		t.Run(fmt.Sprintf("from version %d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			atVersion(t, path, v)
			require.Equal(t, v, version(t, path))
			b := open(t, path, Config{})
			create(t, b, "tower")
			require.NoError(t, b.Close())
			require.Equal(t, current, version(t, path))
			require.Equal(t, want, schema(t, path))
		})
	}
	t.Run("current version keeps its data", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "current.db")
		b := open(t, path, Config{})
		create(t, b, "tower")
		require.NoError(t, b.Close())
		b = open(t, path, Config{})
		evs, err := b.Events(t.Context(), "tower", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, current, version(t, path))
		require.Equal(t, want, schema(t, path))
	})
	t.Run("newer version refused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "newer.db")
		atVersion(t, path, current)
		db, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second))
		require.NoError(t, err)
		_, err = db.Exec(`UPDATE schema_version SET version = ?`, current+1)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		b, err := Open(path, Config{})
		if err == nil {
			b.Close()
			t.Fatal("Open of a newer schema succeeded")
		}
		require.Contains(t, err.Error(), "newer.db")
		require.Contains(t, err.Error(), "newer than this program knows")
		require.Equal(t, current+1, version(t, path), "the refused file was changed")
	})
	t.Run("a failed migration leaves the file as it was", func(t *testing.T) {
		// A table in the way of migration 1 makes it fail; the version
		// stays 0 and nothing of the migration is left behind.
		path := filepath.Join(t.TempDir(), "blocked.db")
		atVersion(t, path, 0)
		db, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second))
		require.NoError(t, err)
		_, err = db.Exec(`CREATE TABLE outbox (x)`)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		before := schema(t, path)
		b, err := Open(path, Config{})
		if err == nil {
			b.Close()
			t.Fatal("Open over a table in the way succeeded")
		}
		require.Contains(t, err.Error(), "0001_init.sql")
		require.Equal(t, 0, version(t, path))
		require.Equal(t, before, schema(t, path))
	})
}
