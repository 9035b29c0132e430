package schedule

import (
	"math"
	"slices"
	"sync"
	"time"
)

// A Network is a Project compiled for scheduling: every task a node in
// topological order, links in compact arrays, calendars compiled to
// timelines. Each Result holds one schedule of it. A Network never changes
// once compiled, so one from Compile may be shared by any number of
// goroutines, each scheduling it in a Result of its own. The exception is
// the Network an Editor holds (Editor.Result().Network()): the Editor
// changes it in place on every Apply and Preview, and no other goroutine
// may use it meanwhile.
//
// Each node keeps its dates in the working minutes of its own timeline
// (the task's calendar), so a link between two tasks on the same calendar
// is plain integer arithmetic; only links across calendars, elapsed lags
// and summary tasks convert through wall-clock time. Milestones, elapsed
// tasks and the three nodes of a summary (its gate, where links into it
// arrive; its first start; its last finish) keep wall-clock minutes.
type Network struct {
	name       string
	loc        *time.Location
	opts       Options
	settings   Settings
	critical   int64 // the critical float threshold, working minutes
	start      int64 // project start, wall minutes (a backward schedule's first guess)
	finishBy   int64 // noDate when unset
	backward   bool  // scheduled from finishDate
	finishDate int64 // the finish a backward schedule works from

	tasks []taskInfo
	byID  map[string]int32
	// links are the links as given, in canonical order, made when first
	// asked for (linkList) from linkVals and linkMore: a large project's
	// schedule never needs them whole.
	links     []Link
	linkVals  []linkVal
	linkMore  map[int32]linkMore // the links with an overlap or a rework cost
	linksOnce sync.Once
	resources []Resource
	kids      []int32
	kidOf     []int32 // tasks[i]'s children are kids[kidOf[i]:kidOf[i+1]]
	up        []int32 // summary tasks, deepest first

	tls      []*timeline // 0 is wall-clock time
	calNames []string    // by timeline index
	calOf    map[string]int32
	defCal   int32

	// Nodes, in topological order.
	kind  []nodeKind
	owner []int32 // the task a node belongs to
	tl    []int32 // the timeline a node's dates are counted on
	dur   []int64 // default duration, minutes on tl
	gap   []int64 // a split task's pauses still to come, minutes on tl
	floor []int64 // the project start on tl (see floorAt)
	ctype []ConstraintType
	fop   []fwdOp // how the constraint binds the forward pass
	bop   []bwdOp // and the backward pass
	cdate []int64 // the constraint date (or a manual task's start) on tl
	late  []int32 // nodes placed as late as possible (ALAP), in order
	plain []uint8 // plainIn, plainOut: the passes' common cases
	// Progress, for nodes with fop fStarted or fFinished: the actual start
	// and finish (or, in progress, the working minutes already done).
	act    [][2]int64
	status int64   // the status date, wall minutes, or noDate
	dead   []int64 // the deadline on tl, or noDate
	finBy  []int64 // the project finish-by date on tl, or noDate
	inOff  []int32 // in-edges of node v: in[inOff[v]:inOff[v+1]]
	in     []edge
	outOff []int32
	out    []edge
	inLink []int32 // the link behind in[e], or -1 for the outline
}

// fwdOp and bwdOp say how a node's constraint date binds the forward and
// the backward pass, once the constraint mode has been applied.
type fwdOp uint8

const (
	fNone      fwdOp = iota
	fStartMin        // start no earlier than the date
	fFinishMin       // finish no earlier than
	fStartMax        // start no later than, against the links
	fFinishMax       // finish no later than, against the links
	fStartFix        // start on the date, against the links
	fFinishFix       // finish on the date, against the links
	fLate            // placed at its late dates once they are known
	fStarted         // in progress: actual start, remaining work per the progress mode
	fFinished        // complete: actual dates
)

type bwdOp uint8

const (
	bNone      bwdOp = iota
	bStartMax        // late start no later than the date
	bFinishMax       // late finish no later than
	bStartFix        // late start on the date, whatever the successors say
	bFinishFix       // late finish on the date
	bFinished        // complete: late dates are the actual dates
)

// A node is plainIn when all its in-edges are on its own timeline with
// plain lags and it has no constraint, progress or placement: the forward
// pass then needs only integer sums. It is plainOut likewise for its
// out-edges, with successors, and no late constraint or deadline.
const (
	plainIn uint8 = 1 << iota
	plainOut
)

// passesDone reports whether node v is a complete task that, under P6's
// progress modes, still passes the logic on (Result.doneAt): its
// successors are then not plain.
func (n *Network) passesDone(v int32) bool {
	return n.fop[v] == fFinished && n.opts.Progress != ActualDates
}

// setPlain works out node v's plain bits.
func (n *Network) setPlain(v int32) {
	var p uint8
	if o := n.owner[v]; n.gap[v] != 0 || o >= 0 && n.kind[v] == leafNode && len(n.tasks[o].splitList()) > 0 { // a split task: its span is not its duration, or need not be
		n.plain[v] = 0
		return
	}
	in := n.in[n.inOff[v]:n.inOff[v+1]]
	if n.fop[v] == fNone && !slices.ContainsFunc(in, func(e edge) bool { return e.kind > edgeKind(SF) || n.passesDone(e.node) }) && n.kind[v] != firstNode {
		p |= plainIn
	}
	out := n.out[n.outOff[v]:n.outOff[v+1]]
	if n.bop[v] == bNone && n.dead[v] == noDate && len(out) > 0 && !slices.ContainsFunc(out, func(e edge) bool { return e.kind > edgeKind(SF) }) {
		p |= plainOut
	}
	n.plain[v] = p
}

type nodeKind uint8

const (
	leafNode  nodeKind = iota
	gateNode           // links into a summary arrive here; its subtasks start after it
	firstNode          // the earliest start of a summary's subtasks
	lastNode           // the latest finish of a summary's subtasks
)

type taskInfo struct {
	id   string
	name string
	// more holds what only some tasks have (see extra); nil for a task
	// with none of it, so that a large project's tasks take 72 bytes
	// each rather than 160. It is replaced (setExtra), never changed in
	// place, but for its assignments, whose units and work work resolves
	// and whose places renumber moves: a copy kept to be put back is made
	// with owned.
	more    *taskMore
	parent  int32
	depth   int32
	cal     int32 // timeline of the calendar it works on: its own, with its resources' unless it ignores them
	own     int32 // timeline of its own calendar (the project's when it names none)
	summary bool
	elapsed bool // its duration counts elapsed time
	startMS bool // a start milestone when zero-length
	// node is the task's node; for a summary, its gate, with first and
	// last its other two.
	node, first, last int32
}

// taskMore is what only some tasks have: progress, costs, assignments and
// splits.
type taskMore struct {
	pct        float64 // percent complete
	fixedCost  float64
	actualCost float64 // or -1
	as, af     int64   // actual start and finish, wall minutes, or noDate
	assign     []assigned
	splits     []pause // in order, all of them
	live       int32   // how many of them lie inside the work (the first ones)
}

// extra returns what only some tasks have of task t: no progress, no
// cost, no assignment and no split when it has none.
func (t *taskInfo) extra() taskMore {
	if t.more == nil {
		return taskMore{actualCost: -1, as: noDate, af: noDate}
	}
	return *t.more
}

// actual returns task t's actual start and finish, wall minutes, or
// noDate.
func (t *taskInfo) actual() (as, af int64) {
	if t.more == nil {
		return noDate, noDate
	}
	return t.more.as, t.more.af
}

// setAssign sets task t's assignments to a.
func (t *taskInfo) setAssign(a []assigned) {
	m := t.extra()
	m.assign = a
	t.setExtra(m)
}

// setExtra sets what only some tasks have of task t to m.
func (t *taskInfo) setExtra(m taskMore) {
	if math.Float64bits(m.pct) == 0 && math.Float64bits(m.fixedCost) == 0 && m.actualCost == -1 &&
		m.as == noDate && m.af == noDate && m.assign == nil && m.splits == nil && m.live == 0 {
		t.more = nil
		return
	}
	t.more = new(m) // not &m, which would make every call allocate
}

// owned returns a copy of t that shares nothing t's holder changes in
// place: with its own copy of what only some tasks have.
func (t taskInfo) owned() taskInfo {
	if t.more != nil {
		m := *t.more
		m.assign = slices.Clone(m.assign)
		t.more = &m
	}
	return t
}

// assigned is one resource assignment of a task: the resource, the
// assignment in the project, and its units and work as resolved.
type assigned struct {
	resource, index int32
	units           float64
	work            int64 // minutes, work resources only
}

// pause is one split of a task, in minutes of its node's timeline: after
// at minutes of work (done and remaining) it stops for gap.
type pause struct{ at, gap int64 }

// splitList returns all the task's splits.
func (t *taskInfo) splitList() []pause {
	if t.more == nil {
		return nil
	}
	return t.more.splits
}

// pauses returns the task's splits that lie inside its work: those that
// pause it.
func (t *taskInfo) pauses() []pause {
	if t.more == nil {
		return nil
	}
	return t.more.splits[:t.more.live]
}

// gapsWithin returns the pauses of task t from work position from up to
// (not including) to.
func (t *taskInfo) gapsWithin(from, to int64) (gap int64) {
	for _, p := range t.splitList() {
		if p.at >= from && p.at < to {
			gap += p.gap
		}
	}
	return gap
}

// gaps returns the pauses of task t before work position w, and from it on.
func (t *taskInfo) gaps(w int64) (before, after int64) {
	for _, p := range t.pauses() {
		if p.at < w {
			before += p.gap
		} else {
			after += p.gap
		}
	}
	return before, after
}

// edge is one end of a link as a node sees it: the node at the other end,
// how the link binds, and the lag in minutes (or basis points of the
// predecessor's duration).
type edge struct {
	node   int32
	kind   edgeKind
	lagCal int16 // timeline of a working-time lag
	lag    int64
}

type edgeKind uint8

const (
	edgeType    edgeKind = 3      // the LinkType, in the low bits
	edgeGeneral edgeKind = 1 << 2 // ends or lag on different timelines
	edgePercent edgeKind = 1 << 3 // lag is basis points of the predecessor's duration
	edgeElapsed edgeKind = 1 << 4 // lag is elapsed minutes
	edgeMin     edgeKind = 1 << 5 // a subtask's start feeding its summary's first start
	edgeNoBack  edgeKind = 1 << 6 // ends on work already fixed by progress: no bound backward
)
