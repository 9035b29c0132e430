package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/critpath/critpath/store"
)

// Config tunes a Backend. The zero value is the default.
type Config struct {
	// BusyTimeout is how long a statement waits for a lock held by
	// another process on the same file before it fails (default 5 s).
	// Within one process, writers queue for the one write connection
	// instead.
	BusyTimeout time.Duration
	// Readers is the number of connections that read, beside the one
	// that writes (default 4).
	Readers int
}

// Backend is a store.Backend in one SQLite file. It is safe for
// concurrent use; see the package documentation for how it writes.
type Backend struct {
	path   string
	write  *sql.DB // one connection: every transaction BEGIN IMMEDIATE
	read   *sql.DB // Readers connections, query_only
	closed atomic.Bool
}

var _ store.Backend = (*Backend)(nil)

// Open opens the SQLite database at path, creating the file when it is
// missing, and brings its schema to the current version. It fails when
// the file is not a SQLite database, when its schema is newer than this
// package knows, or when cfg is invalid; each error names the path.
func Open(path string, cfg Config) (*Backend, error) {
	if path == "" {
		return nil, errors.New("sqlite: Open: an empty path")
	}
	if cfg.BusyTimeout < 0 {
		return nil, fmt.Errorf("sqlite: Open %s: Config.BusyTimeout %v is negative", path, cfg.BusyTimeout)
	}
	if cfg.Readers < 0 {
		return nil, fmt.Errorf("sqlite: Open %s: Config.Readers %d is negative", path, cfg.Readers)
	}
	busy := cmp.Or(cfg.BusyTimeout, 5*time.Second)
	readers := cmp.Or(cfg.Readers, 4)
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: Open %s: %w", path, err)
	}
	// The writer sets the journal mode, which the file keeps; readers
	// find it set. synchronous is per connection and only matters to the
	// writer, which is the only one that commits.
	write, err := sql.Open("sqlite", dsn(abs, busy,
		"_txlock=immediate",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_pragma=foreign_keys(1)"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: Open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	ctx := context.Background()
	if err := check(ctx, write, path); err != nil {
		write.Close()
		return nil, err
	}
	if err := migrate(ctx, write, path, schemaVersion()); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(abs, busy, "_pragma=query_only(1)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: Open %s: %w", path, err)
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	return &Backend{path: path, write: write, read: read}, nil
}

// dsn spells the data source name of the file at abs, a file: URI so
// that a path holding '?' or '#' is read as a path.
func dsn(abs string, busy time.Duration, params ...string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/…
	}
	u := url.URL{Scheme: "file", Path: p}
	q := append([]string{fmt.Sprintf("_pragma=busy_timeout(%d)", busy.Milliseconds())}, params...)
	return u.String() + "?" + strings.Join(q, "&")
}

// check makes sure the writer opened a SQLite database in WAL mode.
func check(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("sqlite: Open %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlite: Open %s: journal mode %q, want wal", path, mode)
	}
	return nil
}

// Path returns the file the backend was opened on, as given to Open.
func (b *Backend) Path() string { return b.path }

// Close closes the backend's connections, checkpointing the write-ahead
// log into the database file. Every later call fails with
// store.ErrClosed; closing twice is harmless.
func (b *Backend) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	return errors.Join(b.read.Close(), b.write.Close())
}

// live fails with store.ErrClosed after Close, and with the context's
// error when it is done.
func (b *Backend) live(ctx context.Context) error {
	if b.closed.Load() {
		return store.ErrClosed
	}
	return ctx.Err()
}
