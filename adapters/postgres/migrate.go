package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/critpath/critpath/internal/migration"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The schema's migrations, numbered 0001_name.sql, 0002_name.sql …, each
// applied once, in order.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the key of the advisory lock Migrate holds, so that
// processes opening one database at once migrate it one after another.
const migrationLock = 0x63726974_70617468 // "critpath"

// SchemaVersion is the version of the schema this package migrates to:
// the number of its last migration.
func SchemaVersion() int { return migration.Last(migrationFiles) }

// migrations returns the embedded migrations in order.
func migrations() ([]migration.Step, error) { return migration.List(migrationFiles, "postgres") }

// Migrate brings the database's schema up to SchemaVersion, applying the
// migrations it lacks in one transaction under an advisory lock, and
// records each in the table schema_migrations. A database already up to
// date is left as it is; one at a newer version than this package knows
// is an error, and changes nothing. Open calls it.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate(ctx, pool, SchemaVersion())
}

// migrate is Migrate up to version target.
func migrate(ctx context.Context, pool *pgxpool.Pool, target int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("postgres: migrate: taking the lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("postgres: migrate: reading the version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("postgres: the database's schema is at version %d, newer than this package's %d", current, len(ms))
	}
	for _, m := range ms[current:max(current, min(target, len(ms)))] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}
