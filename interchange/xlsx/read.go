package xlsx

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// ReadOptions steer Read and ReadCSV; nil means the defaults.
type ReadOptions struct {
	// Columns maps a header of the task sheet, as written there, to the
	// field it holds (one of Fields(): "wbs", "id", "name", "duration",
	// …), before the built-in English and Bangla names; "-" ignores the
	// column.
	Columns map[string]string
	// Sheet names the task sheet (default "Tasks", else the first sheet
	// whose header row names tasks' fields).
	Sheet string
	// The rest apply to a sheet without critpath's Project sheet (a CSV,
	// a workbook of another tool). Base is a project whose name, start,
	// finish-by date, status date, time zone, calendar, calendars,
	// settings, options, custom fields and resources the tasks are read
	// into (its tasks are not used). Start is
	// the project start (default: Base's, else the earliest task start);
	// Location the time zone of its dates (default: Base's, else UTC);
	// Calendar the project calendar (default: Base's, else Standard).
	Base     *schedule.Project
	Start    time.Time
	Location *time.Location
	Calendar string
	// DayFirst reads "03/01/2022" as 3 January (default: month first);
	// dotted dates ("03.01.2022") are always day first.
	DayFirst bool
	// MaxBytes bounds the file's size (default DefaultMaxBytes): a larger
	// one is refused with ErrTooLarge before it is read whole.
	MaxBytes int64
}

// Problem is one thing wrong with the input: the sheet, the cell ("" for
// the whole sheet), the field and what is wrong.
type Problem struct {
	Sheet, Cell, Field string
	Message            string
}

func (p Problem) String() string {
	if p.Cell == "" {
		return p.Sheet + ": " + p.Message
	}
	return p.Sheet + "!" + p.Cell + ": " + p.Message
}

// ImportError lists every problem Read found; nothing was imported.
type ImportError struct {
	Problems []Problem
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "xlsx: %d problem(s) in the input", len(e.Problems))
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-10)
			break
		}
		b.WriteString("; ")
		b.WriteString(p.String())
	}
	return b.String()
}

// maxProblems is how many problems an ImportError lists at most.
const maxProblems = 1000

// Read reads a workbook: critpath's own (see Write) back into the same
// project, or another tool's or a person's, by finding each sheet's
// header row and mapping its columns by name. Every problem is found
// before anything is returned: the error is then an *ImportError listing
// each with its sheet and cell, and no project is returned. Warnings are
// what was set aside: columns not read, a sheet with no header row, a
// WBS code whose parent is missing, resource names that differ from the
// assignment sheet read instead or that could be read another way.
// A workbook over one of the limits the package doc lists is refused
// with an error wrapping ErrTooLarge; a sheet whose XML is broken, with
// an error naming the sheet and the cell.
func Read(r io.Reader, opts *ReadOptions) (*File, error) {
	data, err := readAll(r, opts, "workbook")
	if err != nil {
		return nil, err
	}
	xb, err := openBook(data)
	if err != nil {
		return nil, err
	}
	rd := newReader(opts)
	bk := &book{names: xb.names(), got: map[string]*grid{}, load: func(name string) (*grid, error) {
		g, err := xb.sheet(name)
		if g != nil {
			g.onBad = func(r, c int, msg string) { rd.badCell(name, r, c, msg) }
		}
		return g, err
	}}
	return rd.read(bk)
}

// File is a workbook or CSV file read: its project and what the reader
// set aside.
type File struct {
	Project  *schedule.Project
	Warnings []Warning
}

// DefaultMaxBytes is the size of the largest file Read and ReadCSV take
// by default.
const DefaultMaxBytes = 256 << 20

// ErrTooLarge is a file over ReadOptions.MaxBytes; the error wrapping it
// says the limit.
var ErrTooLarge = errors.New("xlsx: file too large")

// readAll reads a file of the kind named within opts' MaxBytes.
func readAll(r io.Reader, opts *ReadOptions, kind string) ([]byte, error) {
	maxBytes := int64(DefaultMaxBytes)
	if opts != nil && opts.MaxBytes > 0 {
		maxBytes = opts.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: the %s is over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, kind, maxBytes)
	}
	return data, nil
}

// book is a workbook's sheets, each read when first asked for (the Gantt
// and Usage sheets of critpath's workbook never are).
type book struct {
	names []string
	load  func(name string) (*grid, error)
	got   map[string]*grid
	err   error // the first sheet that could not be read
}

// sheet returns the named sheet, nil when there is none.
func (b *book) sheet(name string) *grid {
	if g, ok := b.got[name]; ok {
		return g
	}
	if !slices.Contains(b.names, name) {
		return nil
	}
	g, err := b.load(name)
	if err != nil && b.err == nil {
		b.err = err
	}
	b.got[name] = g
	return g
}

// release lets the sheets' cells and the file go before the project is
// checked: the problems the check finds need only where each task is.
func (b *book) release() {
	for _, g := range b.got {
		if g != nil {
			g.rows, g.pct, g.bad = nil, nil, nil
		}
	}
	b.load = nil
}

// grid is a sheet's cells: their raw values (a date's serial number, a
// percentage's fraction), and for a workbook the cells whose format
// shows a percentage and the cells that cannot be read.
type grid struct {
	name string
	rows [][]string
	pct  map[int]bool // by cellKey: the cell's format shows a percentage
	// bad are the cells that cannot be read, by cellKey: corrupt (a shared
	// string the workbook lacks) or a formula without a saved value. Each
	// is a problem once read (cell, table.rows), told to onBad.
	bad   map[int]string
	onBad func(r, c int, msg string)
}

// cell returns the value at row r, column c ("" past the row's end).
func (g *grid) cell(r, c int) string {
	if g.bad != nil {
		g.touch(r, c)
	}
	if r < len(g.rows) && c < len(g.rows[r]) {
		return g.rows[r][c]
	}
	return ""
}

// touch tells onBad, once, that a cell that cannot be read was read.
func (g *grid) touch(r, c int) {
	k := cellKey(r, c)
	if msg, ok := g.bad[k]; ok {
		delete(g.bad, k)
		if g.onBad != nil {
			g.onBad(r, c, msg)
		}
	}
}

// percentShown is a number under a percent format as shown: "50%" for
// 0.5.
func (g *grid) percentShown(r, c int, raw string) string {
	if g.pct != nil && raw != "" && g.pct[cellKey(r, c)] {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			return strconv.FormatFloat(v*100, 'g', 12, 64) + "%"
		}
	}
	return raw
}

// maybeFraction reports whether a raw value could be a percentage typed
// into critpath's own workbook ("50%" is stored as 0.5): a number above 0
// and at most 1. Only then is the cell's format asked for.
func maybeFraction(raw string) bool {
	v, err := strconv.ParseFloat(raw, 64)
	return err == nil && v > 0 && v <= 1
}

// scalesByHundred reports whether a number format shows a percentage
// (a % outside quotes and escapes).
func scalesByHundred(format string) bool {
	quoted := false
	for i := 0; i < len(format); i++ {
		switch c := format[i]; {
		case c == '"':
			quoted = !quoted
		case c == '\\' && !quoted:
			i++
		case c == '%' && !quoted:
			return true
		}
	}
	return false
}

// ref is the A1 reference of row r, column c (both from 0).
func ref(r, c int) string {
	s, err := excelize.CoordinatesToCellName(c+1, r+1)
	if err != nil {
		return fmt.Sprintf("R%dC%d", r+1, c+1)
	}
	return s
}

type reader struct {
	opts     ReadOptions
	loc      *time.Location
	own      bool // critpath's workbook: its Project sheet is there
	p        *schedule.Project
	problems []Problem
	warnings []Warning
	// where each task is, for the problems Compile finds
	taskRow   map[string]int
	resPlace  map[int]place     // by index in Project.Resources
	asgPlace  map[int]place     // by index in Project.Assignments
	resUID    map[string]string // a resource sheet's unique IDs → resource IDs
	start     *place            // the cell the project start was taken from
	taskSheet *table
	calRow    map[string]int
	badCells  map[string]bool // "Sheet!A1" of each cell that cannot be read
}

func newReader(opts *ReadOptions) *reader {
	rd := &reader{p: &schedule.Project{}, taskRow: map[string]int{}, calRow: map[string]int{},
		resPlace: map[int]place{}, asgPlace: map[int]place{}, resUID: map[string]string{}, badCells: map[string]bool{}}
	if opts != nil {
		rd.opts = *opts
	}
	if b := rd.opts.Base; b != nil {
		rd.p = &schedule.Project{Name: b.Name, Start: b.Start, FinishBy: b.FinishBy, StatusDate: b.StatusDate, Location: b.Location, Calendar: b.Calendar,
			Settings: b.Settings, Options: b.Options, Calendars: slices.Clone(b.Calendars),
			CustomFields: slices.Clone(b.CustomFields), Resources: slices.Clone(b.Resources)}
		rd.opts.Start = cmp.Or(rd.opts.Start, b.Start)
		rd.opts.Calendar = cmp.Or(rd.opts.Calendar, b.Calendar)
		if rd.opts.Location == nil {
			rd.opts.Location = b.Location
			if b.Location == nil && !b.Start.IsZero() {
				rd.opts.Location = b.Start.Location()
			}
		}
	}
	rd.loc = cmp.Or(rd.opts.Location, time.UTC)
	return rd
}

func (rd *reader) fail(sheet string, r, c int, field, format string, args ...any) {
	if len(rd.problems) >= maxProblems {
		return
	}
	p := Problem{Sheet: sheet, Field: field, Message: fmt.Sprintf(format, args...)}
	if r >= 0 {
		p.Cell = ref(r, c)
	}
	if p.Cell != "" && rd.badCells[p.Sheet+"!"+p.Cell] {
		return // the cell cannot be read, which is said already
	}
	rd.problems = append(rd.problems, p)
}

// badCell is the problem of a cell that cannot be read (see grid.bad);
// the problems its empty value causes in the same cell are not listed.
func (rd *reader) badCell(sheet string, r, c int, msg string) {
	rd.fail(sheet, r, c, "", "%s", msg)
	rd.badCells[sheet+"!"+ref(r, c)] = true
}

// table is a sheet read through its header row.
type table struct {
	g      *grid
	header int
	cols   map[string]int // field → column
	extra  map[int]string // other headed columns: column → header
}

// newTable finds g's header row for cols; nil when there is none.
func newTable(g *grid, cols []column, overrides map[string]string) *table {
	m := newMatcher(cols, overrides)
	h, fields := m.header(g.rows)
	if h < 0 {
		return nil
	}
	t := &table{g: g, header: h, cols: map[string]int{}, extra: map[int]string{}}
	for c, f := range fields {
		if f != "" {
			t.cols[f] = c
		}
	}
	for c, head := range g.rows[h] {
		if fields[c] == "" && strings.TrimSpace(head) != "" && m.field(head) != "-" {
			t.extra[c] = strings.TrimSpace(head)
		}
	}
	return t
}

// rows yields the index of each row under the header with something in
// a read column.
func (t *table) rows() []int {
	if len(t.g.bad) > 0 { // tell the cells that cannot be read in its header and read columns
		read := map[int]bool{}
		for _, c := range t.cols {
			read[c] = true
		}
		for _, k := range slices.Sorted(maps.Keys(t.g.bad)) {
			if r, c := k/maxCols, k%maxCols; r == t.header || (r > t.header && read[c]) {
				t.g.touch(r, c)
			}
		}
	}
	var out []int
	for r := t.header + 1; r < len(t.g.rows); r++ {
		for _, c := range t.cols {
			if s := t.g.cell(r, c); strings.TrimSpace(s) != "" {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// get returns row r's cell of field f (untrimmed), its column, and
// whether it holds anything.
func (t *table) get(r int, f string) (v string, c int, ok bool) {
	c, has := t.cols[f]
	if !has {
		return "", -1, false
	}
	v = t.g.cell(r, c)
	return v, c, strings.TrimSpace(v) != ""
}

// field reads row r's cell of field f with parse, reporting a problem.
func field[T any](rd *reader, t *table, r int, f string, parse func(string) (T, error)) (T, bool) {
	var zero T
	s, c, ok := t.get(r, f)
	if !ok {
		return zero, false
	}
	if f == "percent_complete" && (!rd.own || maybeFraction(s)) {
		s = t.g.percentShown(r, c, s)
	}
	v, err := parse(s)
	if err != nil {
		rd.fail(t.g.name, r, c, f, "%s %v", strings.ReplaceAll(f, "_", " "), err)
		return zero, false
	}
	return v, true
}

func (rd *reader) read(bk *book) (*File, error) {
	p, warns, err := rd.readBook(bk)
	switch {
	case bk.err != nil:
		return nil, bk.err
	case err != nil:
		return nil, err
	}
	return &File{Project: p, Warnings: warns}, nil
}

func (rd *reader) readBook(bk *book) (*schedule.Project, []Warning, error) {
	for _, h := range slices.Sorted(maps.Keys(rd.opts.Columns)) {
		if f := rd.opts.Columns[h]; f != "-" && !slices.Contains(Fields(), f) {
			rd.fail("ReadOptions.Columns", -1, 0, "", "header %q: field %q is not one of %s, or -", h, f, strings.Join(Fields(), ", "))
		}
	}
	if len(rd.problems) > 0 {
		return nil, nil, &ImportError{rd.problems}
	}
	if g := bk.sheet(sheetProject); g != nil && len(g.rows) > 0 && len(g.rows[0]) > 0 && headerKey(g.rows[0][0]) == "property" {
		rd.own = true
		rd.project(g)
	} else {
		rd.p.Start, rd.p.Calendar = rd.opts.Start, rd.opts.Calendar
		if !rd.p.Start.IsZero() {
			rd.p.Start = rd.p.Start.In(rd.loc)
		}
	}
	if g := bk.sheet(sheetCalendars); g != nil && rd.own {
		rd.calendars(g)
	}
	tasks := rd.taskGrid(bk)
	if tasks == nil {
		rd.fail(cmp.Or(rd.opts.Sheet, sheetTasks), -1, 0, "", "no sheet has a header row naming tasks' fields (ID, Name, Duration, …)")
		return nil, rd.warnings, &ImportError{rd.problems}
	}
	resources, assignments := rd.sideSheets(bk, tasks)
	rd.resources(resources)
	pend := rd.tasks(tasks)
	if assignments != nil {
		// The assignment sheet wins: it gives each assignment's units
		// and work, and IDs. The resource names only say where they
		// differ.
		rd.assignments(assignments)
		if len(rd.problems) == 0 {
			rd.compareNames(tasks, pend, assignments.g.name)
		}
	} else {
		rd.resourceNames(tasks, pend)
	}
	if g := bk.sheet(sheetBaselines); g != nil && rd.own {
		rd.baselines(g)
	}
	bk.release()
	return rd.finish()
}

// taskGrid finds the task sheet: the one named, "Tasks", or the first
// with a task header — in another tool's workbook, the first that is not
// a resource or assignment sheet (see sideKind) when there is one.
func (rd *reader) taskGrid(bk *book) *table {
	names := bk.names
	if rd.opts.Sheet != "" {
		names = []string{rd.opts.Sheet}
	} else if slices.Contains(bk.names, sheetTasks) {
		names = append([]string{sheetTasks}, bk.names...)
	}
	side := func(g *grid) bool {
		return !rd.own && rd.opts.Sheet == "" && g.name != sheetTasks &&
			(g.name == sheetResources || g.name == sheetAssignments || rd.sideKind(g) != "")
	}
	for _, skipSide := range []bool{true, false} {
		for _, name := range names {
			g := bk.sheet(name)
			if g == nil || (skipSide && side(g)) {
				continue
			}
			t := newTable(g, taskColumns, rd.opts.Columns)
			if t == nil {
				continue
			}
			_, id := t.cols["id"]
			_, nm := t.cols["name"]
			if id || nm {
				return t
			}
		}
	}
	return nil
}

// noHeader warns that a sheet has no header row, so is not read.
func (rd *reader) noHeader(g *grid) {
	rd.warnings = append(rd.warnings, Warning{Where: g.name, Message: "no header row: not read"})
}

// finish checks the project as the scheduler does, each problem put in
// its cell, and returns it only when nothing is wrong.
func (rd *reader) finish() (*schedule.Project, []Warning, error) {
	p := rd.p
	if len(rd.problems) == 0 && p.Start.IsZero() && !p.FromFinish {
		rd.fail(rd.taskSheet.g.name, -1, 0, "start", "no project start: no task has a start date, and ReadOptions.Start is not set")
	}
	if len(rd.problems) == 0 {
		if _, err := schedule.Compile(p); err != nil {
			rd.scheduleProblems(err)
		}
	}
	if len(rd.problems) > 0 {
		return nil, rd.warnings, &ImportError{rd.problems}
	}
	return p, rd.warnings, nil
}

// scheduleProblems puts the scheduler's complaints in their cells.
func (rd *reader) scheduleProblems(err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	t := rd.taskSheet
	at := func(task, f string) (int, int) {
		r, ok := rd.taskRow[task]
		if !ok {
			return -1, 0
		}
		if c, ok := t.cols[f]; ok {
			return r, c
		}
		if c, ok := t.cols["id"]; ok {
			return r, c
		}
		return r, t.cols["name"]
	}
	for _, e := range errs {
		msg := strings.TrimPrefix(e.Error(), "schedule: ")
		if ie, ok := errors.AsType[*schedule.InputError](e); ok {
			kind, idx, sub, isItem := itemField(ie.Field)
			switch {
			case isItem && (kind == "resources" || kind == "assignments"):
				pl, ok := rd.resPlace[idx]
				if kind == "assignments" {
					pl, ok = rd.asgPlace[idx]
				}
				if !ok {
					rd.fail(sheetProject, -1, 0, ie.Field, "%s", msg)
					continue
				}
				c, has := pl.t.cols[sub]
				if !has {
					c = pl.col
				}
				rd.fail(pl.t.g.name, pl.row, c, sub, "%s", msg)
			case ie.Link != nil:
				r, c := at(ie.Link.Succ, "predecessors")
				rd.fail(t.g.name, r, c, "predecessors", "%s", msg)
			case ie.Task != "":
				f := strings.SplitN(ie.Field, ".", 2)[0]
				r, c := at(ie.Task, f)
				rd.fail(t.g.name, r, c, f, "%s", msg)
			case ie.Calendar != "":
				r, ok := rd.calRow[ie.Calendar]
				if !ok {
					r = -1
				}
				rd.fail(sheetCalendars, r, 0, "calendar", "%s", msg)
			case rd.start != nil && ie.Field == "start":
				rd.fail(rd.start.t.g.name, rd.start.row, rd.start.col, "start", "the project start, the earliest task start: %s", msg)
			default:
				rd.fail(sheetProject, -1, 0, ie.Field, "%s", msg)
			}
			continue
		}
		if ce, ok := errors.AsType[*schedule.CycleError](e); ok && len(ce.Tasks) > 0 {
			r, c := at(ce.Tasks[0], "predecessors")
			rd.fail(t.g.name, r, c, "predecessors", "%s", msg)
			continue
		}
		rd.fail(t.g.name, -1, 0, "", "%s", msg)
	}
}

// place is a row of a table that a model item was read from, and the
// column to point at when no better one is known.
type place struct {
	t        *table
	row, col int
}

// itemField splits a field path such as "resources[3].calendar".
func itemField(f string) (kind string, idx int, sub string, ok bool) {
	open := strings.IndexByte(f, '[')
	end := strings.IndexByte(f, ']')
	if open <= 0 || end < open {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(f[open+1 : end])
	if err != nil {
		return "", 0, "", false
	}
	return f[:open], n, strings.TrimPrefix(f[end+1:], "."), true
}

// dateField parses a date cell; finish-type fields take a bare day's end.
func (rd *reader) dateField(end bool) func(string) (time.Time, error) {
	clock := 0
	if end {
		clock = 24 * 60
	}
	return func(s string) (time.Time, error) {
		return parseDate(s, rd.loc, rd.opts.DayFirst, rd.own, clock)
	}
}

// unitsField reads assignment units and maximum units: "50%" (or 0.5, a
// percent-formatted cell's value) is half a unit, "2" two units.
func unitsField(s string) (float64, error) {
	if pct, ok := strings.CutSuffix(strings.TrimSpace(s), "%"); ok {
		v, err := parseNumber(pct)
		return v / 100, err
	}
	return parseNumber(s)
}

// percentField reads percent complete: critpath writes the percentage
// itself; other tools the number, or a fraction under a percent format,
// which field shows as "50%".
func (rd *reader) percentField(s string) (float64, error) {
	if v, err := parseNumber(s); rd.own && err == nil && v >= 0 && v <= 100 {
		return v, nil
	}
	return parsePercent(s)
}

// trim drops the space around a text, except in critpath's workbook,
// which writes texts as they are.
func (rd *reader) trim(s string) string {
	if rd.own {
		return s
	}
	return strings.TrimSpace(s)
}

func (rd *reader) textField(s string) (string, error) { return rd.trim(s), nil }

// enumField reads a model enum through its UnmarshalText, accepting
// spaces for underscores ("Fixed Duration").
func enumField[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](shown string) (T, error) {
	var v T
	s := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(shown)), " ", "_")
	if err := P(&v).UnmarshalText([]byte(s)); err != nil {
		return v, fmt.Errorf("%q: %v", shown, strings.TrimPrefix(err.Error(), "schedule: "))
	}
	return v, nil
}

// constraintNames are Microsoft Project's long names of the constraints.
var constraintNames = map[string]schedule.ConstraintType{
	"as soon as possible": schedule.ASAP, "as late as possible": schedule.ALAP,
	"start no earlier than": schedule.SNET, "start no later than": schedule.SNLT,
	"finish no earlier than": schedule.FNET, "finish no later than": schedule.FNLT,
	"must start on": schedule.MSO, "must finish on": schedule.MFO,
}

func constraintField(shown string) (schedule.ConstraintType, error) {
	if c, ok := constraintNames[headerKey(shown)]; ok {
		return c, nil
	}
	return enumField[schedule.ConstraintType](shown)
}

func manualField(shown string) (bool, error) {
	switch headerKey(shown) {
	case "manually scheduled", "manual":
		return true, nil
	case "auto scheduled", "auto", "automatic":
		return false, nil
	}
	return parseBool(shown)
}
