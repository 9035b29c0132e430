package risk

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/critpath/critpath/schedule"
)

// Model is the uncertainty of a project: ranges on task durations, risk
// events, and correlations between durations. Every value of a
// distribution is in Unit.
type Model struct {
	// Unit is one unit of every distribution's values. Default: one
	// working day; a task with an elapsed duration reads it as elapsed
	// time (one round-the-clock day).
	Unit schedule.Duration
	// Durations gives tasks' durations a distribution; a task without one
	// keeps its planned duration (risk events may still lengthen it).
	Durations []Uncertainty
	// Risks are the events that may happen.
	Risks []Event
	// Correlations are rank correlations between pairs of tasks'
	// duration uncertainties.
	Correlations []Correlation
}

// Uncertainty gives one task's duration a distribution.
type Uncertainty struct {
	Task string
	Dist Distribution
}

// Event is one entry of a risk register: something that happens with a
// probability in an iteration and, when it does, changes the durations of
// every task it hits by one shared draw of its impact. A threat lengthens
// them; an opportunity (an impact below zero, or a factor below one)
// shortens them, never below zero.
type Event struct {
	ID, Name    string
	Probability float64
	// Impact is added to each hit task's duration (in the model's Unit)
	// or, with Factor, multiplies it.
	Impact Distribution
	Factor bool
	Tasks  []string
	// Mitigated is the event after its planned response, used when
	// Options.Mitigated is set; nil means the response changes nothing.
	Mitigated *Mitigation
}

// Mitigation is an event's probability and impact after its response;
// either left nil stays as before the response.
type Mitigation struct {
	Probability *float64
	Impact      Distribution
}

// Opportunity reports whether the event shortens work: its impact's mean
// is below zero, or below one as a factor.
func (e *Event) Opportunity() bool {
	if e.Impact == nil {
		return false
	}
	if e.Factor {
		return e.Impact.Mean() < 1
	}
	return e.Impact.Mean() < 0
}

// Correlation is the rank (Spearman) correlation, in [−1, 1], between the
// sampled durations of tasks A and B, both of which must have an
// Uncertainty.
type Correlation struct {
	A, B string
	Rank float64
}

// sim is a model compiled against its project's network.
type sim struct {
	net *schedule.Network
	det *schedule.Result // the deterministic schedule

	unc    []uncVar   // task uncertainties, in the model's order
	events []eventVar // the register, with the values in force
	// The tasks whose durations vary, ascending, with for each its
	// uncertainty (or −1), its planned minutes, its minutes per model
	// unit and the events hitting it (hits[hitOff[k]:hitOff[k+1]]).
	vary    []int
	uncOf   []int32
	base    []float64
	perUnit []float64
	hitOff  []int32
	hits    []int32

	rest []int32 // the varying tasks whose durations are not set as their uncertainty is sampled (uncVar.direct)

	corr   []int32   // uncertainties in the correlation matrix
	free   []int32   // the others
	target []float64 // the Cholesky factor of its normal scores' Pearson matrix (repaired), len(corr)²
	repair *Repair

	project  *schedule.Project
	predOnce sync.Once
	preds    [][]int // link predecessors per task
	parent   []int   // summary per task, or −1
	children [][]int

	fast *fast // the network for the fast path, or nil for the general one

	leaves     []int // tasks whose criticality is counted
	merges     []int // tasks with two or more predecessors
	milestones []int
}

type uncVar struct {
	task int
	dist Distribution
	// The distributions most models use, for a direct call: dist as a
	// triangle or a BetaPERT, or nil.
	tri  *triangle
	beta *scaledBeta
	// direct is the index in sim.vary of its task when the uncertainty
	// alone sets the task's duration (no event hits it, no correlation
	// reorders it), else −1: its duration is then worked out as it is
	// sampled.
	direct int32
}

// quantile is u.dist.Quantile(p).
func (u *uncVar) quantile(p float64) float64 {
	switch {
	case u.tri != nil:
		return u.tri.quantile(p)
	case u.beta != nil:
		return u.beta.Quantile(p)
	}
	return u.dist.Quantile(p)
}

type eventVar struct {
	prob   float64
	impact Distribution
	factor bool
}

// compile checks m against p's network and lays out what one iteration
// samples. Errors name the entry and field at fault.
func compile(p *schedule.Project, m *Model, mitigated bool) (*sim, error) {
	net, err := schedule.Compile(p)
	if err != nil {
		return nil, err
	}
	det := net.NewResult()
	det.Run()
	s := &sim{net: net, det: det, project: p}
	unit := m.Unit
	if unit.IsZero() {
		unit = schedule.Days(1)
	}
	if unit.Unit == schedule.Percent || unit.Amount < 0 || !finite(unit.Amount) {
		return nil, fmt.Errorf("risk: unit %v: want a positive duration: %w", unit, ErrBadModel)
	}
	perUnit := func(i int) (float64, error) {
		u := unit
		u.Elapsed = p.Tasks[i].Duration.Elapsed
		min, err := net.Minutes(u)
		return float64(min), err
	}
	task := func(field, id string) (int, error) {
		i, ok := net.Index(id)
		switch {
		case !ok:
			return 0, fmt.Errorf("risk: %s: no task %q: %w", field, id, ErrBadModel)
		case det.Task(i).Summary:
			return 0, fmt.Errorf("risk: %s: task %q is a summary; its duration comes from its subtasks: %w", field, id, ErrBadModel)
		case det.Task(i).Milestone:
			return 0, fmt.Errorf("risk: %s: task %q is a milestone; it has no duration to vary: %w", field, id, ErrBadModel)
		}
		return i, nil
	}
	uncOfTask := map[int]int32{}
	for k, u := range m.Durations {
		field := fmt.Sprintf("durations[%d]", k)
		i, err := task(field+".task", u.Task)
		if err != nil {
			return nil, err
		}
		if u.Dist == nil {
			return nil, fmt.Errorf("risk: %s: task %q has no distribution: %w", field, u.Task, ErrBadModel)
		}
		if _, dup := uncOfTask[i]; dup {
			return nil, fmt.Errorf("risk: %s: task %q has a distribution already: %w", field, u.Task, ErrBadModel)
		}
		if lo := u.Dist.Quantile(1e-12); lo < 0 {
			return nil, fmt.Errorf("risk: %s: task %q: the distribution reaches %v, below zero: %w", field, u.Task, lo, ErrBadModel)
		}
		uncOfTask[i] = int32(k)
		uv := uncVar{task: i, dist: u.Dist}
		switch d := u.Dist.(type) {
		case triangle:
			uv.tri = &d
		case scaledBeta:
			uv.beta = &d
		}
		s.unc = append(s.unc, uv)
	}
	hitBy := map[int][]int32{}
	for k := range m.Risks {
		e := &m.Risks[k]
		field := fmt.Sprintf("risks[%d]", k)
		if e.ID != "" {
			field = fmt.Sprintf("risks[%d] (%s)", k, e.ID)
		}
		ev := eventVar{prob: e.Probability, impact: e.Impact, factor: e.Factor}
		if err := ev.check(field); err != nil {
			return nil, err
		}
		if e.Mitigated != nil {
			post := eventVar{prob: e.Probability, impact: e.Mitigated.Impact, factor: e.Factor}
			if e.Mitigated.Probability != nil {
				post.prob = *e.Mitigated.Probability
			}
			if post.impact == nil { // the response changes the probability only
				post.impact = e.Impact
			}
			if err := post.check(field + ".mitigated"); err != nil {
				return nil, err
			}
			if mitigated {
				ev = post
			}
		}
		if len(e.Tasks) == 0 {
			return nil, fmt.Errorf("risk: %s.tasks: the event hits no task: %w", field, ErrBadModel)
		}
		for j, id := range e.Tasks {
			i, err := task(fmt.Sprintf("%s.tasks[%d]", field, j), id)
			if err != nil {
				return nil, err
			}
			if slices.Contains(hitBy[i], int32(k)) {
				return nil, fmt.Errorf("risk: %s.tasks[%d]: task %q is listed twice: %w", field, j, id, ErrBadModel)
			}
			hitBy[i] = append(hitBy[i], int32(k))
		}
		s.events = append(s.events, ev)
	}
	for i := range net.Len() {
		_, u := uncOfTask[i]
		if !u && len(hitBy[i]) == 0 || det.Task(i).PercentComplete == 100 { // a finished task's dates are history
			continue
		}
		per, err := perUnit(i)
		if err != nil {
			return nil, fmt.Errorf("risk: task %q: %w", net.ID(i), err)
		}
		k, ok := uncOfTask[i]
		if !ok {
			k = -1
		}
		s.vary = append(s.vary, i)
		s.uncOf = append(s.uncOf, k)
		s.base = append(s.base, float64(det.Duration(i)))
		s.perUnit = append(s.perUnit, per)
		s.hitOff = append(s.hitOff, int32(len(s.hits)))
		s.hits = append(s.hits, hitBy[i]...)
	}
	s.hitOff = append(s.hitOff, int32(len(s.hits)))
	if err := s.correlations(m, uncOfTask); err != nil {
		return nil, err
	}
	for u := range s.unc {
		if !slices.Contains(s.corr, int32(u)) {
			s.free = append(s.free, int32(u))
		}
		s.unc[u].direct = -1
	}
	for k, u := range s.uncOf { // a free uncertainty alone sets its task's duration
		if u >= 0 && s.hitOff[k] == s.hitOff[k+1] && !slices.Contains(s.corr, u) {
			s.unc[u].direct = int32(k)
		} else {
			s.rest = append(s.rest, int32(k))
		}
	}
	s.outline(p)
	s.fast = compileFast(s)
	return s, nil
}

// check validates an event's probability and impact; field names it.
func (ev *eventVar) check(field string) error {
	switch {
	case !finite(ev.prob) || ev.prob < 0 || ev.prob > 1:
		return fmt.Errorf("risk: %s.probability %v: want 0 to 1: %w", field, ev.prob, ErrBadModel)
	case ev.impact == nil:
		return fmt.Errorf("risk: %s.impact: missing: %w", field, ErrBadModel)
	case ev.factor && ev.impact.Quantile(1e-12) < 0:
		return fmt.Errorf("risk: %s.impact: a factor below zero: %w", field, ErrBadModel)
	}
	return nil
}

// outline finds the tasks the statistics follow: unfinished leaves for
// criticality, merge points among them (two or more predecessors) for
// merge bias, and milestones.
func (s *sim) outline(p *schedule.Project) {
	preds := map[string]map[string]bool{}
	for _, l := range p.Links {
		if preds[l.Succ] == nil {
			preds[l.Succ] = map[string]bool{}
		}
		preds[l.Succ][l.Pred] = true
	}
	for i := range s.net.Len() {
		tr := s.det.Task(i)
		if tr.Summary {
			continue
		}
		if tr.PercentComplete < 100 { // a finished task is history: not critical, merging nothing
			s.leaves = append(s.leaves, i)
			if len(preds[tr.ID]) >= 2 {
				s.merges = append(s.merges, i)
			}
		}
		if tr.Milestone {
			s.milestones = append(s.milestones, i)
		}
	}
}

// uniforms is how many uniform draws one iteration takes: one per
// uncertainty, two per event (whether it happens, and its impact).
func (s *sim) uniforms() int { return len(s.unc) + 2*len(s.events) }

// maxSample is the longest duration a sample gives, in minutes (about
// 2,000 years of round-the-clock time): a heavier tail is cut there.
const maxSample = 1 << 30

// durations works out the durations of iteration i of a tile:
// uncertainty u's sampled value is xs[u*xstride+i] and hit holds each
// event's impact, NaN when it did not happen. Varying task k's minutes
// go to out[k*stride+at]: all of them, or with rest only those of
// s.rest (the others' are set as they are sampled: see sampleTile). A
// sample that is not a number (a distribution's overflow) is an error,
// for the first such task.
func (s *sim) durations(xs []float64, xstride, i int, hit []float64, out []int32, at, stride int, rest bool) error {
	if rest {
		for _, k := range s.rest {
			m := s.duration(int(k), xs, xstride, i, hit)
			if m != m || math.IsInf(m, 0) {
				return s.durations(xs, xstride, i, hit, out, at, stride, false) // the first task in error
			}
			out[int(k)*stride+at] = minutes(m)
		}
		return nil
	}
	for k, t := range s.vary {
		m := s.duration(k, xs, xstride, i, hit)
		if m != m || math.IsInf(m, 0) {
			return fmt.Errorf("risk: task %q: a sampled duration of %v minutes", s.net.ID(t), m)
		}
		out[k*stride+at] = minutes(m)
	}
	return nil
}

// duration is varying task k's duration in minutes, not yet rounded, in
// iteration i of a tile (see durations).
func (s *sim) duration(k int, xs []float64, xstride, i int, hit []float64) float64 {
	d := s.base[k]
	if u := s.uncOf[k]; u >= 0 {
		d = xs[int(u)*xstride+i] * s.perUnit[k]
	}
	var add float64
	for _, h := range s.hits[s.hitOff[k]:s.hitOff[k+1]] {
		switch v := hit[h]; {
		case v != v: // NaN: it did not happen
		case s.events[h].factor:
			d *= v
		default:
			add += v * s.perUnit[k]
		}
	}
	return d + add
}

// minutes rounds a sampled duration (a number) to whole minutes, from 0
// to maxSample: min(maxSample, max(0, math.Round(m))), with branches the
// processor predicts rather than the builtins' care for NaNs and zeros'
// signs.
func minutes(m float64) int32 {
	r := math.Round(m)
	if r >= maxSample {
		return maxSample
	}
	if r > 0 {
		return int32(r)
	}
	return 0
}

// predecessors returns the tasks that precede task i through links,
// directly or not: a link to a summary precedes all its subtasks, and one
// from a summary is followed from each of them.
func (s *sim) predecessors(i int) map[int]bool {
	s.predOnce.Do(s.linkGraph)
	seen := map[int]bool{}
	stack := []int{i}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for a := t; a >= 0; a = s.parent[a] { // links into t's summaries hold t back too
			for _, p := range s.preds[a] {
				for _, leaf := range s.leavesUnder(p) {
					if !seen[leaf] {
						seen[leaf] = true
						stack = append(stack, leaf)
					}
				}
			}
		}
	}
	return seen
}

// linkGraph lists each task's link predecessors and each summary's
// subtasks.
func (s *sim) linkGraph() {
	p := s.project
	n := s.net.Len()
	s.preds = make([][]int, n)
	s.parent = make([]int, n)
	s.children = make([][]int, n)
	for i := range n {
		s.parent[i] = -1
		if id := p.Tasks[i].Parent; id != "" {
			if k, ok := s.net.Index(id); ok {
				s.parent[i] = k
				s.children[k] = append(s.children[k], i)
			}
		}
	}
	for _, l := range p.Links {
		a, okA := s.net.Index(l.Pred)
		b, okB := s.net.Index(l.Succ)
		if okA && okB {
			s.preds[b] = append(s.preds[b], a)
		}
	}
}

// leavesUnder returns task i when it is not a summary, else the
// non-summary tasks under it.
func (s *sim) leavesUnder(i int) []int {
	if len(s.children[i]) == 0 {
		return []int{i}
	}
	var out []int
	for _, c := range s.children[i] {
		out = append(out, s.leavesUnder(c)...)
	}
	return out
}
