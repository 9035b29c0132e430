package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/critpath/critpath/schedule"
)

// config describes a random time–cost instance.
type config struct {
	tasks  int
	seed   uint64
	window int  // predecessors come from the previous window tasks (0: any earlier task)
	hours  bool // the 24 Hours calendar (days of 1,440 minutes) rather than Standard
	// cross adds what the cross-check wants besides: links that may be
	// fast-tracked, and a constraint or two.
	cross bool
}

// start is the instances' start: Monday 4 January 2027, 08:00 in Dhaka.
var start = time.Date(2027, 1, 4, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))

// instance returns the random project cfg describes: durations of 1 to
// 12 working days, four tasks in five crashable by up to half their
// duration at 50 to 2,000 a day, each with a fixed cost (its normal
// cost), its crash point given as the total cost there or as a cost per
// day saved, one or two predecessors each, 30 % of the links SS, FF or
// SF and 40 % with a lag of −3 to +4 days.
func instance(cfg config) *schedule.Project {
	rng := rand.New(rand.NewPCG(cfg.seed, 0x7c0ffee))
	p := &schedule.Project{Name: fmt.Sprintf("crash %d/%d", cfg.tasks, cfg.seed), Start: start, Calendar: schedule.Standard}
	if cfg.hours {
		p.Calendar = schedule.TwentyFourHours
		p.Settings = schedule.Settings{MinutesPerDay: 1440, MinutesPerWeek: 7 * 1440}
	}
	p.Tasks = make([]schedule.Task, cfg.tasks)
	for i := range p.Tasks {
		t := &p.Tasks[i]
		d := 1 + rng.IntN(12)
		t.ID = fmt.Sprintf("T%05d", i)
		t.Duration = schedule.Days(float64(d))
		t.FixedCost = float64(100 * rng.IntN(100))
		if d >= 2 && rng.IntN(5) > 0 {
			saving := 1 + rng.IntN(d/2)
			slope := float64(50 * (1 + rng.IntN(40)))
			t.Crash = &schedule.Crash{Duration: schedule.Days(float64(d - saving))}
			if rng.IntN(2) == 0 {
				t.Crash.Cost = t.FixedCost + slope*float64(saving)
			} else {
				t.Crash.CostPerDay = slope
			}
		}
	}
	for i := 1; i < cfg.tasks; i++ {
		lo := 0
		if cfg.window > 0 {
			lo = max(0, i-cfg.window)
		}
		seen := map[int]bool{}
		for range 1 + rng.IntN(2) {
			j := lo + rng.IntN(i-lo)
			if seen[j] {
				continue
			}
			seen[j] = true
			l := schedule.Link{Pred: p.Tasks[j].ID, Succ: p.Tasks[i].ID}
			if rng.Float64() < 0.3 {
				l.Type = schedule.LinkType(1 + rng.IntN(3))
			}
			if rng.Float64() < 0.4 {
				l.Lag = schedule.Days(float64(rng.IntN(8) - 3))
			}
			if cfg.cross && l.Type == schedule.FS && rng.Float64() < 0.3 {
				l.Overlap, l.ReworkCost = schedule.Days(float64(1+rng.IntN(3))), float64(50*(1+rng.IntN(40)))
			}
			p.Links = append(p.Links, l)
		}
	}
	if cfg.cross && cfg.tasks > 4 && rng.IntN(2) == 0 { // a task that may not start before a date
		t := &p.Tasks[cfg.tasks/2]
		t.Constraint = schedule.Constraint{Type: schedule.SNET, Date: dayStart(p, 2+rng.IntN(8))}
	}
	return p
}

// dayStart returns the start of working day k of p (0: its start).
func dayStart(p *schedule.Project, k int) time.Time {
	if p.Calendar == schedule.TwentyFourHours {
		return p.Start.AddDate(0, 0, k)
	}
	d := p.Start
	for k > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			k--
		}
	}
	return d
}

// lp holds the time–cost linear program of a project, in working days
// from its start, written independently of package optimize from the
// project's own fields: for each task a start s and the days saved y
// (between 0 and its duration less its crash duration), for each
// fast-tracked link the days of overlap o (up to its overlap); minimize
// Σ slope·y + Σ rework·o subject to every link, every task's start after
// the project's (and after its start-no-earlier-than date) and every
// task's finish by the target.
type lp struct {
	p         *schedule.Project
	day       float64 // minutes in a working day
	fastTrack bool
	crash     bool
}

// slope returns what a day saved on task t costs: its crash point's cost
// per day, or its crash cost over its normal cost (the fixed cost: the
// instances have no resources) spread over the days saved.
func slope(t *schedule.Task) float64 {
	if t.Crash.CostPerDay != 0 {
		return t.Crash.CostPerDay
	}
	return (t.Crash.Cost - t.FixedCost) / (t.Duration.Amount - t.Crash.Duration.Amount)
}

// term is a coefficient and a variable of the program.
type term struct {
	coef float64
	name string
}

// write writes the program for a finish within T days in CPLEX LP format,
// which glpsol reads with --lp.
func (x lp) write(w io.Writer, T float64) error {
	bw := bufio.NewWriter(w)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	sum := func(ts []term) {
		for k, t := range ts {
			if k%8 == 7 {
				bw.WriteString("\n  ")
			}
			sign := "+"
			if t.coef < 0 {
				sign = "-"
			}
			if c := math.Abs(t.coef); c == 1 {
				fmt.Fprintf(bw, " %s %s", sign, t.name)
			} else {
				fmt.Fprintf(bw, " %s %s %s", sign, num(c), t.name)
			}
		}
	}
	idx := map[string]int{}
	for i, t := range x.p.Tasks {
		idx[t.ID] = i
	}
	crashable := func(i int) bool { return x.crash && x.p.Tasks[i].Crash != nil }
	overlaps := func(l schedule.Link) bool { return x.fastTrack && l.Type == schedule.FS && !l.Overlap.IsZero() }
	var cost []term
	for i := range x.p.Tasks {
		if crashable(i) {
			cost = append(cost, term{slope(&x.p.Tasks[i]), fmt.Sprintf("y%d", i)})
		}
	}
	for k, l := range x.p.Links {
		if overlaps(l) {
			cost = append(cost, term{l.ReworkCost, fmt.Sprintf("o%d", k)})
		}
	}
	if len(cost) == 0 {
		cost = []term{{0, "s0"}}
	}
	fmt.Fprintf(bw, "\\* %s: the time–cost trade-off, finishing within %s working days *\\\nMinimize\n cost:", x.p.Name, num(T))
	sum(cost)
	bw.WriteString("\nSubject To\n")
	// end returns task i's start or finish, times sign, as terms and a
	// constant: s, or s − y + d.
	end := func(i int, finish bool, sign float64) ([]term, float64) {
		ts := []term{{sign, fmt.Sprintf("s%d", i)}}
		if !finish {
			return ts, 0
		}
		if crashable(i) {
			ts = append(ts, term{-sign, fmt.Sprintf("y%d", i)})
		}
		return ts, sign * x.p.Tasks[i].Duration.Amount
	}
	for k, l := range x.p.Links {
		// The successor's end less the predecessor's, each as the link's
		// type says, is at least the lag (less the overlap taken).
		to, ct := end(idx[l.Succ], l.Type == schedule.FF || l.Type == schedule.SF, 1)
		from, cf := end(idx[l.Pred], l.Type == schedule.FS || l.Type == schedule.FF, -1)
		ts := append(to, from...)
		if overlaps(l) {
			ts = append(ts, term{1, fmt.Sprintf("o%d", k)})
		}
		fmt.Fprintf(bw, " l%d:", k)
		sum(ts)
		fmt.Fprintf(bw, " >= %s\n", num(l.Lag.Amount-ct-cf))
	}
	for i, t := range x.p.Tasks {
		ts, c := end(i, true, 1)
		fmt.Fprintf(bw, " f%d:", i)
		sum(ts)
		fmt.Fprintf(bw, " <= %s\n", num(T-c))
		if t.Constraint.Type == schedule.SNET {
			fmt.Fprintf(bw, " c%d: s%d >= %s\n", i, i, num(workingDays(x.p, t.Constraint.Date)))
		}
	}
	bw.WriteString("Bounds\n")
	for i, t := range x.p.Tasks {
		if crashable(i) {
			fmt.Fprintf(bw, " 0 <= y%d <= %s\n", i, num(t.Duration.Amount-t.Crash.Duration.Amount))
		}
	}
	for k, l := range x.p.Links {
		if overlaps(l) {
			fmt.Fprintf(bw, " 0 <= o%d <= %s\n", k, num(l.Overlap.Amount))
		}
	}
	bw.WriteString("End\n")
	return bw.Flush()
}

// workingDays counts the working days of p from its start to date.
func workingDays(p *schedule.Project, date time.Time) float64 {
	if p.Calendar == schedule.TwentyFourHours {
		return date.Sub(p.Start).Hours() / 24
	}
	n := 0.0
	for d := p.Start; d.Before(date); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// writeFile writes a file by f.
func writeFile(path string, f func(io.Writer) error) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
