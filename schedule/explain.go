package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// driving reports whether in-edge e of node v fixes v's early start: the
// start it allows is the start v has.
func (r *Result) driving(e edge, v int32) bool {
	p := e.node
	if e.kind&edgeMin != 0 {
		return r.startClock(p) == r.early[v][0]
	}
	start := r.early[v][0]
	switch r.net.fop[v] {
	case fFinished:
		return false // history
	case fStarted: // links drive only the remaining work, and only under retained logic
		if r.net.opts.Progress != RetainedLogic {
			return false
		}
		start = r.early[v][1] - r.nodeSpan(v)
	}
	if b, ok := r.doneBound(e, v, r.nodeSpan(v)); ok && b == start {
		return true // a complete task's logic moment (P6's progress modes)
	}
	return r.boundIn(e, p, v, r.nodeSpan(v)) == start
}

// longestPath marks the nodes on the longest path: from every task that
// finishes when the project does, back along driving links (and the
// outline's edges) to where a constraint or the project start fixes a date.
func (r *Result) longestPath() []bool {
	n := r.net
	on := make([]bool, len(n.kind))
	var stack []int32
	for v := range n.kind {
		if n.kind[v] == leafNode && r.finishClock(int32(v)) == r.finish {
			on[v] = true
			stack = append(stack, int32(v))
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f := n.fop[v]; f == fStartFix || f == fFinishFix {
			continue // a fixed date: logic stops here
		}
		for _, e := range n.in[n.inOff[v]:n.inOff[v+1]] {
			if p := e.node; !on[p] && r.driving(e, v) {
				on[p] = true
				stack = append(stack, p)
			}
		}
	}
	return on
}

// onLongestPath reports, per task, whether it lies on the longest path.
// Summary tasks are not marked.
func (r *Result) onLongestPath() []bool {
	on := r.longestPath()
	tasks := make([]bool, len(r.net.tasks))
	for i, t := range r.net.tasks {
		tasks[i] = !t.summary && on[t.node]
	}
	return tasks
}

// LongestPath returns the IDs of the tasks on the longest path, the chains
// of driving links that fix the project finish (Primavera P6's "longest
// path"; several chains when they tie), in topological order.
func (r *Result) LongestPath() []string {
	on := r.longestPath()
	var ids []string
	for v, ok := range on {
		if ok && r.net.kind[v] == leafNode {
			ids = append(ids, r.net.tasks[r.net.owner[v]].id)
		}
	}
	return ids
}

// DriverKind says what fixed a date.
type DriverKind uint8

const (
	// ByLink: a link; Driver.Link and Driver.Task say which.
	ByLink DriverKind = iota
	// ByConstraint: the task's own constraint (Driver.Constraint).
	ByConstraint
	// ByStart: the project start.
	ByStart
	// ByFinish: the project finish, which bounds a task without successors.
	ByFinish
	// ByFinishBy: the project's finish-by date.
	ByFinishBy
	// ByDeadline: the task's deadline.
	ByDeadline
	// ByManual: a manually scheduled task's own start.
	ByManual
	// AsLateAsPossible: the task is placed at its late start (its late
	// drivers say why there).
	AsLateAsPossible
	// ByActual: reported progress, the task's actual start (or finish).
	ByActual
	// ByStatusDate: no remaining work is scheduled before the status date.
	ByStatusDate
)

var driverNames = [...]string{"link", "constraint", "project start", "project finish", "finish-by date", "deadline", "manual start", "as late as possible", "actual date", "status date"}

func (k DriverKind) String() string { return driverNames[k] }

// Driver is one thing that fixes a task's early start or late finish.
type Driver struct {
	Kind DriverKind
	// Link is the driving link as the project gives it, and Task the task
	// at its other end: the predecessor for an early start, the successor
	// for a late finish.
	Link *Link
	Task string
	// Via names the summary task a link reaches this task through: links
	// into a summary drive its subtasks, links from a summary are driven
	// by its subtasks.
	Via        string
	Constraint ConstraintType
	// At is the moment the driver asks for, before the task's calendar
	// moves it to working time: the difference from the task's date is a
	// calendar gap (a night, a weekend, a holiday).
	At time.Time
}

func (d Driver) String() string {
	var b strings.Builder
	switch d.Kind {
	case ByLink:
		fmt.Fprintf(&b, "link %s", d.Link)
		if d.Via != "" {
			fmt.Fprintf(&b, " (through summary %q)", d.Via)
		}
	case ByConstraint:
		fmt.Fprintf(&b, "constraint %v", d.Constraint)
	default:
		b.WriteString(d.Kind.String())
	}
	fmt.Fprintf(&b, " at %s", d.At.Format("2006-01-02 15:04"))
	return b.String()
}

// Explanation says why a task is where it is.
type Explanation struct {
	Task TaskResult
	// Early lists what fixes the early start (several when they tie);
	// Late what fixes the late finish.
	Early, Late []Driver
	// Back is the chain of driving predecessors from the task back to
	// where a constraint or the project start fixes a date; Ahead the
	// chain of driving successors on to the project finish or a
	// constraint. Both start with the task itself.
	Back, Ahead []string
}

// Explain says what drives task i's early start and late finish, and the
// chains of drivers behind and ahead of it.
func (r *Result) Explain(i int) Explanation {
	n := r.net
	x := Explanation{Task: r.Task(i)}
	x.Early = r.earlyDrivers(n.tasks[i].node)
	x.Late = r.lateDrivers(n.tasks[i].last)
	x.Back = r.chain(int32(i), r.earlyDrivers, func(t *taskInfo) int32 { return t.node })
	x.Ahead = r.chain(int32(i), r.lateDrivers, func(t *taskInfo) int32 { return t.last })
	return x
}

// chain follows the first driver that names a task, from task i on, until
// a driver names none (or a task repeats, which a schedule cannot have but
// a chain must not loop on).
func (r *Result) chain(i int32, drivers func(int32) []Driver, node func(*taskInfo) int32) []string {
	n := r.net
	seen := map[int32]bool{}
	var ids []string
	for i >= 0 && !seen[i] {
		seen[i] = true
		ids = append(ids, n.tasks[i].id)
		next := int32(-1)
		for _, d := range drivers(node(&n.tasks[i])) {
			if d.Task != "" {
				next = n.byID[d.Task]
				break
			}
		}
		i = next
	}
	return ids
}

func (r *Result) wall(w int64) time.Time { return wallTime(w, r.net.loc) }

// earlyDrivers lists what fixes node v's early start, sorted by kind and
// task ID. Outline edges are followed up to the links into summaries.
func (r *Result) earlyDrivers(v int32) []Driver {
	n := r.net
	var out []Driver
	es := r.early[v][0]
	tl := n.tls[n.tl[v]]
	c, ct := n.cdate[v], n.ctype[v]
	switch f := n.fop[v]; f {
	case fStarted, fFinished:
		return []Driver{{Kind: ByActual, At: r.wall(tl.startAt(n.act[v][0]))}}
	case fStartFix, fFinishFix:
		if ct == ASAP {
			return []Driver{{Kind: ByManual, At: r.wall(tl.startAt(c))}}
		}
		return []Driver{{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, f == fFinishFix))}}
	case fStartMin, fStartMax:
		if c == es {
			out = append(out, Driver{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, false))})
		}
	case fFinishMin, fFinishMax:
		if c-r.nodeSpan(v) == es {
			out = append(out, Driver{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, true))})
		}
	}
	if f := n.fop[v]; f == fStartMax || f == fFinishMax {
		if len(out) > 0 { // held back against its links
			return out
		}
	}
	for j := n.inOff[v]; j < n.inOff[v+1]; j++ {
		e := n.in[j]
		if e.kind&edgeMin != 0 || !r.driving(e, v) {
			continue
		}
		li := n.inLink[j]
		if li < 0 { // from the gate of v's summary: what drives the summary drives v
			via := n.tasks[n.owner[e.node]].id
			for _, d := range r.earlyDrivers(e.node) {
				d.Via = cmp.Or(d.Via, via)
				out = append(out, d)
			}
			continue
		}
		p := e.node
		lag := e.lag
		if e.kind&edgePercent != 0 {
			lag = percentOf(lag, r.dur[p])
		}
		at := r.linkMoment(e, p, lag)
		if b, ok := r.doneBound(e, v, r.nodeSpan(v)); ok && r.boundIn(e, p, v, r.nodeSpan(v)) < b {
			at = r.done[p] // P6's progress modes: the logic moment of the complete task drives, not its actual dates
		}
		d := Driver{Kind: ByLink, Link: &n.linkList()[li], Task: n.tasks[n.owner[p]].id, At: r.wall(at)}
		if n.kind[p] == leafNode {
			out = append(out, d)
			continue
		}
		// A link from a summary: name the subtasks that fix the summary's
		// finish (or start), so that chains go on through them.
		d.Via = d.Task
		for _, leaf := range r.drivingSubtasks(p) {
			d.Task = n.tasks[n.owner[leaf]].id
			out = append(out, d)
		}
	}
	if len(out) == 0 && n.fop[v] == fLate {
		out = append(out, Driver{Kind: AsLateAsPossible, At: r.wall(tl.startAt(es))})
	}
	if len(out) == 0 && n.kind[v] != firstNode && es <= n.floorAt(v, r.start) {
		if n.status != noDate && n.opts.Progress != ActualDates && tl.cum(n.status) > tl.cum(r.start) {
			out = append(out, Driver{Kind: ByStatusDate, At: r.wall(n.status)})
		} else {
			out = append(out, Driver{Kind: ByStart, At: r.wall(r.start)})
		}
	}
	return sortDrivers(out)
}

// constraintMoment is node v's constraint date as a moment: a start, or a
// finish.
func (r *Result) constraintMoment(v int32, finish bool) int64 {
	tl := r.net.tls[r.net.tl[v]]
	if finish {
		return tl.finishAt(r.net.cdate[v])
	}
	return tl.startAt(r.net.cdate[v])
}

// lateDrivers lists what fixes node v's late finish.
func (r *Result) lateDrivers(v int32) []Driver {
	n := r.net
	var out []Driver
	d := r.nodeSpan(v)
	lf := r.late[v][1]
	tl := n.tls[n.tl[v]]
	c, ct := n.cdate[v], n.ctype[v]
	switch b := n.bop[v]; b {
	case bFinished:
		return []Driver{{Kind: ByActual, At: r.wall(tl.finishAt(n.act[v][1]))}}
	case bStartFix, bFinishFix:
		return []Driver{{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, b == bFinishFix))}}
	case bStartMax:
		if c+d == lf {
			out = append(out, Driver{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, false))})
		}
	case bFinishMax:
		if c == lf {
			out = append(out, Driver{Kind: ByConstraint, Constraint: ct, At: r.wall(r.constraintMoment(v, true))})
		}
	}
	if n.dead[v] == lf {
		out = append(out, Driver{Kind: ByDeadline, At: r.wall(tl.finishAt(lf))})
	}
	lo, hi := n.outOff[v], n.outOff[v+1]
	for j := lo; j < hi; j++ {
		e := n.out[j]
		s := e.node
		if r.boundOut(e, v, s, d, r.late, true) != lf {
			continue
		}
		if k := n.kind[s]; k == lastNode || k == firstNode {
			// The outline: what binds v's summary binds v.
			via := n.tasks[n.owner[s]].id
			for _, dr := range r.lateDrivers(s) {
				dr.Via = cmp.Or(dr.Via, via)
				out = append(out, dr)
			}
			continue
		}
		li := r.outLink(v, s)
		if li < 0 {
			continue
		}
		dr := Driver{Kind: ByLink, Link: &n.linkList()[li], Task: n.tasks[n.owner[s]].id, At: r.wall(n.tls[n.tl[v]].finishAt(lf))}
		if n.kind[s] == leafNode {
			out = append(out, dr)
			continue
		}
		// A link into a summary: name the subtasks whose late start binds it
		// (or the summary, when none does: its subtasks are done).
		leaves := r.boundSubtasks(s)
		if len(leaves) == 0 {
			out = append(out, dr)
		}
		dr.Via = dr.Task
		for _, leaf := range leaves {
			dr.Task = n.tasks[n.owner[leaf]].id
			out = append(out, dr)
		}
	}
	if len(out) == 0 && n.kind[v] != firstNode { // nothing after it binds it: an open end
		if n.finBy[v] != noDate && n.finBy[v] == lf && lo == hi {
			out = append(out, Driver{Kind: ByFinishBy, At: r.wall(n.finishBy)})
		} else if r.pf[n.tl[v]] == lf {
			out = append(out, Driver{Kind: ByFinish, At: r.wall(r.finish)})
		}
	}
	return sortDrivers(out)
}

// drivingSubtasks returns the subtasks (leaf nodes) that fix a summary's
// first start (p a first node) or last finish (p a last node).
func (r *Result) drivingSubtasks(p int32) []int32 {
	n := r.net
	var leaves []int32
	for _, e := range n.in[n.inOff[p]:n.inOff[p+1]] {
		if !r.driving(e, p) {
			continue
		}
		if c := e.node; n.kind[c] == leafNode {
			leaves = append(leaves, c)
		} else {
			leaves = append(leaves, r.drivingSubtasks(c)...)
		}
	}
	return leaves
}

// boundSubtasks returns the subtasks (leaf nodes) whose late start bounds
// a summary's gate g, so bind the links into the summary.
func (r *Result) boundSubtasks(g int32) []int32 {
	n := r.net
	var leaves []int32
	for _, e := range n.out[n.outOff[g]:n.outOff[g+1]] {
		if r.boundOut(e, g, e.node, 0, r.late, true) != r.late[g][1] {
			continue
		}
		if c := e.node; n.kind[c] == leafNode {
			leaves = append(leaves, c)
		} else {
			leaves = append(leaves, r.boundSubtasks(c)...)
		}
	}
	return leaves
}

// outLink returns the link behind the edge from node v to node s.
func (r *Result) outLink(v, s int32) int32 {
	n := r.net
	for j := n.inOff[s]; j < n.inOff[s+1]; j++ {
		if n.in[j].node == v {
			return n.inLink[j]
		}
	}
	return -1
}

func sortDrivers(ds []Driver) []Driver {
	slices.SortStableFunc(ds, func(a, b Driver) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Task, b.Task), cmp.Compare(a.Via, b.Via))
	})
	return slices.CompactFunc(ds, func(a, b Driver) bool {
		return a.Kind == b.Kind && a.Task == b.Task && a.Link == b.Link && a.Via == b.Via
	})
}

// FloatPath is one of the paths that Primavera P6 calls multiple float
// paths: a chain of driving links, with the total float of its most
// critical task.
type FloatPath struct {
	Tasks []string // in topological order
	Float int64    // working minutes on the calendar of the task that seeds the path
}

// FloatPaths returns up to max paths, most critical first. The first is
// the longest path. Each next path is seeded by the task with the least
// total float not yet on a path (ties: the later early finish, then the
// smaller ID), and grows backward along its driving predecessors and
// forward along the successors it drives (the one with the least float
// first), stopping at tasks already on a path. P6 orders the same way in
// its "total float" mode.
func (r *Result) FloatPaths(max int) []FloatPath {
	n := r.net
	r.rollUp()
	onPath := make([]bool, len(n.tasks))
	var paths []FloatPath
	if lp := r.LongestPath(); len(lp) > 0 && max > 0 {
		f := int64(1 << 62)
		for _, id := range lp {
			i := n.byID[id]
			onPath[i] = true
			f = min(f, r.tasks[i].TotalFloat)
		}
		paths = append(paths, FloatPath{Tasks: lp, Float: f})
	}
	order := make([]int32, 0, len(n.tasks))
	for i := range n.tasks {
		if !n.tasks[i].summary {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(a, b int32) int {
		ta, tb := &r.tasks[a], &r.tasks[b]
		return cmp.Or(cmp.Compare(ta.TotalFloat, tb.TotalFloat), -ta.EarlyFinish.Compare(tb.EarlyFinish), cmp.Compare(ta.ID, tb.ID))
	})
	for _, seed := range order {
		if len(paths) >= max {
			break
		}
		if onPath[seed] {
			continue
		}
		onPath[seed] = true
		nodes := []int32{n.tasks[seed].node}
		for v := n.tasks[seed].node; ; { // backward
			next := int32(-1)
			for _, d := range r.earlyDrivers(v) {
				if i := n.byID[d.Task]; d.Task != "" && !onPath[i] {
					next = i
					break
				}
			}
			if next < 0 {
				break
			}
			onPath[next] = true
			v = n.tasks[next].node
			nodes = append(nodes, v)
		}
		for v := n.tasks[seed].node; ; { // forward
			next := int32(-1)
			for _, s := range r.drivenTasks(v) {
				if i := n.owner[s]; !onPath[i] && (next < 0 || r.tasks[i].TotalFloat < r.tasks[next].TotalFloat) {
					next = i
				}
			}
			if next < 0 {
				break
			}
			onPath[next] = true
			v = n.tasks[next].node
			nodes = append(nodes, v)
		}
		slices.Sort(nodes) // node order is topological order
		p := FloatPath{Float: r.tasks[seed].TotalFloat}
		for _, v := range nodes {
			p.Tasks = append(p.Tasks, n.tasks[n.owner[v]].id)
		}
		paths = append(paths, p)
	}
	return paths
}

// drivenTasks returns the leaf nodes whose early start node v drives,
// through summaries: a link into a summary drives the subtasks it holds
// back; a subtask that fixes its summary's finish drives what the summary
// drives.
func (r *Result) drivenTasks(v int32) []int32 {
	n := r.net
	var out []int32
	for _, e := range n.out[n.outOff[v]:n.outOff[v+1]] {
		s := e.node
		in, ok := r.inEdge(s, v)
		if !ok || !r.driving(in, s) {
			continue
		}
		if n.kind[s] == leafNode {
			out = append(out, s)
		} else {
			out = append(out, r.drivenTasks(s)...)
		}
	}
	return out
}

// inEdge returns the in-edge of s that comes from v.
func (r *Result) inEdge(s, v int32) (edge, bool) {
	n := r.net
	for _, e := range n.in[n.inOff[s]:n.inOff[s+1]] {
		if e.node == v {
			return e, true
		}
	}
	return edge{}, false
}
