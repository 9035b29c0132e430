package leveling

import (
	"container/heap"
	"fmt"
	"slices"
	"time"

	"github.com/critpath/critpath/schedule"
)

// placer places a project's tasks one at a time in the leveling order,
// each where the tasks placed before it leave room on its resources: the
// first pass of Level. A task is placed once all it follows (its links'
// predecessors, its summaries', and the subtasks of a summary it follows)
// are settled: its early dates are then final, and it moves only by its
// own delay. Tasks that may not move take their room first, where they
// are, and settle in their turn (until then what precedes them may still
// move them, and their room with them).
type placer struct {
	lv      *leveler
	placed  []bool  // its pieces are among the placed ones
	settled []bool  // placed, and what it follows too: it no longer moves
	waits   []int   // a leaf's unsettled predecessors; a summary's unsettled subtasks
	follow  [][]int // the leaves waiting for each task
	parent  []int
	items   [][]item             // each profile's placed pieces, in order of start
	maxLen  []int64              //
	pieces  [][]schedule.Segment // each placed task's pieces as items holds them
	ready   readyHeap
	fit     fitter
	delays  int
	limit   int
}

// readyHeap holds the tasks that may be placed, the first in the order on
// top.
type readyHeap struct {
	lv    *leveler
	tasks []int
}

func (h *readyHeap) Len() int { return len(h.tasks) }
func (h *readyHeap) Less(a, b int) bool {
	x, y := h.tasks[a], h.tasks[b]
	return h.lv.order(contender{i: x}, contender{i: y}) < 0
}
func (h *readyHeap) Swap(a, b int) { h.tasks[a], h.tasks[b] = h.tasks[b], h.tasks[a] }
func (h *readyHeap) Push(x any)    { h.tasks = append(h.tasks, x.(int)) }
func (h *readyHeap) Pop() any {
	x := h.tasks[len(h.tasks)-1]
	h.tasks = h.tasks[:len(h.tasks)-1]
	return x
}

// serial runs the first pass: every task placed in the order, delayed (or
// its remaining work split) to where it fits among those placed before.
// It stops delaying after limit delays.
func (lv *leveler) serial(limit int) error {
	p := lv.ed.Project()
	nt := len(p.Tasks)
	pl := &placer{lv: lv, placed: make([]bool, nt), settled: make([]bool, nt), waits: make([]int, nt), follow: make([][]int, nt), parent: make([]int, nt),
		items: make([][]item, len(lv.profs)), maxLen: make([]int64, len(lv.profs)), pieces: make([][]schedule.Segment, nt), limit: limit}
	pl.ready.lv = lv
	pl.fit = fitter{lv: lv, set: func(k int) ([]item, int64) { return pl.items[k], pl.maxLen[k] }}
	kids := make([][]int, nt)
	for i, t := range p.Tasks {
		pl.parent[i] = -1
		if t.Parent != "" {
			if j, ok := lv.n.Index(t.Parent); ok {
				pl.parent[i] = j
				kids[j] = append(kids[j], i)
			}
		}
	}
	var leavesOf func(i int, out []int) []int
	leavesOf = func(i int, out []int) []int {
		if len(kids[i]) == 0 {
			return append(out, i)
		}
		for _, k := range kids[i] {
			out = leavesOf(k, out)
		}
		return out
	}
	preds := make([][]int, nt)
	for _, l := range p.Links {
		a, ok1 := lv.n.Index(l.Pred)
		b, ok2 := lv.n.Index(l.Succ)
		if !ok1 || !ok2 {
			continue
		}
		for _, leaf := range leavesOf(b, nil) {
			if !slices.Contains(preds[leaf], a) {
				preds[leaf] = append(preds[leaf], a)
			}
		}
	}
	for i := range nt {
		if len(kids[i]) > 0 {
			pl.waits[i] = len(kids[i])
			continue
		}
		pl.waits[i] = len(preds[i])
		for _, a := range preds[i] {
			pl.follow[a] = append(pl.follow[a], i)
		}
	}
	// What may not move takes its room first, where it is; then what is
	// ready is placed, in the order.
	for i := range nt {
		if len(kids[i]) == 0 && !lv.mobile(i) {
			pl.put(i)
		}
	}
	for i := range nt {
		if len(kids[i]) == 0 && pl.waits[i] == 0 {
			heap.Push(&pl.ready, i)
		}
	}
	for steps := 0; pl.ready.Len() > 0; steps++ {
		if steps%64 == 0 {
			if err := lv.ctx.Err(); err != nil {
				return err
			}
		}
		i := heap.Pop(&pl.ready).(int)
		if !pl.placed[i] {
			if err := pl.place(i); err != nil {
				return err
			}
			pl.put(i)
		}
		pl.settle(i)
	}
	return nil
}

// mobile reports whether leveling may move task i at all.
func (lv *leveler) mobile(i int) bool {
	m := mobilityOf(&lv.ed.Project().Tasks[i])
	return m.whole || m.split && lv.opts.Split
}

// put adds task i's pieces to the placed ones.
func (pl *placer) put(i int) {
	pl.placed[i] = true
	lv := pl.lv
	if len(lv.uses[i]) > 0 {
		segs := lv.piecesOf(i)
		pl.pieces[i] = segs
		for _, u := range lv.uses[i] {
			for _, s := range segs {
				if s.Start.Before(s.Finish) {
					pl.add(u.prof, item{s.Start.Unix(), s.Finish.Unix(), i, u.units})
				}
			}
		}
	}
}

// settle marks task i settled: what waited for it may be ready.
func (pl *placer) settle(i int) {
	pl.settled[i] = true
	for _, f := range pl.follow[i] {
		if pl.waits[f]--; pl.waits[f] == 0 {
			heap.Push(&pl.ready, f)
		}
	}
	if par := pl.parent[i]; par >= 0 {
		if pl.waits[par]--; pl.waits[par] == 0 {
			pl.settle(par)
		}
	}
}

func (pl *placer) add(k int, it item) {
	items := pl.items[k]
	at, _ := slices.BinarySearchFunc(items, it, itemOrder)
	pl.items[k] = slices.Insert(items, at, it)
	pl.maxLen[k] = max(pl.maxLen[k], it.finish-it.start)
}

func (pl *placer) remove(k int, it item) {
	items := pl.items[k]
	if at, ok := slices.BinarySearchFunc(items, it, itemOrder); ok {
		pl.items[k] = slices.Delete(items, at, at+1)
	}
}

// maxTries bounds how often one task is moved in the first pass: each
// move goes where an estimate of its new dates fits; the schedule then
// says where it really is.
const maxTries = 6

// place delays task i, or splits its remaining work, until it fits among
// the placed tasks, when it clashes with them and may move.
func (pl *placer) place(i int) error {
	lv := pl.lv
	if len(lv.uses[i]) == 0 {
		return nil
	}
	for range maxTries {
		if pl.delays >= pl.limit {
			return nil
		}
		r := lv.ed.Result()
		tr := r.Task(i)
		segs := lv.piecesOf(i)
		at, end, k, ok := pl.fit.firstClash(i, segs)
		if !ok {
			return nil
		}
		o := lv.opts
		if !o.From.IsZero() && at < o.From.Unix() || !o.To.IsZero() && at >= o.To.Unix() {
			return nil
		}
		m := mobilityOf(&lv.ed.Project().Tasks[i])
		when := time.Unix(at, 0).In(lv.loc)
		split := o.Split && m.split && workedBefore(r, i, when)
		if !split && !m.whole {
			return nil
		}
		cal := lv.cal[i]
		var edit, back schedule.Edit
		var from, until time.Time
		t := &lv.ed.Project().Tasks[i]
		if split {
			work, err := lv.n.WorkBetween(cal, when, tr.Finish)
			if err != nil {
				return nil
			}
			u, ok := pl.fit.room(i, work, at)
			if !ok {
				return nil
			}
			until = time.Unix(u, 0).In(lv.loc)
			splits, err := r.SplitAt(i, when, until)
			if err != nil {
				return nil
			}
			from = when
			edit, back = schedule.SetSplits{Task: tr.ID, Splits: splits}, schedule.SetSplits{Task: tr.ID, Splits: slices.Clone(t.Splits)}
		} else {
			work, err := lv.n.WorkBetween(cal, tr.Start, tr.Finish)
			if err != nil {
				return nil
			}
			u, ok := pl.fit.room(i, work, tr.Start.Unix())
			if !ok {
				return nil
			}
			from, until = tr.Start, time.Unix(u, 0).In(lv.loc)
			edit = schedule.SetConstraint{Task: tr.ID, Constraint: schedule.Constraint{Type: schedule.SNET, Date: until}}
			back = schedule.SetConstraint{Task: tr.ID, Constraint: t.Constraint}
		}
		if o.WithinFloat {
			w, err := lv.n.WorkBetween(lv.n.Calendar(i), from, until)
			if err != nil || w > tr.TotalFloat {
				return nil
			}
		}
		winner := pl.fit.winner(i, k, until.Unix())
		why := orderName(o.Order)
		if !lv.mobile(winner) {
			why = "may not move"
		}
		moved, err := lv.ed.Shift(edit)
		if err != nil {
			return fmt.Errorf("leveling: delaying %s: %w", tr.ID, err)
		}
		if pl.dragged(moved, i) {
			if moved, err = lv.ed.Shift(back); err != nil {
				return fmt.Errorf("leveling: undoing the delay of %s: %w", tr.ID, err)
			}
			pl.dragged(moved, i)
			return nil
		}
		pl.delays++
		lv.out.Delays = append(lv.out.Delays, Delay{Task: tr.ID, From: from, To: until, Split: split, Resource: lv.profs[k].id,
			ConflictFrom: when, ConflictTo: time.Unix(end, 0).In(lv.loc), Winner: lv.n.ID(winner), Rule: why})
	}
	return nil
}

// dragged brings the placed pieces of the tasks a shift moved (other than
// task i) up to date and reports whether a settled one moved: a delay
// must not move what is settled.
func (pl *placer) dragged(tasks []int, i int) bool {
	lv := pl.lv
	moved := false
	for _, j := range tasks {
		if j == i || !pl.placed[j] || len(lv.uses[j]) == 0 {
			continue // what has no resources moves nothing placed but through what has
		}
		segs := lv.piecesOf(j)
		if slices.Equal(segs, pl.pieces[j]) {
			continue
		}
		moved = moved || pl.settled[j]
		for _, u := range lv.uses[j] {
			for _, s := range pl.pieces[j] {
				if s.Start.Before(s.Finish) {
					pl.remove(u.prof, item{s.Start.Unix(), s.Finish.Unix(), j, u.units})
				}
			}
			for _, s := range segs {
				if s.Start.Before(s.Finish) {
					pl.add(u.prof, item{s.Start.Unix(), s.Finish.Unix(), j, u.units})
				}
			}
		}
		pl.pieces[j] = segs
	}
	return moved
}
