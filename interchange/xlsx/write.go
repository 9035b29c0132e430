package xlsx

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/critpath/critpath/interchange/internal/loss"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// Warning is something a writer could not carry, or a reader set aside:
// where it is (Where: a sheet and cell as "Tasks!D4", a sheet, or "" for
// the whole workbook; Line is 0) and what. It is interchange.Warning, the
// type every format package's warnings are.
type Warning = record.Warning

// at is a sheet and cell as a Warning's Where: "Tasks!D4", or the sheet
// alone when cell is "".
func at(sheet, cell string) string {
	if cell == "" {
		return sheet
	}
	return sheet + "!" + cell
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
	header, title, date, day, percent, days, money, hours int
	names                                                 []int // task names by outline depth
	bar, critical, summary, done, milestone, weekend      int
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
	wr   *writer // for the warnings of what a cell cannot hold
	name string
	sw   *excelize.StreamWriter
	row  int
}

func (wr *writer) newSheet(name string) (*sheet, error) {
	if name != sheetTasks { // the workbook's first sheet, renamed
		if _, err := wr.f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	sw, err := wr.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	return &sheet{wr: wr, name: name, sw: sw}, nil
}

func (s *sheet) put(cells []any, opts ...excelize.RowOpts) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	for c, v := range cells {
		if kind, msg, detail := cellText(v); kind != "" {
			s.wr.lt.Add(kind, s.name, msg, "cell", at(s.name, ref(s.row-1, c))+detail)
		}
	}
	return s.sw.SetRow(cell, cells, opts...)
}

// cellText says what a cell's text loses in a workbook — characters past
// Excel's 32,767, control characters XML cannot hold (Excel shows them as
// �) — as a kind, its message and the cell's detail; kind "" when
// nothing.
func cellText(v any) (kind, msg, detail string) {
	if c, ok := v.(excelize.Cell); ok {
		v = c.Value
	}
	text, ok := v.(string)
	if !ok {
		return "", "", ""
	}
	// A string's UTF-16 length is at most its UTF-8 length: count only
	// the long ones.
	if len(text) > excelize.TotalCellChars {
		if n := len(utf16.Encode([]rune(text))); n > excelize.TotalCellChars {
			return "long text", fmt.Sprintf("texts are cut to Excel's %d characters", excelize.TotalCellChars), fmt.Sprintf(" (%d characters)", n)
		}
	}
	for _, r := range text {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return fmt.Sprintf("control %U", r), fmt.Sprintf("control character %U cannot be held in a workbook: it reads back as \uFFFD", r), ""
		}
	}
	return "", "", ""
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

// startSheet begins a sheet: column widths, its first freezeCols columns
// and header row frozen, the header row written.
func (wr *writer) startSheet(name string, headers []string, widths []float64, freezeCols int) (*sheet, error) {
	s, err := wr.newSheet(name)
	if err != nil {
		return nil, err
	}
	if err := s.widths(widths...); err != nil {
		return nil, err
	}
	if err := s.freeze(freezeCols, 1); err != nil {
		return nil, err
	}
	return s, s.put(wr.st.headerRow(headers))
}

// headersOf is cols' headers, then those of the custom fields of tasks
// (or resources), and the fields' names. A field whose name the reader
// would take for a column of the sheet (all reads: a header, a key or a
// synonym of one) is headed "Field: name".
func headersOf(cols, all []column, p *schedule.Project, resource bool) (headers, fields []string) {
	for _, c := range cols {
		headers = append(headers, c.header)
	}
	if p == nil {
		return headers, nil
	}
	builtin := newMatcher(all, nil).byHeader
	for _, cf := range p.CustomFields {
		if cf.Resource == resource {
			fields = append(fields, cf.Name)
			headers = append(headers, fieldHeader(cf.Name, builtin))
		}
	}
	return headers, fields
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

// date is t as an Excel serial number of its wall clock in the
// project's zone (what the reader reads it in), nil for no date.
func (wr *writer) date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: wr.st.date, Value: serial(t.In(wr.loc))}
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

// WriteOptions steer Write and WriteCSV; nil means the defaults.
type WriteOptions struct {
	// Result is p scheduled, whose dates are written (nil: p is
	// scheduled here).
	Result *schedule.Result
}

// Write writes project p, scheduled as opts.Result says, as an
// Excel workbook: Tasks (outline, dates, float, predecessors as "3FS+2d;
// 5SS"), a Gantt chart drawn with cell fills, Resources, Assignments,
// resource usage by week, Calendars, Baselines and the Project's
// settings. Large projects are streamed, so memory stays flat. What the
// workbook cannot carry is returned as warnings; an error means nothing
// useful was written. opts may be nil.
func Write(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	wr, err := newWriter(p, opts)
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
	return wr.lt.Warnings(), nil
}

// newWriter schedules p when opts gives no Result and lays out its
// outline.
func newWriter(p *schedule.Project, opts *WriteOptions) (*writer, error) {
	var r *schedule.Result
	if opts != nil {
		r = opts.Result
	}
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
	results := make([]schedule.TaskResult, len(p.Tasks))
	n := r.Network()
	for k, t := range p.Tasks {
		if i, ok := n.Index(t.ID); ok {
			results[k] = r.Task(i)
		}
	}
	return &writer{f: f, p: p, r: r, results: results, st: st, rows: rows, loc: r.Start().Location()}, nil
}

type writer struct {
	loc     *time.Location // the zone of every date written
	f       *excelize.File
	p       *schedule.Project
	r       *schedule.Result
	results []schedule.TaskResult // the scheduled tasks, by index in p.Tasks
	st      *styles
	rows    []outline.Row
	lt      loss.Tally // what the workbook cannot carry, by kind
}

// warn reports something of the workbook as a whole, once.
func (wr *writer) warn(sheet, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	wr.lt.Add(msg, sheet, msg, "", "")
}

func (wr *writer) resources() error {
	p, st := wr.p, wr.st
	headers, fields := headersOf(resourceColumns, resourceColumns, p, true)
	s, err := wr.startSheet(sheetResources, headers, []float64{12, 30, 10, 10, 16, 14, 14, 14, 14}, 0)
	if err != nil {
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
	p := wr.p
	taskNames := make(map[string]string, len(p.Tasks))
	for _, t := range p.Tasks {
		taskNames[t.ID] = t.Name
	}
	resNames := make(map[string]string, len(p.Resources))
	for _, res := range p.Resources {
		resNames[res.ID] = res.Name
	}
	headers, _ := headersOf(assignmentColumns, nil, nil, false)
	s, err := wr.startSheet(sheetAssignments, headers, []float64{12, 36, 12, 24, 10, 10}, 0)
	if err != nil {
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
	headers, _ := headersOf(calendarColumns, nil, nil, false)
	s, err := wr.startSheet(sheetCalendars, headers, []float64{20, 18, 12, 12, 12, 8, 28, 28}, 0)
	if err != nil {
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
	headers, _ := headersOf(baselineColumns, nil, nil, false)
	s, err := wr.startSheet(sheetBaselines, headers, []float64{14, 12, 17, 17, 10, 10, 14}, 0)
	if err != nil {
		return err
	}
	for _, b := range wr.p.Baselines {
		for _, t := range b.Tasks {
			if err := s.put([]any{b.Name, t.ID, wr.date(t.Start), wr.date(t.Finish),
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
	propDatesZone     = "Time zone of dates" // the zone of the dates when the project names none
	propCalendar      = "Calendar"
	propMinutesPerDay = "Minutes per day"
	propMinutesWeek   = "Minutes per week"
	propDaysPerMonth  = "Days per month"
	propCustomField   = "Custom field"
	propOption        = "options."
	propScheduled     = "Scheduled finish"
)

func (wr *writer) project() error {
	p := wr.p
	s, err := wr.startSheet(sheetProject, []string{"Property", "Value"}, []float64{22, 26, 12, 16, 12}, 0)
	if err != nil {
		return err
	}
	from := "Start"
	if p.FromFinish {
		from = "Finish"
	}
	rows := [][]any{
		{propName, p.Name},
		{propStart, wr.date(p.Start)},
		{propFromFinish, from},
		{propFinish, wr.date(p.Finish)},
		{propFinishBy, wr.date(p.FinishBy)},
		{propStatusDate, wr.date(p.StatusDate)},
	}
	switch {
	case p.Location != nil:
		rows = append(rows, []any{propTimeZone, p.Location.String()})
	case strings.Contains(wr.loc.String(), "/"): // a zone of the tz database, with its daylight saving
		rows = append(rows, []any{propDatesZone, wr.loc.String()})
	default:
		_, off := cmp.Or(p.Start, p.Finish).Zone()
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
	rows = append(rows, []any{propScheduled, wr.date(wr.r.Finish())})
	for _, row := range rows {
		if err := s.put(row); err != nil {
			return err
		}
	}
	return s.sw.Flush()
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
