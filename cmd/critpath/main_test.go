package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const smallProject = `{
  "name": "Slab",
  "start": "2027-01-03T08:00:00+06:00",
  "calendar": "Sunday-Thursday",
  "tasks": [
    {"id": "F", "name": "Formwork", "duration": "3d"},
    {"id": "R", "name": "Rebar", "duration": "2d"},
    {"id": "C", "name": "Cast", "duration": "1d"},
    {"id": "K", "name": "Cure", "duration": "7ed"},
    {"id": "E", "name": "Electrical conduits", "duration": "1d"}
  ],
  "links": [
    {"from": "F", "to": "R", "type": "SS", "lag": "1d"},
    {"from": "R", "to": "C"},
    {"from": "F", "to": "C"},
    {"from": "C", "to": "K"},
    {"from": "R", "to": "E", "type": "FF"}
  ]
}`

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestScheduleTable(t *testing.T) {
	path := write(t, "slab.json", smallProject)
	code, out, errOut := runCLI("schedule", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Slab", "finish Wed 2027-01-13 17:00", "Early start", "Formwork", "longest path", "Sun 2027-01-03 08:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestScheduleJSON(t *testing.T) {
	path := write(t, "slab.json", smallProject)
	code, out, errOut := runCLI("schedule", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Project struct{ Start, Finish string }
		Tasks   []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Project.Start != "2027-01-03T08:00:00+06:00" || got.Project.Finish != "2027-01-13T17:00:00+06:00" {
		t.Errorf("project %+v", got.Project)
	}
	if len(got.Tasks) != 5 {
		t.Fatalf("%d tasks", len(got.Tasks))
	}
	for _, key := range []string{"id", "name", "early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float", "critical"} {
		if _, ok := got.Tasks[0][key]; !ok {
			t.Errorf("task lacks %q: %v", key, got.Tasks[0])
		}
	}
	e := got.Tasks[4]
	if e["id"] != "E" || e["total_float"] != float64(6*480) || e["critical"] != false {
		t.Errorf("E: %v", e)
	}
}

func TestScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"no file", []string{"schedule"}, 2, "want one project file"},
		{"bad flag", []string{"schedule", "--xml", "a.json"}, 2, "flag provided but not defined"},
		{"missing file", []string{"schedule", filepath.Join(t.TempDir(), "none.json")}, 1, "no such file"},
		{"unknown type", []string{"schedule", write(t, "p.mpp", "")}, 1, `unknown file type ".mpp"`},
		{"bad json", []string{"schedule", write(t, "bad.json", "{\n\"start\": 3}")}, 1, "line 2"},
		{"cycle", []string{"schedule", write(t, "cyc.json", `{"start": "2027-01-03", "tasks": [{"id": "a"}, {"id": "b"}],
			"links": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}`)}, 1, "cycle: a → b → a"},
		{"bad task", []string{"schedule", write(t, "neg.json", `{"start": "2027-01-03", "tasks": [{"id": "pour", "duration": "-2d"}]}`)}, 1, `task "pour": duration: -2d: negative duration`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, c.code, c.want)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

// TestDhakaTowerGolden schedules the demo project and compares the JSON
// with testdata/dhaka-tower.golden.json (go test -update rewrites it).
func TestDhakaTowerGolden(t *testing.T) {
	code, out, errOut := runCLI("schedule", "--json", "../../examples/projects/dhaka-tower.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden := filepath.Join("testdata", "dhaka-tower.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("schedule differs from %s; run go test -update after checking the change", golden)
	}
	var got struct {
		Project struct{ Finish string }
		Tasks   []struct {
			ID          string
			LongestPath bool `json:"longest_path"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	onPath := map[string]bool{}
	for _, t := range got.Tasks {
		onPath[t.ID] = t.LongestPath
	}
	// The longest path runs from the RAJUK approval through piling, the
	// basement and the frame to handover.
	for _, id := range []string{"R8", "PIL3", "BSM10", "F05-POUR", "H5"} {
		if !onPath[id] {
			t.Errorf("%s is not on the longest path", id)
		}
	}
	if len(got.Tasks) < 140 {
		t.Errorf("%d tasks", len(got.Tasks))
	}
}

func TestExplain(t *testing.T) {
	path := write(t, "slab.json", smallProject)
	code, out, errOut := runCLI("explain", path, "C")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"C  Cast", `driven by link "F"→"C" FS`, `driven by link "R"→"C" FS`, `bound by link "C"→"K" FS`, "back to the start:  C ← F", "on to the finish:   C → K"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI("explain", "--json", path, "E")
	var x struct {
		LateDrivers []struct{ Kind string } `json:"late_drivers"`
		Back        []string
	}
	if err := json.Unmarshal([]byte(out), &x); code != 0 || err != nil || len(x.LateDrivers) != 1 || x.LateDrivers[0].Kind != "project finish" {
		t.Errorf("exit %d, %v: %s", code, err, out)
	}
	if code, _, errOut := runCLI("explain", path, "Z"); code != 1 || !strings.Contains(errOut, `no task "Z"`) {
		t.Errorf("unknown task: exit %d, %s", code, errOut)
	}
	if code, _, _ := runCLI("explain", path); code != 2 {
		t.Errorf("missing task ID: exit %d", code)
	}
}

func TestStatusDateAndProfile(t *testing.T) {
	doc := strings.Replace(smallProject, `{"id": "F", "name": "Formwork", "duration": "3d"}`,
		`{"id": "F", "name": "Formwork", "duration": "3d", "actual_start": "2027-01-03T08:00:00+06:00", "percent_complete": 50}`, 1)
	path := write(t, "progress.json", doc)
	finish := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(append([]string{"schedule", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var r struct{ Project struct{ Finish string } }
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r.Project.Finish
	}
	// Microsoft Project: Formwork's rest follows on; the status date does
	// not move it. P6: nothing left before Tuesday 12 January, so the cast
	// waits for Formwork's rest and Rebar, and the cure ends on the 21st.
	if got := finish(path); got != "2027-01-13T17:00:00+06:00" {
		t.Errorf("msproject finish %s", got)
	}
	if got := finish("--profile", "p6", "--status-date", "2027-01-11", path); got != "2027-01-21T17:00:00+06:00" {
		t.Errorf("p6 finish %s", got)
	}
	if code, _, errOut := runCLI("schedule", "--status-date", "soon", path); code != 2 || !strings.Contains(errOut, `--status-date "soon"`) {
		t.Errorf("bad status date: exit %d, %s", code, errOut)
	}
}
