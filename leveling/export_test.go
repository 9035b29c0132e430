package leveling

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/critpath/critpath/schedule"
)

// LevelBefore is Level as it was, one pass in opts.Order: the baseline the
// benchmarks measure Level against.
func LevelBefore(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	return levelBefore(ctx, p, opts, nil)
}

// levelBefore is one pass of Level as it was before the first pass placed
// tasks in the order and conflicts were recounted only where delays moved
// tasks: conflict by conflict, the whole project recounted after each
// delay, each delay previewed before it is made. It is kept as the
// baseline of BenchmarkLevelVersusBefore.
func levelBefore(ctx context.Context, p *schedule.Project, opts LevelOptions, jitter map[string]float64) (*Leveled, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	limit := cmp.Or(opts.MaxDelays, 100*max(1, len(p.Tasks)))
	out := &Leveled{}
	stuck := map[string]bool{} // conflicts left as they are, by resource and start
	// The order is fixed from the schedule before leveling: a task can
	// then only wait for tasks ranked above it, never they for it, and
	// the passes end.
	rank := make([]schedule.TaskResult, len(p.Tasks))
	for i, tr := range ed.Result().Tasks() {
		rank[i] = tr
	}
	cs, err := Conflicts(ed.Project(), ed.Result())
	if err != nil {
		return nil, err
	}
	for len(out.Delays) < limit {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q, r := ed.Project(), ed.Result()
		c, ok := firstBefore(cs, opts, stuck)
		if !ok {
			break
		}
		d, edit, ok := chooseBefore(q, r, c, opts, rank, jitter, func(edit schedule.Edit, stay []string) bool {
			d, err := ed.Preview(edit)
			if err != nil {
				return true
			}
			for _, ch := range d.Changes {
				if slices.Contains(stay, ch.ID) && !ch.Old.Start.Equal(ch.New.Start) {
					return true
				}
			}
			return false
		})
		if !ok {
			stuck[keyBefore(c)] = true
			continue
		}
		if _, err := ed.Apply(edit); err != nil {
			return nil, fmt.Errorf("leveling: delaying %s: %w", d.Task, err)
		}
		out.Delays = append(out.Delays, d)
		if cs, err = Conflicts(ed.Project(), ed.Result()); err != nil {
			return nil, err
		}
	}
	out.Project, out.Result, out.Unresolved = ed.Project(), ed.Result(), cs
	return out, nil
}

func keyBefore(c Conflict) string { return c.Resource + "@" + c.From.String() }

// firstBefore returns the earliest conflict the options let Level
// resolve and that has not proved stuck.
func firstBefore(cs []Conflict, opts LevelOptions, stuck map[string]bool) (Conflict, bool) {
	var best Conflict
	found := false
	for _, c := range cs {
		switch {
		case stuck[keyBefore(c)], !opts.From.IsZero() && c.From.Before(opts.From), !opts.To.IsZero() && !c.From.Before(opts.To):
			continue
		}
		if !found || c.From.Before(best.From) {
			best, found = c, true
		}
	}
	return best, found
}

// chooseBefore picks the task to move in conflict c, how far, and the edit that
// moves it: the tasks in the order's sequence keep their place while the
// resource can carry them; the first that does not fit and may move is
// delayed to the earliest finish of the tasks that stay, or split there
// when it worked before the conflict and the options allow.
func chooseBefore(p *schedule.Project, r *schedule.Result, c Conflict, opts LevelOptions, rank []schedule.TaskResult, jitter map[string]float64,
	drags func(edit schedule.Edit, stay []string) bool) (Delay, schedule.Edit, bool) {
	n := r.Network()
	type cand struct {
		i     int
		use   Use
		tr    schedule.TaskResult
		fixed bool // may not move
		split bool // moves by splitting
	}
	var cands []cand
	for _, u := range c.Uses {
		i, _ := n.Index(u.Task)
		m := mobilityOf(&p.Tasks[i])
		split := opts.Split && m.split && workedBefore(r, i, c.From)
		cands = append(cands, cand{i, u, r.Task(i), !m.whole && !split, split})
	}
	rule := orderName(opts.Order)
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.fixed != b.fixed { // what may not move keeps its place first
			if a.fixed {
				return -1
			}
			return 1
		}
		ta, tb := &p.Tasks[a.i], &p.Tasks[b.i]
		ra, rb := &rank[a.i], &rank[b.i] // as before leveling
		standard := func() int {
			fa, fb := float64(ra.TotalFloat)+jitter[ra.ID], float64(rb.TotalFloat)+jitter[rb.ID]
			return cmp.Or(cmp.Compare(fa, fb), ra.Start.Compare(rb.Start), cmp.Compare(tb.Priority, ta.Priority), cmp.Compare(a.i, b.i))
		}
		switch opts.Order {
		case ByID:
			return cmp.Compare(a.i, b.i)
		case ByPriority:
			return cmp.Or(cmp.Compare(tb.Priority, ta.Priority), standard())
		case LatestFinish:
			return cmp.Or(ra.LateFinish.Compare(rb.LateFinish), standard())
		case LatestStart:
			return cmp.Or(ra.LateStart.Compare(rb.LateStart), standard())
		}
		return standard()
	})
	var load float64
	var stay []cand
	for _, x := range cands {
		if load+x.use.Units <= c.Available+tolerance || x.fixed {
			load += x.use.Units
			stay = append(stay, x)
			continue
		}
		if len(stay) == 0 {
			continue // it cannot fit even alone: no delay helps
		}
		until := stay[0].tr.Finish
		for _, s := range stay[1:] {
			if s.tr.Finish.Before(until) {
				until = s.tr.Finish
			}
		}
		from := x.tr.Start
		var edit schedule.Edit
		if x.split {
			splits, err := r.SplitAt(x.i, c.From, until)
			if err != nil {
				continue
			}
			from, edit = c.From, schedule.SetSplits{Task: x.tr.ID, Splits: splits}
		} else { // x works at c.From, so starts before until: a later start
			edit = schedule.SetConstraint{Task: x.tr.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: until}}
		}
		var ids []string
		for _, s := range stay {
			ids = append(ids, s.tr.ID)
		}
		if drags(edit, ids) { // it leads them: moving it would push them too
			continue
		}
		if opts.WithinFloat {
			w, err := n.WorkBetween(n.Calendar(x.i), from, until)
			if err != nil || w > x.tr.TotalFloat {
				continue
			}
		}
		winner := stay[0]
		for _, s := range stay {
			if s.tr.Finish.Equal(until) {
				winner = s
				break
			}
		}
		why := rule
		if winner.fixed {
			why = "may not move"
		}
		return Delay{Task: x.tr.ID, From: from, To: until, Split: x.split, Resource: c.Resource,
			ConflictFrom: c.From, ConflictTo: c.To, Winner: winner.tr.ID, Rule: why}, edit, true
	}
	return Delay{}, nil, false
}

// LevelPass is one pass of Level's own, and LevelSearch Level's search
// alone (opts.Schedules its budget), each with the conflicts it leaves
// resolved: the two Level keeps the better of.
func LevelPass(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	return levelOnce(ctx, p, opts, nil, false)
}

func LevelSearch(ctx context.Context, p *schedule.Project, opts LevelOptions) (*Leveled, error) {
	return levelOnce(ctx, p, opts, nil, true)
}

// Cross crosses two schedules of p, each a regret-biased sample decoded
// by the serial scheme (in reversed time when back, its list reversed),
// and returns the mother's list, the father's and the child's.
func Cross(p *Problem, seed uint64, back bool) (mother, father, child []int32, err error) {
	s, err := newSolver(p)
	if err != nil {
		return nil, nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	preds := s.preds
	if back {
		preds = s.succs
	}
	var parents [2]*candidate
	for i := range parents {
		sc := s.newSchedule()
		sc.back = back
		s.sample(rng, sc.list)
		if back {
			slices.Reverse(sc.list)
		}
		sc.makespan = s.serial(sc.list, preds, sc.starts)
		parents[i] = sc
	}
	child = make([]int32, s.n)
	s.crossover(rng, parents[0], parents[1], child)
	return parents[0].list, parents[1].list, child, nil
}
