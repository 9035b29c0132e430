// Package randnet makes seeded random projects for property tests,
// benchmarks and peer comparisons. The same Config always gives the same
// project.
package randnet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Config describes a random project. The zero value of each field but
// Tasks means its default.
type Config struct {
	Tasks int
	// Preds is the mean number of predecessors per task (default 2).
	Preds float64
	// Window: predecessors are drawn from the previous Window tasks
	// (default 1000), as real schedules link mostly nearby work.
	Window int
	// Calendar is the project calendar (default Standard).
	Calendar string
	// LinkTypes mixes SS, FF and SF links (about 30 %) into FS ones, with
	// positive and negative working-time lags.
	LinkTypes bool
	// Mixed adds everything else a real schedule has: several calendars
	// (Night Shift, 24 Hours, Sunday–Thursday with holidays), elapsed and
	// percent lags, milestones, elapsed durations, constraints of every
	// type, ALAP and manually scheduled tasks, deadlines, a finish-by date,
	// a summary outline and random scheduling options.
	Mixed bool
	Seed  uint64
}

// Start is the start of every random project: Sunday 3 January 2027,
// 08:00 in Dhaka.
var Start = time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))

// ID names task i so that IDs sort in task order.
func ID(i int) string { return fmt.Sprintf("T%07d", i) }

// Project returns the random project cfg describes.
func Project(cfg Config) *schedule.Project {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	preds := cfg.Preds
	if preds == 0 {
		preds = 2
	}
	window := cfg.Window
	if window == 0 {
		window = 1000
	}
	p := &schedule.Project{Name: fmt.Sprintf("random %d/%d", cfg.Tasks, cfg.Seed), Start: Start, Calendar: cfg.Calendar}
	if cfg.Mixed {
		p.Calendars = []schedule.Calendar{{
			Name: "Dhaka", Base: schedule.SundayThursday,
			Exceptions: []schedule.Exception{
				{Name: "Language Martyrs' Day", From: schedule.Date{Year: 2027, Month: 2, Day: 21}, Yearly: true},
				{Name: "Independence Day", From: schedule.Date{Year: 2027, Month: 3, Day: 26}, Yearly: true},
				{Name: "Eid ul-Fitr", From: schedule.Date{Year: 2027, Month: 3, Day: 8}, To: schedule.Date{Year: 2027, Month: 3, Day: 12}},
				{Name: "Saturday pour", From: schedule.Date{Year: 2027, Month: 1, Day: 16}, Working: []schedule.Interval{schedule.Span(8, 0, 14, 0)}},
			},
		}}
	}
	cals := []string{"", schedule.NightShift, schedule.TwentyFourHours, "Dhaka", schedule.Standard}
	p.Tasks = make([]schedule.Task, cfg.Tasks)
	for i := range p.Tasks {
		t := &p.Tasks[i]
		t.ID = ID(i)
		t.Name = fmt.Sprintf("Task %d", i)
		t.Priority = 500
		t.Duration = schedule.Days(float64(1 + rng.IntN(10)))
		if !cfg.Mixed {
			continue
		}
		switch x := rng.Float64(); {
		case x < 0.08:
			t.Duration = schedule.Duration{}
		case x < 0.12:
			t.Duration = schedule.ElapsedDays(float64(1 + rng.IntN(5)))
		case x < 0.25:
			t.Duration = schedule.Hours(float64(1 + rng.IntN(30)))
		}
		if rng.Float64() < 0.3 {
			t.Calendar = cals[rng.IntN(len(cals))]
		}
		day := func() time.Time {
			return Start.Add(time.Duration(rng.IntN(40*24)) * time.Hour)
		}
		switch x := rng.Float64(); {
		case x < 0.1:
			t.Constraint = schedule.Constraint{Type: schedule.ConstraintType(2 + rng.IntN(6)), Date: day()}
		case x < 0.14:
			t.Constraint = schedule.Constraint{Type: schedule.ALAP}
		case x < 0.16:
			t.Manual, t.Start = true, day()
		}
		if rng.Float64() < 0.05 {
			t.Deadline = day().AddDate(0, 0, 20)
		}
	}
	parent := make([]int, cfg.Tasks)
	for i := range parent {
		parent[i] = -1
	}
	if cfg.Mixed && cfg.Tasks > 3 {
		// Turn a few tasks into summaries of the tasks that follow them.
		for i := 0; i < cfg.Tasks-2; i++ {
			if rng.Float64() >= 0.1 {
				continue
			}
			n := 1 + rng.IntN(min(6, cfg.Tasks-i-1))
			for j := i + 1; j <= i+n; j++ {
				if parent[j] < 0 {
					parent[j] = i
					p.Tasks[j].Parent = ID(i)
				}
			}
			sum := &p.Tasks[i]
			sum.Duration, sum.Manual, sum.Start = schedule.Duration{}, false, time.Time{}
			if c := sum.Constraint.Type; c == schedule.FNET || c == schedule.MSO || c == schedule.MFO || c == schedule.ALAP {
				sum.Constraint = schedule.Constraint{}
			}
		}
	}
	isSummary := map[string]bool{}
	for _, t := range p.Tasks {
		if t.Parent != "" {
			isSummary[t.Parent] = true
		}
	}
	// last[j] is the greatest task index in j's subtree. Links run from j
	// only to tasks after it, so that every edge of the network, the
	// outline's included, runs forward in that order: no cycles.
	last := make([]int, cfg.Tasks)
	for i := range last {
		last[i] = i
	}
	for i := cfg.Tasks - 1; i >= 0; i-- {
		if par := parent[i]; par >= 0 {
			last[par] = max(last[par], last[i])
		}
	}
	for i := 1; i < cfg.Tasks; i++ {
		k := int(preds)
		if rng.Float64() < preds-float64(k) {
			k++
		}
		seen := map[int]bool{}
		for range k {
			j := i - 1 - rng.IntN(min(i, window))
			if seen[j] || last[j] >= i {
				continue
			}
			seen[j] = true
			l := schedule.Link{Pred: ID(j), Succ: ID(i)}
			if cfg.LinkTypes || cfg.Mixed {
				if x := rng.Float64(); x < 0.3 {
					l.Type = schedule.LinkType(1 + rng.IntN(3))
				}
				if rng.Float64() < 0.3 {
					l.Lag = schedule.Days(float64(rng.IntN(7) - 3))
				}
			}
			if cfg.Mixed {
				switch x := rng.Float64(); {
				case x < 0.05:
					l.Lag = schedule.ElapsedDays(float64(rng.IntN(5) - 1))
				case x < 0.1 && !isSummary[l.Pred]:
					l.Lag = schedule.PercentOf(float64(rng.IntN(150) - 50))
				case x < 0.15:
					l.Lag = schedule.Hours(float64(rng.IntN(20) - 5))
				}
				if isSummary[l.Succ] && (l.Type == schedule.FF || l.Type == schedule.SF) {
					l.Type = schedule.FS
				}
			}
			p.Links = append(p.Links, l)
		}
	}
	if cfg.Mixed && rng.Float64() < 0.4 {
		progress(p, rng)
	}
	if cfg.Mixed {
		if rng.Float64() < 0.2 {
			p.FinishBy = Start.AddDate(0, 3, 0)
		}
		p.Options.LagCalendar = schedule.LagCalendar(rng.IntN(4))
		p.Options.TotalFloat = schedule.FloatKind(rng.IntN(3))
		p.Options.Constraints = schedule.ConstraintMode(rng.IntN(3))
		p.Options.SummaryFloat = schedule.SummaryFloatKind(rng.IntN(2))
		resources(p, rng, isSummary)
		splits(p, rand.New(rand.NewPCG(cfg.Seed, 0x5b117)), isSummary)
	}
	return p
}

// splits splits about one task in ten, and gives about one in ten a
// crash point and one link in ten an overlap for fast-tracking (which
// the scheduler ignores), drawing from its own stream so that the rest
// of a project stays as it was before these were drawn.
func splits(p *schedule.Project, rng *rand.Rand, isSummary map[string]bool) {
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if !isSummary[t.ID] && rng.Float64() < 0.1 {
			t.Splits = Splits(rng, t.Duration, false)
		}
		if !isSummary[t.ID] && rng.Float64() < 0.1 {
			t.Crash = &schedule.Crash{Duration: schedule.Duration{Amount: t.Duration.Amount / 2, Unit: t.Duration.Unit, Elapsed: t.Duration.Elapsed},
				Cost: float64(rng.IntN(5000))}
		}
	}
	for k := range p.Links {
		if l := &p.Links[k]; l.Type == schedule.FS && rng.Float64() < 0.1 {
			l.Overlap, l.ReworkCost = schedule.Days(float64(1+rng.IntN(3))), float64(1+rng.IntN(900))
		}
	}
}

// Splits returns up to three random splits for a task of duration d, in
// d's own time; a few lie past its end. With bad, now and then one is
// wrong (a zero gap, or out of order), for tests of rejected input.
func Splits(rng *rand.Rand, d schedule.Duration, bad bool) []schedule.Split {
	unit := schedule.Hours
	if d.Elapsed {
		unit = func(n float64) schedule.Duration {
			return schedule.Duration{Amount: n, Unit: schedule.Hour, Elapsed: true}
		}
	}
	var out []schedule.Split
	at := 0
	for range rng.IntN(4) {
		at += 1 + rng.IntN(24)
		out = append(out, schedule.Split{At: unit(float64(at)), Gap: unit(float64(1 + rng.IntN(30)))})
	}
	if !bad {
		return out
	}
	if len(out) > 0 && rng.IntN(20) == 0 {
		out[rng.IntN(len(out))].Gap = unit(0)
	}
	if len(out) > 1 && rng.IntN(20) == 0 {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// resources assigns a crew, a crane on 24 Hours, cement and a permit fee
// to some tasks, with random task types, effort-driven work and work
// given per task or per assignment.
func resources(p *schedule.Project, rng *rand.Rand, isSummary map[string]bool) {
	p.Resources = []schedule.Resource{
		{ID: "crew", Name: "Masons", MaxUnits: 3, StandardRate: 350, CostPerUse: 100, Group: "masons"},
		{ID: "crane", Name: "Tower crane", Calendar: schedule.TwentyFourHours, StandardRate: 2000},
		{ID: "cement", Name: "Cement", Type: schedule.MaterialResource, StandardRate: 560},
		{ID: "fee", Name: "RAJUK fee", Type: schedule.CostResource},
	}
	units := []float64{0.5, 1, 2}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if isSummary[t.ID] || t.Duration.IsZero() || rng.Float64() >= 0.3 {
			continue
		}
		t.Type = schedule.TaskType(rng.IntN(3))
		t.EffortDriven = rng.Float64() < 0.5
		t.FixedCost = float64(rng.IntN(3) * 1000)
		t.IgnoreResourceCalendars = t.Calendar == schedule.NightShift || rng.Float64() < 0.1
		work := rng.Float64() < 0.3
		if work {
			t.Work = schedule.Hours(float64(4 * (1 + rng.IntN(20))))
		}
		for _, r := range p.Resources {
			if rng.Float64() >= 0.5 {
				continue
			}
			a := schedule.Assignment{Task: t.ID, Resource: r.ID, Units: units[rng.IntN(len(units))]}
			if r.Type == schedule.WorkResource && !work && rng.Float64() < 0.2 {
				a.Work = schedule.Hours(float64(4 * (1 + rng.IntN(20))))
			}
			p.Assignments = append(p.Assignments, a)
		}
		if !slices.ContainsFunc(p.Assignments, func(a schedule.Assignment) bool {
			return a.Task == t.ID && (a.Resource == "crew" || a.Resource == "crane")
		}) {
			t.Work = schedule.Duration{}
		}
	}
}

// progress reports progress at a random status date: what the schedule
// has done by then, give or take, and a few tasks started out of sequence.
func progress(p *schedule.Project, rng *rand.Rand) {
	r, err := schedule.Run(p)
	if err != nil {
		return
	}
	status := Start.Add(time.Duration(24*(3+rng.IntN(40))) * time.Hour)
	p.StatusDate = status
	p.Options.Progress = schedule.ProgressMode(rng.IntN(3))
	for i := range p.Tasks {
		t := &p.Tasks[i]
		tr := r.Task(i)
		if tr.Summary {
			continue
		}
		start := tr.Start
		if rng.Float64() < 0.05 && start.After(status) { // out of sequence: started early
			start = status.Add(-time.Duration(rng.IntN(48)) * time.Hour)
		}
		if !start.Before(status) {
			continue
		}
		t.ActualStart = start
		switch finish := tr.Finish.Add(time.Duration(rng.IntN(24)-8) * time.Hour); {
		case finish.After(start) && !finish.After(status) && rng.Float64() < 0.9:
			t.ActualFinish = finish
		default:
			t.PercentComplete = float64(rng.IntN(100))
			if rng.Float64() < 0.3 {
				t.Remaining = new(schedule.Days(float64(rng.IntN(6))))
			}
		}
	}
}

// Loaded returns a plain resource-loaded network, the project a new user
// would try leveling on: tasks of 1–15 working days on the Standard
// calendar, each with one or two predecessors among the 40 tasks before
// it (finish-to-start, one link in five start-to-start, one in four with
// a lag of 1–3 days), four crews of 2–4 units, and each task on one or two
// of them at one unit. The same tasks and seed give the same project.
func Loaded(tasks int, seed uint64) *schedule.Project {
	rng := rand.New(rand.NewPCG(seed, 0x10ade0))
	p := &schedule.Project{Name: fmt.Sprintf("loaded %d/%d", tasks, seed), Start: Start, Calendar: schedule.Standard}
	for k := range 4 {
		p.Resources = append(p.Resources, schedule.Resource{ID: fmt.Sprintf("crew%d", k+1), Name: fmt.Sprintf("Crew %d", k+1), MaxUnits: float64(2 + rng.IntN(3))})
	}
	p.Tasks = make([]schedule.Task, tasks)
	for i := range p.Tasks {
		t := &p.Tasks[i]
		t.ID, t.Name, t.Priority = ID(i), fmt.Sprintf("Task %d", i), 500
		t.Duration = schedule.Days(float64(1 + rng.IntN(15)))
		first := rng.IntN(4)
		p.Assignments = append(p.Assignments, schedule.Assignment{Task: t.ID, Resource: p.Resources[first].ID, Units: 1})
		if rng.IntN(2) == 0 {
			second := (first + 1 + rng.IntN(3)) % 4
			p.Assignments = append(p.Assignments, schedule.Assignment{Task: t.ID, Resource: p.Resources[second].ID, Units: 1})
		}
		if i == 0 {
			continue
		}
		seen := map[int]bool{}
		for range 1 + rng.IntN(2) {
			j := i - 1 - rng.IntN(min(i, 40))
			if seen[j] {
				continue
			}
			seen[j] = true
			l := schedule.Link{Pred: ID(j), Succ: t.ID}
			if rng.IntN(5) == 0 {
				l.Type = schedule.SS
			}
			if rng.IntN(4) == 0 {
				l.Lag = schedule.Days(float64(1 + rng.IntN(3)))
			}
			p.Links = append(p.Links, l)
		}
	}
	return p
}
