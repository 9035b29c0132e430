package xlsx

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// project reads critpath's Project sheet: a property per row.
func (rd *reader) project(g *grid) {
	p := rd.p
	props := map[string]int{} // property → row
	for r := 1; r < len(g.rows); r++ {
		if k := g.cell(r, 0); strings.TrimSpace(k) != "" {
			if _, seen := props[headerKey(k)]; !seen || headerKey(k) == headerKey(propCustomField) {
				props[headerKey(k)] = r
			}
		}
	}
	value := func(prop string) (string, int, bool) {
		r, ok := props[headerKey(prop)]
		if !ok {
			return "", -1, false
		}
		v := strings.TrimSpace(g.cell(r, 1))
		return v, r, v != ""
	}
	// The dates' zone: the project's, else the one its dates were in.
	zone, r, ok := value(propTimeZone)
	named := ok
	if !ok {
		zone, r, ok = value(propDatesZone)
	}
	if ok {
		loc, err := time.LoadLocation(zone)
		switch {
		case err != nil:
			rd.fail(g.name, r, 1, "time_zone", "time zone %q is not known", zone)
		case named:
			rd.loc, p.Location = loc, loc
		default:
			rd.loc = loc
		}
	} else if s, r, ok := value(propOffset); ok {
		t, err := time.Parse("-07:00", s)
		if err != nil {
			rd.fail(g.name, r, 1, "utc_offset", "UTC offset %q is not ±hh:mm", s)
		} else {
			_, off := t.Zone()
			rd.loc = time.FixedZone("", off)
		}
	}
	p.Name, _, _ = value(propName)
	p.Calendar, _, _ = value(propCalendar)
	date := func(prop string, end bool) time.Time {
		v, r, ok := value(prop)
		if !ok {
			return time.Time{}
		}
		t, err := rd.dateField(end)(v)
		if err != nil {
			rd.fail(g.name, r, 1, headerKey(prop), "%s %v", strings.ToLower(prop), err)
		}
		return t
	}
	p.Start = date(propStart, false)
	p.Finish = date(propFinish, true)
	p.FinishBy = date(propFinishBy, true)
	p.StatusDate = date(propStatusDate, true)
	if s, r, ok := value(propFromFinish); ok {
		switch headerKey(s) {
		case "finish":
			p.FromFinish = true
		case "start":
		default:
			rd.fail(g.name, r, 1, "from_finish", "schedule from %q: want Start or Finish", s)
		}
	}
	whole := func(prop string) int {
		s, r, ok := value(prop)
		if !ok {
			return 0
		}
		v, err := parseNumber(s)
		if err != nil || v != float64(int(v)) || v < 0 {
			rd.fail(g.name, r, 1, headerKey(prop), "%s %q is not a whole number", strings.ToLower(prop), s)
		}
		return int(v)
	}
	p.Settings = schedule.Settings{MinutesPerDay: whole(propMinutesPerDay), MinutesPerWeek: whole(propMinutesWeek), DaysPerMonth: whole(propDaysPerMonth)}
	// Options and custom fields: every row of their kind.
	opts, optRow := map[string]any{}, map[string]int{}
	for r := 1; r < len(g.rows); r++ {
		k := g.cell(r, 0)
		k = strings.TrimSpace(k)
		shown := g.cell(r, 1)
		shown = strings.TrimSpace(shown)
		switch {
		case strings.HasPrefix(k, propOption):
			name := strings.TrimPrefix(k, propOption)
			optRow[name] = r
			if v, err := strconv.Atoi(shown); err == nil {
				opts[name] = v
			} else {
				opts[name] = shown
			}
		case headerKey(k) == headerKey(propCustomField):
			kind := g.cell(r, 2)
			alias := g.cell(r, 3)
			id := g.cell(r, 4)
			cf := schedule.CustomField{Name: shown, Alias: strings.TrimSpace(alias), ID: strings.TrimSpace(id)}
			switch headerKey(kind) {
			case "resource":
				cf.Resource = true
			case "task", "":
			default:
				rd.fail(g.name, r, 2, "custom_field", "custom field kind %q: want task or resource", kind)
			}
			p.CustomFields = append(p.CustomFields, cf)
		}
	}
	if len(opts) > 0 {
		rd.options(g, opts, optRow)
	}
}

// options reads the scheduling options through critpath's JSON encoding,
// which knows their names and values.
func (rd *reader) options(g *grid, opts map[string]any, rows map[string]int) {
	doc, err := json.Marshal(map[string]any{"start": "2000-01-01T00:00:00Z", "tasks": []any{}, "options": opts})
	if err != nil {
		rd.fail(g.name, -1, 0, "options", "%v", err)
		return
	}
	var q schedule.Project
	if err := json.Unmarshal(doc, &q); err != nil {
		r, c := -1, 1
		if pe, ok := errors.AsType[*schedule.ParseError](err); ok {
			if row, ok := rows[strings.TrimPrefix(pe.Field, "options.")]; ok {
				r = row
			}
		}
		rd.fail(g.name, r, c, "options", "%s", strings.TrimPrefix(err.Error(), "schedule: "))
		return
	}
	rd.p.Options = q.Options
}

// weekdays are the names a Weekday cell may hold, English and Bangla.
var weekdays = map[string]time.Weekday{
	"রবিবার": time.Sunday, "সোমবার": time.Monday, "মঙ্গলবার": time.Tuesday, "বুধবার": time.Wednesday,
	"বৃহস্পতিবার": time.Thursday, "শুক্রবার": time.Friday, "শনিবার": time.Saturday,
}

func weekdayField(shown string) (time.Weekday, error) {
	k := headerKey(shown)
	if d, ok := englishWeekday(k); ok {
		return d, nil
	}
	if d, ok := weekdays[k]; ok {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a day of the week", shown)
}

func workingField(shown string) ([]schedule.Interval, error) {
	switch headerKey(shown) {
	case "", "non working", "nonworking", "off", "none", "ছুটি":
		return []schedule.Interval{}, nil
	}
	var out []schedule.Interval
	for part := range strings.FieldsFuncSeq(shown, func(r rune) bool { return r == ',' || r == ';' }) {
		var iv schedule.Interval
		if err := iv.UnmarshalText([]byte(strings.ReplaceAll(strings.TrimSpace(part), "–", "-"))); err != nil {
			return nil, fmt.Errorf("%q is not working times such as 08:00-12:00, 13:00-17:00", shown)
		}
		out = append(out, iv)
	}
	return out, nil
}

// calendars reads critpath's Calendars sheet: a calendar's first row
// names it and its base, then a row per weekday and per exception.
func (rd *reader) calendars(g *grid) {
	t := newTable(g, calendarColumns, nil)
	if t == nil {
		rd.noHeader(g)
		return
	}
	index := map[string]int{}
	day := func(s string) (schedule.Date, error) {
		v, err := rd.dateField(false)(s)
		return schedule.DateOf(v), err
	}
	for _, r := range t.rows() {
		name, c, ok := t.get(r, "calendar")
		name = rd.trim(name)
		if !ok {
			rd.fail(g.name, r, max(c, 0), "calendar", "the calendar's name is empty")
			continue
		}
		k, seen := index[name]
		if !seen {
			k = len(rd.p.Calendars)
			index[name], rd.calRow[name] = k, r
			rd.p.Calendars = append(rd.p.Calendars, schedule.Calendar{Name: name})
		}
		cal := &rd.p.Calendars[k]
		if base, _, ok := t.get(r, "base"); ok {
			cal.Base = rd.trim(base)
		}
		working, _ := field(rd, t, r, "working", workingField)
		if _, _, ok := t.get(r, "weekday"); ok {
			d, ok := field(rd, t, r, "weekday", weekdayField)
			if !ok {
				continue
			}
			if cal.Week == nil {
				cal.Week = map[time.Weekday][]schedule.Interval{}
			}
			cal.Week[d] = nonNil(working)
			continue
		}
		from, ok := field(rd, t, r, "from", day)
		if !ok {
			if _, _, given := t.get(r, "from"); !given && (working != nil || cellGiven(t, r, "exception")) {
				_, c, _ := t.get(r, "from")
				rd.fail(g.name, r, max(c, 0), "from", "an exception needs its first day (From)")
			}
			continue
		}
		to, _ := field(rd, t, r, "to", day)
		yearly, _ := field(rd, t, r, "yearly", parseBool)
		name, _ = field(rd, t, r, "exception", rd.textField)
		cal.Exceptions = append(cal.Exceptions, schedule.Exception{Name: name, From: from, To: to, Working: nonNil(working), Yearly: yearly})
	}
}

func nonNil(ivs []schedule.Interval) []schedule.Interval {
	if ivs == nil {
		return []schedule.Interval{}
	}
	return ivs
}

func cellGiven(t *table, r int, f string) bool {
	_, _, ok := t.get(r, f)
	return ok
}

// fieldColumns finds the custom field columns of a task (or resource)
// table: in critpath's workbook, the headers of the fields its Project
// sheet declares ("Name" or "Field: Name"). Every other column no field
// reads is a warning.
func (rd *reader) fieldColumns(t *table, resource bool) map[int]string {
	declared := map[string]string{}
	for _, cf := range rd.p.CustomFields {
		if cf.Resource == resource {
			declared[headerKey(cf.Name)] = cf.Name
			declared[headerKey("Field: "+cf.Name)] = cf.Name
		}
	}
	cols := map[int]string{}
	for _, c := range slices.Sorted(maps.Keys(t.extra)) {
		head := t.extra[c]
		if name, ok := declared[headerKey(head)]; ok {
			cols[c] = name
		} else {
			rd.warnings = append(rd.warnings, Warning{Where: at(t.g.name, ref(t.header, c)), Message: fmt.Sprintf("column %q is not read", head)})
		}
	}
	return cols
}

// fieldValues are row r's custom field values, nil when it has none.
func fieldValues(g *grid, r int, cols map[int]string) map[string]string {
	var out map[string]string
	for c, name := range cols {
		if shown := g.cell(r, c); shown != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = shown
		}
	}
	return out
}

// resources reads the Resources sheet.
func (rd *reader) resources(t *table) {
	if t == nil {
		return
	}
	p, g := rd.p, t.g
	fieldCols := rd.fieldColumns(t, true)
	seen := map[string]int{}
	for _, r := range t.rows() {
		var res schedule.Resource
		res.ID, _ = field(rd, t, r, "id", rd.textField)
		res.Name, _ = field(rd, t, r, "name", rd.textField)
		if rd.own || res.ID == "" {
			res.ID = cmp.Or(res.ID, res.Name)
		}
		if res.ID == "" {
			rd.fail(g.name, r, t.cols["name"], "name", "the resource has neither an ID nor a name")
			continue
		}
		if prev, dup := seen[res.ID]; dup {
			rd.fail(g.name, r, t.cols["id"], "id", "resource ID %q is also the one of row %d", res.ID, prev+1)
			continue
		}
		seen[res.ID] = r
		if uid, _, ok := t.get(r, "unique_id"); ok {
			rd.resUID[strings.TrimSpace(uid)] = res.ID
		}
		rd.resPlace[len(p.Resources)] = place{t, r, t.cols["id"]}
		res.Type, _ = field(rd, t, r, "type", enumField[schedule.ResourceType])
		res.MaxUnits, _ = field(rd, t, r, "max_units", unitsField)
		res.Calendar, _ = field(rd, t, r, "calendar", rd.textField)
		if !rd.own && headerKey(res.Calendar) == headerKey(schedule.Standard) {
			res.Calendar = "" // another tool's default: the project calendar
		}
		res.StandardRate, _ = field(rd, t, r, "standard_rate", parseNumber)
		res.OvertimeRate, _ = field(rd, t, r, "overtime_rate", parseNumber)
		res.CostPerUse, _ = field(rd, t, r, "cost_per_use", parseNumber)
		res.Group, _ = field(rd, t, r, "group", rd.textField)
		res.Fields = fieldValues(g, r, fieldCols)
		p.Resources = append(p.Resources, res)
	}
}

// baselines reads the Baselines sheet: a row per baseline and task.
func (rd *reader) baselines(g *grid) {
	t := newTable(g, baselineColumns, nil)
	if t == nil {
		rd.noHeader(g)
		return
	}
	p := rd.p
	index := map[string]int{}
	for _, r := range t.rows() {
		name, _ := field(rd, t, r, "baseline", rd.textField)
		id, c, ok := t.get(r, "task")
		id = rd.trim(id)
		if !ok {
			rd.fail(g.name, r, max(c, 0), "task", "the baseline row names no task")
			continue
		}
		k, seen := index[name]
		if !seen {
			k = len(p.Baselines)
			index[name] = k
			p.Baselines = append(p.Baselines, schedule.Baseline{Name: name})
		}
		bt := schedule.BaselineTask{ID: id}
		bt.Start, _ = field(rd, t, r, "start", rd.dateField(false))
		bt.Finish, _ = field(rd, t, r, "finish", rd.dateField(true))
		bt.Duration, _ = field(rd, t, r, "duration", parseDuration)
		bt.Work, _ = field(rd, t, r, "work", parseDuration)
		bt.Cost, _ = field(rd, t, r, "cost", parseNumber)
		p.Baselines[k].Tasks = append(p.Baselines[k].Tasks, bt)
	}
}
