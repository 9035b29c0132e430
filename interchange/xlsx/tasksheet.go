package xlsx

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// quoteID writes a task ID, with the link type and lag after it (tail),
// so that a predecessor list reads it back: in quotes when it holds a
// separator or outer space, or when the reader would take a longer ID
// from it ("A" then "FS" must not read as task "AFS").
func quoteID(id, tail string, known func(string) bool) string {
	if got, _, ok := splitItem(id+tail, known); ok && got == id && id != "" &&
		!strings.ContainsAny(id, `;,"`) && strings.TrimSpace(id) == id {
		return id
	}
	return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
}

// predecessors spells the links into each task: "3FS+2d; 5SS".
func (wr *writer) predecessors() map[string]string {
	ids := make(map[string]bool, len(wr.p.Tasks))
	for _, t := range wr.p.Tasks {
		ids[t.ID] = true
	}
	known := func(id string) bool { return ids[id] }
	out := map[string]string{}
	for _, l := range wr.p.Links {
		var b strings.Builder
		if s := out[l.Succ]; s != "" {
			b.WriteString(s)
			b.WriteString("; ")
		}
		tail := l.Type.String()
		if !l.Lag.IsZero() {
			if l.Lag.Amount > 0 {
				tail += "+"
			}
			tail += l.Lag.String()
		}
		b.WriteString(quoteID(l.Pred, tail, known))
		b.WriteString(tail)
		out[l.Succ] = b.String()
		if !l.Overlap.IsZero() || l.ReworkCost != 0 {
			wr.lt.Add("overlap", sheetTasks, "links' fast-tracking overlaps and rework costs are not carried: the predecessors column has no place for them", "link", l.String())
		}
	}
	return out
}

// resourceNames spells each task's assignments: "Crew[50%]; Cement[20]".
func (wr *writer) resourceNames() map[string]string {
	names := map[string]schedule.Resource{}
	for _, res := range wr.p.Resources {
		names[res.ID] = res
	}
	out := map[string]string{}
	for _, a := range wr.p.Assignments {
		res := names[a.Resource]
		s := cmp.Or(res.Name, a.Resource)
		switch {
		case res.Type == schedule.WorkResource && a.Units != 1:
			s += "[" + strconv.FormatFloat(a.Units*100, 'g', -1, 64) + "%]"
		case res.Type != schedule.WorkResource:
			s += "[" + strconv.FormatFloat(a.Units, 'g', -1, 64) + "]"
		}
		if out[a.Task] != "" {
			s = out[a.Task] + "; " + s
		}
		out[a.Task] = s
	}
	return out
}

func (wr *writer) taskCells(preds, resNames map[string]string) map[string]taskCell {
	st, p := wr.st, wr.p
	minPerDay := float64(p.Settings.MinutesPerDay)
	if minPerDay == 0 {
		minPerDay = 480
	}
	bools := func(get func(t *schedule.Task) bool) taskCell {
		return func(t *schedule.Task, _ schedule.TaskResult) any {
			if s := yesNo(get(t)); s != "" {
				return s
			}
			return nil
		}
	}
	texts := func(get func(t *schedule.Task) string) taskCell {
		return func(t *schedule.Task, _ schedule.TaskResult) any {
			if s := get(t); s != "" {
				return s
			}
			return nil
		}
	}
	return map[string]taskCell{
		"id":   texts(func(t *schedule.Task) string { return t.ID }),
		"name": nil, // styled by depth, set by tasks
		"duration": func(t *schedule.Task, tr schedule.TaskResult) any {
			if tr.Summary && t.Duration.IsZero() {
				return nil
			}
			return t.Duration.String()
		},
		"start":  func(_ *schedule.Task, tr schedule.TaskResult) any { return wr.date(tr.Start) },
		"finish": func(_ *schedule.Task, tr schedule.TaskResult) any { return wr.date(tr.Finish) },
		"total_float": func(_ *schedule.Task, tr schedule.TaskResult) any {
			return styled(st.days, float64(tr.TotalFloat)/minPerDay)
		},
		"critical": func(_ *schedule.Task, tr schedule.TaskResult) any {
			if tr.Critical {
				return "Yes"
			}
			return "No"
		},
		"percent_complete": func(t *schedule.Task, tr schedule.TaskResult) any {
			if tr.Summary {
				return styled(st.percent, tr.PercentComplete)
			}
			return styled(st.percent, t.PercentComplete)
		},
		"predecessors":  texts(func(t *schedule.Task) string { return preds[t.ID] }),
		"resources":     texts(func(t *schedule.Task) string { return resNames[t.ID] }),
		"type":          texts(func(t *schedule.Task) string { return enumText(t.Type, t.Type == schedule.FixedUnits) }),
		"effort_driven": bools(func(t *schedule.Task) bool { return t.EffortDriven }),
		"work":          texts(func(t *schedule.Task) string { return durationText(t.Work) }),
		"constraint": texts(func(t *schedule.Task) string {
			return enumText(t.Constraint.Type, t.Constraint.Type == schedule.ASAP)
		}),
		"constraint_date": func(t *schedule.Task, _ schedule.TaskResult) any { return wr.date(t.Constraint.Date) },
		"deadline":        func(t *schedule.Task, _ schedule.TaskResult) any { return wr.date(t.Deadline) },
		"priority":        func(t *schedule.Task, _ schedule.TaskResult) any { return t.LevelingPriority() },
		"calendar":        texts(func(t *schedule.Task) string { return t.Calendar }),
		"manual":          bools(func(t *schedule.Task) bool { return t.Manual }),
		"actual_start":    func(t *schedule.Task, _ schedule.TaskResult) any { return wr.date(t.ActualStart) },
		"actual_finish":   func(t *schedule.Task, _ schedule.TaskResult) any { return wr.date(t.ActualFinish) },
		"remaining": texts(func(t *schedule.Task) string {
			if t.Remaining == nil {
				return ""
			}
			return t.Remaining.String()
		}),
		"fixed_cost": func(t *schedule.Task, _ schedule.TaskResult) any {
			if t.FixedCost == 0 {
				return nil
			}
			return styled(st.money, t.FixedCost)
		},
		"actual_cost": func(t *schedule.Task, _ schedule.TaskResult) any {
			if t.ActualCost == nil {
				return nil
			}
			return styled(st.money, *t.ActualCost)
		},
		"start_milestone":           bools(func(t *schedule.Task) bool { return t.StartMilestone }),
		"ignore_resource_calendars": bools(func(t *schedule.Task) bool { return t.IgnoreResourceCalendars }),
		"no_split":                  bools(func(t *schedule.Task) bool { return t.NoSplit }),
		"splits": texts(func(t *schedule.Task) string {
			parts := make([]string, len(t.Splits))
			for i, s := range t.Splits {
				parts[i] = s.At.String() + "+" + s.Gap.String()
			}
			return strings.Join(parts, "; ")
		}),
		"crash_duration": texts(func(t *schedule.Task) string {
			if t.Crash == nil {
				return ""
			}
			return t.Crash.Duration.String()
		}),
		"crash_cost": func(t *schedule.Task, _ schedule.TaskResult) any {
			if t.Crash == nil || t.Crash.Cost == 0 && t.Crash.CostPerDay != 0 {
				return nil
			}
			return styled(st.money, t.Crash.Cost)
		},
		"crash_cost_per_day": func(t *schedule.Task, _ schedule.TaskResult) any {
			if t.Crash == nil || t.Crash.CostPerDay == 0 {
				return nil
			}
			return styled(st.money, t.Crash.CostPerDay)
		},
		"notes": texts(func(t *schedule.Task) string { return t.Notes }),
	}
}

// enumText is a model enum's text, "" for its default.
func enumText(v interface{ MarshalText() ([]byte, error) }, isDefault bool) string {
	if isDefault {
		return ""
	}
	b, err := v.MarshalText()
	if err != nil {
		return ""
	}
	return string(b)
}

// taskTable lays out the Tasks table: the core columns, then those some
// task uses, then the tasks' custom fields; its headers, widths, and the
// cells of a task's row.
func (wr *writer) taskTable() (headers []string, widths []float64, cellsOf func(outline.Row) []any) {
	p, st := wr.p, wr.st
	cells := wr.taskCells(wr.predecessors(), wr.resourceNames())
	var cols []column
	for _, c := range taskColumns {
		if alwaysWritten[c.key] {
			cols = append(cols, c)
			continue
		}
		get := cells[c.key]
		if get != nil && slices.ContainsFunc(wr.rows, func(row outline.Row) bool {
			tr := wr.results[row.Task]
			return get(&p.Tasks[row.Task], tr) != nil
		}) {
			cols = append(cols, c)
		}
	}
	headers, fields := headersOf(cols, taskColumns, p, false)
	for _, c := range cols {
		widths = append(widths, columnWidth(c.key))
	}
	for range fields {
		widths = append(widths, 16)
	}
	return headers, widths, func(row outline.Row) []any {
		t := &p.Tasks[row.Task]
		tr := wr.results[row.Task]
		out := make([]any, 0, len(headers))
		for _, c := range cols {
			switch c.key {
			case "wbs":
				out = append(out, row.WBS)
			case "name":
				out = append(out, excelize.Cell{StyleID: st.name(row.Depth), Value: t.Name})
			default:
				out = append(out, cells[c.key](t, tr))
			}
		}
		for _, name := range fields {
			if v, ok := t.Fields[name]; ok {
				out = append(out, v)
			} else {
				out = append(out, nil)
			}
		}
		return out
	}
}

func (wr *writer) tasks() error {
	headers, widths, cellsOf := wr.taskTable()
	s, err := wr.startSheet(sheetTasks, headers, widths, 3)
	if err != nil {
		return err
	}
	for _, row := range wr.rows {
		if err := s.put(cellsOf(row), excelize.RowOpts{OutlineLevel: min(row.Depth, 7)}); err != nil {
			return err
		}
	}
	return s.table(len(headers))
}

// fieldHeader is a custom field's column header, marked when a built-in
// column has its name.
func fieldHeader(name string, builtin map[string]string) string {
	if builtin[headerKey(name)] != "" || headerKey(name) == "" || strings.HasPrefix(headerKey(name), "field:") {
		return "Field: " + name
	}
	return name
}

func columnWidth(key string) float64 {
	switch key {
	case "name":
		return 40
	case "predecessors", "resources", "notes":
		return 24
	case "start", "finish", "constraint_date", "deadline", "actual_start", "actual_finish":
		return 17
	case "wbs", "id":
		return 10
	}
	return 12
}

// taskCell is one task column's writer: its value for a task and its
// result (nil for an empty cell).
type taskCell func(t *schedule.Task, tr schedule.TaskResult) any

// alwaysWritten are the task columns written even when empty.
var alwaysWritten = map[string]bool{
	"wbs": true, "id": true, "name": true, "duration": true, "start": true, "finish": true,
	"total_float": true, "critical": true, "percent_complete": true, "predecessors": true,
}
