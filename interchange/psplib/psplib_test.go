package psplib_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/schedule"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRead(t *testing.T) {
	in, err := psplib.Read(bytes.NewReader(readFile(t, "j301_1.sm")))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Durations) != 32 || in.Horizon != 158 || in.MPMTime != 38 || len(in.Capacities) != 4 {
		t.Fatalf("jobs %d, horizon %d, MPM-Time %d, %d resources", len(in.Durations), in.Horizon, in.MPMTime, len(in.Capacities))
	}
	if got := in.Capacities; got[0] != 12 || got[1] != 13 || got[2] != 4 || got[3] != 12 {
		t.Errorf("capacities %v", got)
	}
	if in.Durations[1] != 8 || in.Demands[1][0] != 4 || len(in.Successors[0]) != 3 || in.Successors[7][2] != 26 {
		t.Errorf("job 2: duration %d, R1 %d; job 1 successors %v; job 8 successors %v", in.Durations[1], in.Demands[1][0], in.Successors[0], in.Successors[7])
	}
	// The project's critical path, resources aside, is the file's MPM-Time.
	r, err := schedule.Run(in.Project)
	if err != nil {
		t.Fatal(err)
	}
	if days := r.Finish().Sub(r.Start()).Hours() / 24; days != 38 {
		t.Errorf("critical path %v days, want 38", days)
	}
	if n := len(in.Project.Assignments); n != 30 {
		t.Errorf("%d assignments, want 30 (one demand per real job)", n)
	}
}

// TestCorpus reads every instance in the shared data and checks that its
// critical path equals its MPM-Time.
func TestCorpus(t *testing.T) {
	root := os.Getenv("CRITPATH_CORPUS")
	if root == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, _ := filepath.Glob(filepath.Join(root, "psplib", "j*", "*.sm"))
	if len(files) < 1560 {
		t.Fatalf("%d instances under %s, want 1,560", len(files), root)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in, err := psplib.Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		r, err := schedule.Run(in.Project)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if days := int(r.Finish().Sub(r.Start()).Hours() / 24); days != in.MPMTime {
			t.Errorf("%s: critical path %d, MPM-Time %d", filepath.Base(f), days, in.MPMTime)
		}
	}
}

// TestReadErrors: a file Read cannot read is a *ParseError naming the
// line, its message starting with "psplib: "; one whose content is wrong
// wraps ErrFormat, one the reader fails on wraps the reader's error.
func TestReadErrors(t *testing.T) {
	good := string(readFile(t, "j301_1.sm"))
	cases := []struct {
		name, old, new string
		line           int
	}{
		{"truncated", "RESOURCEAVAILABILITIES", "", 0},
		{"two modes", "   2        1          3           6  11  15", "   2        2          3           6  11  15", 20},
		{"successor out of range", "  31        1          1          32", "  31        1          1          99", 49},
		{"successor count", "   5        1          1          20", "   5        1          2          20", 23},
		{"bad duration", "  2      1     8       4", "  2      1     x       4", 56},
		{"demand over capacity", "  3      1     4      10", "  3      1     4      99", 57},
		{"missing capacity", "   12   13    4   12", "   12   13    4", 90},
		{"nonrenewable", "nonrenewable              :  0", "nonrenewable              :  2", 10},
		{"not a number of jobs", "jobs (incl. supersource/sink ):  32", "jobs (incl. supersource/sink ):  -1", 6},
	}
	for _, c := range cases {
		text := strings.Replace(good, c.old, c.new, 1)
		if c.name == "truncated" {
			text = good[:strings.Index(good, c.old)]
		}
		_, err := psplib.Read(strings.NewReader(text))
		var pe *psplib.ParseError
		if !errors.As(err, &pe) || (c.line != 0 && pe.Line != c.line) {
			t.Errorf("%s: %v; want a ParseError at line %d", c.name, err, c.line)
			continue
		}
		if !errors.Is(err, psplib.ErrFormat) || !strings.HasPrefix(err.Error(), "psplib: line ") {
			t.Errorf("%s: %q; want it to start with \"psplib: line \" and wrap ErrFormat", c.name, err)
		}
	}
	for name, r := range map[string]io.Reader{
		"read error":    iotest.ErrReader(iotest.ErrTimeout),
		"line too long": strings.NewReader("jobs : " + strings.Repeat("1", 1<<17)),
	} {
		_, err := psplib.Read(r)
		if _, ok := errors.AsType[*psplib.ParseError](err); !ok || errors.Is(err, psplib.ErrFormat) || !strings.HasPrefix(err.Error(), "psplib: line ") {
			t.Errorf("%s: %q; want a ParseError starting with \"psplib: line \", not ErrFormat", name, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add(readFile(f, "j301_1.sm"))
	f.Add([]byte("jobs : 2\nhorizon : 1\n- renewable : 0\n- nonrenewable : 0\n- doubly : 0\npronr.\n1 0 0 0 0 0\njobnr.\n1 1 1 2\n2 1 0\njobnr.\n1 1 0\n2 1 0\nRESOURCEAVAILABILITIES\nR\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := psplib.Read(bytes.NewReader(data))
		if err != nil {
			var pe *psplib.ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "psplib: ") {
				t.Fatalf("not a ParseError starting with \"psplib: \": %v", err)
			}
			return
		}
		// What is read is consistent, and schedules or fails with an error.
		n := len(in.Durations)
		if len(in.Demands) != n || len(in.Successors) != n || len(in.Project.Tasks) != n {
			t.Fatalf("inconsistent instance")
		}
		if _, err := schedule.Run(in.Project); err != nil {
			var ce *schedule.CycleError
			var ie *schedule.InputError
			if !errors.As(err, &ce) && !errors.As(err, &ie) {
				t.Fatalf("untyped error: %v", err)
			}
		}
	})
}
