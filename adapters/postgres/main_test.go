package postgres

import (
	"context"
	"os"
	"testing"

	"github.com/critpath/critpath/internal/pgserver"
)

// cluster is the test binary's PostgreSQL server: tests that need it are
// skipped, naming the missing binary, where PostgreSQL is not installed.
var cluster pgserver.Cluster

func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }

// open opens a Backend on a new, empty database, closed when tb ends.
func open(tb testing.TB, cfg Config) *Backend {
	tb.Helper()
	b, err := Open(context.Background(), cluster.Database(tb), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}
