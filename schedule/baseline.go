package schedule

import (
	"fmt"
	"time"
)

// Baseline is a schedule saved under a name ("Baseline", "Baseline 1",
// P6's "Original Plan"), to compare later schedules with and to measure
// earned value against.
type Baseline struct {
	Name  string
	Tasks []BaselineTask
}

// BaselineTask is one task as a baseline saved it. Duration and Work are
// working time; Cost is the task's budget.
type BaselineTask struct {
	ID             string
	Start, Finish  time.Time
	Duration, Work Duration
	Cost           float64
}

// Baseline returns the named baseline, if the project has it.
func (p *Project) Baseline(name string) (*Baseline, bool) {
	for i := range p.Baselines {
		if p.Baselines[i].Name == name {
			return &p.Baselines[i], true
		}
	}
	return nil, false
}

// SetBaseline stores b, replacing the baseline of the same name.
func (p *Project) SetBaseline(b Baseline) {
	if old, ok := p.Baseline(b.Name); ok {
		*old = b
		return
	}
	p.Baselines = append(p.Baselines, b)
}

// SaveBaseline returns the schedule as a baseline of that name: every
// task's scheduled start and finish, duration, work and cost. Store it in
// the project with Project.SetBaseline.
func (r *Result) SaveBaseline(name string) Baseline {
	r.rollUp()
	b := Baseline{Name: name, Tasks: make([]BaselineTask, len(r.tasks))}
	for i, t := range r.tasks {
		b.Tasks[i] = BaselineTask{ID: t.ID, Start: t.Start, Finish: t.Finish,
			Duration: Minutes(float64(r.span(i))), Work: Minutes(float64(t.Work)), Cost: t.Cost}
	}
	return b
}

// span returns task i's duration in working minutes on its calendar: the
// working time of its segments (a summary's from its subtasks' first
// start to their last finish).
func (r *Result) span(i int) int64 {
	tl := r.net.tls[r.net.tasks[i].cal]
	loc := r.net.loc
	in := func(s, f time.Time) int64 { return tl.cum(wallMinutes(f, loc)) - tl.cum(wallMinutes(s, loc)) }
	if t := &r.tasks[i]; t.Summary {
		return in(t.Start, t.Finish)
	}
	var w int64
	for _, s := range r.Segments(i) {
		w += in(s.Start, s.Finish)
	}
	return w
}

// Variance is how a task's schedule differs from its baseline: start,
// finish and duration variance in working minutes on the task's calendar
// (positive: later or longer), work in minutes and cost. A task the
// baseline lacks has Added set and no variances.
type Variance struct {
	ID               string
	Added            bool
	Start, Finish    int64
	Duration, Work   int64
	Cost             float64
	BaselineStart    time.Time
	BaselineFinish   time.Time
	BaselineDuration int64 // minutes
	BaselineWork     int64 // minutes
}

// Compare returns each task's variance from baseline b, in the project's
// task order.
func (r *Result) Compare(b *Baseline) ([]Variance, error) {
	r.rollUp()
	n := r.net
	base, err := baselineTasks(b)
	if err != nil {
		return nil, err
	}
	out := make([]Variance, len(r.tasks))
	for i, t := range r.tasks {
		v := Variance{ID: t.ID}
		bt, ok := base[t.ID]
		if !ok {
			v.Added = true
			out[i] = v
			continue
		}
		tl := n.tls[n.tasks[i].cal]
		between := func(a, b time.Time) int64 { return tl.cum(wallMinutes(b, n.loc)) - tl.cum(wallMinutes(a, n.loc)) }
		bd, _ := bt.Duration.minutes(n.settings)
		bw, _ := bt.Work.minutes(n.settings)
		v.Start, v.Finish = between(bt.Start, t.Start), between(bt.Finish, t.Finish)
		v.Duration, v.Work, v.Cost = r.span(i)-bd, t.Work-bw, t.Cost-bt.Cost
		v.BaselineStart, v.BaselineFinish, v.BaselineDuration, v.BaselineWork = bt.Start, bt.Finish, bd, bw
		out[i] = v
	}
	return out, nil
}

// baselineTasks indexes a baseline's tasks by ID, checking them.
func baselineTasks(b *Baseline) (map[string]*BaselineTask, error) {
	m := make(map[string]*BaselineTask, len(b.Tasks))
	for k := range b.Tasks {
		bt := &b.Tasks[k]
		field := func(f string) string { return fmt.Sprintf("baselines[%q].tasks[%d].%s", b.Name, k, f) }
		switch {
		case m[bt.ID] != nil:
			return nil, &InputError{Task: bt.ID, Field: field("id"), Err: ErrDuplicateTask}
		case !inRange(bt.Start) || !inRange(bt.Finish) || bt.Finish.Before(bt.Start):
			return nil, &InputError{Task: bt.ID, Field: field("start"), Err: fmt.Errorf("%v to %v: %w", bt.Start, bt.Finish, ErrBadDate)}
		case bt.Duration.Elapsed || bt.Duration.Unit == Percent || bt.Duration.Amount < 0:
			return nil, &InputError{Task: bt.ID, Field: field("duration"), Err: fmt.Errorf("%v: %w", bt.Duration, ErrBadValue)}
		case bt.Work.Elapsed || bt.Work.Unit == Percent || bt.Work.Amount < 0:
			return nil, &InputError{Task: bt.ID, Field: field("work"), Err: fmt.Errorf("%v: %w", bt.Work, ErrBadValue)}
		case bt.Cost < 0 || bt.Cost != bt.Cost:
			return nil, &InputError{Task: bt.ID, Field: field("cost"), Err: fmt.Errorf("%v: %w", bt.Cost, ErrBadValue)}
		}
		m[bt.ID] = bt
	}
	return m, nil
}

// EarnedValue is the earned-value analysis of a task, a summary or the
// project at a status date, in the project's currency:
//
//   - BCWS (planned value): the baseline cost of the work the baseline
//     scheduled by the status date, spread evenly over the baseline's
//     working time;
//   - BCWP (earned value): the baseline cost of the work done, baseline
//     cost × percent complete;
//   - ACWP (actual cost): Task.ActualCost when given, else the current
//     cost × percent complete;
//   - BAC: the baseline cost, the budget at completion;
//   - SV = BCWP − BCWS, CV = BCWP − ACWP, SPI = BCWP ÷ BCWS,
//     CPI = BCWP ÷ ACWP (0 when the divisor is 0, as Microsoft Project
//     shows them), EAC = ACWP + (BAC − BCWP) ÷ CPI, which is BAC ÷ CPI
//     (ACWP + BAC − BCWP while nothing is earned), and VAC = BAC − EAC.
//
// A summary's and the project's are its tasks' sums, their indices worked
// out from the sums.
type EarnedValue struct {
	ID                         string
	BCWS, BCWP, ACWP, BAC      float64
	SV, CV, SPI, CPI, EAC, VAC float64
}

// EarnedValue returns each task's earned value against baseline b at the
// status date (the project's status date when status is zero), and the
// project's. Tasks the baseline lacks have no budget: they count only in
// ACWP.
func (r *Result) EarnedValue(b *Baseline, status time.Time) ([]EarnedValue, EarnedValue, error) {
	r.rollUp()
	n := r.net
	base, err := baselineTasks(b)
	if err != nil {
		return nil, EarnedValue{}, err
	}
	at := n.status
	if !status.IsZero() {
		if !inRange(status) {
			return nil, EarnedValue{}, &InputError{Field: "status_date", Err: fmt.Errorf("%v: %w", status, ErrBadDate)}
		}
		at = wallMinutes(status, n.loc)
	}
	if at == noDate {
		return nil, EarnedValue{}, &InputError{Field: "status_date", Err: fmt.Errorf("earned value needs a status date: %w", ErrBadDate)}
	}
	out := make([]EarnedValue, len(r.tasks))
	for i, t := range r.tasks {
		out[i].ID = t.ID
		if t.Summary {
			continue
		}
		ev := &out[i]
		ev.ACWP = t.Cost * t.PercentComplete / 100
		if ac := n.tasks[i].extra().actualCost; ac >= 0 {
			ev.ACWP = ac
		}
		bt, ok := base[t.ID]
		if !ok {
			continue
		}
		ev.BAC = bt.Cost
		ev.BCWP = bt.Cost * t.PercentComplete / 100
		tl := n.tls[n.tasks[i].cal]
		bs, bf := wallMinutes(bt.Start, n.loc), wallMinutes(bt.Finish, n.loc)
		switch total := tl.cum(bf) - tl.cum(bs); {
		case at >= bf:
			ev.BCWS = bt.Cost
		case at <= bs:
		default: // total > 0 here: bs < at < bf
			ev.BCWS = bt.Cost * float64(tl.cum(at)-tl.cum(bs)) / float64(max(total, 1))
		}
	}
	// Summaries from their subtasks, deepest first (n.up's order).
	for _, i := range n.up {
		s := &out[i]
		for _, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			s.add(&out[k])
		}
	}
	var project EarnedValue
	for i, t := range n.tasks {
		if t.parent < 0 {
			project.add(&out[i])
		}
	}
	for i := range out {
		out[i].indices()
	}
	project.indices()
	return out, project, nil
}

func (e *EarnedValue) add(o *EarnedValue) {
	e.BCWS, e.BCWP, e.ACWP, e.BAC = e.BCWS+o.BCWS, e.BCWP+o.BCWP, e.ACWP+o.ACWP, e.BAC+o.BAC
}

// indices works out the variances and indices from the four sums.
func (e *EarnedValue) indices() {
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	e.SV, e.CV = e.BCWP-e.BCWS, e.BCWP-e.ACWP
	e.SPI, e.CPI = ratio(e.BCWP, e.BCWS), ratio(e.BCWP, e.ACWP)
	e.EAC = e.ACWP + e.BAC - e.BCWP
	if e.CPI > 0 {
		e.EAC = e.ACWP + (e.BAC-e.BCWP)/e.CPI
	}
	e.VAC = e.BAC - e.EAC
}
