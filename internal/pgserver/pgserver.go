// Package pgserver starts a throw-away PostgreSQL server for tests: a
// cluster made with initdb in a temporary folder, listening on a Unix
// socket in that folder only (no TCP port), removed when the tests end.
//
// A test binary keeps one Cluster, started the first time a test asks
// for a database and stopped by Main after the tests have run; each test
// gets a database of its own:
//
//	var cluster pgserver.Cluster
//
//	func TestMain(m *testing.M) { os.Exit(cluster.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		conn := cluster.Database(t) // a connection string
//		…
//	}
//
// The binaries (initdb, pg_ctl) are looked for on PATH and then in
// Debian's /usr/lib/postgresql/VERSION/bin, the newest version first. A
// test that asks for a database where they are missing is skipped with
// a message naming the missing binary. initdb refuses to run as root: as
// root, the cluster is made and run as the postgres user (through
// runuser), in a folder that user owns.
//
// A Cluster is safe for concurrent use. If the test binary is killed
// before Main stops the server, the server outlives it; its folder is
// named pgserver* in the system's temporary folder.
package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrMissing is wrapped by Start's error when a binary or the postgres
// user it needs is not on this machine.
var ErrMissing = errors.New("pgserver: not installed")

// Cluster is a PostgreSQL server for one test binary, started on first
// use. Its zero value is ready to use.
type Cluster struct {
	// Settings are extra server settings (name=value, as for postgres -c),
	// read when the server starts.
	Settings []string

	once   sync.Once
	server *Server
	err    error
	mu     sync.Mutex
	n      int // databases made
}

// Main runs the test binary's tests and benchmarks, then stops the
// server if one was started, and returns the exit code for os.Exit: m's,
// or 1 when the server did not stop. Call it from TestMain.
func (c *Cluster) Main(m *testing.M) int {
	code := m.Run()
	c.mu.Lock()
	s := c.server
	c.mu.Unlock()
	if s != nil {
		if err := s.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Server returns the cluster's server, starting it the first time; tb is
// skipped when PostgreSQL is not installed and fails when it does not
// start.
func (c *Cluster) Server(tb testing.TB) *Server {
	tb.Helper()
	c.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s, err := Start(ctx, c.Settings...)
		c.mu.Lock()
		c.server, c.err = s, err
		c.mu.Unlock()
	})
	if errors.Is(c.err, ErrMissing) {
		tb.Skip(c.err)
	}
	if c.err != nil {
		tb.Fatal(c.err)
	}
	return c.server
}

// Database makes a new, empty database for tb and returns its
// connection string; the database is dropped when tb ends (after the
// cleanups tb registers later, which should close their connections).
// tb is skipped when PostgreSQL is not installed.
func (c *Cluster) Database(tb testing.TB) string {
	tb.Helper()
	s := c.Server(tb)
	c.mu.Lock()
	c.n++
	name := fmt.Sprintf("%s_%d", dbName(tb.Name()), c.n)
	c.mu.Unlock()
	ctx := context.Background()
	if err := s.CreateDatabase(ctx, name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), name); err != nil {
			tb.Error(err)
		}
	})
	return s.ConnString(name)
}

var notName = regexp.MustCompile(`[^a-z0-9_]+`)

// dbName makes a database name from a test's name: lower case, letters,
// digits and underscores, short enough for PostgreSQL's 63 bytes with a
// counter after it.
func dbName(test string) string {
	s := strings.Trim(notName.ReplaceAllString(strings.ToLower(test), "_"), "_")
	if len(s) > 40 {
		s = s[:40]
	}
	return "t_" + s
}

// Server is a running PostgreSQL server on a Unix socket in a temporary
// folder.
type Server struct {
	dir   string // the folder: data/, the socket, the log
	bin   string // the folder of the binaries
	owner *user.User
}

// Start makes a cluster in a new temporary folder and starts a server
// for it on a Unix socket in that folder, with the given extra settings
// (name=value). An error wraps ErrMissing when initdb, pg_ctl, or (as
// root) runuser or the postgres user is missing, and names it.
func Start(ctx context.Context, settings ...string) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("runuser"); err != nil {
			return nil, fmt.Errorf("%w: runuser (needed to run PostgreSQL as the postgres user when root)", ErrMissing)
		}
		if s.owner, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("%w: the postgres user (initdb cannot run as root): %v", ErrMissing, err)
		}
	}
	// A short folder name: a Unix socket's path has a limit of about 100
	// bytes.
	if s.dir, err = os.MkdirTemp("", "pgserver"); err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	if s.owner != nil {
		uid, _ := strconv.Atoi(s.owner.Uid)
		gid, _ := strconv.Atoi(s.owner.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			os.RemoveAll(s.dir)
			return nil, fmt.Errorf("pgserver: %w", err)
		}
	}
	data := filepath.Join(s.dir, "data")
	if err := s.run(ctx, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	opts := []string{"-k", s.dir, "-c", "listen_addresses=''"}
	for _, set := range settings {
		opts = append(opts, "-c", set)
	}
	if err := s.run(ctx, "pg_ctl", "-D", data, "-o", strings.Join(opts, " "), "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, log)
	}
	return s, nil
}

// findBin returns the folder holding initdb and pg_ctl: the one on PATH,
// or Debian's newest /usr/lib/postgresql/VERSION/bin.
func findBin() (string, error) {
	return lookBin(exec.LookPath, "/usr/lib/postgresql")
}

// lookBin is findBin with the PATH lookup and Debian's folder given.
func lookBin(lookPath func(string) (string, error), debian string) (string, error) {
	if p, err := lookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err != nil {
			return "", fmt.Errorf("%w: pg_ctl (beside %s)", ErrMissing, p)
		}
		return dir, nil
	}
	dirs, _ := filepath.Glob(filepath.Join(debian, "*", "bin"))
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err != nil {
			return "", fmt.Errorf("%w: pg_ctl (beside %s)", ErrMissing, filepath.Join(dir, "initdb"))
		}
		return dir, nil
	}
	return "", fmt.Errorf("%w: initdb (PostgreSQL's, looked for on PATH and in %s; Debian's package is postgresql)", ErrMissing, filepath.Join(debian, "*", "bin"))
}

// version reads the major version from /usr/lib/postgresql/VERSION/bin.
func version(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// run runs one of the server's binaries, as the postgres user when root.
func (s *Server) run(ctx context.Context, name string, args ...string) error {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.owner != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", s.owner.Username, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = s.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgserver: %s: %w\n%s", name, err, out)
	}
	return nil
}

// ConnString returns the connection string of a database on the server.
func (s *Server) ConnString(database string) string {
	return fmt.Sprintf("host=%s user=postgres dbname=%s sslmode=disable", s.dir, database)
}

// CreateDatabase makes an empty database.
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	return s.admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
}

// DropDatabase removes a database, ending the connections still open to
// it.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	return s.admin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// admin runs a statement in the postgres database.
func (s *Server) admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgserver: %s: %w", sql, err)
	}
	return nil
}

// Stop stops the server at once and removes its folder.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.run(ctx, "pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	if rerr := os.RemoveAll(s.dir); err == nil && rerr != nil {
		err = fmt.Errorf("pgserver: %w", rerr)
	}
	return err
}
