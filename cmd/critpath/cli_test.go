package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/critpath/critpath/schedule"
)

// Every command's --help prints its usage and its flags on standard
// output and exits 0; so does critpath --help.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		code, out, errOut := runCLI(c.name, "--help")
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: "+c.usageLine()+"\n\n"+c.summary) {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errOut)
		}
		if c.name != "version" && !strings.Contains(out, "\nflags:\n") {
			t.Errorf("%s --help lists no flags:\n%s", c.name, out)
		}
	}
	for _, want := range []string{"-quiet", "-project ID or name", "-status-date date", "-schedules"} {
		if _, out, _ := runCLI("level", "-h"); !strings.Contains(out, want) {
			t.Errorf("level -h lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runCLI("--help"); code != 0 || !strings.Contains(out, "critpath COMMAND --help") {
		t.Errorf("--help: exit %d: %s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCLI("version")
	if code != 0 || !strings.HasPrefix(out, "critpath ") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d: %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI("version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d", code)
	}
}

// Durations and floats are printed to the precision their unit warrants.
func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		d    schedule.Duration
		want string
	}{
		{schedule.Days(1090.0 / 3), "363.33d"},
		{schedule.Days(5), "5d"},
		{schedule.Days(0.5), "0.5d"},
		{schedule.ElapsedDays(2), "2ed"},
		{schedule.ElapsedDays(1.0 / 3), "0.33ed"},
		{schedule.Hours(7.5), "7h 30m"},
		{schedule.Hours(64), "64h"},
		{schedule.Hours(1.0 / 3), "20m"},
		{schedule.Hours(2 + 1.0/60 - 1e-9), "2h 1m"},
		{schedule.Duration{Amount: 1.5, Unit: schedule.Hour, Elapsed: true}, "1.5eh"},
		{schedule.Minutes(12.4), "12m"},
		{schedule.Weeks(2.126), "2.13w"},
		{schedule.Duration{Amount: 1.0 / 3, Unit: schedule.Month}, "0.33mo"},
	} {
		if got := duration(c.d); got != c.want {
			t.Errorf("duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		m    int64
		want string
	}{{174400, "363.33d"}, {480, "1d"}, {70, "0.15d"}, {0, "0d"}, {-1, "0d"}, {-240, "-0.5d"}} {
		if got := days(c.m, 480); got != c.want {
			t.Errorf("days(%d) = %q, want %q", c.m, got, c.want)
		}
	}
}

// The table lists tasks in outline order, each indented under its own
// summary, whatever order the file lists them in (as XER files list WBS
// nodes and activities).
func TestTableOutline(t *testing.T) {
	path := write(t, "outline.json", `{"start": "2027-01-03T08:00:00Z", "tasks": [
		{"id": "A", "name": "Dig", "parent": "W2", "duration": "1d"},
		{"id": "W1", "name": "Site"},
		{"id": "B", "name": "Pour", "duration": "2d"},
		{"id": "C", "name": "Fence", "parent": "W1", "duration": "1d"},
		{"id": "W2", "name": "Ground", "parent": "W1"}]}`)
	code, out, errOut := runCLI("schedule", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	off := strings.Index(lines[3], "Task")
	var rows []string
	for _, line := range lines[4:] {
		if line == "" {
			break
		}
		name := line[off:]
		indent := len(name) - len(strings.TrimLeft(name, " "))
		name, _, _ = strings.Cut(name[indent:], "  ")
		rows = append(rows, strings.Fields(line)[0]+" "+strings.Repeat(">", indent/2)+name)
	}
	if got, want := strings.Join(rows, ", "), "W1 Site, C >Fence, W2 >Ground, A >>Dig, B Pour"; got != want {
		t.Errorf("rows %q, want %q\n%s", got, want, out)
	}
}

// A file that records progress without a status date is an error that
// says so and how to give one; --status-date is taken by every command
// that schedules.
func TestProgressWithoutStatusDate(t *testing.T) {
	doc := strings.Replace(smallProject, `{"id": "F", "name": "Formwork", "duration": "3d"}`,
		`{"id": "F", "name": "Formwork", "duration": "3d", "actual_start": "2027-01-03T08:00:00+06:00", "percent_complete": 50}`, 1)
	doc = strings.Replace(doc, `"name": "Slab",`, `"name": "Slab", "options": {"progress": "retained-logic"},`, 1)
	path := write(t, "progress.json", doc)
	dir := filepath.Dir(path)
	for _, args := range [][]string{
		{"schedule", path}, {"schedule", path, "--json"}, {"explain", path, "C"}, {"verify", path}, {"convert", path, filepath.Join(dir, "out.pdf")},
		{"level", path}, {"crash", path, "--curve"}, {"risk", path, "--uncertainty", "pert:-10%,+30%", "--iterations", "50"},
	} {
		code, _, errOut := runCLI(args...)
		want := `records progress (1 task(s) in progress, such as "F") but no status date to schedule the remaining work from: give the date the progress was recorded at with --status-date DATE`
		if args[0] == "verify" {
			want = "holds no dates saved by another tool"
		}
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
		if args[0] == "verify" {
			continue
		}
		code, _, errOut = runCLI(append(args, "--status-date", "2027-01-05")...)
		if code != 0 || strings.Contains(errOut, "status date") {
			t.Errorf("%v --status-date: exit %d, %s", args, code, errOut)
		}
	}
}

// critpath risk on a project says what it needs; with --uncertainty it
// runs on any schedule.
func TestRiskOnProject(t *testing.T) {
	path := write(t, "slab.json", smallProject)
	code, _, errOut := runCLI("risk", path)
	if code != 2 || !strings.Contains(errOut, "is a project, not a risk document: give every task a range with --uncertainty pert:-10%,+30%") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI("risk", path, "--uncertainty", "triangle:-10%,+50%", "--iterations", "500", "--seed", "2")
	if code != 0 || !strings.Contains(out, "Slab: 500 iterations, seed 2") || !strings.Contains(out, "P80") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	for _, bad := range []string{"pert", "pert:10%,30%", "beta:-10%,+30%", "pert:-10%,-30%", "pert:x,y"} {
		if code, _, errOut := runCLI("risk", path, "--uncertainty", bad); code != 2 || !strings.Contains(errOut, "-uncertainty") {
			t.Errorf("--uncertainty %s: exit %d, %s", bad, code, errOut)
		}
	}
}

// Every command prints the reader's warnings on standard error, and
// --quiet hides them.
func TestWarningsPrinted(t *testing.T) {
	path := write(t, "plan.csv", "ID,Name,Duration,Start,Colour\nA,Dig,3d,2027-01-04,red\nB,Pour,1d,,blue\n")
	for _, args := range [][]string{{"schedule", path}, {"explain", path, "A"}, {"level", path}, {"crash", path, "--curve"}, {"convert", path, filepath.Join(filepath.Dir(path), "x.json")}} {
		code, _, errOut := runCLI(args...)
		if code != 0 || !strings.Contains(errOut, "warning(s) reading "+path+":\n  CSV") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if code, _, errOut := runCLI(append(args, "--quiet")...); code != 0 || errOut != "" {
			t.Errorf("%v --quiet: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// convert --from and --to fix the window a chart shows.
func TestChartWindow(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "w.svg")
	months := func(args ...string) []string {
		t.Helper()
		if code, _, errOut := runCLI(append([]string{"convert", "../../examples/projects/dhaka-tower.json", out}, args...)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(`>([A-Z][a-z]{2} 20\d\d)<`).FindAllString(string(b), -1)
	}
	if got := months("--from", "2027-06-01", "--to", "2027-12-31"); len(got) != 7 || got[0] != ">Jun 2027<" || got[6] != ">Dec 2027<" {
		t.Errorf("window June to December 2027 labels %v", got)
	}
	if got := months(); len(got) < 10 || got[0] != ">Jan 2027<" {
		t.Errorf("the whole project labels %v", got)
	}
	if code, _, errOut := runCLI("convert", "../../examples/projects/dhaka-tower.json", out, "--from", "June"); code != 2 || !strings.Contains(errOut, `--from "June"`) {
		t.Errorf("--from June: exit %d: %s", code, errOut)
	}
}
