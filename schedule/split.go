package schedule

import (
	"fmt"
	"slices"
	"time"
)

// SplitAt returns task i's splits with one more pause: its work stops at
// from and resumes at to, the work before from staying where it is, as
// Microsoft Project splits a task when a bar is dragged apart. from must
// fall after the task's start and after the work already done; a pause
// that begins where another ends joins it. The splits are in minutes of
// the task's own time; apply them with SetSplits.
func (r *Result) SplitAt(i int, from, to time.Time) ([]Split, error) {
	n := r.net
	t := &n.tasks[i]
	fail := func(format string, args ...any) ([]Split, error) {
		return nil, &InputError{Task: t.id, Field: "splits", Err: fmt.Errorf(format+": %w", append(args, ErrBadValue)...)}
	}
	if t.summary {
		return fail("a summary task cannot be split")
	}
	v := t.node
	tl := n.tls[n.tl[v]]
	at := func(x time.Time) int64 { return tl.cum(wallMinutes(x, n.loc)) }
	if !to.After(from) {
		return fail("a pause from %v to %v", from, to)
	}
	// The work position at from: the work done, then the remaining
	// segments' working time before from.
	var w int64
	if n.fop[v] == fStarted {
		w = n.act[v][1]
	}
	for _, s := range r.Segments(i) {
		switch {
		case !s.Start.Before(from):
		case s.Done && s.Finish.After(from):
			return fail("%v is within the work already done", from)
		case !s.Done:
			w += min(at(s.Finish), at(from)) - at(s.Start)
		}
	}
	if n.fop[v] == fFinished || w == 0 || w >= r.workEnd(v) {
		return fail("%v is not inside the task's remaining work", from)
	}
	gap := at(to) - at(from)
	if gap <= 0 {
		return fail("no working time from %v to %v", from, to)
	}
	splits := slices.Clone(t.splitList())
	k, found := slices.BinarySearchFunc(splits, w, func(p pause, w int64) int { return int(p.at - w) })
	if found {
		splits[k].gap += gap
	} else {
		splits = slices.Insert(splits, k, pause{w, gap})
	}
	elapsed := t.elapsed
	out := make([]Split, len(splits))
	for k, p := range splits {
		out[k] = Split{At: Duration{Amount: float64(p.at), Elapsed: elapsed}, Gap: Duration{Amount: float64(p.gap), Elapsed: elapsed}}
	}
	return out, nil
}

// workStart is the work position node v's remaining work starts from:
// the work done of a task in progress, else 0.
func (r *Result) workStart(v int32) int64 {
	if r.net.fop[v] == fStarted {
		return r.net.act[v][1]
	}
	return 0
}

// workEnd is node v's work position at its finish: its work, done and
// remaining.
func (r *Result) workEnd(v int32) int64 {
	if r.net.fop[v] == fStarted {
		return r.net.act[v][1] + r.dur[v]
	}
	return r.dur[v]
}
