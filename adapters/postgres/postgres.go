package postgres

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/critpath/critpath/store"
)

var (
	_ store.Backend   = (*Backend)(nil)
	_ store.Projector = (*Backend)(nil)
)

// Config tunes a Backend. Its zero value works.
type Config struct {
	// RefreshEvery is the least time between two refreshes of the
	// materialized views: the changes projected meanwhile are refreshed
	// together. Default 1 s.
	RefreshEvery time.Duration
	// Baseline names the baseline the dashboard compares a project with
	// (baseline finish, late tasks, SPI and CPI); empty means the
	// project's first baseline.
	Baseline string
	// Logger logs the refreshes that fail; nil is silent.
	Logger *slog.Logger
}

// Backend is a store.Backend and store.Projector on a PostgreSQL
// database. It is safe for concurrent use, by any number of processes
// sharing the database.
type Backend struct {
	pool *pgxpool.Pool
	cfg  Config

	refreshMu sync.Mutex // one refresh at a time from this Backend
	deb       *debouncer
	stop      context.CancelFunc
	done      chan struct{}
}

// Open connects to the database connString names (a URL or key=value
// string, as pgx reads it), brings its schema up to date (see Migrate)
// and starts the goroutine that refreshes the views (once at the start,
// for projections an earlier process left unrefreshed, then after
// projections). It fails when the database cannot be reached or its
// schema is newer than this package's.
func Open(ctx context.Context, connString string, cfg Config) (*Backend, error) {
	pool, err := pgxpool.New(ctx, connString)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	cfg.RefreshEvery = cmp.Or(cfg.RefreshEvery, time.Second)
	b := &Backend{pool: pool, cfg: cfg, done: make(chan struct{})}
	b.deb = newDebouncer(cfg.RefreshEvery, b.refresh, cfg.Logger)
	bg, stop := context.WithCancel(context.Background())
	b.stop = stop
	go func() {
		defer close(b.done)
		b.deb.run(bg)
	}()
	// Projections an earlier process wrote but did not refresh.
	b.deb.changed()
	return b, nil
}

// Pool returns the Backend's connection pool, to query the views.
func (b *Backend) Pool() *pgxpool.Pool { return b.pool }

// Close stops the refreshing goroutine and closes the connections.
// Projections written since the last refresh reach the views at the next
// refresh, at the latest when a Backend next opens the database.
func (b *Backend) Close() error {
	b.stop()
	<-b.done
	b.pool.Close()
	return nil
}
