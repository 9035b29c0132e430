package xer_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

func corpus(t *testing.T) []string {
	t.Helper()
	dir := os.Getenv("CRITPATH_CORPUS")
	if dir == "" {
		t.Skip("CRITPATH_CORPUS is not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "interchange", "xer", "*.xer"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no XER files under %s: %v", dir, err)
	}
	return files
}

func modelJSON(t *testing.T, p *schedule.Project) string {
	t.Helper()
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every project of every corpus file, exported and imported again, is the
// same model: tasks and WBS, links and lags, constraints, calendars and
// exceptions, resources with their limits and rates, assignments.
func TestCorpusRoundTrip(t *testing.T) {
	for _, path := range corpus(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f := readFile(t, path, nil)
			for _, pr := range f.Projects {
				var b bytes.Buffer
				warnings, err := xer.Write(&b, pr.Project, nil)
				if err != nil {
					t.Fatalf("%s: %v", pr.Project.Name, err)
				}
				for _, w := range warnings {
					t.Logf("%s: %v", pr.Project.Name, w)
				}
				back, err := xer.Read(bytes.NewReader(b.Bytes()), nil)
				if err != nil {
					t.Fatalf("%s: reading the export: %v", pr.Project.Name, err)
				}
				if len(back.Projects) != 1 {
					t.Fatalf("%s: %d projects read back", pr.Project.Name, len(back.Projects))
				}
				want, got := modelJSON(t, pr.Project), modelJSON(t, back.Projects[0].Project)
				if want != got {
					t.Errorf("%s: the round trip changed the model:\n%s", pr.Project.Name, firstDiff(want, got))
				}
			}
		})
	}
}

// firstDiff shows the lines around the first difference.
func firstDiff(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := range min(len(al), len(bl)) {
		if !bytes.Equal(al[i], bl[i]) {
			lo := max(0, i-3)
			return "want:\n" + string(bytes.Join(al[lo:min(len(al), i+4)], []byte("\n"))) + "\ngot:\n" + string(bytes.Join(bl[lo:min(len(bl), i+4)], []byte("\n")))
		}
	}
	return "lengths differ"
}

// The Dhaka Tower example, written as XER, reports each thing P6 cannot
// hold and reads back with the same tasks, calendars and resources.
func TestWriteDhakaTower(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "examples", "projects", "dhaka-tower.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := schedule.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	warnings, err := xer.Write(&out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, w := range warnings {
		text = append(text, w.String())
	}
	for _, want := range []string{"yearly exceptions", "cost resources (such as rajuk)", "elapsed durations (such as BSM9's 7ed)",
		"link M-APPR→PIL FS is left out", "elapsed lags", "percent lags (such as PIL3→PIL4's 50%)", "rules for constraints"} {
		if !slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no warning says %q; warnings:\n%s", want, strings.Join(text, "\n"))
		}
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("\r\n%E\r\n")) {
		t.Errorf("the export does not end in %%E")
	}
	back, err := xer.Read(bytes.NewReader(out.Bytes()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range back.Warnings {
		t.Errorf("reading our own export warns: %v", w)
	}
	q := back.Projects[0].Project
	if len(q.Tasks) != len(p.Tasks) || len(q.Calendars) < len(p.Calendars) || len(q.Resources) == 0 || len(q.Assignments) != len(p.Assignments) {
		t.Errorf("read back %d tasks, %d calendars, %d resources, %d assignments; want %d, %d, some, %d",
			len(q.Tasks), len(q.Calendars), len(q.Resources), len(q.Assignments), len(p.Tasks), len(p.Calendars), len(p.Assignments))
	}
}

// Names P6's Western code page holds are written in it; Bangla makes the
// file UTF-8, and asking for a code page without it is an error that
// writes nothing. Each reads back as it was.
func TestWriteCharset(t *testing.T) {
	for _, c := range []struct {
		name    string
		opts    *xer.WriteOptions
		utf8    bool
		wantErr string
	}{
		{"Béton coulé – étage 3", nil, false, ""},
		{"ছাদ ঢালাই (৩য় তলা)", nil, true, ""},
		{"ছাদ ঢালাই", &xer.WriteOptions{Charset: xer.Windows1252}, false, "has no code"},
		{"Бетон", &xer.WriteOptions{Charset: xer.Windows1251}, false, ""},
	} {
		p := &schedule.Project{Name: "p", Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
			Tasks: []schedule.Task{{ID: "A", Name: c.name, Duration: schedule.Hours(8)}}}
		var out bytes.Buffer
		_, err := xer.Write(&out, p, c.opts)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || out.Len() != 0 {
				t.Errorf("%q: error %v, %d bytes; want %q and nothing written", c.name, err, out.Len(), c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.name, err)
		}
		if utf8.Valid(out.Bytes()) != c.utf8 {
			t.Errorf("%q: UTF-8 %v, want %v", c.name, !c.utf8, c.utf8)
		}
		var ropts *xer.Options
		if c.opts != nil {
			ropts = &xer.Options{Charset: c.opts.Charset}
		}
		back, err := xer.Read(bytes.NewReader(out.Bytes()), ropts)
		if err != nil {
			t.Fatal(err)
		}
		if got := back.Projects[0].Project.Tasks[0].Name; got != c.name {
			t.Errorf("read back %q, want %q", got, c.name)
		}
	}
}

// Random projects with what P6 holds — calendars with holidays, WBS,
// every link type with lags, constraints, deadlines, priorities,
// progress — written as XER and read back schedule every activity on the
// same dates with the same floats under each of P6's options, and the file
// carries those dates.
func TestWriteRandom(t *testing.T) {
	for seed := range uint64(300) {
		p := randomProject(seed)
		var out bytes.Buffer
		warnings, err := xer.Write(&out, p, nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(warnings) > 0 {
			t.Fatalf("seed %d: warnings %v", seed, warnings)
		}
		back, err := xer.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		want, err1 := schedule.Run(p)
		got, err2 := schedule.Run(back.Projects[0].Project)
		if err1 != nil || err2 != nil {
			t.Fatalf("seed %d: %v / %v", seed, err1, err2)
		}
		saved := back.Projects[0].Saved
		for _, w := range want.Tasks() {
			if w.Summary {
				continue
			}
			g, ok := got.Lookup(w.ID)
			if !ok {
				t.Fatalf("seed %d: task %s is missing", seed, w.ID)
			}
			if !g.Start.Equal(w.Start) || !g.Finish.Equal(w.Finish) || g.TotalFloat != w.TotalFloat || g.FreeFloat != w.FreeFloat {
				t.Errorf("seed %d: task %s: %v–%v float %d/%d, want %v–%v float %d/%d", seed, w.ID, g.Start, g.Finish, g.TotalFloat, g.FreeFloat, w.Start, w.Finish, w.TotalFloat, w.FreeFloat)
			}
			s := saved[w.ID]
			es, ef := w.EarlyStart, w.EarlyFinish
			if w.PercentComplete >= 100 {
				es, ef = w.Start, w.Finish
			} else if w.PercentComplete > 0 {
				es = w.Start
			}
			if !s.Start.Equal(es) || !s.Finish.Equal(ef) || (w.PercentComplete < 100 && s.TotalFloat != w.TotalFloat) {
				t.Errorf("seed %d: task %s: the file says %v–%v float %d, want %v–%v float %d", seed, w.ID, s.Start, s.Finish, s.TotalFloat, es, ef, w.TotalFloat)
			}
		}
		if t.Failed() {
			return
		}
	}
}

// randomProject draws a project of what P6 holds.
func randomProject(seed uint64) *schedule.Project {
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2027, 1, 3+rng.IntN(5), 8, 0, 0, 0, time.UTC)
	p := &schedule.Project{Name: fmt.Sprintf("random %d", seed), Start: start, Options: schedule.P6Options()}
	p.Options.LagCalendar = []schedule.LagCalendar{schedule.LagPredecessor, schedule.LagSuccessor, schedule.Lag24Hours, schedule.LagProject}[rng.IntN(4)]
	p.Options.TotalFloat = []schedule.FloatKind{schedule.FinishFloat, schedule.StartFloat, schedule.SmallestFloat}[rng.IntN(3)]
	p.Options.Progress = []schedule.ProgressMode{schedule.RetainedLogic, schedule.ProgressOverride, schedule.ActualDates}[rng.IntN(3)]
	site := schedule.SundayThursdayCalendar()
	site.Name = "Site"
	for range 3 {
		d := schedule.DateOf(start.AddDate(0, 0, rng.IntN(60)))
		site.Exceptions = append(site.Exceptions, schedule.Exception{From: d})
	}
	night := schedule.Calendar{Name: "Nights", Base: "Site", Week: map[time.Weekday][]schedule.Interval{time.Monday: {schedule.Span(20, 0, 24, 0)}}}
	p.Calendars = []schedule.Calendar{site, night}
	p.Calendar = []string{"Site", schedule.Standard}[rng.IntN(2)]
	cals := []string{"", "", "Site", schedule.Standard, schedule.TwentyFourHours, "Nights"}
	n := 5 + rng.IntN(20)
	var leaves []string
	for k := range n {
		task := schedule.Task{ID: fmt.Sprintf("A%d", 10*(k+1)), Name: fmt.Sprintf("activity %d", k), Priority: []int{100, 300, 500, 700, 900}[rng.IntN(5)]}
		if k%6 == 0 {
			task.ID = fmt.Sprintf("WBS %d", k)
			p.Tasks = append(p.Tasks, task)
			continue
		}
		task.Parent = fmt.Sprintf("WBS %d", k/6*6)
		task.Duration = schedule.Hours(float64(rng.IntN(5) * 8))
		if rng.IntN(3) == 0 {
			task.Duration = schedule.Hours(float64(rng.IntN(40)) / 4)
		}
		task.Calendar = cals[rng.IntN(len(cals))]
		task.IgnoreResourceCalendars = true
		at := start.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
		switch rng.IntN(8) {
		case 0:
			task.Constraint = schedule.Constraint{Type: schedule.SNET, Date: at}
		case 1:
			task.Constraint = schedule.Constraint{Type: schedule.FNLT, Date: at}
		case 2:
			task.Constraint = schedule.Constraint{Type: schedule.ALAP}
		case 3:
			task.Deadline = at
		}
		p.Tasks = append(p.Tasks, task)
		leaves = append(leaves, task.ID)
	}
	types := []schedule.LinkType{schedule.FS, schedule.SS, schedule.FF, schedule.SF}
	for i := 1; i < len(leaves); i++ {
		for range rng.IntN(3) {
			pred := leaves[rng.IntN(i)]
			l := schedule.Link{Pred: pred, Succ: leaves[i], Type: types[rng.IntN(4)], Lag: schedule.Hours(float64(rng.IntN(24) - 4))}
			if !slices.ContainsFunc(p.Links, func(m schedule.Link) bool { return m.Pred == l.Pred && m.Succ == l.Succ && m.Type == l.Type }) {
				p.Links = append(p.Links, l)
			}
		}
	}
	if rng.IntN(2) == 0 { // progress up to a data date
		p.StatusDate = start.AddDate(0, 0, 7)
		r, err := schedule.Run(p)
		if err == nil {
			for k := range p.Tasks {
				t := &p.Tasks[k]
				tr, _ := r.Lookup(t.ID)
				if strings.HasPrefix(t.ID, "WBS") || !tr.Finish.Before(p.StatusDate) || t.Duration.IsZero() {
					continue
				}
				t.ActualStart, t.ActualFinish, t.PercentComplete = tr.Start, tr.Finish, 100
			}
		}
	}
	return p
}
