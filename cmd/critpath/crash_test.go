package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// fiveTasks is the instance on which crashing the cheapest critical task
// first spends 7 to finish by day 9, where 6 is enough (days are 24 hours).
const fiveTasks = `{
  "start": "2027-03-01T00:00:00Z", "calendar": "24 Hours",
  "settings": {"minutes_per_day": 1440, "minutes_per_week": 10080},
  "tasks": [
    {"id": "A", "duration": "4d", "crash": {"duration": "2d", "cost": 6}},
    {"id": "B", "duration": "6d"},
    {"id": "C", "duration": "3d", "crash": {"duration": "1d", "cost": 2}},
    {"id": "D", "duration": "6d"},
    {"id": "E", "duration": "4d", "crash": {"duration": "2d", "cost": 6}}],
  "links": [{"from": "A", "to": "C"}, {"from": "C", "to": "E"}, {"from": "A", "to": "D"}, {"from": "B", "to": "E"}]
}`

func TestCrashTo(t *testing.T) {
	path := write(t, "five.json", fiveTasks)
	code, out, errOut := runCLI("crash", "--to", "2027-03-10T00:00:00Z", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Finish       string `json:"finish"`
		NormalFinish string `json:"normal_finish"`
		Cost         float64
		Tasks        []struct{ Task, From, To string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Finish != "2027-03-10T00:00:00Z" || got.NormalFinish != "2027-03-12T00:00:00Z" || got.Cost != 6 || len(got.Tasks) != 2 || got.Tasks[0].Task != "A" || got.Tasks[0].To != "3d" || got.Tasks[1].Task != "E" {
		t.Errorf("%s", out)
	}
	// A bare day means its end: finish by the end of 9 March, day 9.
	if code, out, _ := runCLI("crash", "--to", "2027-03-09", path); code != 0 || !strings.Contains(out, "costs 6.00") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, out, _ := runCLI("crash", "--budget", "3.5", path); code != 0 || !strings.Contains(out, "finish Wed 2027-03-10 12:00") {
		t.Errorf("budget: exit %d:\n%s", code, out)
	}
	if code, out, _ := runCLI("crash", "--curve", path); code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(out, "12.00") {
		t.Errorf("curve: exit %d:\n%s", code, out)
	}
}

func TestCrashErrors(t *testing.T) {
	path := write(t, "five.json", fiveTasks)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"crash", path}, 2, "want one of --to, --budget and --curve"},
		{[]string{"crash", "--to", "2027-03-09", "--budget", "3", path}, 2, "want one of"},
		{[]string{"crash", "--to", "soon", path}, 2, `--to "soon"`},
		{[]string{"crash", "--budget", "-1", path}, 2, "--budget -1"},
		{[]string{"crash", "--to", "2027-03-07", path}, 1, "cannot finish that early"},
		{[]string{"crash", "--to", "2027-03-09", write(t, "bad.json", strings.Replace(fiveTasks, `"cost": 6}}`, `"cost": -1}}`, 1))}, 1, `task "A": crash.cost`},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want %d, %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

// TestCrashFastTrack: the frame may start 4 days before the foundation is
// done (500 a day of rework), the fit-out can be crashed a day (800):
// finishing by day 20 takes both.
func TestCrashFastTrack(t *testing.T) {
	path := write(t, "ft.json", `{
  "start": "2027-03-01T00:00:00Z", "calendar": "24 Hours",
  "settings": {"minutes_per_day": 1440, "minutes_per_week": 10080},
  "tasks": [{"id": "foundation", "duration": "10d"}, {"id": "frame", "duration": "10d"},
            {"id": "fitout", "duration": "5d", "crash": {"duration": "3d", "cost": 1600}}],
  "links": [{"from": "foundation", "to": "frame", "overlap": "4d", "rework_cost": 500},
            {"from": "frame", "to": "fitout"}]
}`)
	code, out, errOut := runCLI("crash", "--to", "2027-03-21T00:00:00Z", "--fast-track", path)
	if code != 0 || !strings.Contains(out, "costs 2800.00") || !strings.Contains(out, "foundation→frame: overlap 4d (lag -4d), rework exposure 2000.00") ||
		!strings.Contains(out, "fitout: 5d → 4d, 800.00") || !strings.Contains(out, "5 working days sooner") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
	if code, _, errOut := runCLI("crash", "--to", "2027-03-21T00:00:00Z", path); code != 1 || !strings.Contains(errOut, "cannot finish that early") {
		t.Errorf("without --fast-track: exit %d: %s", code, errOut)
	}
}
