package postgres

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/critpath/critpath/store"
)

// schemaObjects are what the migrations make, by the version that makes
// them.
var schemaObjects = map[int][]string{
	1: {"projects", "events", "snapshots", "answers", "outbox"},
	2: {"projection_projects", "projection_tasks", "projection_resources", "projection_resource_days",
		"project_dashboard", "resource_utilization"},
	3: {"notify_attempts", "notify_deliveries", "notify_inbox", "notify_digests"},
}

func pool(t *testing.T, conn string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// checkSchema checks that the database is at version want, with the
// migrations recorded and their objects there.
func checkSchema(t *testing.T, p *pgxpool.Pool, want int) {
	t.Helper()
	ctx := t.Context()
	rows, err := p.Query(ctx, "SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, fmt.Sprintf("%04d_", v)) {
			t.Errorf("migration %d recorded as %s", v, name)
		}
		got = append(got, v)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	var wantVersions []int
	for v := 1; v <= want; v++ {
		wantVersions = append(wantVersions, v)
	}
	if !reflect.DeepEqual(got, wantVersions) {
		t.Errorf("versions applied %v, want %v", got, wantVersions)
	}
	for v, names := range schemaObjects {
		for _, name := range names {
			var there bool
			if err := p.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", name).Scan(&there); err != nil {
				t.Fatal(err)
			}
			if there != (v <= want) {
				t.Errorf("at version %d, %s there: %v", want, name, there)
			}
		}
	}
}

func TestMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 || SchemaVersion() != len(ms) {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
	for v := range schemaObjects {
		if v > len(ms) {
			t.Errorf("schemaObjects names version %d of %d", v, len(ms))
		}
	}
}

// TestMigrate migrates databases at every earlier version, the empty one
// and the previous version among them, holding data where they have
// tables: each comes up to date with its data kept and works.
func TestMigrate(t *testing.T) {
	for from := range SchemaVersion() {
		t.Run(fmt.Sprintf("from %d", from), func(t *testing.T) {
			ctx := t.Context()
			conn := cluster.Database(t)
			p := pool(t, conn)
			if err := migrate(ctx, p, from); err != nil {
				t.Fatal(err)
			}
			checkSchema(t, p, from)
			var first store.Event
			if from >= 1 {
				// The log's methods use version 1's tables only.
				first = create(t, &Backend{pool: p}, "tower")
			}
			b, err := Open(ctx, conn, Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			checkSchema(t, p, SchemaVersion())
			if from >= 1 {
				if got := events(t, b, "tower"); !reflect.DeepEqual(got, []store.Event{first}) {
					t.Errorf("after migrating, events %+v, want %+v", got, first)
				}
			} else {
				create(t, b, "tower")
			}
			if err := b.Append(ctx, event("tower", 2), nil); err != nil {
				t.Error(err)
			}
			if err := b.Project(ctx, "tower", 2, dhaka(t)); err != nil {
				t.Error(err)
			}
			if err := b.Refresh(ctx); err != nil {
				t.Error(err)
			}
			// Opening again changes nothing.
			b2, err := Open(ctx, conn, Config{})
			if err != nil {
				t.Fatal(err)
			}
			b2.Close()
			checkSchema(t, p, SchemaVersion())
		})
	}
}

// TestMigrateConcurrently: processes opening an empty database at once
// migrate it once, one after the other, and all open.
func TestMigrateConcurrently(t *testing.T) {
	conn := cluster.Database(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			b, err := Open(context.Background(), conn, Config{})
			if err != nil {
				t.Error(err)
				return
			}
			b.Close()
		})
	}
	wg.Wait()
	checkSchema(t, pool(t, conn), SchemaVersion())
}

// TestMigrateNewer: a database migrated by a newer version of the package
// is refused, and left as it is.
func TestMigrateNewer(t *testing.T) {
	ctx := t.Context()
	conn := cluster.Database(t)
	p := pool(t, conn)
	if err := Migrate(ctx, p); err != nil {
		t.Fatal(err)
	}
	next := SchemaVersion() + 1
	if _, err := p.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", next); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, conn, Config{})
	if err == nil {
		b.Close()
		t.Fatal("a database at a newer version opened")
	}
	if !strings.Contains(err.Error(), fmt.Sprint(next)) {
		t.Errorf("error %q does not name version %d", err, next)
	}
	var n int
	if err := p.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != next {
		t.Errorf("%d migrations recorded (%v), want %d", n, err, next)
	}
}
