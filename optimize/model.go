package optimize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/critpath/critpath/schedule"
)

// ErrNotCrashable is wrapped by CostSlope's error for a task that cannot
// be shortened: no crash point, a crash duration not shorter than its
// duration, a summary, or work already started.
var ErrNotCrashable = errors.New("task cannot be crashed")

// ErrUnsupported is wrapped by errors about a link the time–cost model
// cannot hold as a linear constraint: from a summary's start (SS, SF) or
// to a summary's finish (FF, SF), each of which ties a task to the
// earliest or latest of several.
var ErrUnsupported = errors.New("not a linear constraint")

// model is a project's time–cost network. Time runs on one axis: working
// minutes of the project calendar from the project start, each task's
// duration and each lag counted in its own minutes — exact when the
// project works on one calendar; otherwise an approximation that
// Compress checks, and corrects, with the scheduler.
type model struct {
	p      *schedule.Project
	ed     *schedule.Editor // the project as scheduled, to preview plans on
	r      *schedule.Result // its schedule
	n      *schedule.Network
	normal []int64   // each task's duration, minutes (summaries: 0)
	crash  []int64   // its shortest
	slope  []float64 // cost per minute saved (0: not crashable)
	arcs   []arc     // every constraint but the target
	g      *flowNet  // the arcs and the target, built on first use
	sx     *simplex  // solving it, once started
	// Plans are scheduled on fast, a schedule of n of its own, when they
	// only shorten tasks (see finish): shortened are the tasks shortened
	// on it, assigned the tasks with assignments.
	fast      *schedule.Result
	shortened []int
	assigned  []bool
	// Fast-tracking: each link that may overlap, with a node of its own
	// (see newModel).
	overlaps []overlap
}

// overlap is a finish-to-start link fast-tracking may overlap: from the
// predecessor's finish node to the successor's start, normally lag
// minutes, at rework cost per minute of overlap.
type overlap struct {
	link     int // in the project
	from, to int32
	node     int32
	lag      int64
	rework   float64
}

// Options choose what Compress, Within and Curve may do to finish
// sooner; the zero value crashes: it shortens tasks that have a crash
// point, at their cost slopes.
type Options struct {
	// FastTrack also lets the successor of a finish-to-start link with an
	// Overlap start that much before its predecessor finishes, at the
	// link's rework cost per working day of overlap.
	FastTrack bool
	// NoCrash shortens no task: with FastTrack, links alone overlap.
	NoCrash bool
}

// Nodes: the project's start S and end E, then each task's start and
// finish (a summary's: the gate its subtasks start after, and a finish
// after all of theirs).
const nodeS, nodeE = 0, 1

func startNode(i int) int32  { return int32(2 + 2*i) }
func finishNode(i int) int32 { return int32(3 + 2*i) }

func newModel(p *schedule.Project, opts Options) (*model, error) {
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, err
	}
	r := ed.Result()
	n := r.Network()
	m := &model{p: p, ed: ed, r: r, n: n, normal: make([]int64, len(p.Tasks)), crash: make([]int64, len(p.Tasks)), slope: make([]float64, len(p.Tasks))}
	// ge adds π_b ≥ π_a + l; le adds π_b ≤ π_a + l.
	ge := func(b, a int32, l int64) { m.arcs = append(m.arcs, arc{b, a, -l}) }
	le := func(b, a int32, l int64) { m.arcs = append(m.arcs, arc{a, b, l}) }
	offset := func(t time.Time) int64 { w, _ := n.WorkBetween("", r.Start(), t); return w }
	ge(nodeE, nodeS, 0)                  // implied by the tasks, if any; without, the end would not reach the start
	pinned := make([]bool, len(p.Tasks)) // dates fixed whatever the links say
	m.assigned = make([]bool, len(p.Tasks))
	for _, a := range p.Assignments {
		if k, ok := n.Index(a.Task); ok {
			m.assigned[k] = true
		}
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		s, f := startNode(i), finishNode(i)
		if parent := t.Parent; parent != "" {
			k, _ := n.Index(parent)
			ge(s, startNode(k), 0)
			ge(finishNode(k), f, 0)
		}
		ge(s, nodeS, 0)
		le(f, nodeE, 0)
		tr := r.Task(i)
		if tr.Summary {
			if t.Crash != nil {
				return nil, &schedule.InputError{Task: t.ID, Field: "crash", Err: fmt.Errorf("a summary task's duration comes from its subtasks: %w", ErrNotCrashable)}
			}
			if c := t.Constraint; c.Type == schedule.SNET {
				ge(s, nodeS, offset(c.Date))
			}
			continue
		}
		m.normal[i], m.crash[i] = r.Duration(i), r.Duration(i)
		switch {
		case !t.ActualStart.IsZero(), t.Manual:
			// Progress and manual dates are fixed: the work done, or the
			// date the user set, stays.
			pinned[i] = true
			a := offset(tr.Start)
			ge(s, nodeS, a)
			le(s, nodeS, a)
			if !t.ActualStart.IsZero() {
				// Its start and finish both: what Duration gives is the
				// work still to do, not the span between them.
				b := offset(tr.Finish)
				ge(f, nodeS, b)
				le(f, nodeS, b)
				m.normal[i], m.crash[i] = b-a, b-a
				break
			}
			fallthrough
		default:
			if t.Duration.Elapsed && m.normal[i] > 0 {
				// Elapsed time runs round the clock, not on the axis of the
				// project calendar's working minutes: the task counts the
				// working minutes it spans where it is scheduled (the
				// scheduler's check of the plan catches a plan that moves
				// it where it spans more).
				if t.Crash != nil && !opts.NoCrash {
					return nil, &schedule.InputError{Task: t.ID, Field: "crash", Err: fmt.Errorf("a task in elapsed time (%v) cannot be crashed on the working-time axis: %w", t.Duration, ErrUnsupported)}
				}
				span := offset(tr.Finish) - offset(tr.Start)
				m.normal[i], m.crash[i] = span, span
				break
			}
			if t.Crash != nil && !opts.NoCrash {
				c, k, err := crashPoint(n, t, m.normal[i], tr.Cost)
				if err != nil {
					return nil, err
				}
				m.crash[i], m.slope[i] = c, k
			}
		}
		ge(f, s, m.crash[i])
		le(f, s, m.normal[i])
		if pinned[i] {
			continue
		}
		c := t.Constraint
		honor := p.Options.Constraints == schedule.HonorConstraints
		switch c.Type {
		case schedule.SNET:
			ge(s, nodeS, offset(c.Date))
		case schedule.FNET:
			ge(f, nodeS, offset(c.Date))
		case schedule.MSO, schedule.MFO:
			// A fixed date, or with links first only an earliest one, as
			// the scheduler takes it.
			end := s
			if c.Type == schedule.MFO {
				end = f
			}
			ge(end, nodeS, offset(c.Date))
			if p.Options.Constraints != schedule.LinksFirst {
				le(end, nodeS, offset(c.Date))
				pinned[i] = true
			}
		case schedule.SNLT:
			if honor {
				le(s, nodeS, offset(c.Date))
			}
		case schedule.FNLT:
			if honor {
				le(f, nodeS, offset(c.Date))
			}
		}
	}
	for k := range p.Links {
		l := &p.Links[k]
		pi, _ := n.Index(l.Pred)
		si, _ := n.Index(l.Succ)
		if pinned[si] { // a fixed date overrides its links
			continue
		}
		from, to := finishNode(pi), startNode(si)
		switch l.Type {
		case schedule.SS:
			from = startNode(pi)
		case schedule.FF:
			to = finishNode(si)
		case schedule.SF:
			from, to = startNode(pi), finishNode(si)
		}
		switch {
		case r.Task(pi).Summary && (l.Type == schedule.SS || l.Type == schedule.SF):
			return nil, &schedule.InputError{Link: l, Err: fmt.Errorf("a link from a summary task's start: %w", ErrUnsupported)}
		case r.Task(si).Summary && (l.Type == schedule.FF || l.Type == schedule.SF):
			return nil, &schedule.InputError{Link: l, Err: fmt.Errorf("a link to a summary task's finish: %w", ErrUnsupported)}
		}
		lag, err := n.Minutes(l.Lag)
		if err != nil {
			return nil, &schedule.InputError{Link: l, Field: "lag", Err: err}
		}
		switch {
		case l.Lag.Unit == schedule.Percent: // of the predecessor's normal duration
			lag = int64(math.Round(float64(lag) * float64(m.normal[pi]) / 10000))
		case l.Lag.Elapsed && lag != 0:
			// Round the clock: the working minutes it spans from where the
			// predecessor's end is scheduled, as an elapsed task's.
			at := r.Task(pi).Finish
			if l.Type == schedule.SS || l.Type == schedule.SF {
				at = r.Task(pi).Start
			}
			lag = offset(at.Add(time.Duration(lag)*time.Minute)) - offset(at)
		}
		if opts.FastTrack && l.Type == schedule.FS && !l.Overlap.IsZero() {
			most, err := m.n.Minutes(l.Overlap)
			switch {
			case err != nil, l.Overlap.Unit == schedule.Percent, most < 0:
				return nil, &schedule.InputError{Link: l, Field: "overlap", Err: fmt.Errorf("%v: %w", l.Overlap, schedule.ErrBadValue)}
			case math.IsNaN(l.ReworkCost) || math.IsInf(l.ReworkCost, 0) || l.ReworkCost < 0:
				return nil, &schedule.InputError{Link: l, Field: "rework_cost", Err: fmt.Errorf("%v: %w", l.ReworkCost, schedule.ErrBadValue)}
			case l.ReworkCost == 0: // an overlap for nothing would be taken for no reason
				return nil, &schedule.InputError{Link: l, Field: "rework_cost", Err: fmt.Errorf("an overlap without a rework cost is a lead: give the link a negative lag: %w", schedule.ErrBadValue)}
			}
			// A node φ between the two ends, like a task's finish: the
			// successor starts after φ, and φ lies between lag − most and
			// lag after the predecessor's finish, each minute short of
			// lag costing the rework.
			day := float64(m.n.Settings().MinutesPerDay)
			o := overlap{link: k, from: from, to: to, node: int32(2 + 2*len(p.Tasks) + len(m.overlaps)), lag: lag, rework: l.ReworkCost / day}
			m.overlaps = append(m.overlaps, o)
			ge(o.node, from, lag-most)
			le(o.node, from, lag)
			ge(to, o.node, 0)
			continue
		}
		ge(to, from, lag)
	}
	return m, nil
}

// crashPoint checks task t's crash point and returns its crash duration
// in minutes and its cost slope per minute: its cost per day saved over
// the minutes of a working day, or the cost at the crash point less the
// normal cost over the minutes saved.
func crashPoint(n *schedule.Network, t *schedule.Task, normal int64, normalCost float64) (int64, float64, error) {
	fail := func(field string, err error) (int64, float64, error) {
		return 0, 0, &schedule.InputError{Task: t.ID, Field: field, Err: err}
	}
	c := t.Crash
	d, err := n.Minutes(c.Duration)
	switch {
	case err != nil:
		return fail("crash.duration", err)
	case c.Duration.Unit == schedule.Percent:
		return fail("crash.duration", fmt.Errorf("%v: %w", c.Duration, schedule.ErrBadUnit))
	case c.Duration.Elapsed != t.Duration.Elapsed && !c.Duration.IsZero():
		return fail("crash.duration", fmt.Errorf("%v: counted otherwise than the task's duration %v: %w", c.Duration, t.Duration, schedule.ErrBadUnit))
	case d < 0:
		return fail("crash.duration", fmt.Errorf("%v: %w", c.Duration, schedule.ErrNegative))
	case d >= normal:
		return fail("crash.duration", fmt.Errorf("%v is not shorter than the duration, %d minutes: %w", c.Duration, normal, ErrNotCrashable))
	case math.IsNaN(c.CostPerDay) || math.IsInf(c.CostPerDay, 0) || c.CostPerDay < 0:
		return fail("crash.cost_per_day", fmt.Errorf("%v: %w", c.CostPerDay, schedule.ErrBadValue))
	case c.CostPerDay > 0 && c.Cost != 0:
		return fail("crash.cost_per_day", fmt.Errorf("%v a day saved, and %v in all: give one of the two: %w", c.CostPerDay, c.Cost, schedule.ErrBadValue))
	case c.CostPerDay > 0:
		return d, c.CostPerDay / float64(n.Settings().MinutesPerDay), nil
	case math.IsNaN(c.Cost) || math.IsInf(c.Cost, 0):
		return fail("crash.cost", fmt.Errorf("%v: %w", c.Cost, schedule.ErrBadValue))
	case c.Cost == 0 && normalCost >= 0:
		return fail("crash.cost", fmt.Errorf("no cost at the crash point: give its cost in all (cost) or a cost per day saved (cost_per_day): %w", schedule.ErrBadValue))
	case c.Cost <= normalCost:
		// A shortening for nothing would be taken for no reason: such a
		// task's duration is its crash duration.
		return fail("crash.cost", fmt.Errorf("%v is not more than the normal cost %v: %w", c.Cost, normalCost, schedule.ErrBadValue))
	}
	return d, (c.Cost - normalCost) / float64(normal-d), nil
}

// net returns the flow network: the constraints, and the target as its
// last arc (its cost is the simplex's to set). It is built once.
func (m *model) net() *flowNet {
	if m.g == nil {
		b := make([]float64, 2+2*len(m.p.Tasks)+len(m.overlaps))
		for i, k := range m.slope {
			b[finishNode(i)] += k
			b[startNode(i)] -= k
		}
		for _, o := range m.overlaps {
			b[o.node] += o.rework
			b[o.from] -= o.rework
		}
		m.g = newFlowNet(len(b), append(m.arcs, arc{nodeS, nodeE, inf}), b)
	}
	return m.g
}

// solution is an optimal schedule for a target: each task's duration,
// each overlapping link's overlap, the project's length and what the
// shortenings and overlaps cost.
type solution struct {
	dur     []int64
	overlap []int64 // by m.overlaps
	length  int64
	cost    float64
}

// solve returns the cheapest schedule finishing within T minutes, or
// errInfeasible. The first call starts the simplex; each later one goes
// on from the tree the one before left.
func (m *model) solve(ctx context.Context, T int64) (*solution, error) {
	if m.sx == nil {
		m.sx = newSimplex(m.net(), T)
	}
	p, err := m.sx.solve(ctx, T)
	if err != nil {
		return nil, err
	}
	return m.solution(p), nil
}

// solution reads a schedule off potentials p.
func (m *model) solution(p []int64) *solution {
	s := &solution{dur: make([]int64, len(m.normal)), length: p[nodeE] - p[nodeS]}
	for i := range m.normal {
		s.dur[i] = p[finishNode(i)] - p[startNode(i)]
		if m.slope[i] > 0 {
			s.cost += m.slope[i] * float64(m.normal[i]-s.dur[i])
		}
	}
	// The overlap a link takes is what the schedule needs of it: how far
	// the successor starts before the predecessor's finish plus the lag.
	for _, o := range m.overlaps {
		used := max(0, o.lag-(p[o.to]-p[o.from]))
		s.overlap = append(s.overlap, used)
		s.cost += o.rework * float64(used)
	}
	return s
}

// shortest returns the least length the project can have, every task
// that helps crashed: minus the shortest path from E to S. It fails when
// the constraints contradict each other whatever the durations (a
// constraint held against links, a date fixed before its predecessors).
func (m *model) shortest() (int64, error) {
	dist, err := m.net().shortestFrom([]int32{nodeE}, int32(len(m.arcs)))
	if err != nil {
		return 0, fmt.Errorf("optimize: the project's dates contradict its links: %w", err)
	}
	return -dist[nodeS], nil
}
