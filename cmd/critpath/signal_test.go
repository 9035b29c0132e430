package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// TestMain runs the command itself when a test starts this test binary
// as a child with CRITPATH_TEST_MAIN=1, so a test can signal a real
// process.
func TestMain(m *testing.M) {
	if os.Getenv("CRITPATH_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// A convert terminated while it writes leaves neither OUT nor its
// temporary file, and dies of the signal.
func TestConvertTerminated(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process writing a large chart")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "big.json")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule.WriteJSON(f, randnet.Project(randnet.Config{Tasks: 20000, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "big.pdf")
	cmd := exec.Command(os.Args[0], "convert", in, out)
	cmd.Env = append(os.Environ(), "CRITPATH_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the temporary file: the child is writing.
	var tmp []string
	for deadline := time.Now().Add(time.Minute); len(tmp) == 0; {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no temporary file appeared within a minute")
		}
		tmp, _ = filepath.Glob(filepath.Join(dir, ".critpath-*"))
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	if ee, ok := errors.AsType[*exec.ExitError](err); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		if _, statErr := os.Stat(out); statErr == nil {
			t.Skip("the child finished writing before the signal reached it")
		}
		t.Errorf("child: %v, want death by SIGTERM", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".critpath-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}

// The command sets a soft memory limit of 1 GiB unless GOMEMLIMIT says
// otherwise; critpath version says which is in force.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct{ env, want string }{
		{"", "memory limit 1024 MiB"},
		{"GOMEMLIMIT=2GiB", "memory limit 2048 MiB"},
		{"GOMEMLIMIT=off", ""},
	} {
		cmd := exec.Command(os.Args[0], "version")
		cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GOMEMLIMIT=") }), "CRITPATH_TEST_MAIN=1")
		if c.env != "" {
			cmd.Env = append(cmd.Env, c.env)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", c.env, err)
		}
		if got := string(out); c.want != "" && !strings.Contains(got, c.want) || c.want == "" && strings.Contains(got, "memory limit") {
			t.Errorf("%q: %q, want %q", c.env, got, c.want)
		}
	}
}
