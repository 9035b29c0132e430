package pgserver

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

var cluster Cluster

func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }

// TestDatabase starts the server, makes two databases and writes to
// each: they are apart, and each is dropped when its test ends.
func TestDatabase(t *testing.T) {
	ctx := t.Context()
	var names []string
	for i := range 2 {
		conn, err := pgx.Connect(ctx, cluster.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE TABLE x (n int)"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO x VALUES ($1)", i); err != nil {
			t.Fatal(err)
		}
		var n int
		var name string
		if err := conn.QueryRow(ctx, "SELECT sum(n), current_database() FROM x").Scan(&n, &name); err != nil {
			t.Fatal(err)
		}
		if n != i {
			t.Errorf("database %d holds %d, want %d", i, n, i)
		}
		names = append(names, name)
	}
	if names[0] == names[1] {
		t.Errorf("two databases named %s", names[0])
	}
	// The socket is the only way in: no TCP port.
	var listen string
	conn, err := pgx.Connect(ctx, cluster.Server(t).ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen); err != nil {
		t.Fatal(err)
	}
	if listen != "" {
		t.Errorf("listen_addresses = %q, want none", listen)
	}
}

// TestDropped: a database made for a subtest is gone once it ends.
func TestDropped(t *testing.T) {
	var conn string
	t.Run("sub", func(t *testing.T) { conn = cluster.Database(t) })
	if t.Failed() || conn == "" {
		return
	}
	name := conn[strings.LastIndex(conn, "dbname=")+len("dbname=") : strings.LastIndex(conn, " ")]
	c, err := pgx.Connect(t.Context(), cluster.Server(t).ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(t.Context())
	var n int
	if err := c.QueryRow(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still there after its test", name)
	}
}

// TestStartStop: a server of its own stops and leaves no folder.
func TestStartStop(t *testing.T) {
	cluster.Server(t) // skips when PostgreSQL is missing
	own, err := Start(context.Background(), "fsync=off")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), own.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	var fsync string
	err = conn.QueryRow(t.Context(), "SHOW fsync").Scan(&fsync)
	conn.Close(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if fsync != "off" {
		t.Errorf("fsync = %s, want the setting given, off", fsync)
	}
	if err := own.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(own.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s left after Stop: %v", own.dir, err)
	}
}

// TestLookBin finds the binaries on PATH or in Debian's folders, the
// newest version first, and names the one missing.
func TestLookBin(t *testing.T) {
	touch := func(t *testing.T, path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	noPath := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, c := range []struct {
		name    string
		files   []string // under the Debian folder
		onPath  string   // initdb found on PATH, under the folder
		want    string   // the folder found, under the Debian folder
		missing string   // or the binary named missing
	}{
		{name: "nothing", missing: "initdb"},
		{name: "initdb alone", files: []string{"15/bin/initdb"}, missing: "pg_ctl"},
		{name: "debian", files: []string{"15/bin/initdb", "15/bin/pg_ctl"}, want: "15/bin"},
		{name: "newest", files: []string{"9/bin/initdb", "9/bin/pg_ctl", "15/bin/initdb", "15/bin/pg_ctl"}, want: "15/bin"},
		{name: "path first", files: []string{"15/bin/initdb", "15/bin/pg_ctl", "p/initdb", "p/pg_ctl"}, onPath: "p/initdb", want: "p"},
		{name: "path without pg_ctl", files: []string{"p/initdb"}, onPath: "p/initdb", missing: "pg_ctl"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for _, f := range c.files {
				touch(t, filepath.Join(root, f))
			}
			look := noPath
			if c.onPath != "" {
				look = func(string) (string, error) { return filepath.Join(root, c.onPath), nil }
			}
			got, err := lookBin(look, root)
			if c.missing != "" {
				if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), c.missing) {
					t.Errorf("got %q, %v; want an ErrMissing naming %s", got, err, c.missing)
				}
				return
			}
			if err != nil || got != filepath.Join(root, c.want) {
				t.Errorf("got %q, %v; want %s", got, err, filepath.Join(root, c.want))
			}
		})
	}
}

func TestDBName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"TestX", "t_testx"},
		{"TestStore/Append#01", "t_teststore_append_01"},
		{"Test/" + strings.Repeat("a", 80), "t_test_" + strings.Repeat("a", 35)},
	} {
		if got := dbName(c.in); got != c.want {
			t.Errorf("dbName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
