package schedule

import (
	"fmt"
	"iter"
	"time"
)

// Result is one schedule of a Network: the durations it was run with and
// the dates and floats they give. Run recomputes it in place without
// allocating, so leveling, crashing and simulation can re-run one Result
// with other durations. A Result is not safe for concurrent use; give each
// goroutine its own (the Network is shared).
type Result struct {
	net *Network
	dur []int64
	// Each node's early, late and free dates as (start, finish) pairs on
	// its timeline; free is the latest start and finish that delay no
	// successor's early dates. ff is the free float.
	early, late, free [][2]int64
	ff                []int64
	maxEF, pf         []int64 // per timeline
	finish            int64   // the project finish, wall minutes

	rolled bool
	tasks  []TaskResult // filled lazily by rollUp
}

// TaskResult is one task's schedule. Floats are working minutes on the
// task's calendar.
type TaskResult struct {
	ID, Name                string
	EarlyStart, EarlyFinish time.Time
	LateStart, LateFinish   time.Time
	TotalFloat, FreeFloat   int64
	Critical                bool
	Summary, Milestone      bool
}

// NewResult returns a Result holding the project's own durations, not yet
// run.
func (n *Network) NewResult() *Result {
	nn := len(n.kind)
	r := &Result{net: n}
	r.dur, r.ff = make([]int64, nn), make([]int64, nn)
	pairs := make([][2]int64, 3*nn)
	r.early, r.late, r.free = pairs[:nn:nn], pairs[nn:2*nn:2*nn], pairs[2*nn:]
	copy(r.dur, n.dur)
	r.maxEF = make([]int64, len(n.tls))
	r.pf = make([]int64, len(n.tls))
	r.tasks = make([]TaskResult, len(n.tasks))
	return r
}

// Run compiles p and schedules it: the one call for a caller who schedules
// a project once.
func Run(p *Project) (*Result, error) {
	n, err := Compile(p)
	if err != nil {
		return nil, err
	}
	r := n.NewResult()
	r.Run()
	return r, nil
}

// Network returns the network the Result schedules.
func (r *Result) Network() *Network { return r.net }

// Len returns the number of tasks.
func (n *Network) Len() int { return len(n.tasks) }

// Index returns the index of the task with that ID: its position in the
// project's task list.
func (n *Network) Index(id string) (int, bool) {
	i, ok := n.byID[id]
	return int(i), ok
}

// ID returns the ID of task i.
func (n *Network) ID(i int) string { return n.tasks[i].id }

// Duration returns task i's duration in minutes, working minutes on its
// calendar or, for an elapsed task, elapsed minutes. A summary's is zero.
func (r *Result) Duration(i int) int64 {
	t := &r.net.tasks[i]
	if t.summary {
		return 0
	}
	return r.dur[t.node]
}

// SetDuration sets task i's duration for the next Run, in the minutes
// Duration returns. It fails on a summary task and on a negative or
// out-of-range value, changing nothing. Changing a milestone's zero
// duration or making a task zero long keeps the task's way of counting
// time (a milestone stays on wall-clock time).
func (r *Result) SetDuration(i int, minutes int64) error {
	t := &r.net.tasks[i]
	switch {
	case t.summary:
		return fmt.Errorf("schedule: task %q: a summary task's duration comes from its subtasks", t.id)
	case minutes < 0 || minutes > maxMinutes:
		return fmt.Errorf("schedule: task %q: duration %d minutes: %w", t.id, minutes, ErrBadValue)
	}
	r.dur[t.node] = minutes
	return nil
}

// Start returns the project start.
func (r *Result) Start() time.Time { return wallTime(r.net.start, r.net.loc) }

// Finish returns the project finish: the latest early finish.
func (r *Result) Finish() time.Time { return wallTime(r.finish, r.net.loc) }

// Task returns task i's schedule (i as in Network.Index).
func (r *Result) Task(i int) TaskResult {
	r.rollUp()
	return r.tasks[i]
}

// Lookup returns the schedule of the task with that ID.
func (r *Result) Lookup(id string) (TaskResult, bool) {
	i, ok := r.net.byID[id]
	if !ok {
		return TaskResult{}, false
	}
	return r.Task(int(i)), true
}

// Tasks yields every task's schedule in the project's order.
func (r *Result) Tasks() iter.Seq2[int, TaskResult] {
	return func(yield func(int, TaskResult) bool) {
		r.rollUp()
		for i := range r.tasks {
			if !yield(i, r.tasks[i]) {
				return
			}
		}
	}
}

// rollUp fills r.tasks: leaves from their nodes, then summaries, deepest
// first, from their subtasks.
func (r *Result) rollUp() {
	if r.rolled {
		return
	}
	r.freeFloat()
	n := r.net
	loc := n.loc
	for i := range n.tasks {
		t := &n.tasks[i]
		if t.summary {
			continue
		}
		v := t.node
		tl := n.tls[n.tl[v]]
		es, ef := tl.startAt(r.early[v][0]), tl.finishAt(r.early[v][1])
		ls, lf := tl.startAt(r.late[v][0]), tl.finishAt(r.late[v][1])
		if r.dur[v] == 0 { // a zero-length task sits at its finish
			es, ls = ef, lf
		}
		finish, start := r.late[v][1]-r.early[v][1], r.late[v][0]-r.early[v][0]
		free := r.ff[v]
		if n.tl[v] != t.cal { // counted in wall-clock time: count working minutes instead
			cal := n.tls[t.cal]
			finish = cal.cum(lf) - cal.cum(ef)
			start = cal.cum(ls) - cal.cum(es)
			free = cal.cum(tl.finishAt(r.early[v][1]+r.ff[v])) - cal.cum(ef)
		}
		var tf int64
		switch n.opts.TotalFloat {
		case SmallestFloat:
			tf = min(start, finish)
		case FinishFloat:
			tf = finish
		case StartFloat:
			tf = start
		}
		r.tasks[i] = TaskResult{
			ID: t.id, Name: t.name,
			EarlyStart: wallTime(es, loc), EarlyFinish: wallTime(ef, loc),
			LateStart: wallTime(ls, loc), LateFinish: wallTime(lf, loc),
			TotalFloat: tf, FreeFloat: max(0, min(free, tf)),
			Milestone: r.dur[v] == 0,
		}
	}
	for _, i := range n.up {
		t := &n.tasks[i]
		s := TaskResult{
			ID: t.id, Name: t.name,
			Summary:    true,
			EarlyStart: wallTime(r.early[t.first][0], loc), EarlyFinish: wallTime(r.early[t.last][1], loc),
			TotalFloat: 1 << 62, FreeFloat: 1 << 62,
		}
		for j, k := range n.kids[n.kidOf[i]:n.kidOf[i+1]] {
			kr := &r.tasks[k]
			if j == 0 || kr.LateStart.Before(s.LateStart) {
				s.LateStart = kr.LateStart
			}
			if j == 0 || kr.LateFinish.After(s.LateFinish) {
				s.LateFinish = kr.LateFinish
			}
			s.TotalFloat = min(s.TotalFloat, kr.TotalFloat)
			s.FreeFloat = min(s.FreeFloat, kr.FreeFloat)
		}
		r.tasks[i] = s
	}
	for i := range r.tasks {
		r.tasks[i].Critical = r.tasks[i].TotalFloat <= n.critical
	}
	r.rolled = true
}
