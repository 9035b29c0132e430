package main

import (
	"encoding/json"
	"os"
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
	// To the minute, 3.5 buys half a day more than day 10; on whole
	// working days (the default), day 10 for 1.
	if code, out, _ := runCLI("crash", "--budget", "3.5", "--minutes", path); code != 0 || !strings.Contains(out, "finish Wed 2027-03-10 12:00") {
		t.Errorf("budget: exit %d:\n%s", code, out)
	}
	if code, out, _ := runCLI("crash", "--budget", "3.5", path); code != 0 || !strings.Contains(out, "finish Thu 2027-03-11 00:00") || !strings.Contains(out, "costs 1.00") {
		t.Errorf("budget, whole days: exit %d:\n%s", code, out)
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

// TestCrashExample: the example project, its crash points given as a
// total at the crash point (excavate) and as costs per day saved (the
// others): dates as the schedule prints them, a bare day read as the end
// of its working day and said so (of the day before, for a day off),
// durations in their tasks' units, budget plans on whole working days
// unless --minutes, the curve's breakpoints with what each shortens, and
// the JSON's normal finish, date and budget.
func TestCrashExample(t *testing.T) {
	const path = "../../examples/projects/slab-crash.json"
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--to", "2027-01-24"}, []string{
			"to finish by Sun 2027-01-24 17:00 (the end of that working day)\n",
			"finish Sun 2027-01-24 17:00 (as planned Thu 2027-01-28 17:00, 4 working days sooner), shortening costs 45000.00\n",
			"  excavate: 6d → 4d, 24000.00\n", "  rebar: 32h → 24h, 15000.00\n", "  strip: 2d → 1d, 6000.00\n"}},
		{[]string{"--to", "2027-01-29"}, []string{ // a Friday
			"to finish by Thu 2027-01-28 17:00 (the end of the working day before Fri 2027-01-29, a day off)\n",
			"shortening costs 0.00\n"}},
		{[]string{"--to", "2027-01-24T12:00"}, []string{"to finish by Sun 2027-01-24 12:00\n", "  formwork: 5d → 4.5d, 4500.00\n", "  rebar: 32h → 20h, 22500.00\n"}},
		{[]string{"--budget", "40000"}, []string{
			"within 40000.00, finishing at the end of a working day (to the minute, with --minutes: Mon 2027-01-25 10:40 for 40000.00)\n",
			"finish Mon 2027-01-25 17:00 (as planned Thu 2027-01-28 17:00, 3 working days sooner), shortening costs 30000.00\n"}},
		{[]string{"--budget", "40000", "--minutes"}, []string{"within 40000.00, to the minute\n", "finish Mon 2027-01-25 10:40", "  rebar: 32h → 1600m, 10000.00\n"}},
		{[]string{"--curve"}, []string{
			"Thu 2027-01-28 17:00         0.00  none: the normal finish\n",
			"Wed 2027-01-27 17:00      6000.00  strip 2d→1d\n",
			"Sun 2027-01-24 12:00     57000.00  excavate 6d→4d, formwork 5d→4.5d, rebar 32h→20h, strip 2d→1d\n"}},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(append(append([]string{"crash"}, c.args...), path)...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, errOut)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: no %q in\n%s", c.args, w, out)
			}
		}
	}
	code, _, errOut := runCLI("crash", "--to", "2027-01-14", path)
	if want := "optimize: finish by Thu 2027-01-14 17:00: the earliest is Sun 2027-01-24 12:00: project cannot finish that early"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("too early: exit %d: %s", code, errOut)
	}
	var raw []map[string]any
	code, out, errOut := runCLI("crash", "--curve", "--json", path)
	if err := json.Unmarshal([]byte(out), &raw); code != 0 || err != nil || len(raw) != 5 {
		t.Fatalf("curve JSON: exit %d, %v: %s%s", code, err, errOut, out)
	}
	for k, pt := range raw {
		if pt["normal_finish"] != "2027-01-28T17:00:00+06:00" {
			t.Errorf("curve point %d: normal finish %v", k, pt["normal_finish"])
		}
	}
	var plan struct {
		By     string   `json:"by"`
		Budget *float64 `json:"budget"`
		Cost   float64
	}
	if code, out, _ := runCLI("crash", "--to", "2027-01-24", "--json", path); code != 0 || json.Unmarshal([]byte(out), &plan) != nil || plan.By != "2027-01-24T17:00:00+06:00" || plan.Budget != nil || plan.Cost != 45000 {
		t.Errorf("plan JSON: exit %d: %s", code, out)
	}
	if code, _, errOut := runCLI("crash", "--to", "2027-01-24", "--minutes", path); code != 2 || !strings.Contains(errOut, "--minutes goes with --budget") {
		t.Errorf("--minutes without --budget: exit %d: %s", code, errOut)
	}
}

// TestCrashReadmeOrder: the README writes every crash command as its
// usage line does — the flags, then the file — and every example it shows
// runs.
func TestCrashReadmeOrder(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if c.name == "crash" && c.usageLine() != "critpath crash [flags] FILE" {
			t.Errorf("usage line %q", c.usageLine())
		}
	}
	seen := 0
	for line := range strings.Lines(string(readme)) {
		_, rest, ok := strings.Cut(line, "critpath crash ")
		if !ok {
			continue
		}
		rest, _, _ = strings.Cut(rest, "`")
		args := strings.Fields(rest)
		last := len(args) - 1
		for k, a := range args {
			file := a == "FILE" || strings.HasSuffix(a, ".json")
			if file != (k == last) {
				t.Errorf("README: %q: want the flags, then FILE", strings.TrimSpace(line))
				break
			}
		}
		if last >= 0 && strings.HasSuffix(args[last], ".json") {
			args[last] = "../../" + args[last]
			if code, _, errOut := runCLI(append([]string{"crash"}, args...)...); code != 0 {
				t.Errorf("README: %q: exit %d: %s", strings.TrimSpace(line), code, errOut)
			}
		}
		seen++
	}
	if seen < 4 {
		t.Errorf("%d crash commands in the README", seen)
	}
}
