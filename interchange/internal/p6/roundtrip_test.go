package p6_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/schedule"
)

// format is one of P6's formats: it writes a project and reads it back.
type format struct {
	name string
	trip func(p *schedule.Project) (back *schedule.Project, saved map[string]xer.Saved, warnings int, err error)
}

var formats = []format{
	{"XER", func(p *schedule.Project) (*schedule.Project, map[string]xer.Saved, int, error) {
		var out bytes.Buffer
		ws, err := xer.Write(&out, p, nil)
		if err != nil {
			return nil, nil, 0, err
		}
		f, err := xer.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			return nil, nil, 0, err
		}
		return f.Projects[0].Project, f.Projects[0].Saved, len(ws) + len(f.Warnings), nil
	}},
	{"PMXML", func(p *schedule.Project) (*schedule.Project, map[string]xer.Saved, int, error) {
		var out bytes.Buffer
		ws, err := pmxml.Write(&out, p, nil)
		if err != nil {
			return nil, nil, 0, err
		}
		f, err := pmxml.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			return nil, nil, 0, err
		}
		return f.Projects[0].Project, f.Projects[0].Saved, len(ws) + len(f.Warnings), nil
	}},
}

// Random projects with what P6 holds — calendars with holidays, WBS,
// every link type with lags, constraints, deadlines, priorities (the
// lowest and the default among them),
// progress — written as XER or PMXML and read back schedule every activity on the
// same dates with the same floats under each of P6's options, and the file
// carries those dates.
func TestWriteRandom(t *testing.T) {
	for _, fm := range formats {
		t.Run(fm.name, func(t *testing.T) { writeRandom(t, fm) })
	}
}

func writeRandom(t *testing.T, fm format) {
	for seed := range uint64(300) {
		p := randomProject(seed)
		back, saved, warnings, err := fm.trip(p)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if warnings > 0 {
			t.Fatalf("seed %d: %d warnings", seed, warnings)
		}
		want, err1 := schedule.Run(p)
		got, err2 := schedule.Run(back)
		if err1 != nil || err2 != nil {
			t.Fatalf("seed %d: %v / %v", seed, err1, err2)
		}
		for _, w := range want.Tasks() {
			if w.Summary {
				continue
			}
			g, ok := got.Lookup(w.ID)
			if !ok {
				t.Fatalf("seed %d: task %s is missing", seed, w.ID)
			}
			if gp, wp := priority(back, w.ID), priority(p, w.ID); gp != wp {
				t.Errorf("seed %d: task %s: priority %d, want %d", seed, w.ID, gp, wp)
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

// priority is the priority of task id of p (-1 when p has no such task).
func priority(p *schedule.Project, id string) int {
	if k := slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == id }); k >= 0 {
		return p.Tasks[k].LevelingPriority()
	}
	return -1
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
		task := schedule.Task{ID: fmt.Sprintf("A%d", 10*(k+1)), Name: fmt.Sprintf("activity %d", k), Priority: []int{schedule.LowestPriority, 300, 0, 700, 900}[rng.IntN(5)]}
		if k%6 == 0 { // a WBS node, which has no priority
			task.ID, task.Priority = fmt.Sprintf("WBS %d", k), 0
			p.Tasks = append(p.Tasks, task)
			continue
		}
		task.Parent = fmt.Sprintf("WBS %d", k/6*6)
		task.Duration = schedule.Hours(float64(rng.IntN(5) * 8))
		if rng.IntN(3) == 0 {
			task.Duration = schedule.Hours(float64(rng.IntN(40)) / 4)
		}
		task.Calendar = cals[rng.IntN(len(cals))]
		task.StartMilestone = task.Duration.IsZero() && rng.IntN(2) == 0
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

// What the review of the writers found, each case through both formats:
// exceptions far from the project (in 1900, after 2192), a
// Feb 29 holiday, overlapping yearly holidays, many holidays over a
// century, summaries whose WBS codes collide, an ID cut short onto
// another, IDs that differ only in a tab, a repeated link. Each writes in
// bounded time, reads back, and schedules as the original does.
func TestWriteHostile(t *testing.T) {
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	base := func() *schedule.Project {
		return &schedule.Project{Name: "hostile", Start: start, Options: schedule.P6Options(), Calendar: "Site",
			Calendars: []schedule.Calendar{schedule.StandardCalendar()},
			Tasks:     []schedule.Task{{ID: "A", Duration: schedule.Days(30)}, {ID: "B", Duration: schedule.Days(5)}},
			Links:     []schedule.Link{{Pred: "A", Succ: "B"}}}
	}
	site := func(exs ...schedule.Exception) []schedule.Calendar {
		c := schedule.StandardCalendar()
		c.Name, c.Exceptions = "Site", exs
		return []schedule.Calendar{c}
	}
	day := func(y int, m time.Month, d int) schedule.Date { return schedule.Date{Year: y, Month: m, Day: d} }
	var century []schedule.Exception
	for y := 1950; y < 2050; y += 2 {
		century = append(century, schedule.Exception{From: day(y, 3, 1), To: day(y, 3, 20)}, schedule.Exception{From: day(y, 12, 20), To: day(y+1, 1, 5), Yearly: true})
	}
	cases := map[string]func(p *schedule.Project){
		"far exceptions": func(p *schedule.Project) {
			p.Calendars = site(schedule.Exception{From: day(1900, 1, 2)}, schedule.Exception{From: day(2300, 1, 3)}, schedule.Exception{From: day(2350, 6, 3)}, schedule.Exception{From: day(2027, 1, 12)})
		},
		"feb 29": func(p *schedule.Project) {
			p.Start = time.Date(2027, 2, 22, 8, 0, 0, 0, time.UTC)
			p.Calendars = site(schedule.Exception{From: day(2024, 2, 29), Yearly: true})
		},
		"overlapping yearly": func(p *schedule.Project) {
			p.Calendars = site(schedule.Exception{From: day(2020, 1, 11), To: day(2020, 1, 20), Yearly: true},
				schedule.Exception{From: day(2020, 1, 13), Working: []schedule.Interval{schedule.Span(8, 0, 12, 0)}, Yearly: true})
		},
		"a century of holidays": func(p *schedule.Project) { p.Calendars = site(century...) },
		"colliding WBS codes": func(p *schedule.Project) {
			p.Calendars = site()
			p.Tasks = append(p.Tasks, schedule.Task{ID: "S"}, schedule.Task{ID: "WBS S"}, schedule.Task{ID: "C", Parent: "S", Duration: schedule.Days(1)},
				schedule.Task{ID: "D", Parent: "WBS S", Duration: schedule.Days(2)})
		},
		"ids": func(p *schedule.Project) {
			p.Calendars = site()
			long := strings.Repeat("x", 45)
			p.Tasks = append(p.Tasks, schedule.Task{ID: long + "1", Duration: schedule.Days(1)}, schedule.Task{ID: long + "2", Duration: schedule.Days(2)},
				schedule.Task{ID: "E\tF", Duration: schedule.Days(1)}, schedule.Task{ID: "E F", Duration: schedule.Days(3)})
			p.Links = append(p.Links, schedule.Link{Pred: "A", Succ: "B", Lag: schedule.Days(5)})
		},
	}
	for name, change := range cases {
		for _, fm := range formats {
			p := base()
			change(p)
			back, _, _, err := fm.trip(p) // a hang is go test's -timeout to catch
			if err != nil {
				t.Errorf("%s, %s: %v", name, fm.name, err)
				continue
			}
			if len(back.Tasks) != len(p.Tasks) {
				t.Errorf("%s, %s: %d tasks read back, want %d", name, fm.name, len(back.Tasks), len(p.Tasks))
				continue
			}
			if name == "ids" { // the repeated link and the IDs are changed, with warnings
				continue
			}
			if name == "far exceptions" {
				k := slices.IndexFunc(back.Calendars, func(c schedule.Calendar) bool { return c.Name == "Site" })
				var got []schedule.Date
				for _, x := range back.Calendars[k].Exceptions {
					got = append(got, x.From)
				}
				if want := []schedule.Date{day(1900, 1, 2), day(2300, 1, 3), day(2350, 6, 3), day(2027, 1, 12)}; !slices.Equal(got, want) {
					t.Errorf("%s: exceptions %v, want %v", fm.name, got, want)
				}
			}
			want, err1 := schedule.Run(p)
			got, err2 := schedule.Run(back)
			if err1 != nil || err2 != nil {
				t.Errorf("%s, %s: %v / %v", name, fm.name, err1, err2)
				continue
			}
			if !got.Finish().Equal(want.Finish()) {
				t.Errorf("%s, %s: finish %v, want %v", name, fm.name, got.Finish(), want.Finish())
			}
		}
	}
	p := base()
	p.Calendars = site(schedule.Exception{From: day(2027, 1, 5), Working: []schedule.Interval{{Start: 600, End: 500}}})
	for _, fm := range formats {
		if _, _, _, err := fm.trip(p); err == nil || !strings.Contains(err.Error(), "not within a day") {
			t.Errorf("%s: a working time ending before it starts: %v", fm.name, err)
		}
	}
}
