package leveling

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// maxRounds bounds how often a pass places the tasks that go as late as
// possible again and levels what that moved (see levelOnce).
const maxRounds = 4

// leveler is one leveling pass: the editor whose schedule it moves, the
// order tasks keep their place in, and each work resource's profile.
type leveler struct {
	ctx    context.Context
	ed     *schedule.Editor
	n      *schedule.Network
	loc    *time.Location
	opts   LevelOptions
	rank   []schedule.TaskResult // each task's schedule before leveling
	jitter []float64             // added to each task's total float, or nil
	uses   [][]taskUse           // each task's demands on the profiles
	cal    []string              // the calendar each task works on
	within []bool                // it works only while its resources do
	cals   [][]string            // the calendars the tasks on each profile work on
	pieces [][]schedule.Segment  // each task's work as the profiles hold it
	profs  []*profile            // the work resources, in the project's order
	fit    fitter                // where a task fits among all the others
	filled bool                  // the profiles hold every task's pieces
	out    *Leveled
}

// taskUse is a task's demand on one profile.
type taskUse struct {
	prof  int
	units float64
}

// levelOnce is one leveling pass; jitter, when set, is added to each
// task's total float in the Standard order. Its first pass places the
// tasks in the order (serial) or, with a budget of schedules or search
// set, brings back the solver's best schedule of the project (search);
// then it goes through time from the earliest conflict left on, resolving
// each as Level says, and moves tasks with schedule.Editor.Shift, which
// recomputes only what a delay moves: tasks placed as late as possible
// stay where they are meanwhile. When no conflict is left it settles the
// schedule, which places those tasks late again, and goes on with what
// that moved, a few rounds at most.
func levelOnce(ctx context.Context, p *schedule.Project, opts LevelOptions, jitter map[string]float64, search bool) (*Leveled, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	lv, err := newLeveler(ctx, ed, opts, jitter)
	if err != nil {
		return nil, err
	}
	limit := cmp.Or(opts.MaxDelays, 100*max(1, len(p.Tasks)))
	if search {
		err = lv.search(opts.Schedules, opts.Seed)
	} else {
		err = lv.serial(limit)
	}
	if err != nil {
		return nil, err
	}
	if err := lv.fill(); err != nil {
		return nil, err
	}
	for round := 0; ; round++ {
		for steps := 0; len(lv.out.Delays) < limit; steps++ {
			if steps%64 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			pr, ok := lv.earliest()
			if !ok {
				break
			}
			resolved, err := lv.resolve(pr)
			if err != nil {
				return nil, err
			}
			if !resolved {
				pr.stuck[stuckKey(pr.next)] = true
				pr.ok = false
			}
		}
		var settled []int
		for _, c := range ed.Settle().Changes {
			if i, ok := lv.n.Index(c.ID); ok && (!c.Old.Start.Equal(c.New.Start) || !c.Old.Finish.Equal(c.New.Finish) || lv.split(i)) {
				settled = append(settled, i)
			}
		}
		if err := lv.moved(settled); err != nil {
			return nil, err
		}
		if round+1 >= maxRounds || len(lv.out.Delays) >= limit || !lv.pending() {
			break
		}
	}
	cs, err := Conflicts(ed.Project(), ed.Result())
	if err != nil {
		return nil, err
	}
	lv.out.Project, lv.out.Result, lv.out.Unresolved = ed.Project(), ed.Result(), cs
	return lv.out, nil
}

func newLeveler(ctx context.Context, ed *schedule.Editor, opts LevelOptions, jitter map[string]float64) (*leveler, error) {
	p, r := ed.Project(), ed.Result()
	n := r.Network()
	lv := &leveler{ctx: ctx, ed: ed, n: n, loc: r.Start().Location(), opts: opts, out: &Leveled{},
		rank: make([]schedule.TaskResult, len(p.Tasks)), uses: make([][]taskUse, len(p.Tasks)),
		cal: make([]string, len(p.Tasks)), within: make([]bool, len(p.Tasks)), pieces: make([][]schedule.Segment, len(p.Tasks))}
	// The order is fixed from the schedule before leveling: a task can
	// then only wait for tasks ranked above it, never they for it, and
	// the passes end.
	for i, tr := range r.Tasks() {
		lv.rank[i] = tr
	}
	if jitter != nil {
		lv.jitter = make([]float64, len(p.Tasks))
		for i, t := range p.Tasks {
			lv.jitter[i] = jitter[t.ID]
		}
	}
	byID := map[string]int{}
	for _, res := range p.Resources {
		if res.Type != schedule.WorkResource {
			continue
		}
		byID[res.ID] = len(lv.profs)
		lv.profs = append(lv.profs, &profile{id: res.ID, units: cmp.Or(res.MaxUnits, 1), cal: res.Calendar,
			cursor: noClean, changed: noChange, stuck: map[string]bool{}})
	}
	lv.fit = fitter{lv: lv, set: func(k int) ([]item, int64) {
		pr := lv.profs[k]
		pr.settle()
		return pr.items, pr.maxLen
	}}
	lv.cals = make([][]string, len(lv.profs))
	work := workResources(p)
	for i := range p.Tasks {
		if lv.rank[i].Summary {
			continue
		}
		cal, as := demands(p, r, i, work)
		lv.cal[i] = cal
		lv.within[i] = !p.Tasks[i].Duration.Elapsed && !p.Tasks[i].IgnoreResourceCalendars
		for _, a := range as {
			k := byID[a.Resource]
			lv.uses[i] = append(lv.uses[i], taskUse{k, a.Units})
			if !slices.Contains(lv.cals[k], cal) {
				lv.cals[k] = append(lv.cals[k], cal)
			}
		}
	}
	return lv, nil
}

// fill puts every task's pieces in the profiles, for the conflicts left
// after the first pass.
func (lv *leveler) fill() error {
	for i := range lv.uses {
		if err := lv.place(i); err != nil {
			return err
		}
	}
	for _, pr := range lv.profs {
		pr.settle()
	}
	lv.filled = true
	return nil
}

// place brings task i's pieces in the profiles up to date with the
// schedule.
func (lv *leveler) place(i int) error {
	if len(lv.uses[i]) == 0 {
		return nil
	}
	segs := lv.piecesOf(i)
	if slices.Equal(segs, lv.pieces[i]) {
		return nil
	}
	for _, s := range segs { // the calendar's working time must be readable there
		if _, err := lv.n.WorkBetween(lv.cal[i], s.Start, s.Finish); err != nil {
			return fmt.Errorf("leveling: task %q: %w", lv.n.ID(i), err)
		}
	}
	items := func(segs []schedule.Segment, units float64) []item {
		var out []item
		for _, s := range segs {
			if s.Start.Before(s.Finish) {
				out = append(out, item{s.Start.Unix(), s.Finish.Unix(), i, units})
			}
		}
		return out
	}
	for _, u := range lv.uses[i] {
		lv.profs[u.prof].change(items(lv.pieces[i], u.units), items(segs, u.units))
	}
	lv.pieces[i] = segs
	return nil
}

// moved brings the profiles up to date with the tasks a change moved.
func (lv *leveler) moved(tasks []int) error {
	for _, i := range tasks {
		if err := lv.place(i); err != nil {
			return err
		}
	}
	for _, pr := range lv.profs {
		pr.settle()
	}
	return nil
}

// split reports whether task i's work may be in several pieces, which can
// change while its start and finish stay.
func (lv *leveler) split(i int) bool { return len(lv.pieces[i]) > 1 }

// pending reports whether some profile may hold a conflict not yet
// looked at.
func (lv *leveler) pending() bool {
	return slices.ContainsFunc(lv.profs, func(pr *profile) bool { return !pr.done || pr.ok })
}

// shift makes the edits on the editor and brings the profiles up to date.
func (lv *leveler) shift(edits []schedule.Edit) ([]int, error) {
	moved, err := lv.ed.Shift(edits...)
	if err != nil || !lv.filled {
		return moved, err
	}
	return moved, lv.moved(moved)
}

// earliest finds the earliest conflict Level may resolve, the first
// resource's in the project's order on a tie, looking at each resource
// only as far as it must.
func (lv *leveler) earliest() (*profile, bool) {
	for {
		var best *profile
		bestAt, limit := int64(math.MaxInt64), int64(math.MaxInt64)
		var look *profile
		for _, pr := range lv.profs {
			at, found, none := pr.bound()
			switch {
			case none:
				continue
			case found:
				limit = min(limit, at)
			}
			if at < bestAt || at == bestAt && best != nil && !found && look == nil {
				// An earlier bound, or a resource not yet looked at that
				// may hold a conflict as early as one found.
				if at < bestAt {
					best, look = nil, nil
				}
				bestAt = at
				if found {
					best = pr
				} else {
					look = pr
				}
				continue
			}
			if at == bestAt && found && best == nil && look == nil {
				best = pr
			}
		}
		if look == nil {
			return best, best != nil
		}
		lv.look(look, limit)
	}
}

// contender is one task of a conflict as resolve weighs it.
type contender struct {
	i     int
	units float64
	tr    schedule.TaskResult
	fixed bool // may not move
	split bool // moves by splitting
}

// resolve resolves pr's conflict in hand: the tasks in the order's
// sequence keep their place while the resource can carry them (those that
// may not move first); each one after that which does not fit, may move
// and could fit alone waits — delayed, or when it worked before the
// conflict and the options allow, its remaining work split — until it fits
// among all the other tasks on its resources, as far as an estimate of its
// new dates says, or else until the resource frees enough for it and for
// those before it that wait too. A task whose delay would move one that
// keeps its place stays. It reports whether anything moved.
func (lv *leveler) resolve(pr *profile) (bool, error) {
	c := pr.next
	r, p := lv.ed.Result(), lv.ed.Project()
	opts := lv.opts
	var cands []contender
	for k, u := range c.Uses {
		i := pr.nextIdx[k]
		m := mobilityOf(&p.Tasks[i])
		split := opts.Split && m.split && workedBefore(r, i, c.From)
		cands = append(cands, contender{i, u.Units, r.Task(i), !m.whole && !split, split})
	}
	slices.SortStableFunc(cands, lv.order)
	var load float64
	var stay, wait []contender
	for _, x := range cands {
		switch {
		case load+x.units <= c.Available+tolerance || x.fixed:
			load += x.units
			stay = append(stay, x)
		case len(stay) > 0 && x.units <= c.Available+tolerance: // what cannot fit even alone no delay helps
			wait = append(wait, x)
		}
	}
	if len(wait) == 0 {
		return false, nil
	}
	// The resource frees as the tasks that stay finish; each waiting task
	// takes what is freed in turn, when nothing better is found.
	frees := slices.Clone(stay)
	slices.SortStableFunc(frees, func(a, b contender) int { return a.tr.Finish.Compare(b.tr.Finish) })
	rule := orderName(opts.Order)
	// need is what the waiting tasks so far ask beyond what is free;
	// frees[:m+1] are the tasks that must finish first.
	need, freed, m := load-c.Available, 0.0, -1
	moved := false
	for _, x := range wait {
		need += x.units
		for m+1 < len(frees) && (m < 0 || freed+tolerance < need) {
			m++
			freed += frees[m].units
		}
		queued := frees[m].tr.Finish
		r := lv.ed.Result()
		tr := r.Task(x.i) // as earlier delays left it
		if !tr.Start.Equal(x.tr.Start) || !tr.Finish.Equal(x.tr.Finish) {
			continue // an earlier delay moved it: the conflict is another now
		}
		from, after := tr.Start, tr.Start
		if x.split {
			from, after = c.From, c.From
		}
		until := queued
		if work, err := lv.n.WorkBetween(lv.cal[x.i], after, tr.Finish); err == nil {
			if u, ok := lv.fit.room(x.i, work, after.Unix()); ok {
				until = time.Unix(u, 0).In(lv.loc)
			}
		}
		var edit, back schedule.Edit
		t := &p.Tasks[x.i]
		if x.split {
			splits, err := r.SplitAt(x.i, c.From, until)
			if err != nil {
				continue
			}
			edit, back = schedule.SetSplits{Task: x.tr.ID, Splits: splits}, schedule.SetSplits{Task: x.tr.ID, Splits: slices.Clone(t.Splits)}
		} else { // x works at c.From, so starts before until: a later start
			edit = schedule.SetConstraint{Task: x.tr.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: until}}
			back = schedule.SetConstraint{Task: x.tr.ID, Constraint: t.Constraint}
		}
		if opts.WithinFloat {
			w, err := lv.n.WorkBetween(lv.n.Calendar(x.i), from, until)
			if err != nil || w > tr.TotalFloat {
				continue
			}
		}
		winner, fixed := stay[0].i, stay[0].fixed
		if j := slices.IndexFunc(stay, func(s contender) bool { return s.tr.Finish.Equal(until) }); j >= 0 {
			winner, fixed = stay[j].i, stay[j].fixed
		} else if w := lv.fit.winner(x.i, lv.use(x.i, c.Resource), until.Unix()); w != x.i {
			winner, fixed = w, !lv.mobile(w)
		}
		why := rule
		if fixed {
			why = "may not move"
		}
		if _, err := lv.shift([]schedule.Edit{edit}); err != nil {
			return false, fmt.Errorf("leveling: delaying %s: %w", x.tr.ID, err)
		}
		if slices.ContainsFunc(stay, func(s contender) bool { return !lv.ed.Result().Task(s.i).Start.Equal(s.tr.Start) }) { // a task that stays moved with it
			if _, err := lv.shift([]schedule.Edit{back}); err != nil {
				return false, fmt.Errorf("leveling: undoing the delay of %s: %w", x.tr.ID, err)
			}
			continue
		}
		lv.out.Delays = append(lv.out.Delays, Delay{Task: x.tr.ID, From: from, To: until, Split: x.split, Resource: c.Resource,
			ConflictFrom: c.From, ConflictTo: c.To, Winner: lv.n.ID(winner), Rule: why})
		moved = true
	}
	return moved, nil
}

// use returns the profile of task i's demand on the resource.
func (lv *leveler) use(i int, resource string) int {
	for _, u := range lv.uses[i] {
		if lv.profs[u.prof].id == resource {
			return u.prof
		}
	}
	return 0
}

// order compares two tasks of a conflict: what may not move keeps its
// place first, then the chosen order on the schedule before leveling.
func (lv *leveler) order(a, b contender) int {
	if a.fixed != b.fixed {
		if a.fixed {
			return -1
		}
		return 1
	}
	p := lv.ed.Project()
	ta, tb := &p.Tasks[a.i], &p.Tasks[b.i]
	ra, rb := &lv.rank[a.i], &lv.rank[b.i]
	standard := func() int {
		fa, fb := float64(ra.TotalFloat), float64(rb.TotalFloat)
		if lv.jitter != nil {
			fa, fb = fa+lv.jitter[a.i], fb+lv.jitter[b.i]
		}
		return cmp.Or(cmp.Compare(fa, fb), ra.Start.Compare(rb.Start), cmp.Compare(tb.LevelingPriority(), ta.LevelingPriority()), cmp.Compare(a.i, b.i))
	}
	switch lv.opts.Order {
	case ByID:
		return cmp.Compare(a.i, b.i)
	case ByPriority:
		return cmp.Or(cmp.Compare(tb.LevelingPriority(), ta.LevelingPriority()), standard())
	case LatestFinish:
		return cmp.Or(ra.LateFinish.Compare(rb.LateFinish), standard())
	case LatestStart:
		return cmp.Or(ra.LateStart.Compare(rb.LateStart), standard())
	}
	return standard()
}
