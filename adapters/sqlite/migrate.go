package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/critpath/critpath/internal/migration"
)

// The schema's migrations, migrations/NNNN_name.sql, numbered 1, 2, 3 …
// with no gap. A migration, once released, is never edited: a change to
// the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// schemaVersion is the version of the schema this package writes: the
// number of its last migration.
func schemaVersion() int { return migration.Last(migrationFiles) }

// migrations returns the embedded migrations in order.
func migrations() ([]migration.Step, error) { return migration.List(migrationFiles, "sqlite") }

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
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("sqlite: %s: migration %s: %w", path, m.Name, err)
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
