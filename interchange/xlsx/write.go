package xlsx

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/outline"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// Warning is something a writer could not carry, or a reader set aside:
// the sheet and cell it is about ("" for the whole workbook) and what.
type Warning struct {
	Sheet, Cell string
	Message     string
}

func (w Warning) String() string {
	switch {
	case w.Cell != "":
		return fmt.Sprintf("%s!%s: %s", w.Sheet, w.Cell, w.Message)
	case w.Sheet != "":
		return fmt.Sprintf("%s: %s", w.Sheet, w.Message)
	}
	return w.Message
}

// The sheets of critpath's workbook.
const (
	sheetTasks       = "Tasks"
	sheetGantt       = "Gantt"
	sheetResources   = "Resources"
	sheetAssignments = "Assignments"
	sheetUsage       = "Usage"
	sheetCalendars   = "Calendars"
	sheetBaselines   = "Baselines"
	sheetProject     = "Project"
)

// styles are the workbook's cell styles.
type styles struct {
	header, title, date, day, percent, days, money, hours, number int
	names                                                         []int // task names by outline depth
	bar, critical, summary, done, milestone, weekend              int
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	add(&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill("DDEBF7"),
		Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	add(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	dateFmt, dayFmt, daysFmt := "yyyy-mm-dd hh:mm", "yyyy-mm-dd", `General" d"`
	add(&s.date, &excelize.Style{CustomNumFmt: &dateFmt})
	add(&s.day, &excelize.Style{CustomNumFmt: &dayFmt})
	percentFmt := `0"%"` // the percentage itself, exact, not a fraction
	add(&s.percent, &excelize.Style{CustomNumFmt: &percentFmt})
	add(&s.days, &excelize.Style{CustomNumFmt: &daysFmt})
	add(&s.money, &excelize.Style{NumFmt: 4})
	hoursFmt := "0.0"
	add(&s.hours, &excelize.Style{CustomNumFmt: &hoursFmt})
	add(&s.number, &excelize.Style{NumFmt: 0})
	add(&s.bar, &excelize.Style{Fill: fill("4A90D9")})
	add(&s.critical, &excelize.Style{Fill: fill("E53935")})
	add(&s.summary, &excelize.Style{Fill: fill("404040")})
	add(&s.done, &excelize.Style{Fill: fill("1F4E79")})
	add(&s.milestone, &excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	add(&s.weekend, &excelize.Style{Fill: fill("F2F2F2")})
	for depth := range 8 {
		var st int
		add(&st, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Indent: 2 * depth}})
		s.names = append(s.names, st)
	}
	return &s, err
}

func (s *styles) name(depth int) int { return s.names[min(depth, len(s.names)-1)] }

// sheet streams one sheet's rows.
type sheet struct {
	name string
	sw   *excelize.StreamWriter
	row  int
}

func newSheet(f *excelize.File, name string) (*sheet, error) {
	if name != sheetTasks {
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	return &sheet{name: name, sw: sw}, nil
}

func (s *sheet) put(cells []any, opts ...excelize.RowOpts) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, cells, opts...)
}

// table ends a sheet of cols columns as an Excel table (a filter on each
// header) when it has rows under its header.
func (s *sheet) table(cols int) error {
	if s.row >= 2 {
		end, err := excelize.CoordinatesToCellName(cols, s.row)
		if err != nil {
			return err
		}
		if err := s.sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: s.name, StyleName: "TableStyleLight1"}); err != nil {
			return err
		}
	}
	return s.sw.Flush()
}

func (s *sheet) widths(ws ...float64) error {
	for i, w := range ws {
		if err := s.sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

func (s *sheet) freeze(cols, rows int) error {
	cell, err := excelize.CoordinatesToCellName(cols+1, rows+1)
	if err != nil {
		return err
	}
	return s.sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: cell, ActivePane: "bottomRight"})
}

func (s *styles) headerRow(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = excelize.Cell{StyleID: s.header, Value: n}
	}
	return out
}

// styled is a value with a style, nil for an empty cell.
func styled(style int, v any) any {
	if v == nil {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: v}
}

// dateCell is a date as an Excel serial number in the given style, nil
// for no date.
func dateCell(style int, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: serial(t)}
}

func dayCell(style int, d schedule.Date) any {
	if d.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: serial(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))}
}

// text of a duration, "" for a zero one when zero means "not given".
func durationText(d schedule.Duration) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Write writes project p, scheduled as r (nil: Write schedules it), as an
// Excel workbook: Tasks (outline, dates, float, predecessors as "3FS+2d;
// 5SS"), a Gantt chart drawn with cell fills, Resources, Assignments,
// resource usage by week, Calendars, Baselines and the Project's
// settings. Large projects are streamed, so memory stays flat. What the
// workbook cannot carry is returned as warnings; an error means nothing
// useful was written.
func Write(w io.Writer, p *schedule.Project, r *schedule.Result) ([]Warning, error) {
	wr, err := newWriter(p, r)
	if err != nil {
		return nil, err
	}
	f := wr.f
	defer f.Close()
	for _, step := range []func() error{wr.tasks, wr.gantt, wr.resources, wr.assignments, wr.usage, wr.calendars, wr.baselines, wr.project} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := f.Write(w); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return wr.warnings, nil
}

// newWriter schedules p when r is nil and lays out its outline.
func newWriter(p *schedule.Project, r *schedule.Result) (*writer, error) {
	if r == nil {
		n, err := schedule.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		r = n.NewResult()
		r.Run()
	}
	rows, err := outline.Order(p)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheetTasks); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return &writer{f: f, p: p, r: r, st: st, rows: rows}, nil
}

type writer struct {
	f        *excelize.File
	p        *schedule.Project
	r        *schedule.Result
	st       *styles
	rows     []outline.Row
	warnings []Warning
}

func (wr *writer) warn(sheet, format string, args ...any) {
	wr.warnings = append(wr.warnings, Warning{Sheet: sheet, Message: fmt.Sprintf(format, args...)})
}

// result returns the scheduled task of p.Tasks[k].
func (wr *writer) result(k int) (schedule.TaskResult, int) {
	i, ok := wr.r.Network().Index(wr.p.Tasks[k].ID)
	if !ok {
		return schedule.TaskResult{}, -1
	}
	return wr.r.Task(i), i
}

// quoteID writes a task ID so that a predecessor list reads it back.
func quoteID(id string) string {
	if id == "" || strings.ContainsAny(id, `;,"`) || strings.TrimSpace(id) != id {
		return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
	}
	return id
}

// predecessors spells the links into each task: "3FS+2d; 5SS".
func (wr *writer) predecessors() map[string]string {
	out := map[string]string{}
	for _, l := range wr.p.Links {
		var b strings.Builder
		if s := out[l.Succ]; s != "" {
			b.WriteString(s)
			b.WriteString("; ")
		}
		b.WriteString(quoteID(l.Pred))
		b.WriteString(l.Type.String())
		if !l.Lag.IsZero() {
			if l.Lag.Amount > 0 {
				b.WriteByte('+')
			}
			b.WriteString(l.Lag.String())
		}
		out[l.Succ] = b.String()
		if !l.Overlap.IsZero() || l.ReworkCost != 0 {
			wr.warn(sheetTasks, "link %s: its fast-tracking overlap and rework cost are not carried", &l)
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

// taskCell is one task column's writer: its value for task k (nil for an
// empty cell).
type taskCell func(k int, t *schedule.Task, tr schedule.TaskResult) any

func (wr *writer) taskCells(preds, resNames map[string]string) map[string]taskCell {
	st, p := wr.st, wr.p
	minPerDay := float64(p.Settings.MinutesPerDay)
	if minPerDay == 0 {
		minPerDay = 480
	}
	bools := func(get func(t *schedule.Task) bool) taskCell {
		return func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
			if s := yesNo(get(t)); s != "" {
				return s
			}
			return nil
		}
	}
	texts := func(get func(t *schedule.Task) string) taskCell {
		return func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
			if s := get(t); s != "" {
				return s
			}
			return nil
		}
	}
	return map[string]taskCell{
		"id":   texts(func(t *schedule.Task) string { return t.ID }),
		"name": nil, // styled by depth, set by tasks
		"duration": func(_ int, t *schedule.Task, tr schedule.TaskResult) any {
			if tr.Summary && t.Duration.IsZero() {
				return nil
			}
			return t.Duration.String()
		},
		"start":  func(_ int, _ *schedule.Task, tr schedule.TaskResult) any { return dateCell(st.date, tr.Start) },
		"finish": func(_ int, _ *schedule.Task, tr schedule.TaskResult) any { return dateCell(st.date, tr.Finish) },
		"total_float": func(_ int, _ *schedule.Task, tr schedule.TaskResult) any {
			return styled(st.days, float64(tr.TotalFloat)/minPerDay)
		},
		"critical": func(_ int, _ *schedule.Task, tr schedule.TaskResult) any {
			if tr.Critical {
				return "Yes"
			}
			return "No"
		},
		"percent_complete": func(_ int, t *schedule.Task, tr schedule.TaskResult) any {
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
		"constraint_date": func(_ int, t *schedule.Task, _ schedule.TaskResult) any { return dateCell(st.date, t.Constraint.Date) },
		"deadline":        func(_ int, t *schedule.Task, _ schedule.TaskResult) any { return dateCell(st.date, t.Deadline) },
		"priority": func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
			if t.Priority == 0 {
				return nil
			}
			return t.Priority
		},
		"calendar":      texts(func(t *schedule.Task) string { return t.Calendar }),
		"manual":        bools(func(t *schedule.Task) bool { return t.Manual }),
		"actual_start":  func(_ int, t *schedule.Task, _ schedule.TaskResult) any { return dateCell(st.date, t.ActualStart) },
		"actual_finish": func(_ int, t *schedule.Task, _ schedule.TaskResult) any { return dateCell(st.date, t.ActualFinish) },
		"remaining": texts(func(t *schedule.Task) string {
			if t.Remaining == nil {
				return ""
			}
			return t.Remaining.String()
		}),
		"fixed_cost": func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
			if t.FixedCost == 0 {
				return nil
			}
			return styled(st.money, t.FixedCost)
		},
		"actual_cost": func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
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
		"crash_cost": func(_ int, t *schedule.Task, _ schedule.TaskResult) any {
			if t.Crash == nil {
				return nil
			}
			return styled(st.money, t.Crash.Cost)
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

// alwaysWritten are the task columns written even when empty.
var alwaysWritten = map[string]bool{
	"wbs": true, "id": true, "name": true, "duration": true, "start": true, "finish": true,
	"total_float": true, "critical": true, "percent_complete": true, "predecessors": true,
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
			tr, _ := wr.result(row.Task)
			return get(row.Task, &p.Tasks[row.Task], tr) != nil
		}) {
			cols = append(cols, c)
		}
	}
	builtin := map[string]bool{}
	for _, c := range taskColumns {
		builtin[headerKey(c.header)] = true
	}
	var fields []string
	for _, cf := range p.CustomFields {
		if !cf.Resource {
			fields = append(fields, cf.Name)
		}
	}
	for _, c := range cols {
		headers = append(headers, c.header)
		widths = append(widths, columnWidth(c.key))
	}
	for _, name := range fields {
		headers = append(headers, fieldHeader(name, builtin))
		widths = append(widths, 16)
	}
	return headers, widths, func(row outline.Row) []any {
		t := &p.Tasks[row.Task]
		tr, _ := wr.result(row.Task)
		out := make([]any, 0, len(headers))
		for _, c := range cols {
			switch c.key {
			case "wbs":
				out = append(out, row.WBS)
			case "name":
				out = append(out, excelize.Cell{StyleID: st.name(row.Depth), Value: t.Name})
			default:
				out = append(out, cells[c.key](row.Task, t, tr))
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
	s, err := newSheet(wr.f, sheetTasks)
	if err != nil {
		return err
	}
	if err := s.widths(widths...); err != nil {
		return err
	}
	if err := s.freeze(3, 1); err != nil {
		return err
	}
	if err := s.put(wr.st.headerRow(headers)); err != nil {
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
func fieldHeader(name string, builtin map[string]bool) string {
	if builtin[headerKey(name)] || headerKey(name) == "" || strings.HasPrefix(headerKey(name), "field:") {
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

func (wr *writer) resources() error {
	p, st := wr.p, wr.st
	var fields []string
	for _, cf := range p.CustomFields {
		if cf.Resource {
			fields = append(fields, cf.Name)
		}
	}
	builtin := map[string]bool{}
	for _, c := range resourceColumns {
		builtin[headerKey(c.header)] = true
	}
	s, err := newSheet(wr.f, sheetResources)
	if err != nil {
		return err
	}
	headers := []string{}
	for _, c := range resourceColumns {
		headers = append(headers, c.header)
	}
	for _, name := range fields {
		headers = append(headers, fieldHeader(name, builtin))
	}
	if err := s.widths(12, 30, 10, 10, 16, 14, 14, 14, 14); err != nil {
		return err
	}
	if err := s.freeze(0, 1); err != nil {
		return err
	}
	if err := s.put(st.headerRow(headers)); err != nil {
		return err
	}
	for _, res := range p.Resources {
		row := []any{res.ID, res.Name, res.Type.String(), number(res.MaxUnits), nonEmpty(res.Calendar),
			styled(st.money, number(res.StandardRate)), styled(st.money, number(res.OvertimeRate)),
			styled(st.money, number(res.CostPerUse)), nonEmpty(res.Group)}
		for _, name := range fields {
			if v, ok := res.Fields[name]; ok {
				row = append(row, v)
			} else {
				row = append(row, nil)
			}
		}
		if err := s.put(row); err != nil {
			return err
		}
	}
	return s.table(len(headers))
}

// number is v, nil for zero (an empty cell).
func number(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (wr *writer) assignments() error {
	p, st := wr.p, wr.st
	taskNames := make(map[string]string, len(p.Tasks))
	for _, t := range p.Tasks {
		taskNames[t.ID] = t.Name
	}
	resNames := make(map[string]string, len(p.Resources))
	for _, res := range p.Resources {
		resNames[res.ID] = res.Name
	}
	s, err := newSheet(wr.f, sheetAssignments)
	if err != nil {
		return err
	}
	headers := make([]string, len(assignmentColumns))
	for i, c := range assignmentColumns {
		headers[i] = c.header
	}
	if err := s.widths(12, 36, 12, 24, 10, 10); err != nil {
		return err
	}
	if err := s.freeze(0, 1); err != nil {
		return err
	}
	if err := s.put(st.headerRow(headers)); err != nil {
		return err
	}
	for _, a := range p.Assignments {
		if err := s.put([]any{a.Task, taskNames[a.Task], a.Resource, resNames[a.Resource],
			a.Units, nonEmpty(durationText(a.Work))}); err != nil {
			return err
		}
	}
	return s.table(len(headers))
}

func (wr *writer) calendars() error {
	st := wr.st
	s, err := newSheet(wr.f, sheetCalendars)
	if err != nil {
		return err
	}
	headers := make([]string, len(calendarColumns))
	for i, c := range calendarColumns {
		headers[i] = c.header
	}
	if err := s.widths(20, 18, 12, 12, 12, 8, 28, 28); err != nil {
		return err
	}
	if err := s.freeze(0, 1); err != nil {
		return err
	}
	if err := s.put(st.headerRow(headers)); err != nil {
		return err
	}
	for _, c := range wr.p.Calendars {
		if err := s.put([]any{c.Name, nonEmpty(c.Base)}); err != nil {
			return err
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			ivs, ok := c.Week[d]
			if !ok {
				continue
			}
			if err := s.put([]any{c.Name, nil, d.String(), nil, nil, nil, workingText(ivs)}); err != nil {
				return err
			}
		}
		for _, e := range c.Exceptions {
			if err := s.put([]any{c.Name, nil, nil, dayCell(st.day, e.From), dayCell(st.day, e.To),
				nonEmpty(yesNo(e.Yearly)), workingText(e.Working), nonEmpty(e.Name)}); err != nil {
				return err
			}
		}
	}
	return s.sw.Flush()
}

// workingText spells working intervals: "08:00-12:00, 13:00-17:00", or
// "Non-working".
func workingText(ivs []schedule.Interval) string {
	if len(ivs) == 0 {
		return "Non-working"
	}
	parts := make([]string, len(ivs))
	for i, iv := range ivs {
		parts[i] = iv.String()
	}
	return strings.Join(parts, ", ")
}

func (wr *writer) baselines() error {
	if len(wr.p.Baselines) == 0 {
		return nil
	}
	st := wr.st
	s, err := newSheet(wr.f, sheetBaselines)
	if err != nil {
		return err
	}
	headers := make([]string, len(baselineColumns))
	for i, c := range baselineColumns {
		headers[i] = c.header
	}
	if err := s.widths(14, 12, 17, 17, 10, 10, 14); err != nil {
		return err
	}
	if err := s.freeze(0, 1); err != nil {
		return err
	}
	if err := s.put(st.headerRow(headers)); err != nil {
		return err
	}
	for _, b := range wr.p.Baselines {
		for _, t := range b.Tasks {
			if err := s.put([]any{b.Name, t.ID, dateCell(st.date, t.Start), dateCell(st.date, t.Finish),
				nonEmpty(durationText(t.Duration)), nonEmpty(durationText(t.Work)), styled(st.money, number(t.Cost))}); err != nil {
				return err
			}
		}
	}
	return s.sw.Flush()
}

// Property names of the Project sheet.
const (
	propName          = "Name"
	propStart         = "Start"
	propFromFinish    = "Schedule from"
	propFinish        = "Finish"
	propFinishBy      = "Finish by"
	propStatusDate    = "Status date"
	propTimeZone      = "Time zone"
	propOffset        = "UTC offset"
	propCalendar      = "Calendar"
	propMinutesPerDay = "Minutes per day"
	propMinutesWeek   = "Minutes per week"
	propDaysPerMonth  = "Days per month"
	propCustomField   = "Custom field"
	propOption        = "options."
	propScheduled     = "Scheduled finish"
)

func (wr *writer) project() error {
	p, st := wr.p, wr.st
	s, err := newSheet(wr.f, sheetProject)
	if err != nil {
		return err
	}
	if err := s.widths(22, 26, 12, 16, 12); err != nil {
		return err
	}
	if err := s.put(st.headerRow([]string{"Property", "Value"})); err != nil {
		return err
	}
	from := "Start"
	if p.FromFinish {
		from = "Finish"
	}
	rows := [][]any{
		{propName, p.Name},
		{propStart, dateCell(st.date, p.Start)},
		{propFromFinish, from},
		{propFinish, dateCell(st.date, p.Finish)},
		{propFinishBy, dateCell(st.date, p.FinishBy)},
		{propStatusDate, dateCell(st.date, p.StatusDate)},
	}
	if p.Location != nil {
		rows = append(rows, []any{propTimeZone, p.Location.String()})
	} else {
		_, off := cmpTime(p.Start, p.Finish).Zone()
		rows = append(rows, []any{propOffset, offsetText(off)})
	}
	rows = append(rows,
		[]any{propCalendar, nonEmpty(p.Calendar)},
		[]any{propMinutesPerDay, number(float64(p.Settings.MinutesPerDay))},
		[]any{propMinutesWeek, number(float64(p.Settings.MinutesPerWeek))},
		[]any{propDaysPerMonth, number(float64(p.Settings.DaysPerMonth))},
	)
	opts, err := optionRows(p)
	if err != nil {
		return err
	}
	rows = append(rows, opts...)
	for _, cf := range p.CustomFields {
		kind := "task"
		if cf.Resource {
			kind = "resource"
		}
		rows = append(rows, []any{propCustomField, cf.Name, kind, nonEmpty(cf.Alias), nonEmpty(cf.ID)})
	}
	rows = append(rows, []any{propScheduled, dateCell(st.date, wr.r.Finish())})
	for _, row := range rows {
		if err := s.put(row); err != nil {
			return err
		}
	}
	return s.sw.Flush()
}

func cmpTime(a, b time.Time) time.Time {
	if a.IsZero() {
		return b
	}
	return a
}

// offsetText spells a UTC offset in seconds as "+06:00".
func offsetText(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}

// optionRows are the project's scheduling options as critpath's JSON
// names them, one row each ("options.total_float" | "finish").
func optionRows(p *schedule.Project) ([][]any, error) {
	b, err := json.Marshal(&schedule.Project{Name: "x", Start: time.Unix(0, 0).UTC(), Options: p.Options})
	if err != nil {
		return nil, err
	}
	var doc struct {
		Options map[string]json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(doc.Options))
	var rows [][]any
	for _, k := range keys {
		var v any
		if err := json.Unmarshal(doc.Options[k], &v); err != nil {
			return nil, err
		}
		rows = append(rows, []any{propOption + k, fmt.Sprint(v)})
	}
	return rows, nil
}
