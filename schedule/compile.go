package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"
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
