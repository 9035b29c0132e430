package schedule

import (
	"slices"
	"sort"
)

// taskEdit is an edit that adds or removes a task in place: the editor
// inserts or deletes its node in the compiled network, keeping the
// topological order, instead of compiling again.
type taskEdit interface {
	// retask makes the change to the network and the project in tx,
	// recording how to undo it there and marking the added task edited;
	// it returns the tasks whose dates the change may move. errFull asks
	// for a full recompile.
	retask(tx *txn) (touched []string, err error)
}

// removal is a task an edit removed, with its last schedule, for the
// delta.
type removal struct {
	id  string
	old TaskResult
}

func (a AddTask) reshapes(e *Editor) bool {
	n := e.c.n
	if _, dup := n.byID[a.Task.ID]; dup || a.Task.ID == "" {
		return true // the full way reports it
	}
	if a.Task.Parent == "" {
		return false
	}
	par, ok := n.byID[a.Task.Parent]
	return !ok || !n.tasks[par].summary // a new summary changes the outline's shape
}

func (a AddTask) retask(tx *txn) ([]string, error) {
	c, n := tx.e.c, tx.e.c.n
	t := a.Task
	if _, dup := n.byID[t.ID]; dup {
		return nil, &InputError{Task: t.ID, Err: ErrDuplicateTask}
	}
	i := tx.appendTask(t)
	// Work out its duration and calendar, as Compile does.
	c.p, c.errs = tx.e.p, nil
	c.task(i)
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	tx.addNode(i)
	if _, err := tx.at(t.ID); err != nil { // mark it edited: constrained and checked with the rest
		return nil, err
	}
	touched := []string{t.ID}
	if t.Parent != "" {
		touched = append(touched, t.Parent)
	}
	return touched, nil
}

// appendTask puts task t at the end of the project's tasks and of the
// network's, the compiler's and the result's lists, and among its
// summary's subtasks, and returns its index.
func (tx *txn) appendTask(t Task) int32 {
	e := tx.e
	c, n, r := e.c, e.c.n, e.r
	i := int32(len(n.tasks))
	par := int32(-1)
	if t.Parent != "" {
		par = n.byID[t.Parent]
	}
	e.p.Tasks = append(e.p.Tasks, t)
	n.tasks = append(n.tasks, taskInfo{id: t.ID, name: t.Name, parent: par})
	n.byID[t.ID] = i
	c.mins, c.rem, c.cal = append(c.mins, 0), append(c.rem, 0), append(c.cal, 0)
	rank := int32(sort.Search(len(c.ids), func(k int) bool { return n.tasks[c.ids[k]].id >= t.ID }))
	for k := range c.rank {
		if c.rank[k] >= rank {
			c.rank[k]++
		}
	}
	c.rank = append(c.rank, rank)
	c.ids = slices.Insert(c.ids, int(rank), i)
	n.kidOf = append(n.kidOf, n.kidOf[len(n.kidOf)-1])
	if par >= 0 {
		n.tasks[i].depth = n.tasks[par].depth + 1
		e.adopt(par, i, true)
	}
	r.tasks, r.weights = append(r.tasks, TaskResult{}), append(r.weights, 0)
	tx.onUndo(func() { e.unaddTask(i) })
	return i
}

// addNode gives task i, just added and compiled, its node: at the end of
// the order, or inside its summary's nodes and joined to them by the
// outline's edges.
func (tx *txn) addNode(i int32) {
	e := tx.e
	c, n := e.c, e.c.n
	par := n.tasks[i].parent
	v := int32(len(n.kind))
	if par >= 0 {
		v = min(n.tasks[par].first, n.tasks[par].last)
	}
	tl := c.cal[i]
	if c.mins[i] == 0 || e.p.Tasks[i].Duration.Elapsed {
		tl = 0
	}
	e.insertNode(v, i, tl, c.mins[i])
	info := &n.tasks[i]
	info.node, info.first, info.last, info.cal = v, v, v, c.cal[i]
	if par >= 0 {
		e.outline(par, v, true)
	}
	tx.onUndo(func() {
		if par >= 0 {
			e.outline(par, v, false)
		}
		e.deleteNode(v)
		if par >= 0 {
			pt := &n.tasks[par]
			e.refresh(pt.node, pt.first, pt.last)
		}
	})
}

// refresh works out again the progress and plain flags of nodes whose
// edges changed, and of their neighbours.
func (e *Editor) refresh(nodes ...int32) {
	n := e.c.n
	for _, v := range nodes {
		n.markNoBack(v)
		n.setPlain(v)
		for _, p := range n.in[n.inOff[v]:n.inOff[v+1]] {
			n.markNoBack(p.node)
			n.setPlain(p.node)
		}
		for _, s := range n.out[n.outOff[v]:n.outOff[v+1]] {
			n.setPlain(s.node)
		}
	}
}

// outline adds (add true) or removes the edges of the outline between
// summary task par's nodes and node v of its subtask.
func (e *Editor) outline(par, v int32, add bool) {
	n := e.c.n
	pt := &n.tasks[par]
	if !add {
		e.deleteEdge(pt.node, v, nil)
		e.deleteEdge(v, pt.first, nil)
		e.deleteEdge(v, pt.last, nil)
		return
	}
	e.insertEdge(pt.node, v, outlineEdge(n, pt.node, v, edgeKind(SS)), -1)
	e.insertEdge(v, pt.first, outlineEdge(n, v, pt.first, edgeMin|edgeGeneral), -1)
	e.insertEdge(v, pt.last, outlineEdge(n, v, pt.last, edgeKind(FF)), -1)
}

// adopt adds (add true) or removes task i among summary task par's
// children, which are kept in ID order.
func (e *Editor) adopt(par, i int32, add bool) {
	n := e.c.n
	kids := n.kids[n.kidOf[par]:n.kidOf[par+1]]
	by := int32(1)
	if add {
		k := int(n.kidOf[par]) + sort.Search(len(kids), func(k int) bool { return n.tasks[kids[k]].id >= n.tasks[i].id })
		n.kids = slices.Insert(n.kids, k, i)
	} else {
		k := slices.Index(kids, i) + int(n.kidOf[par])
		n.kids = slices.Delete(n.kids, k, k+1)
		by = -1
	}
	for q := par + 1; int(q) < len(n.kidOf); q++ {
		n.kidOf[q] += by
	}
}

// outlineEdge is the edge of the outline from node from to node to, as
// graph.outline makes it.
func outlineEdge(n *Network, from, to int32, kind edgeKind) edge {
	if n.tl[from] != 0 || n.tl[to] != 0 {
		kind |= edgeGeneral
	}
	return edge{kind: kind}
}

// unaddTask takes the last task, just added, out again.
func (e *Editor) unaddTask(i int32) {
	c, n, r := e.c, e.c.n, e.r
	t := &n.tasks[i]
	if par := t.parent; par >= 0 {
		e.adopt(par, i, false)
	}
	n.kidOf = n.kidOf[:len(n.kidOf)-1]
	rank := c.rank[i]
	c.ids = slices.Delete(c.ids, int(rank), int(rank)+1)
	c.rank = c.rank[:i]
	for k := range c.rank {
		if c.rank[k] > rank {
			c.rank[k]--
		}
	}
	delete(n.byID, t.id)
	n.tasks = n.tasks[:i]
	c.mins, c.rem, c.cal = c.mins[:i], c.rem[:i], c.cal[:i]
	r.tasks, r.weights = r.tasks[:i], r.weights[:i]
	e.p.Tasks = e.p.Tasks[:i]
	r.journal.seen = nil // sized per task and node: made afresh
}

func (rm RemoveTask) reshapes(e *Editor) bool {
	n := e.c.n
	i, ok := n.byID[rm.Task]
	if !ok || n.tasks[i].summary {
		return true // the full way reports it
	}
	par := n.tasks[i].parent
	return par >= 0 && n.kidOf[par+1]-n.kidOf[par] == 1 // its summary would become a task
}

func (rm RemoveTask) retask(tx *txn) ([]string, error) {
	e := tx.e
	n, r := e.c.n, e.r
	i, ok := n.byID[rm.Task]
	if !ok { // an earlier edit of the same call removed it
		return nil, &InputError{Task: rm.Task, Err: ErrUnknownTask}
	}
	v := n.tasks[i].node
	if f := r.early[v][1]; f >= r.maxEF[n.tl[v]] {
		return nil, errFull // it may hold the project finish
	}
	r.rollUp()
	tx.removed = append(tx.removed, removal{rm.Task, r.tasks[i]})
	var touched []string // the neighbours, the summary among them
	for _, ed := range n.in[n.inOff[v]:n.inOff[v+1]] {
		touched = append(touched, n.tasks[n.owner[ed.node]].id)
	}
	for _, ed := range n.out[n.outOff[v]:n.outOff[v+1]] {
		touched = append(touched, n.tasks[n.owner[ed.node]].id)
	}
	info := n.tasks[i].owned() // renumber below must not reach the copy
	tx.onUndo(func() {         // once all is back: its constraint, and the flags around it
		e.c.constrain(i)
		e.refresh(n.tasks[i].node)
		if par := info.parent; par >= 0 {
			pt := &n.tasks[par]
			e.refresh(pt.node, pt.first, pt.last)
		}
	})
	tx.dropLinks(i)
	tx.dropAssignments(i, info.extra().assign)
	tx.dropNode(i)
	tx.dropTask(i, info)
	return touched, nil
}

// dropLinks takes task i's links out of the network and the project,
// from the last.
func (tx *txn) dropLinks(i int32) {
	e := tx.e
	c, n := e.c, e.c.n
	for k := len(n.links) - 1; k >= 0; k-- {
		if c.ends[k][0] != i && c.ends[k][1] != i {
			continue
		}
		l, ends := n.links[k], c.ends[k]
		at := slices.IndexFunc(e.p.Links, func(x Link) bool { return x.Pred == l.Pred && x.Succ == l.Succ })
		e.deleteLink(k)
		e.p.Links = slices.Delete(e.p.Links, at, at+1)
		tx.onUndo(func() {
			e.insertLink(k, l, ends[0], ends[1])
			e.p.Links = slices.Insert(e.p.Links, at, l)
		})
	}
}

// dropAssignments takes task i's assignments, own, out of the project,
// from the last.
func (tx *txn) dropAssignments(i int32, own []assigned) {
	e := tx.e
	n := e.c.n
	idx := make([]int32, len(own)) // their places in the project
	for k, a := range own {
		idx[k] = a.index
	}
	slices.Sort(idx)
	gone := make([]Assignment, len(idx))
	for x, k := range slices.Backward(idx) {
		gone[x] = e.p.Assignments[k]
		e.p.Assignments = slices.Delete(e.p.Assignments, int(k), int(k)+1)
		renumber(n, k, -1)
	}
	tx.onUndo(func() {
		n.tasks[i].setAssign(nil) // renumber must not reach its own
		for x, at := range idx {
			e.p.Assignments = slices.Insert(e.p.Assignments, int(at), gone[x])
			renumber(n, at, +1)
		}
		n.tasks[i].setAssign(own)
	})
}

// dropNode takes leaf task i's node out of the network, with the
// outline's edges to its summary.
func (tx *txn) dropNode(i int32) {
	e := tx.e
	n, r := e.c.n, e.r
	v, par := n.tasks[i].node, n.tasks[i].parent
	if par >= 0 {
		e.outline(par, v, false)
	}
	saved := nodeValues{kind: n.kind[v], owner: n.owner[v], tl: n.tl[v], dur: n.dur[v], rdur: r.dur[v], early: r.early[v], late: r.late[v], free: r.free[v], ff: r.ff[v]}
	if r.done != nil {
		saved.done, saved.doneLate = r.done[v], r.doneLate[v]
	}
	e.deleteNode(v)
	tx.onUndo(func() { // the task is back at i
		e.insertNode(v, i, saved.tl, saved.dur)
		n.kind[v], n.owner[v] = saved.kind, saved.owner
		r.dur[v], r.early[v], r.late[v], r.free[v], r.ff[v] = saved.rdur, saved.early, saved.late, saved.free, saved.ff
		if r.done != nil {
			r.done[v], r.doneLate[v] = saved.done, saved.doneLate
		}
		n.tasks[i].node, n.tasks[i].first, n.tasks[i].last = v, v, v
		if par >= 0 {
			e.outline(par, v, true)
		}
	})
}

// dropTask takes task i, whose node, links and assignments are gone, out
// of the project and the network; info is its taskInfo as it was.
func (tx *txn) dropTask(i int32, info taskInfo) {
	e := tx.e
	c, r := e.c, e.r
	task, res, weight := e.p.Tasks[i], r.tasks[i], r.weights[i]
	mins, rem, cal, rank := c.mins[i], c.rem[i], c.cal[i], c.rank[i]
	e.deleteTask(i)
	tx.onUndo(func() { e.undeleteTask(i, task, info, res, weight, mins, rem, cal, rank) })
}

// nodeValues is a node's state, kept to put a deleted node back.
type nodeValues struct {
	kind              nodeKind
	owner, tl         int32
	dur, rdur         int64
	early, late, free [2]int64
	ff                int64
	done, doneLate    int64 // under P6's progress modes
}

// deleteTask takes task i (whose node, links and assignments are gone)
// out of the project and the network, renumbering the tasks after it.
func (e *Editor) deleteTask(i int32) {
	c, n, r := e.c, e.c.n, e.r
	t := &n.tasks[i]
	if par := t.parent; par >= 0 {
		e.adopt(par, i, false)
	}
	n.kidOf = slices.Delete(n.kidOf, int(i), int(i)+1) // i has no kids: its range was empty
	delete(n.byID, t.id)
	rank := c.rank[i]
	c.ids = slices.Delete(c.ids, int(rank), int(rank)+1)
	c.rank = slices.Delete(c.rank, int(i), int(i)+1)
	for k := range c.rank {
		if c.rank[k] > rank {
			c.rank[k]--
		}
	}
	n.tasks = slices.Delete(n.tasks, int(i), int(i)+1)
	c.mins, c.rem, c.cal = slices.Delete(c.mins, int(i), int(i)+1), slices.Delete(c.rem, int(i), int(i)+1), slices.Delete(c.cal, int(i), int(i)+1)
	r.tasks, r.weights = slices.Delete(r.tasks, int(i), int(i)+1), slices.Delete(r.weights, int(i), int(i)+1)
	e.p.Tasks = slices.Delete(e.p.Tasks, int(i), int(i)+1)
	e.renumberTasks(i, -1)
}

// undeleteTask puts task i back where deleteTask took it from.
func (e *Editor) undeleteTask(i int32, task Task, info taskInfo, res TaskResult, weight float64, mins, rem int64, cal, rank int32) {
	c, n, r := e.c, e.c.n, e.r
	e.renumberTasks(i, +1)
	e.p.Tasks = slices.Insert(e.p.Tasks, int(i), task)
	r.tasks, r.weights = slices.Insert(r.tasks, int(i), res), slices.Insert(r.weights, int(i), weight)
	c.mins, c.rem, c.cal = slices.Insert(c.mins, int(i), mins), slices.Insert(c.rem, int(i), rem), slices.Insert(c.cal, int(i), cal)
	n.tasks = slices.Insert(n.tasks, int(i), info)
	for k := range c.rank {
		if c.rank[k] >= rank {
			c.rank[k]++
		}
	}
	c.rank = slices.Insert(c.rank, int(i), rank)
	c.ids = slices.Insert(c.ids, int(rank), i)
	n.byID[info.id] = i
	n.kidOf = slices.Insert(n.kidOf, int(i), n.kidOf[i])
	if par := info.parent; par >= 0 {
		e.adopt(par, i, true)
	}
}

// renumberTasks moves every reference to a task from i on by one: down
// (by −1) after task i is deleted, up (by +1) before one is put back at i.
func (e *Editor) renumberTasks(i, by int32) {
	c, n := e.c, e.c.n
	shift := func(x *int32) {
		if *x > i || by > 0 && *x >= i {
			*x += by
		}
	}
	for k := range n.tasks {
		shift(&n.tasks[k].parent)
	}
	for k := range n.owner {
		shift(&n.owner[k])
	}
	for k := range n.kids {
		shift(&n.kids[k])
	}
	for k := range n.up {
		shift(&n.up[k])
	}
	for k := range c.ids {
		shift(&c.ids[k])
	}
	for k := range c.ends {
		shift(&c.ends[k][0])
		shift(&c.ends[k][1])
	}
	for id, x := range n.byID {
		if x > i || by > 0 && x >= i {
			n.byID[id] = x + by
		}
	}
	e.r.journal.seen = nil
}

// shiftNodes moves every reference to a node from v on by one: down (by
// −1) after node v is deleted, up (by +1) before one is inserted at v.
func (e *Editor) shiftNodes(v, by int32) {
	n := e.c.n
	move := func(x *int32) {
		if *x > v || by > 0 && *x >= v {
			*x += by
		}
	}
	for k := range n.in {
		move(&n.in[k].node)
	}
	for k := range n.out {
		move(&n.out[k].node)
	}
	for k := range n.tasks {
		t := &n.tasks[k]
		move(&t.node)
		move(&t.first)
		move(&t.last)
	}
	for k := range n.late {
		move(&n.late[k])
	}
}

// insertNode makes node v a new leaf of task i, counted on timeline tl
// with duration dur: every node from v on moves up by one.
func (e *Editor) insertNode(v, i, tl int32, dur int64) {
	n, r := e.c.n, e.r
	e.shiftNodes(v, +1)
	n.kind = slices.Insert(n.kind, int(v), leafNode)
	n.owner = slices.Insert(n.owner, int(v), i)
	n.tl = slices.Insert(n.tl, int(v), tl)
	n.dur = slices.Insert(n.dur, int(v), dur)
	n.gap = slices.Insert(n.gap, int(v), 0)
	n.floor = slices.Insert(n.floor, int(v), 0)
	n.floor[v] = n.floorAt(v, n.start)
	n.ctype = slices.Insert(n.ctype, int(v), ASAP)
	n.fop = slices.Insert(n.fop, int(v), fNone)
	n.bop = slices.Insert(n.bop, int(v), bNone)
	n.cdate = slices.Insert(n.cdate, int(v), 0)
	n.dead = slices.Insert(n.dead, int(v), noDate)
	finBy := int64(noDate)
	if n.finishBy != noDate {
		finBy = n.tls[tl].cum(n.finishBy)
	}
	n.finBy = slices.Insert(n.finBy, int(v), finBy)
	n.plain = slices.Insert(n.plain, int(v), 0)
	if n.act != nil {
		n.act = slices.Insert(n.act, int(v), [2]int64{})
	}
	n.inOff = slices.Insert(n.inOff, int(v), n.inOff[v])
	n.outOff = slices.Insert(n.outOff, int(v), n.outOff[v])
	r.dur = slices.Insert(r.dur, int(v), dur)
	r.ff = slices.Insert(r.ff, int(v), 0)
	r.early = slices.Insert(slices.Clip(r.early), int(v), [2]int64{})
	r.late = slices.Insert(slices.Clip(r.late), int(v), [2]int64{})
	r.free = slices.Insert(slices.Clip(r.free), int(v), [2]int64{})
	if r.done != nil {
		r.done, r.doneLate = slices.Insert(r.done, int(v), 0), slices.Insert(r.doneLate, int(v), 0)
	}
	r.journal.seen = nil
}

// deleteNode removes node v, which has no edges left: every node after it
// moves down by one.
func (e *Editor) deleteNode(v int32) {
	n, r := e.c.n, e.r
	e.shiftNodes(v, -1)
	at := int(v)
	n.kind = slices.Delete(n.kind, at, at+1)
	n.owner = slices.Delete(n.owner, at, at+1)
	n.tl = slices.Delete(n.tl, at, at+1)
	n.dur = slices.Delete(n.dur, at, at+1)
	n.gap = slices.Delete(n.gap, at, at+1)
	n.floor = slices.Delete(n.floor, at, at+1)
	n.ctype = slices.Delete(n.ctype, at, at+1)
	n.fop = slices.Delete(n.fop, at, at+1)
	n.bop = slices.Delete(n.bop, at, at+1)
	n.cdate = slices.Delete(n.cdate, at, at+1)
	n.dead = slices.Delete(n.dead, at, at+1)
	n.finBy = slices.Delete(n.finBy, at, at+1)
	n.plain = slices.Delete(n.plain, at, at+1)
	if n.act != nil {
		n.act = slices.Delete(n.act, at, at+1)
	}
	n.inOff = slices.Delete(n.inOff, at, at+1)
	n.outOff = slices.Delete(n.outOff, at, at+1)
	r.dur = slices.Delete(r.dur, at, at+1)
	r.ff = slices.Delete(r.ff, at, at+1)
	r.early = slices.Delete(r.early, at, at+1)
	r.late = slices.Delete(r.late, at, at+1)
	r.free = slices.Delete(r.free, at, at+1)
	if r.done != nil {
		r.done, r.doneLate = slices.Delete(r.done, at, at+1), slices.Delete(r.doneLate, at, at+1)
	}
	r.journal.seen = nil
}

// insertEdge adds edge ed from node from to node to (link li, or -1 for
// the outline) to the in- and out-edges, each node's kept in the order of
// the other end.
func (e *Editor) insertEdge(from, to int32, ed edge, li int32) {
	n := e.c.n
	in := n.inOff[to] + int32(edgesBefore(n.in[n.inOff[to]:n.inOff[to+1]], from))
	ed.node = from
	n.in = slices.Insert(n.in, int(in), ed)
	n.inLink = slices.Insert(n.inLink, int(in), li)
	shift(n.inOff[to+1:], 1)
	out := n.outOff[from] + int32(edgesBefore(n.out[n.outOff[from]:n.outOff[from+1]], to))
	ed.node = to
	n.out = slices.Insert(n.out, int(out), ed)
	shift(n.outOff[from+1:], 1)
}

// deleteEdge removes an edge from node from to node to: of parallel edges
// (two links of different types join the same tasks), the one like ed,
// or the first when ed is nil.
func (e *Editor) deleteEdge(from, to int32, ed *edge) {
	n := e.c.n
	same := func(es []edge, v int32) int {
		k := edgesBefore(es, v)
		for j := k; ed != nil && j < len(es) && es[j].node == v; j++ {
			if es[j].kind&^edgeNoBack == ed.kind&^edgeNoBack && es[j].lag == ed.lag && es[j].lagCal == ed.lagCal { // progress may have marked it since
				return j
			}
		}
		return k
	}
	in := n.inOff[to] + int32(same(n.in[n.inOff[to]:n.inOff[to+1]], from))
	n.in = slices.Delete(n.in, int(in), int(in)+1)
	n.inLink = slices.Delete(n.inLink, int(in), int(in)+1)
	shift(n.inOff[to+1:], -1)
	out := n.outOff[from] + int32(same(n.out[n.outOff[from]:n.outOff[from+1]], to))
	n.out = slices.Delete(n.out, int(out), int(out)+1)
	shift(n.outOff[from+1:], -1)
}
