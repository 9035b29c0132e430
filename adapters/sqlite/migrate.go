package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// The schema's migrations, migrations/NNNN_name.sql, numbered 1, 2, 3 …
// with no gap. A migration, once released, is never edited: a change to
// the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order, checking that they
// are numbered 1, 2, 3 … with no gap.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // Glob returns names in lexical order
		base := strings.TrimPrefix(name, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("sqlite: migration %s: want a name NNNN_what.sql", base)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("sqlite: migration %s: number %d, want %d", base, v, len(ms)+1)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(text)})
	}
	return ms, nil
}

// schemaVersion is the version of the schema this package writes: the
// number of its last migration.
func schemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate brings the database's schema to version to, applying the
// migrations after the version it is at in one transaction: a crash or
// an error leaves the schema as it was. A database at a version newer
// than this package knows is refused, as is one asked to go backwards.
// The version is kept in the table schema_version (one row); a database
// without it is at version 0, no tables.
func migrate(ctx context.Context, db *sql.DB, path string, to int) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if to < 0 || to > len(ms) {
		return fmt.Errorf("sqlite: %s: no schema version %d (this package knows 0 to %d)", path, to, len(ms))
	}
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return fmt.Errorf("sqlite: %s: migrate: %w", path, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: %s: migrate: %w", path, err)
	}
	var at int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&at); {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("sqlite: %s: migrate: %w", path, err)
		}
	case err != nil:
		return fmt.Errorf("sqlite: %s: reading the schema version: %w", path, err)
	}
	switch {
	case at > len(ms):
		return fmt.Errorf("sqlite: %s is at schema version %d, newer than this program knows (%d): open it with a newer critpath", path, at, len(ms))
	case at > to:
		return fmt.Errorf("sqlite: %s is at schema version %d; migrations do not go back to %d", path, at, to)
	case at == to:
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: %s: migrate: %w", path, err)
		}
		return nil
	}
	for _, m := range ms[at:to] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("sqlite: %s: migration %s: %w", path, m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, to); err != nil {
		return fmt.Errorf("sqlite: %s: migrate: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: migrate to version %d: %w", path, to, err)
	}
	return nil
}
