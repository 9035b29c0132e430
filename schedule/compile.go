package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
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

const noDate = math.MaxInt64

// maxTimelines bounds the calendars of one project (edge.lagCal is 16 bits).
const maxTimelines = math.MaxInt16

// Compile checks p and compiles it into a Network. Bad input returns an
// error naming the task, link or calendar: problems with single parts are
// *InputError values (up to 20, joined), a loop of links a *CycleError.
func Compile(p *Project) (*Network, error) {
	c := newCompiler(p)
	c.letGo = true
	return c.compile()
}

func newCompiler(p *Project) *compiler {
	return &compiler{p: p, n: &Network{name: p.Name, opts: p.Options}}
}

type compiler struct {
	p     *Project
	n     *Network
	errs  []error
	cals  map[string]*Calendar
	tlOf  map[string]int32  // calendar name → timeline
	hours map[string]*hours // calendar name → its working time
	mins  []int64           // task durations in minutes
	rem   []int64           // remaining minutes of tasks with progress
	rank  []int32           // each task's place in ID order
	ids   []int32           // the tasks in ID order
	ends  [][2]int32        // n.links' predecessor and successor tasks
	order []int32           // the project's links in n.links' order, until n.links is made
	cal   []int32           // task calendar timelines
	def   int32             // the default calendar's timeline
	cache *timelineCache    // compiled calendars kept across compiles, or nil
	// letGo lets the project go once every task is compiled: p is then
	// nil, and dated holds what constrain reads of the tasks (see
	// compile). Compile's compiler does; an Editor's keeps its project.
	letGo bool
	dated map[int32]taskDates
}

// timelineCache keeps the calendars, and intersections of them, that
// compiles of one project made, for the next compile of it (an Editor's,
// whose edits never change calendars). It holds while the calendars, the
// start they are laid out from and the zone stay as they were.
type timelineCache struct {
	cals   []Calendar
	anchor Date
	loc    *time.Location
	byName map[string]compiledCalendar
}

type compiledCalendar struct {
	h  *hours
	tl *timeline
}

// use readies the cache for a compile of calendars laid out from anchor
// in loc, emptying it when they differ from its own.
func (tc *timelineCache) use(cals []Calendar, anchor Date, loc *time.Location) {
	if tc.byName != nil && tc.anchor == anchor && tc.loc == loc && reflect.DeepEqual(tc.cals, cals) {
		return
	}
	*tc = timelineCache{cals: slices.Clone(cals), anchor: anchor, loc: loc, byName: map[string]compiledCalendar{}}
}

// compiled returns the timeline of calendar (or intersection) name,
// compiling h() when the cache lacks it.
func (c *compiler) compiled(name string, h func() (*hours, error)) (*hours, *timeline, error) {
	if c.cache != nil {
		if cc, ok := c.cache.byName[name]; ok {
			return cc.h, cc.tl, nil
		}
	}
	hs, err := h()
	if err != nil {
		return nil, nil, err
	}
	tl, err := hs.compile()
	if err != nil {
		return nil, nil, err
	}
	if c.cache != nil {
		c.cache.byName[name] = compiledCalendar{hs, tl}
	}
	return hs, tl, nil
}

func (c *compiler) fail(e *InputError) {
	if len(c.errs) < maxReported {
		c.errs = append(c.errs, e)
	}
}

func (c *compiler) err() error { return errors.Join(c.errs...) }

func (c *compiler) compile() (*Network, error) {
	if err := c.project(); err != nil {
		return nil, err
	}
	c.calendars()
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	c.tasks()
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	c.linksAndResources()
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	for i := range c.p.Tasks {
		c.task(int32(i))
	}
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	// What is left reads little of the project: Compile's compiler keeps
	// that, and lets the project go before it makes the network's links
	// and the rest of its arrays, so that a caller who holds the project
	// no longer (critpath schedule --json) does not hold both at once.
	links := c.p.Links
	if c.letGo {
		c.keepDates()
		c.p = nil
	}
	c.makeLinks(links)
	if c.letGo {
		c.ends = nil // the network's links have them; an Editor's compiler keeps them
	}
	g := c.graph()
	order, err := g.topo(c.n)
	if err != nil {
		return nil, err
	}
	c.layOut(g, order)
	return c.n, nil
}

func (c *compiler) project() error {
	p, n := c.p, c.n
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"minutes_per_day", p.Settings.MinutesPerDay}, {"minutes_per_week", p.Settings.MinutesPerWeek}, {"days_per_month", p.Settings.DaysPerMonth}} {
		if f.v < 0 || f.v > 10080 {
			errs = append(errs, &InputError{Field: "settings." + f.name, Err: fmt.Errorf("%d: %w", f.v, ErrBadValue)})
		}
	}
	if p.Options.TotalFloat > StartFloat || p.Options.LagCalendar > LagProject {
		errs = append(errs, &InputError{Field: "options", Err: ErrBadValue})
	}
	n.settings = p.Settings.withDefaults()
	if m, err := p.Options.CriticalFloat.minutes(n.settings); err != nil || p.Options.CriticalFloat.Elapsed || p.Options.CriticalFloat.Unit == Percent {
		errs = append(errs, &InputError{Field: "options.critical_float", Err: fmt.Errorf("%v: %w", p.Options.CriticalFloat, ErrBadValue)})
	} else {
		n.critical = m
	}
	if p.Options.Constraints > MandatoryConstraints || p.Options.SummaryFloat > SubtaskFloat || p.Options.Progress > ProgressOverride {
		errs = append(errs, &InputError{Field: "options", Err: ErrBadValue})
	}
	n.loc = cmp.Or(p.Location, p.Start.Location())
	n.backward = p.FromFinish
	switch {
	case p.FromFinish && p.Finish.IsZero():
		errs = append(errs, &InputError{Field: "finish", Err: fmt.Errorf("a project scheduled from its finish needs a finish date: %w", ErrBadDate)})
	case p.FromFinish && !inRange(p.Finish):
		errs = append(errs, &InputError{Field: "finish", Err: fmt.Errorf("%v: %w", p.Finish, ErrBadDate)})
	case p.FromFinish:
		if p.Location == nil && p.Start.IsZero() {
			n.loc = p.Finish.Location()
		}
		n.finishDate = wallMinutes(p.Finish, n.loc)
	case p.Start.IsZero():
		errs = append(errs, &InputError{Field: "start", Err: fmt.Errorf("the project has no start date: %w", ErrBadDate)})
	}
	if !p.Start.IsZero() && !inRange(p.Start) {
		errs = append(errs, &InputError{Field: "start", Err: fmt.Errorf("%v: %w", p.Start, ErrBadDate)})
	}
	n.finishBy = noDate
	if !p.FinishBy.IsZero() {
		if !inRange(p.FinishBy) {
			errs = append(errs, &InputError{Field: "finish_by", Err: fmt.Errorf("%v: %w", p.FinishBy, ErrBadDate)})
		} else {
			n.finishBy = wallMinutes(p.FinishBy, n.loc)
		}
	}
	n.status = noDate
	if !p.StatusDate.IsZero() {
		if !inRange(p.StatusDate) {
			errs = append(errs, &InputError{Field: "status_date", Err: fmt.Errorf("%v: %w", p.StatusDate, ErrBadDate)})
		} else {
			n.status = wallMinutes(p.StatusDate, n.loc)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	n.start = n.finishDate // a backward schedule works its start out
	if !p.Start.IsZero() {
		n.start = wallMinutes(p.Start, n.loc)
	}
	return nil
}

// floorAt is the earliest early start of node v in a project starting at
// start: the start, or the status date when the progress mode keeps
// remaining work after it, on v's timeline. A summary's first start and
// last finish have none: they are its subtasks' earliest start and latest
// finish, even where those are before it (actual dates), so that a link
// from a summary leaves where its subtasks end.
func (n *Network) floorAt(v int32, start int64) int64 {
	switch n.kind[v] {
	case firstNode:
		return noDate // the first start is the least of its subtasks'
	case lastNode:
		return math.MinInt64 // the last finish is the greatest of its subtasks'
	}
	if n.status != noDate && n.opts.Progress != ActualDates {
		start = max(start, n.status)
	}
	return n.tls[n.tl[v]].cum(start)
}

func inRange(t time.Time) bool { y := t.Year(); return y >= minYear && y <= maxYear }

// calendars compiles the project's calendars, and the presets the project
// names without defining, into timelines.
func (c *compiler) calendars() {
	p, n := c.p, c.n
	c.cals = map[string]*Calendar{}
	for i := range p.Calendars {
		cal := &p.Calendars[i]
		if cal.Name == "" {
			c.fail(&InputError{Field: fmt.Sprintf("calendars[%d].name", i), Err: errors.New("calendar has no name")})
			continue
		}
		if _, dup := c.cals[cal.Name]; dup {
			c.fail(&InputError{Calendar: cal.Name, Err: errors.New("two calendars have this name")})
			continue
		}
		c.cals[cal.Name] = cal
	}
	// Presets are available under their names unless the project defines them.
	for _, name := range []string{Standard, TwentyFourHours, NightShift, SundayThursday} {
		if _, ok := c.cals[name]; !ok {
			cal, _ := Preset(name)
			c.cals[name] = &cal
		}
	}
	n.tls = []*timeline{{identity: true}}
	n.calNames = []string{"(wall clock)"}
	c.tlOf = map[string]int32{}
	c.hours = map[string]*hours{}
	anchor := DateOf(wallTime(n.start, n.loc))
	names := make([]string, 0, len(c.cals))
	for name := range c.cals {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) >= maxTimelines {
		c.fail(&InputError{Field: "calendars", Err: fmt.Errorf("%d calendars: at most %d: %w", len(names), maxTimelines-1, ErrBadValue)})
		return
	}
	if c.cache != nil {
		c.cache.use(p.Calendars, anchor, n.loc)
	}
	for _, name := range names {
		h, tl, err := c.compiled(name, func() (*hours, error) { return resolveCalendar(c.cals[name], c.cals, anchor) })
		if err != nil {
			c.fail(&InputError{Calendar: name, Err: err})
			continue
		}
		c.hours[name] = h
		if tl.identity {
			c.tlOf[name] = 0
			continue
		}
		c.tlOf[name] = int32(len(n.tls))
		n.tls = append(n.tls, tl)
		n.calNames = append(n.calNames, name)
	}
	n.calOf = c.tlOf
	def := cmp.Or(p.Calendar, Standard)
	if t, ok := c.tlOf[def]; ok {
		c.def, n.defCal = t, t
	} else if _, known := c.cals[def]; !known {
		c.fail(&InputError{Field: "calendar", Err: fmt.Errorf("%q: %w", def, ErrUnknownCalendar)})
	}
}

// timelineOf returns the timeline of a calendar name ("" is the default).
func (c *compiler) timelineOf(name string) (int32, bool) {
	if name == "" {
		return c.def, true
	}
	t, ok := c.tlOf[name]
	return t, ok
}

func (c *compiler) tasks() {
	p, n := c.p, c.n
	n.byID = make(map[string]int32, len(p.Tasks))
	n.tasks = make([]taskInfo, len(p.Tasks))
	c.mins = make([]int64, len(p.Tasks))
	c.rem = make([]int64, len(p.Tasks))
	c.cal = make([]int32, len(p.Tasks))
	for i := range p.Tasks {
		t := &p.Tasks[i]
		n.tasks[i] = taskInfo{id: t.ID, name: t.Name, parent: -1}
		if t.ID == "" {
			c.fail(&InputError{Field: fmt.Sprintf("tasks[%d].id", i), Err: errors.New("task has no id")})
			continue
		}
		if _, dup := n.byID[t.ID]; dup {
			c.fail(&InputError{Task: t.ID, Err: ErrDuplicateTask})
			continue
		}
		n.byID[t.ID] = int32(i)
	}
	if len(c.errs) > 0 {
		return
	}
	c.ids = make([]int32, len(n.tasks))
	for i := range c.ids {
		c.ids[i] = int32(i)
	}
	slices.SortFunc(c.ids, func(a, b int32) int { return cmp.Compare(n.tasks[a].id, n.tasks[b].id) })
	c.rank = make([]int32, len(n.tasks))
	for r, i := range c.ids {
		c.rank[i] = int32(r)
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		if t.Parent == "" {
			continue
		}
		par, ok := n.byID[t.Parent]
		if !ok {
			c.fail(&InputError{Task: t.ID, Field: "parent", Err: fmt.Errorf("%q: %w", t.Parent, ErrUnknownTask)})
			continue
		}
		n.tasks[i].parent = par
		n.tasks[par].summary = true
	}
	if len(c.errs) > 0 {
		return
	}
	c.outline()
}

// outline computes depths, rejects loops of parents, and lists children.
func (c *compiler) outline() {
	n := c.n
	const unknown, visiting = -1, -2
	for i := range n.tasks {
		n.tasks[i].depth = unknown
	}
	var depth func(i int32) int32
	depth = func(i int32) int32 {
		// Walk up iteratively to stay safe on deep outlines.
		var path []int32
		for j := i; ; j = n.tasks[j].parent {
			if j < 0 {
				break
			}
			if d := n.tasks[j].depth; d >= 0 {
				break
			} else if d == visiting {
				c.fail(&InputError{Task: n.tasks[j].id, Field: "parent", Err: ErrParentCycle})
				for _, k := range path {
					n.tasks[k].depth = 0
				}
				return 0
			}
			n.tasks[j].depth = visiting
			path = append(path, j)
		}
		for _, k := range slices.Backward(path) {
			d := int32(0)
			if par := n.tasks[k].parent; par >= 0 {
				d = n.tasks[par].depth + 1
			}
			n.tasks[k].depth = d
		}
		return n.tasks[i].depth
	}
	for i := range n.tasks {
		depth(int32(i))
	}
	// Children in canonical (ID) order.
	counts := make([]int32, len(n.tasks)+1)
	for _, t := range n.tasks {
		if t.parent >= 0 {
			counts[t.parent+1]++
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	n.kidOf = counts
	n.kids = make([]int32, counts[len(counts)-1])
	fill := slices.Clone(counts[:len(counts)-1])
	for i, t := range n.tasks {
		if t.parent >= 0 {
			n.kids[fill[t.parent]] = int32(i)
			fill[t.parent]++
		}
	}
	for i := range n.tasks {
		k := n.kids[n.kidOf[i]:n.kidOf[i+1]]
		slices.SortFunc(k, func(a, b int32) int { return cmp.Compare(n.tasks[a].id, n.tasks[b].id) })
		if n.tasks[i].summary {
			n.up = append(n.up, int32(i))
		}
	}
	slices.SortStableFunc(n.up, func(a, b int32) int {
		return cmp.Or(cmp.Compare(n.tasks[b].depth, n.tasks[a].depth), cmp.Compare(n.tasks[a].id, n.tasks[b].id))
	})
}

// task checks one task's duration, calendar and dates.
func (c *compiler) task(i int32) {
	p, n := c.p, c.n
	t, info := &p.Tasks[i], &n.tasks[i]
	fail := func(field string, err error) { c.fail(&InputError{Task: t.ID, Field: field, Err: err}) }
	tl, ok := c.timelineOf(t.Calendar)
	if !ok {
		fail("calendar", fmt.Errorf("%q: %w", t.Calendar, ErrUnknownCalendar))
	}
	c.cal[i], info.cal, info.own, info.elapsed, info.startMS = tl, tl, tl, t.Duration.Elapsed, t.StartMilestone
	if !info.summary {
		switch m, err := t.Duration.minutes(n.settings); {
		case t.Duration.Unit == Percent:
			fail("duration", fmt.Errorf("%v: %w", t.Duration, ErrBadUnit))
		case err != nil:
			fail("duration", fmt.Errorf("%v: %w", err, ErrBadValue))
		case m < 0:
			fail("duration", fmt.Errorf("%v: %w", t.Duration, ErrNegative))
		default:
			c.mins[i] = m
		}
	}
	m := info.extra() // its assignments, from linksAndResources; the rest worked out here
	c.work(i, &m)
	m.fixedCost, m.actualCost = t.FixedCost, -1
	if math.IsNaN(t.FixedCost) || math.IsInf(t.FixedCost, 0) || t.FixedCost < 0 {
		fail("fixed_cost", fmt.Errorf("%v: %w", t.FixedCost, ErrBadValue))
	}
	if ac := t.ActualCost; ac != nil {
		if math.IsNaN(*ac) || math.IsInf(*ac, 0) || *ac < 0 {
			fail("actual_cost", fmt.Errorf("%v: %w", *ac, ErrBadValue))
		}
		m.actualCost = *ac
	}
	if t.Priority > 1000 {
		fail("priority", fmt.Errorf("%d: want at most 1000: %w", t.Priority, ErrBadValue))
	}
	if ct := t.Constraint.Type; ct > MFO {
		fail("constraint.type", fmt.Errorf("%d: %w", ct, ErrBadConstraint))
	} else if ct.dated() && t.Constraint.Date.IsZero() {
		fail("constraint.date", fmt.Errorf("%v needs a date: %w", ct, ErrBadConstraint))
	} else if ct.dated() && !inRange(t.Constraint.Date) {
		fail("constraint.date", fmt.Errorf("%v: %w", t.Constraint.Date, ErrBadDate))
	} else if info.summary && (ct == ALAP || ct == FNET || ct == MSO || ct == MFO) {
		fail("constraint.type", fmt.Errorf("%v on a summary task: only ASAP, SNET, SNLT and FNLT are allowed: %w", ct, ErrBadConstraint))
	}
	if !t.Deadline.IsZero() && !inRange(t.Deadline) {
		fail("deadline", fmt.Errorf("%v: %w", t.Deadline, ErrBadDate))
	}
	c.progress(i, &m)
	c.splits(i, &m)
	info.setExtra(m)
	switch {
	case t.Manual && info.summary:
		fail("manual", fmt.Errorf("a summary task cannot be manually scheduled here: %w", ErrBadValue))
	case t.Manual && t.Start.IsZero():
		fail("start", fmt.Errorf("a manually scheduled task needs its start: %w", ErrBadDate))
	case t.Manual && !inRange(t.Start):
		fail("start", fmt.Errorf("%v: %w", t.Start, ErrBadDate))
	}
}

// progress checks task i's actual dates, percent complete and remaining
// duration, and works out its remaining minutes, and its progress into m.
func (c *compiler) progress(i int32, m *taskMore) {
	p, n := c.p, c.n
	t, info := &p.Tasks[i], &n.tasks[i]
	fail := func(field string, err error) { c.fail(&InputError{Task: t.ID, Field: field, Err: err}) }
	as, af := t.ActualStart, t.ActualFinish
	m.pct, m.as, m.af, c.rem[i] = 0, noDate, noDate, 0
	if as.IsZero() && af.IsZero() && t.PercentComplete == 0 && t.Remaining == nil {
		return
	}
	switch {
	case info.summary:
		fail("actual_start", fmt.Errorf("a summary task's progress comes from its subtasks: %w", ErrBadValue))
		return
	case math.IsNaN(t.PercentComplete) || t.PercentComplete < 0 || t.PercentComplete > 100:
		fail("percent_complete", fmt.Errorf("%v: want 0 to 100: %w", t.PercentComplete, ErrBadValue))
		return
	case !af.IsZero() && as.IsZero():
		fail("actual_finish", fmt.Errorf("an actual finish needs an actual start: %w", ErrBadDate))
		return
	case !as.IsZero() && !inRange(as), !af.IsZero() && !inRange(af):
		fail("actual_start", fmt.Errorf("actual dates %v, %v: %w", as, af, ErrBadDate))
		return
	case !af.IsZero() && af.Before(as):
		fail("actual_finish", fmt.Errorf("%v is before the actual start %v: %w", af, as, ErrBadDate))
		return
	case as.IsZero():
		fail("actual_start", fmt.Errorf("progress needs an actual start: %w", ErrBadDate))
		return
	case !as.IsZero() && af.IsZero() && n.status == noDate && n.opts.Progress != ActualDates:
		fail("actual_start", fmt.Errorf("in progress, its remaining work needs a status date to start from: %w", ErrNoStatusDate))
		return
	}
	m.pct = t.PercentComplete
	m.as = wallMinutes(as, n.loc)
	if !af.IsZero() {
		m.pct, m.af = 100, wallMinutes(af, n.loc)
	}
	if t.Remaining != nil {
		rem, err := t.Remaining.minutes(n.settings)
		switch {
		case err != nil || t.Remaining.Unit == Percent:
			fail("remaining", fmt.Errorf("%v: %w", t.Remaining, ErrBadValue))
		case rem < 0:
			fail("remaining", fmt.Errorf("%v: %w", t.Remaining, ErrNegative))
		default:
			c.rem[i] = rem
			if tot := c.mins[i]; af.IsZero() && tot > 0 {
				m.pct = 100 * float64(max(0, tot-rem)) / float64(tot)
			}
		}
		return
	}
	c.rem[i] = int64(math.Round(float64(c.mins[i]) * (100 - t.PercentComplete) / 100))
}

// splits checks task i's splits and converts them to minutes, into m.
func (c *compiler) splits(i int32, m *taskMore) {
	t, info := &c.p.Tasks[i], &c.n.tasks[i]
	m.splits, m.live = nil, 0
	if len(t.Splits) == 0 {
		return
	}
	if info.summary {
		c.fail(&InputError{Task: t.ID, Field: "splits", Err: fmt.Errorf("a summary task cannot be split: %w", ErrBadValue)})
		return
	}
	total := c.mins[i] // the work, done and remaining
	if m.as != noDate && m.af == noDate {
		total = max(c.mins[i], c.rem[i])
	}
	splits := make([]pause, 0, len(t.Splits))
	var prev, span int64
	for k, s := range t.Splits {
		var at [2]int64 // at and gap
		for j, d := range [2]Duration{s.At, s.Gap} {
			fail := func(err error) {
				c.fail(&InputError{Task: t.ID, Field: fmt.Sprintf("splits[%d].%s", k, [2]string{"at", "gap"}[j]), Err: err})
			}
			var err error
			switch at[j], err = d.minutes(c.n.settings); {
			case d.Unit == Percent:
				fail(fmt.Errorf("%v: %w", d, ErrBadUnit))
			case d.Elapsed != t.Duration.Elapsed && !d.IsZero():
				fail(fmt.Errorf("%v: a split counts in the task's own time (elapsed: %v): %w", d, t.Duration.Elapsed, ErrBadUnit))
			case err != nil:
				fail(fmt.Errorf("%v: %w", err, ErrBadValue))
			case at[j] <= 0:
				fail(fmt.Errorf("%v: want more than zero: %w", d, ErrBadValue))
			case j == 0 && at[j] <= prev:
				fail(fmt.Errorf("%v: not after the split before it: %w", d, ErrBadValue))
			case j == 1 && span+at[j] > maxMinutes:
				fail(fmt.Errorf("%v: the pauses add up to more than can be scheduled: %w", d, ErrBadValue))
			default:
				continue
			}
			return
		}
		prev, span = at[0], span+at[1]
		splits = append(splits, pause{at[0], at[1]})
		if at[0] < total { // one at or past the end of the work pauses nothing
			m.live++
		}
	}
	m.splits = splits
}

func (c *compiler) linksAndResources() {
	p, n := c.p, c.n
	// Links in canonical order: by successor ID, predecessor ID and type,
	// compared by the tasks' ranks when both ends are known.
	ends := make([][2]int32, len(p.Links))
	order := make([]int32, len(p.Links))
	for i, l := range p.Links {
		pi, okp := n.byID[l.Pred]
		si, oks := n.byID[l.Succ]
		if !okp {
			pi = -1
		}
		if !oks {
			si = -1
		}
		ends[i], order[i] = [2]int32{pi, si}, int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ea, eb, la, lb := ends[a], ends[b], &p.Links[a], &p.Links[b]
		if min(ea[0], ea[1], eb[0], eb[1]) >= 0 {
			return cmp.Or(cmp.Compare(c.rank[ea[1]], c.rank[eb[1]]), cmp.Compare(c.rank[ea[0]], c.rank[eb[0]]), cmp.Compare(la.Type, lb.Type))
		}
		return cmp.Or(cmp.Compare(la.Succ, lb.Succ), cmp.Compare(la.Pred, lb.Pred), cmp.Compare(la.Type, lb.Type))
	})
	c.ends = make([][2]int32, len(order))
	for i, k := range order {
		c.ends[i] = ends[k]
	}
	ends = nil
	c.order = order
	fail := func(l *Link, err error) {
		own := *l // the error's link is the network's copy, not the project's
		c.fail(&InputError{Link: &own, Err: err})
	}
	for i, k := range order {
		l := &p.Links[k]
		if i > 0 && c.ends[i-1] == c.ends[i] && p.Links[order[i-1]].Type == l.Type && min(c.ends[i][0], c.ends[i][1]) >= 0 {
			fail(l, ErrDuplicateLink)
		} else if err := c.checkLink(l, c.ends[i][0], c.ends[i][1]); err != nil {
			fail(l, err)
		}
	}
	rs := map[string]bool{}
	for i, r := range p.Resources {
		switch {
		case r.ID == "":
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].id", i), Err: errors.New("resource has no id")})
		case rs[r.ID]:
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].id", i), Err: fmt.Errorf("%q: duplicate resource id", r.ID)})
		case r.Type > CostResource || r.MaxUnits < 0 || math.IsNaN(r.MaxUnits) || r.StandardRate < 0 || r.OvertimeRate < 0 || r.CostPerUse < 0:
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d]", i), Err: fmt.Errorf("resource %q: %w", r.ID, ErrBadValue)})
		}
		if _, ok := c.timelineOf(r.Calendar); !ok {
			c.fail(&InputError{Field: fmt.Sprintf("resources[%d].calendar", i), Err: fmt.Errorf("%q: %w", r.Calendar, ErrUnknownCalendar)})
		}
		rs[r.ID] = true
	}
	for i, a := range p.Assignments {
		if _, ok := n.byID[a.Task]; !ok {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].task", i), Err: fmt.Errorf("%q: %w", a.Task, ErrUnknownTask)})
		}
		if !rs[a.Resource] {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].resource", i), Err: fmt.Errorf("%q: unknown resource", a.Resource)})
		}
		if a.Units < 0 || math.IsNaN(a.Units) || math.IsInf(a.Units, 0) {
			c.fail(&InputError{Field: fmt.Sprintf("assignments[%d].units", i), Err: fmt.Errorf("%v: %w", a.Units, ErrBadValue)})
		}
	}
	if len(c.errs) > 0 {
		return
	}
	n.resources = slices.Clone(p.Resources)
	ri := make(map[string]int32, len(p.Resources))
	for i, r := range p.Resources {
		ri[r.ID] = int32(i)
	}
	// Each task's assignments in the project's byTask, in one array.
	byTask := make([]int32, len(p.Assignments))
	for k := range byTask {
		byTask[k] = int32(k)
	}
	task := func(k int32) int32 { return n.byID[p.Assignments[k].Task] }
	slices.SortStableFunc(byTask, func(a, b int32) int { return cmp.Compare(task(a), task(b)) })
	all := make([]assigned, len(byTask))
	for lo := 0; lo < len(byTask); {
		i, hi := task(byTask[lo]), lo
		for ; hi < len(byTask) && task(byTask[hi]) == i; hi++ {
			a := &p.Assignments[byTask[hi]]
			all[hi] = assigned{resource: ri[a.Resource], index: byTask[hi], units: a.Units}
		}
		t := &n.tasks[i]
		m := t.extra()
		m.assign = all[lo:hi:hi]
		t.setExtra(m)
		lo = hi
	}
}

// linkVal is a link as the network keeps it until its links are asked
// for (linkList): its ends' tasks, its type and its lag, in 24 bytes
// where a Link takes 80 and the strings of its ends.
type linkVal struct {
	pred, succ int32
	lag        float64 // the lag's Amount
	unit       Unit
	elapsed    bool
	typ        LinkType
}

func (v *linkVal) lagDuration() Duration {
	return Duration{Amount: v.lag, Unit: v.unit, Elapsed: v.elapsed}
}

// linkMore is what only some links have.
type linkMore struct {
	overlap Duration
	rework  float64
}

// makeLinks keeps the network's links, in canonical order, from the
// project's (links), which linksAndResources has checked.
func (c *compiler) makeLinks(links []Link) {
	n := c.n
	n.linkVals = make([]linkVal, len(c.order))
	for i, k := range c.order {
		l := &links[k]
		n.linkVals[i] = linkVal{pred: c.ends[i][0], succ: c.ends[i][1], lag: l.Lag.Amount, unit: l.Lag.Unit, elapsed: l.Lag.Elapsed, typ: l.Type}
		if !zeroDuration(l.Overlap) || math.Float64bits(l.ReworkCost) != 0 {
			if n.linkMore == nil {
				n.linkMore = map[int32]linkMore{}
			}
			n.linkMore[int32(i)] = linkMore{l.Overlap, l.ReworkCost}
		}
	}
	c.order = nil
}

// linkList returns the network's links, in canonical order, making them
// the first time. Their ends name the tasks by the tasks' own IDs (the
// same text as the project's links), so that the network holds none of
// the project's strings.
func (n *Network) linkList() []Link {
	n.linksOnce.Do(func() {
		n.links = make([]Link, len(n.linkVals))
		for i := range n.linkVals {
			v := &n.linkVals[i]
			n.links[i] = Link{Pred: n.tasks[v.pred].id, Succ: n.tasks[v.succ].id, Type: v.typ, Lag: v.lagDuration()}
			if m, ok := n.linkMore[int32(i)]; ok {
				n.links[i].Overlap, n.links[i].ReworkCost = m.overlap, m.rework
			}
		}
		n.linkVals, n.linkMore = nil, nil
	})
	return n.links
}

// taskDates is what constrain reads of a task besides its compiled
// values: its constraint, a manual task's start, its deadline and its
// actual dates, as wall minutes. The zero value is a task with none.
type taskDates struct {
	ct                            ConstraintType
	manual, started, finished     bool
	hasDeadline                   bool
	date, start, deadline, as, af int64
}

// datesOf returns what constrain reads of task t.
func (c *compiler) datesOf(t *Task) taskDates {
	loc := c.n.loc
	d := taskDates{ct: t.Constraint.Type, manual: t.Manual, started: !t.ActualStart.IsZero(), finished: !t.ActualFinish.IsZero(), hasDeadline: !t.Deadline.IsZero()}
	if d.ct.dated() {
		d.date = wallMinutes(t.Constraint.Date, loc)
	}
	if d.manual {
		d.start = wallMinutes(t.Start, loc)
	}
	if d.hasDeadline {
		d.deadline = wallMinutes(t.Deadline, loc)
	}
	if d.started {
		d.as = wallMinutes(t.ActualStart, loc)
	}
	if d.finished {
		d.af = wallMinutes(t.ActualFinish, loc)
	}
	return d
}

// keepDates keeps what constrain reads of the tasks that have any of it,
// for when the project is gone.
func (c *compiler) keepDates() {
	c.dated = map[int32]taskDates{}
	for i := range c.p.Tasks {
		if d := c.datesOf(&c.p.Tasks[i]); d != (taskDates{}) {
			c.dated[int32(i)] = d
		}
	}
}

// taskDates returns what constrain reads of task i: from the project, or
// from what keepDates kept of it once the project is gone.
func (c *compiler) taskDates(i int32) taskDates {
	if c.p == nil {
		return c.dated[i]
	}
	return c.datesOf(&c.p.Tasks[i])
}

// checkLink checks link l from task pi to task si (-1: unknown), all but
// for duplicates.
func (c *compiler) checkLink(l *Link, pi, si int32) error {
	n := c.n
	switch {
	case pi < 0:
		return fmt.Errorf("predecessor %q: %w", l.Pred, ErrUnknownTask)
	case si < 0:
		return fmt.Errorf("successor %q: %w", l.Succ, ErrUnknownTask)
	case pi == si:
		return ErrSelfLink
	case l.Type > SF:
		return fmt.Errorf("type %d: %w", l.Type, ErrBadValue)
	case c.ancestor(pi, si) || c.ancestor(si, pi):
		return ErrSummaryLink
	case n.tasks[si].summary && l.Type.toFinish():
		return fmt.Errorf("a %v link cannot end on a summary task, as in Microsoft Project: %w", l.Type, ErrBadValue)
	case l.Lag.Unit == Percent && n.tasks[pi].summary:
		return fmt.Errorf("a percent lag needs a predecessor with a duration, not a summary: %w", ErrBadUnit)
	}
	if _, err := l.Lag.minutes(n.settings); err != nil {
		return fmt.Errorf("lag: %v: %w", err, ErrBadValue)
	}
	return nil
}

// ancestor reports whether task a is an outline ancestor of task b.
func (c *compiler) ancestor(a, b int32) bool {
	for j := c.n.tasks[b].parent; j >= 0; j = c.n.tasks[j].parent {
		if j == a {
			return true
		}
	}
	return false
}
