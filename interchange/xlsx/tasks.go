package xlsx

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// pending is a task row's cells read after every task is known.
type pending struct {
	row               int
	preds, resources  string
	start, finish     time.Time
	outline           int // outline level (from 1), 0 when not given
	wbs, parent, name string
	indent            int
}

// tasks reads the task sheet, and returns its rows' cells that are read
// once the resources and assignments are known.
func (rd *reader) tasks(t *table) []pending {
	rd.taskSheet = t
	g := t.g
	p := rd.p
	fieldCols := rd.fieldColumns(t, false)
	_, hasID := t.cols["id"]
	rows := t.rows()
	pend := make([]pending, 0, len(rows))
	idCol := t.cols["id"]
	for n, r := range rows {
		var task schedule.Task
		pd := pending{row: r}
		if hasID {
			id, _, ok := t.get(r, "id")
			if !ok {
				rd.fail(g.name, r, idCol, "id", "the task's ID is empty")
				continue
			}
			task.ID = rd.trim(id)
		} else {
			task.ID = strconv.Itoa(n + 1)
		}
		if prev, dup := rd.taskRow[task.ID]; dup {
			rd.fail(g.name, r, idCol, "id", "ID %q is also the task's of row %d", task.ID, prev+1)
			continue
		}
		rd.taskRow[task.ID] = r
		if shown, _, ok := t.get(r, "name"); ok {
			task.Name = rd.trim(shown)
			full := g.cell(r, t.cols["name"])
			pd.indent = len(full) - len(strings.TrimLeft(full, " \u00a0"))
		}
		task.Duration, _ = field(rd, t, r, "duration", parseDuration)
		pd.start, _ = field(rd, t, r, "start", rd.dateField(false))
		pd.finish, _ = field(rd, t, r, "finish", rd.dateField(true))
		task.PercentComplete, _ = field(rd, t, r, "percent_complete", rd.percentField)
		pd.preds, _ = field(rd, t, r, "predecessors", rd.textField)
		pd.resources, _ = field(rd, t, r, "resources", rd.textField)
		if lvl, ok := field(rd, t, r, "outline_level", parseNumber); ok {
			if lvl < 1 || lvl != float64(int(lvl)) {
				rd.fail(g.name, r, t.cols["outline_level"], "outline_level", "outline level %v is not a whole number from 1", lvl)
			}
			pd.outline = int(lvl)
		}
		pd.wbs, _ = field(rd, t, r, "wbs", rd.textField)
		pd.parent, _ = field(rd, t, r, "parent", rd.textField)
		task.Type, _ = field(rd, t, r, "type", enumField[schedule.TaskType])
		task.EffortDriven, _ = field(rd, t, r, "effort_driven", parseBool)
		task.Work, _ = field(rd, t, r, "work", parseDuration)
		task.Constraint.Type, _ = field(rd, t, r, "constraint", constraintField)
		end := task.Constraint.Type == schedule.FNET || task.Constraint.Type == schedule.FNLT || task.Constraint.Type == schedule.MFO
		task.Constraint.Date, _ = field(rd, t, r, "constraint_date", rd.dateField(end))
		task.Deadline, _ = field(rd, t, r, "deadline", rd.dateField(true))
		if v, ok := field(rd, t, r, "priority", parseNumber); ok {
			if v != math.Trunc(v) || v < 0 || v > 1000 {
				rd.fail(g.name, r, t.cols["priority"], "priority", "priority %v is not a whole number from 0 to 1000", v)
			}
			task.Priority = cmp.Or(int(v), schedule.LowestPriority)
		}
		task.Calendar, _ = field(rd, t, r, "calendar", rd.textField)
		task.Manual, _ = field(rd, t, r, "manual", manualField)
		task.ActualStart, _ = field(rd, t, r, "actual_start", rd.dateField(false))
		task.ActualFinish, _ = field(rd, t, r, "actual_finish", rd.dateField(true))
		if d, ok := field(rd, t, r, "remaining", parseDuration); ok {
			task.Remaining = &d
		}
		task.FixedCost, _ = field(rd, t, r, "fixed_cost", parseNumber)
		if v, ok := field(rd, t, r, "actual_cost", parseNumber); ok {
			task.ActualCost = &v
		}
		task.StartMilestone, _ = field(rd, t, r, "start_milestone", parseBool)
		task.IgnoreResourceCalendars, _ = field(rd, t, r, "ignore_resource_calendars", parseBool)
		task.NoSplit, _ = field(rd, t, r, "no_split", parseBool)
		task.Splits, _ = field(rd, t, r, "splits", splitsField)
		crashD, hasD := field(rd, t, r, "crash_duration", parseDuration)
		crashC, hasC := field(rd, t, r, "crash_cost", parseNumber)
		crashP, hasP := field(rd, t, r, "crash_cost_per_day", parseNumber)
		switch {
		case hasD:
			task.Crash = &schedule.Crash{Duration: crashD, Cost: crashC, CostPerDay: crashP}
		case hasC:
			rd.fail(g.name, r, t.cols["crash_cost"], "crash_cost", "a crash cost needs a crash duration")
		case hasP:
			rd.fail(g.name, r, t.cols["crash_cost_per_day"], "crash_cost_per_day", "a crash cost per day needs a crash duration")
		}
		task.Notes, _ = field(rd, t, r, "notes", rd.textField)
		task.Fields = fieldValues(g, r, fieldCols)
		if task.Manual {
			task.Start = pd.start
		}
		pd.name = task.Name
		p.Tasks = append(p.Tasks, task)
		pend = append(pend, pd)
	}
	rd.outline(t, pend)
	summary := summaries(p)
	rolledUp(p, summary)
	rd.links(t, pend)
	if !rd.own {
		rd.foreignDates(t, pend, summary)
	}
	return pend
}

// summaries are the IDs of the tasks some task is under.
func summaries(p *schedule.Project) map[string]bool {
	out := map[string]bool{}
	for _, t := range p.Tasks {
		out[t.Parent] = true
	}
	return out
}

// rolledUp clears the progress a sheet shows on summary tasks: it is
// their subtasks', rolled up.
func rolledUp(p *schedule.Project, summary map[string]bool) {
	for k := range p.Tasks {
		if t := &p.Tasks[k]; summary[t.ID] {
			t.PercentComplete, t.ActualStart, t.ActualFinish = 0, time.Time{}, time.Time{}
		}
	}
}

// splitsField reads "2d+1d; 5d+2d": each split's work before it and its
// pause.
func splitsField(shown string) ([]schedule.Split, error) {
	var out []schedule.Split
	for part := range strings.SplitSeq(shown, ";") {
		at, gap, ok := strings.Cut(strings.TrimSpace(part), "+")
		if !ok {
			return nil, fmt.Errorf("%q: want splits as work+pause, such as 2d+1d; 5d+2d", shown)
		}
		a, err1 := parseDuration(at)
		b, err2 := parseDuration(gap)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q: want splits as work+pause, such as 2d+1d; 5d+2d", shown)
		}
		out = append(out, schedule.Split{At: a, Gap: b})
	}
	return out, nil
}

// outline sets each task's parent: from a Parent column, else outline
// levels, else WBS codes ("1.2" is under "1"), else the names' indents.
func (rd *reader) outline(t *table, pend []pending) {
	p, g := rd.p, t.g
	_, hasParent := t.cols["parent"]
	_, hasLevel := t.cols["outline_level"]
	_, hasWBS := t.cols["wbs"]
	indented := false
	for _, pd := range pend {
		indented = indented || pd.indent > 0
	}
	switch {
	case hasParent:
		for k, pd := range pend {
			p.Tasks[k].Parent = pd.parent
		}
	case hasLevel:
		levels := make([]int, len(pend))
		for k, pd := range pend {
			levels[k] = max(pd.outline, 1)
		}
		rd.byLevels(levels)
	case hasWBS:
		byCode := map[string]int{}
		for k, pd := range pend {
			if pd.wbs != "" {
				byCode[pd.wbs] = k
			}
		}
		for k, pd := range pend {
			i := strings.LastIndexAny(pd.wbs, ".")
			if i <= 0 {
				continue
			}
			if parent, ok := byCode[pd.wbs[:i]]; ok && parent != k {
				p.Tasks[k].Parent = p.Tasks[parent].ID
			} else {
				rd.warnings = append(rd.warnings, Warning{Where: at(g.name, ref(pd.row, t.cols["wbs"])),
					Message: fmt.Sprintf("WBS %q: no task has WBS %q, so the task is put at the top level", pd.wbs, pd.wbs[:i])})
			}
		}
	case indented:
		// An indent deeper than the row above's is one level down; back
		// out to the level whose indent it matches.
		levels := make([]int, len(pend))
		var stack []int // indents of the open levels
		for k, pd := range pend {
			for len(stack) > 0 && stack[len(stack)-1] >= pd.indent {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, pd.indent)
			levels[k] = len(stack)
		}
		rd.byLevels(levels)
	}
}

// byLevels sets parents from outline levels: a task's parent is the
// nearest row above one level up.
func (rd *reader) byLevels(levels []int) {
	var open []int // task index at each level
	for k, lvl := range levels {
		if lvl > len(open)+1 {
			lvl = len(open) + 1 // a level skipped: one down
		}
		open = open[:lvl-1]
		if lvl > 1 {
			rd.p.Tasks[k].Parent = rd.p.Tasks[open[lvl-2]].ID
		}
		open = append(open, k)
	}
}

// links reads each task's predecessors: "3FS+2d; 5SS; 7".
func (rd *reader) links(t *table, pend []pending) {
	p := rd.p
	for k, pd := range pend {
		if pd.preds == "" {
			continue
		}
		ls, err := parsePredecessors(pd.preds, func(id string) bool { _, ok := rd.taskRow[id]; return ok })
		if err != nil {
			rd.fail(t.g.name, pd.row, t.cols["predecessors"], "predecessors", "predecessors %v", err)
			continue
		}
		for _, l := range ls {
			l.Succ = p.Tasks[k].ID
			p.Links = append(p.Links, l)
		}
	}
}

// foreignDates reads another tool's or a person's start dates: a task
// without predecessors or a constraint starting after the project start
// starts no earlier than its date, and the earliest start is the
// project's when none was given. Progress without actual dates takes the
// planned ones.
func (rd *reader) foreignDates(t *table, pend []pending, summary map[string]bool) {
	p := rd.p
	hasPred := map[string]bool{}
	for _, l := range p.Links {
		hasPred[l.Succ] = true
	}
	if p.Start.IsZero() {
		for _, pd := range pend {
			if !pd.start.IsZero() && (p.Start.IsZero() || pd.start.Before(p.Start)) {
				p.Start = pd.start
				rd.start = &place{t, pd.row, t.cols["start"]}
			}
		}
	}
	for k, pd := range pend {
		task := &p.Tasks[k]
		if pd.start.IsZero() || summary[task.ID] {
			continue
		}
		if !hasPred[task.ID] && task.Constraint.Type == schedule.ASAP && pd.start.After(p.Start) && !task.Manual {
			task.Constraint = schedule.Constraint{Type: schedule.SNET, Date: pd.start}
		}
		if task.PercentComplete > 0 && task.ActualStart.IsZero() {
			task.ActualStart = pd.start
			if task.PercentComplete == 100 && task.ActualFinish.IsZero() && !pd.finish.IsZero() {
				task.ActualFinish = pd.finish
			}
		}
	}
}

// parsePredecessors reads "3FS+2d; 5SS; 7": each predecessor's ID (the
// longest known one the item starts with; "quoted" when it holds a
// separator), then an optional link type and lag. Items are separated by
// semicolons, or commas when there is no semicolon.
func parsePredecessors(s string, known func(string) bool) ([]schedule.Link, error) {
	sep := ";"
	if !strings.Contains(s, ";") && !strings.Contains(s, `"`) {
		sep = ","
	}
	var out []schedule.Link
	for _, item := range splitQuoted(s, sep) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var id, rest string
		if strings.HasPrefix(item, `"`) {
			end := closingQuote(item)
			if end < 0 {
				return nil, fmt.Errorf("%q: an ID's quote is not closed", item)
			}
			id, rest = strings.ReplaceAll(item[1:end], `""`, `"`), item[end+1:]
			if !known(id) {
				return nil, fmt.Errorf("%q: no task has ID %q", item, id)
			}
		} else {
			var found bool
			id, rest, found = splitItem(item, known)
			if !found {
				return nil, fmt.Errorf("%q: no task has that ID (or the link type and lag after it are not like FS+2d)", item)
			}
		}
		typ, lag, err := linkTail(rest)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", item, err)
		}
		out = append(out, schedule.Link{Pred: id, Type: typ, Lag: lag})
	}
	return out, nil
}

// splitItem cuts an unquoted predecessor item into the longest known
// task ID it starts with whose rest reads as a link type and lag.
func splitItem(item string, known func(string) bool) (id, rest string, ok bool) {
	for i := len(item); i > 0; i-- {
		if known(strings.TrimSpace(item[:i])) {
			if _, _, err := linkTail(item[i:]); err == nil {
				return strings.TrimSpace(item[:i]), item[i:], true
			}
		}
	}
	return "", "", false
}

// linkTail reads what follows a predecessor's ID: "FS+2d", "SS", "-1d",
// "FF+50%", or nothing (FS).
func linkTail(s string) (schedule.LinkType, schedule.Duration, error) {
	s = strings.TrimSpace(s)
	typ := schedule.FS
	if len(s) >= 2 {
		var lt schedule.LinkType
		if err := lt.UnmarshalText([]byte(s[:2])); err == nil {
			typ, s = lt, strings.TrimSpace(s[2:])
		}
	}
	if s == "" {
		return typ, schedule.Duration{}, nil
	}
	if s[0] != '+' && s[0] != '-' {
		return 0, schedule.Duration{}, fmt.Errorf("%q: want a link type (FS, SS, FF, SF) and a lag such as +2d", s)
	}
	sign := 1.0
	if s[0] == '-' {
		sign = -1
	}
	lag, err := parseDuration(strings.TrimSpace(s[1:]))
	if err != nil || lag.Amount < 0 {
		return 0, schedule.Duration{}, fmt.Errorf("lag %q is not a duration", s)
	}
	lag.Amount *= sign
	return typ, lag, nil
}

// splitQuoted splits s at sep outside double quotes.
func splitQuoted(s, sep string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case !quoted && strings.HasPrefix(s[i:], sep):
			out = append(out, s[start:i])
			start = i + len(sep)
		}
	}
	return append(out, s[start:])
}

// closingQuote is the index of the quote closing s's opening one ("" is
// a quote inside).
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] == '"' {
			if i+1 < len(s) && s[i+1] == '"' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}
