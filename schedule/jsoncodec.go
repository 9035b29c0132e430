package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
)

// A codec converts between a project (the model: Project and its parts)
// and its wire form (projectJSON and its parts), a field at a time. One
// mapping function per part serves each direction, so that each field is
// converted in one place (and a field the two forms hold alike in none:
// see plain):
//   - writing: from the model to the wire form;
//   - reading: from the wire form to the model; the lists (tasks, links
//     …) are converted element by element as the reader reads them;
//   - settling: over the model's lists once the whole document is read,
//     when the project's time zone and settings are known, if anything
//     read needs it: dates written without an offset move to the zone,
//     and durations too long for the engine are errors.
type codec struct {
	mode codecMode
	loc  *time.Location // the project's time zone
	// Dates without an offset read before the zone is known are put in
	// one of these stand-in zones (a date and time, a day's start, a
	// day's end) until settling moves them to it.
	pending  [3]*time.Location
	settings Settings // with their defaults; known when settling
	// unsettled counts what settling has to do: dates read in a stand-in
	// zone, and durations that some settings would make too long.
	unsettled int
	at        place // the part being converted, for errors
	errs      []error
	sinks     map[any]sink // reading: the lists read element by element
}

type codecMode uint8

const (
	writing codecMode = iota
	reading
	settling
)

func newDecoding() *codec {
	c := &codec{mode: reading, sinks: map[any]sink{}}
	for k := range c.pending {
		c.pending[k] = time.FixedZone("pending", 0)
	}
	c.loc = c.pending[0]
	return c
}

// place names the part of the project being converted: a list and the
// index in it, a task's ID, and the part within it.
type place struct {
	list  string // "tasks", "links", … or "" for the project itself
	index int
	id    string
	sub   string // e.g. "crash."
}

// name names a field of the part as errors do: `task "A" duration`,
// `links[3].lag`, `time_zone`.
func (p place) name(field string) string {
	field = p.sub + field
	switch {
	case p.list == "":
		return field
	case p.list == "tasks" && p.id != "":
		return fmt.Sprintf("task %q %s", p.id, field)
	}
	return fmt.Sprintf("%s[%d].%s", p.list, p.index, field)
}

// within converts a part of the current part, named sub, with conv.
func within[W, M any](c *codec, sub string, w *W, m *M, conv func(*codec, *W, *M)) {
	outer := c.at.sub
	c.at.sub += sub + "."
	conv(c, w, m)
	c.at.sub = outer
}

// fail records that field of the current part cannot be converted.
func (c *codec) fail(field string, err error) {
	if len(c.errs) >= maxReported {
		return
	}
	if c.mode == writing {
		c.errs = append(c.errs, fmt.Errorf("schedule: writing json: %s: %w", c.at.name(field), err))
		return
	}
	c.errs = append(c.errs, &ParseError{Field: c.at.name(field), Err: err})
}

func (c *codec) err() error { return errors.Join(c.errs...) }

// plain copies the fields the wire form W and the model M hold alike:
// each field of W with the name and type of one of M's. A number that JSON
// cannot write (NaN, ±Inf) is an error naming it.
func plain[W, M any](c *codec, w *W, m *M) {
	if c.mode == settling {
		return
	}
	wv, mv := reflect.ValueOf(w).Elem(), reflect.ValueOf(m).Elem()
	for _, f := range alike(wv.Type(), mv.Type()) {
		wf, mf := wv.Field(f.wire), mv.Field(f.model)
		switch {
		case c.mode == reading:
			mf.Set(wf)
		case f.number && !c.finite(mf.Float(), f.name):
		case f.optNumber && !mf.IsNil() && !c.finite(mf.Elem().Float(), f.name):
		default:
			wf.Set(mf)
		}
	}
}

// alikeField pairs a field of a wire type (its index and JSON name) with
// the model's field of the same name and type, and says whether it is a
// number or a pointer to one.
type alikeField struct {
	wire, model       int
	name              string
	number, optNumber bool
}

var alikeFields sync.Map // wire type → []alikeField; a wire type has one model

func alike(wire, model reflect.Type) []alikeField {
	if fs, ok := alikeFields.Load(wire); ok {
		return fs.([]alikeField)
	}
	var fs []alikeField
	for i := range wire.NumField() {
		f := wire.Field(i)
		if mf, ok := model.FieldByName(f.Name); ok && len(mf.Index) == 1 && mf.Type == f.Type {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fs = append(fs, alikeField{wire: i, model: mf.Index[0], name: name,
				number: f.Type.Kind() == reflect.Float64, optNumber: f.Type == reflect.TypeFor[*float64]()})
		}
	}
	alikeFields.Store(wire, fs)
	return fs
}

// finite fails a number JSON cannot write when writing.
func (c *codec) finite(v float64, field string) bool {
	if c.mode == writing && (math.IsNaN(v) || math.IsInf(v, 0)) {
		c.fail(field, fmt.Errorf("%v cannot be written in JSON", v))
		return false
	}
	return true
}

// pick returns the wire form's value when reading, the model's otherwise.
func pick[T any](c *codec, w, m T) T {
	if c.mode == reading {
		return w
	}
	return m
}

// option converts a setting left out when it has its zero value, the
// default.
func option[T comparable](c *codec, w **T, m *T) {
	var zero T
	switch {
	case c.mode == writing && *m != zero:
		*w = new(*m)
	case c.mode == reading && *w != nil:
		*m = **w
	}
}

// date converts a date: RFC 3339 on the wire, or, read, one without an
// offset (in the project's zone) or a bare day (its start, or its end when
// end is set).
func (c *codec) date(w *string, m *time.Time, field string, end bool) {
	switch c.mode {
	case writing:
		if m.IsZero() {
			*w = ""
			return
		}
		t := m.In(c.loc)
		if t.Year() < 0 || t.Year() > 9999 {
			c.fail(field, fmt.Errorf("%v: RFC 3339 writes years 0 to 9999", t))
			return
		}
		*w = t.Format(time.RFC3339)
	case reading:
		*m = c.parseDate(*w, field, end)
		if l := m.Location(); l == c.pending[0] || l == c.pending[1] || l == c.pending[2] {
			c.unsettled++
		}
	case settling:
		switch m.Location() {
		case c.pending[0]:
			*m = time.Date(m.Year(), m.Month(), m.Day(), m.Hour(), m.Minute(), m.Second(), m.Nanosecond(), c.loc)
		case c.pending[1]:
			*m = time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, c.loc)
		case c.pending[2]:
			*m = time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, c.loc).AddDate(0, 0, 1)
		}
	}
}

func (c *codec) parseDate(s, field string, end bool) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, c.loc); err == nil {
			return t
		}
	}
	if c.loc != c.pending[0] {
		if t, err := time.ParseInLocation(time.DateOnly, s, c.loc); err == nil {
			if end {
				t = t.AddDate(0, 0, 1)
			}
			return t
		}
	} else if t, err := time.ParseInLocation(time.DateOnly, s, c.pending[1+boolInt(end)]); err == nil {
		return t // settling finds the day's start or end in the project's zone
	}
	c.fail(field, fmt.Errorf("%q is not a date: want RFC 3339, e.g. 2027-01-03T08:00:00+06:00", s))
	return time.Time{}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// duration converts a duration: "5d", "2ed", "50%" on the wire, left out
// when it is zero minutes.
func (c *codec) duration(w *string, m *Duration, field string) {
	switch c.mode {
	case writing:
		if m.IsZero() && m.Unit == Minute && !m.Elapsed {
			*w = ""
			return
		}
		b, err := m.MarshalText()
		if err != nil {
			c.fail(field, err)
		}
		*w = string(b)
	case reading:
		*m = Duration{}
		if *w != "" {
			var err error
			if *m, err = ParseDuration(*w); err != nil {
				c.fail(field, err)
			}
			if _, err := m.minutes(longest); err != nil {
				c.unsettled++
			}
		}
	case settling:
		c.checkDuration(*m, field)
	}
}

// longest are the settings that make durations longest in minutes: a
// duration in range with them is in range with any (see Compile).
var longest = Settings{MinutesPerDay: 10080, MinutesPerWeek: 10080, DaysPerMonth: 10080}

// checkDuration fails a duration the engine cannot hold in minutes with
// the project's settings.
func (c *codec) checkDuration(d Duration, field string) {
	if _, err := d.minutes(c.settings); err != nil {
		c.fail(field, fmt.Errorf("%w: more than %d minutes", err, maxMinutes))
	}
}

// remaining converts a task's remaining duration, which is written even
// when zero.
func (c *codec) remaining(w *string, m **Duration) {
	switch {
	case c.mode == writing && *m != nil:
		c.duration(w, *m, "remaining")
		if *w == "" {
			*w = "0m"
		}
	case c.mode == reading && *w != "":
		*m = new(Duration)
		c.duration(w, *m, "remaining")
	case c.mode == settling && *m != nil:
		c.checkDuration(**m, "remaining")
	}
}

// priority converts a task's leveling priority: left out at the default,
// 500; 0 on the wire is LowestPriority.
func (c *codec) priority(w **int, m *int) {
	switch c.mode {
	case writing:
		if v := (&Task{Priority: *m}).LevelingPriority(); v != DefaultPriority {
			*w = &v
		}
	case reading:
		if *w == nil {
			return
		}
		if v := **w; v < 0 || v > 1000 {
			c.fail("priority", fmt.Errorf("%d: want 0 to 1000", v))
		}
		*m = cmp.Or(**w, LowestPriority)
	}
}

// part converts a part the wire form holds behind a pointer, nil when it
// is left out, and the model as a value, which is present unless it has
// its default.
func part[W, M any](c *codec, w **W, m *M, present bool, conv func(*codec, *W, *M)) {
	switch {
	case c.mode == writing && present:
		*w = new(W)
		conv(c, *w, m)
	case c.mode == reading && *w != nil:
		conv(c, *w, m)
	case c.mode == settling && present:
		conv(c, new(W), m)
	}
}

// optional converts a part that may be missing: a nil pointer on each
// side.
func optional[W, M any](c *codec, w **W, m **M, conv func(*codec, *W, *M)) {
	switch {
	case c.mode == writing && *m != nil:
		*w = new(W)
		conv(c, *w, *m)
	case c.mode == reading && *w != nil:
		*m = new(M)
		conv(c, *w, *m)
	case c.mode == settling && *m != nil:
		conv(c, new(W), *m)
	}
}

// each converts a list of a part element by element.
func each[W, M any](c *codec, w *[]W, m *[]M, conv func(*codec, *W, *M, int)) {
	switch c.mode {
	case writing:
		*w = make([]W, len(*m))
		for i := range *m {
			conv(c, &(*w)[i], &(*m)[i], i)
		}
	case reading:
		*m = nil
		if len(*w) > 0 {
			*m = make([]M, len(*w))
		}
		for i := range *w {
			conv(c, &(*w)[i], &(*m)[i], i)
		}
	case settling:
		var scratch W
		for i := range *m {
			conv(c, &scratch, &(*m)[i], i)
		}
	}
}

// lists converts the project's lists.
func (c *codec) lists(w *projectJSON, p *Project) {
	list(c, &w.Calendars, &p.Calendars, (*codec).calendar)
	shortList(c, &w.Tasks, &p.Tasks, (*codec).task, shortTask, (*shortTaskForm).task)
	shortList(c, &w.Links, &p.Links, (*codec).link, shortLink, (*shortLinkForm).link)
	list(c, &w.Resources, &p.Resources, (*codec).resource)
	list(c, &w.Assignments, &p.Assignments, (*codec).assignment)
	list(c, &w.Baselines, &p.Baselines, (*codec).baseline)
	list(c, &w.Fields, &p.CustomFields, (*codec).customField)
	c.at = place{}
}

// head converts what the project holds besides its lists.
func (c *codec) head(w *projectJSON, p *Project) {
	c.at = place{}
	plain(c, w, p)
	switch c.mode {
	case writing:
		c.loc = cmp.Or(p.Location, p.Start.Location())
		if p.Location != nil {
			w.TimeZone = p.Location.String()
		}
	case reading:
		c.loc = time.UTC
		if w.TimeZone != "" {
			loc, err := time.LoadLocation(w.TimeZone)
			if err != nil {
				c.fail("time_zone", fmt.Errorf("%q: %w", w.TimeZone, err))
			} else {
				c.loc, p.Location = loc, loc
			}
		} else if t, err := time.Parse(time.RFC3339, cmp.Or(w.Start, w.Finish)); err == nil {
			c.loc = t.Location()
		}
		if w.Start == "" && !w.FromFinish {
			c.fail("start", errors.New("the project has no start date"))
		}
	}
	c.date(&w.Start, &p.Start, "start", false)
	c.date(&w.FinishBy, &p.FinishBy, "finish_by", true)
	c.date(&w.Finish, &p.Finish, "finish", true)
	c.date(&w.StatusDate, &p.StatusDate, "status_date", true)
	if c.mode == reading && p.Location == nil && !p.Start.IsZero() {
		p.Start = p.Start.In(c.loc)
	}
	part(c, &w.Settings, &p.Settings, p.Settings != (Settings{}), plain)
	c.settings = p.Settings.withDefaults()
	part(c, &w.Options, &p.Options, p.Options != (Options{}), (*codec).options)
}

// options converts the scheduling options. "profile" is only read: it
// sets every option to a tool's before the others apply.
func (c *codec) options(w *optionsJSON, m *Options) {
	if c.mode == reading && w.Profile != "" {
		opts, ok := Profile(w.Profile)
		if !ok {
			c.fail("options.profile", fmt.Errorf("%q: want msproject or p6", w.Profile))
		}
		*m = opts
	}
	option(c, &w.TotalFloat, &m.TotalFloat)
	option(c, &w.LagCalendar, &m.LagCalendar)
	option(c, &w.Constraints, &m.Constraints)
	option(c, &w.SummaryFloat, &m.SummaryFloat)
	option(c, &w.Progress, &m.Progress)
	option(c, &w.ALAP, &m.ALAP)
	option(c, &w.LateDates, &m.LateDates)
	option(c, &w.CrossCalendar, &m.CrossCalendar)
	option(c, &w.FloatCalendar, &m.FloatCalendar)
	c.duration(&w.CriticalFloat, &m.CriticalFloat, "options.critical_float")
	if c.mode == reading {
		c.checkDuration(m.CriticalFloat, "options.critical_float")
	}
}

func (c *codec) calendar(w *calendarJSON, m *Calendar, i int) {
	c.at = place{list: "calendars", index: i}
	plain(c, w, m)
	switch {
	case c.mode == writing && m.Week != nil:
		w.Week = map[string][]Interval{}
		for wd, ivs := range m.Week {
			if wd < time.Sunday || wd > time.Saturday {
				c.fail("week", fmt.Errorf("weekday %d", wd))
				continue
			}
			w.Week[weekdayNames[wd]] = nonNil(ivs)
		}
	case c.mode == reading && w.Week != nil:
		m.Week = map[time.Weekday][]Interval{}
		for name, ivs := range w.Week {
			wd := weekday(name)
			if wd < 0 {
				c.fail("week", fmt.Errorf("%q is not a weekday: want sunday … saturday", name))
				continue
			}
			m.Week[wd] = nonNil(ivs)
		}
	}
	each(c, &w.Exceptions, &m.Exceptions, (*codec).exception)
}

var weekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// weekday returns the day a name spells in any case, or -1.
func weekday(name string) time.Weekday {
	for wd, n := range weekdayNames {
		if strings.EqualFold(name, n) {
			return time.Weekday(wd)
		}
	}
	return -1
}

func nonNil(ivs []Interval) []Interval {
	if ivs == nil {
		return []Interval{}
	}
	return ivs
}

func (c *codec) exception(w *exceptionJSON, m *Exception, _ int) {
	plain(c, w, m)
	switch {
	case c.mode == writing && !m.To.IsZero():
		w.To = &m.To
	case c.mode == reading && w.To != nil:
		m.To = *w.To
	}
}

func (c *codec) task(w *taskJSON, m *Task, i int) {
	c.at = place{list: "tasks", index: i, id: pick(c, w.ID, m.ID)}
	plain(c, w, m)
	c.duration(&w.Duration, &m.Duration, "duration")
	part(c, &w.Constraint, &m.Constraint, m.Constraint.Type != ASAP || !m.Constraint.Date.IsZero(), (*codec).constraint)
	c.date(&w.Deadline, &m.Deadline, "deadline", true)
	c.priority(&w.Priority, &m.Priority)
	c.date(&w.Start, &m.Start, "start", false)
	c.date(&w.ActualStart, &m.ActualStart, "actual_start", false)
	c.date(&w.ActualFinish, &m.ActualFinish, "actual_finish", true)
	c.remaining(&w.Remaining, &m.Remaining)
	c.duration(&w.Work, &m.Work, "work")
	each(c, &w.Splits, &m.Splits, (*codec).split)
	optional(c, &w.Crash, &m.Crash, func(c *codec, w *crashJSON, m *Crash) {
		within(c, "crash", w, m, func(c *codec, w *crashJSON, m *Crash) {
			plain(c, w, m)
			c.duration(&w.Duration, &m.Duration, "duration")
		})
	})
}

func (c *codec) constraint(w *constraintJSON, m *Constraint) {
	within(c, "constraint", w, m, func(c *codec, w *constraintJSON, m *Constraint) {
		plain(c, w, m)
		end := m.Type == FNET || m.Type == FNLT || m.Type == MFO
		c.date(&w.Date, &m.Date, "date", end)
	})
}

func (c *codec) split(w *splitJSON, m *Split, k int) {
	within(c, fmt.Sprintf("splits[%d]", k), w, m, func(c *codec, w *splitJSON, m *Split) {
		c.duration(&w.At, &m.At, "at")
		c.duration(&w.Gap, &m.Gap, "gap")
	})
}

func (c *codec) link(w *linkJSON, m *Link, i int) {
	c.at = place{list: "links", index: i}
	plain(c, w, m)
	switch {
	case c.mode == writing && m.Type != FS:
		w.Type = &m.Type
	case c.mode == reading && w.Type != nil:
		m.Type = *w.Type
	}
	c.duration(&w.Lag, &m.Lag, "lag")
	c.duration(&w.Overlap, &m.Overlap, "overlap")
}

func (c *codec) resource(w *resourceJSON, m *Resource, i int) {
	c.at = place{list: "resources", index: i}
	plain(c, w, m)
}

func (c *codec) assignment(w *assignmentJSON, m *Assignment, i int) {
	c.at = place{list: "assignments", index: i}
	plain(c, w, m)
	c.duration(&w.Work, &m.Work, "work")
}

func (c *codec) baseline(w *baselineJSON, m *Baseline, i int) {
	c.at = place{list: "baselines", index: i}
	plain(c, w, m)
	list := fmt.Sprintf("baselines[%d].tasks", i)
	each(c, &w.Tasks, &m.Tasks, func(c *codec, w *baselineTaskJSON, m *BaselineTask, k int) {
		c.at = place{list: list, index: k}
		plain(c, w, m)
		c.date(&w.Start, &m.Start, "start", false)
		c.date(&w.Finish, &m.Finish, "finish", true)
		c.duration(&w.Duration, &m.Duration, "duration")
		c.duration(&w.Work, &m.Work, "work")
	})
	if c.mode == reading && m.Tasks == nil {
		m.Tasks = []BaselineTask{}
	}
}

func (c *codec) customField(w *fieldJSON, m *CustomField, _ int) { plain(c, w, m) }
