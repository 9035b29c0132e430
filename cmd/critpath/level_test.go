package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/internal/feasible"
)

// TestLevelJSON levels PSPLIB's j301_1 (testdata; optimum 43) and checks
// the printed schedule with the independent checker.
func TestLevelJSON(t *testing.T) {
	path := filepath.Join("testdata", "j301_1.sm")
	code, out, errOut := runCLI("level", path, "--schedules", "2000", "--seed", "7", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Makespan int            `json:"makespan"`
		Starts   map[string]int `json:"starts"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, _ := os.ReadFile(path)
	in, err := psplib.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	starts := make([]int, len(in.Durations))
	for j := range starts {
		s, ok := got.Starts[strconv.Itoa(j+1)]
		if !ok {
			t.Fatalf("job %d has no start", j+1)
		}
		starts[j] = s
	}
	if err := feasible.Check(in.Durations, in.Demands, in.Capacities, in.Successors, starts, got.Makespan); err != nil {
		t.Fatal(err)
	}
	if got.Makespan < 43 || got.Makespan > 44 {
		t.Errorf("makespan %d, want 43 (the optimum) or 44", got.Makespan)
	}
	// The same seed prints the same schedule.
	if _, again, _ := runCLI("level", path, "--schedules", "2000", "--seed", "7", "--json"); again != out {
		t.Errorf("the same seed printed another schedule")
	}
}

func TestLevelErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"level"}, 2, "want one FILE"},
		{[]string{"level", "x.sm", "--schedules", "-1"}, 2, "--schedules -1"},
		{[]string{"level", "x.sm", "--split"}, 2, "not a PSPLIB instance"},
		{[]string{"level", write(t, "bad.sm", "jobs : 1\n")}, 1, "line 1"},
	} {
		code, _, errOut := runCLI(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

// TestLevelProject levels two tasks that share a crew of one: the one
// with float waits, and the reason names the resource and the winner.
func TestLevelProject(t *testing.T) {
	path := write(t, "crew.json", `{
  "start": "2027-03-01T08:00:00Z",
  "tasks": [{"id": "A", "duration": "3d"}, {"id": "B", "duration": "2d"}],
  "resources": [{"id": "crew", "type": "work", "max_units": 1}],
  "assignments": [{"task": "A", "resource": "crew", "units": 1}, {"task": "B", "resource": "crew", "units": 1}]
}`)
	code, out, errOut := runCLI("level", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Finish string `json:"finish"`
		Delays []struct {
			Task, Resource, Winner, Rule string
		} `json:"delays"`
		Unresolved []any `json:"unresolved"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Finish != "2027-03-05T17:00:00Z" || len(got.Delays) != 1 || got.Delays[0].Task != "B" || got.Delays[0].Winner != "A" ||
		got.Delays[0].Resource != "crew" || got.Unresolved == nil || len(got.Unresolved) != 0 {
		t.Errorf("%s", out)
	}
	if code, out, _ := runCLI("level", path); code != 0 || !strings.Contains(out, "B: from") || !strings.Contains(out, "A kept its place") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestLevelSplitFlag: A (4 days) clashes with B (2 days from Wednesday,
// driving C); with --split A keeps Monday and Tuesday and pauses while B
// has the crew.
func TestLevelSplitFlag(t *testing.T) {
	path := write(t, "split.json", `{
  "start": "2027-03-01T08:00:00Z",
  "tasks": [{"id": "A", "duration": "4d"},
            {"id": "B", "duration": "2d", "constraint": {"type": "SNET", "date": "2027-03-03T08:00:00Z"}},
            {"id": "C", "duration": "10d"}],
  "links": [{"from": "B", "to": "C"}],
  "resources": [{"id": "crew", "type": "work", "max_units": 1}],
  "assignments": [{"task": "A", "resource": "crew", "units": 1}, {"task": "B", "resource": "crew", "units": 1}]
}`)
	code, out, errOut := runCLI("level", path, "--split", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"split": true`) || !strings.Contains(out, `"from": "2027-03-03T08:00:00Z"`) {
		t.Errorf("%s", out)
	}
	if code, out, _ := runCLI("level", path, "--split"); code != 0 || !strings.Contains(out, "A: split: paused from") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, out, _ := runCLI("level", path); code != 0 || strings.Contains(out, "split") {
		t.Errorf("without --split: exit %d:\n%s", code, out)
	}
}

// TestLevelSearch levels PSPLIB's j301_1 read as a project (no --json),
// with the search and with the fast default, and a project with --schedules.
func TestLevelSearch(t *testing.T) {
	path := filepath.Join("testdata", "j301_1.sm")
	for _, c := range []struct {
		args []string
		want []string // the makespans it may print
	}{
		{[]string{"level", path, "--schedules", "2000", "--seed", "7"}, []string{"makespan 43 periods", "makespan 44 periods"}},
		{[]string{"level", path}, []string{"makespan 43 periods", "makespan 44 periods", "makespan 45 periods"}},
	} {
		code, out, errOut := runCLI(c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		if !slices.ContainsFunc(c.want, func(w string) bool { return strings.HasPrefix(out, w+"\n") }) || !strings.Contains(out, "0 conflicts left") {
			t.Errorf("%v:\n%s", c.args, out)
		}
	}
	crew := write(t, "crew.json", `{
  "start": "2027-03-01T08:00:00Z",
  "tasks": [{"id": "A", "duration": "3d"}, {"id": "B", "duration": "2d"}],
  "resources": [{"id": "crew", "type": "work", "max_units": 1}],
  "assignments": [{"task": "A", "resource": "crew", "units": 1}, {"task": "B", "resource": "crew", "units": 1}]
}`)
	if code, out, _ := runCLI("level", crew, "--schedules", "50", "--json"); code != 0 || !strings.Contains(out, `"finish": "2027-03-05T17:00:00Z"`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
