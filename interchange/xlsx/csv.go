package xlsx

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// sheetCSV names a CSV file's one sheet in problems and warnings.
const sheetCSV = "CSV"

// WriteCSV writes the task table of Write's workbook as CSV (UTF-8,
// comma-separated, one header row): the same columns and spellings, dates
// as "2006-01-02 15:04" in the project's zone, percentages as "40%",
// float as "2.5d". A text cell (an ID, a name, notes, a calendar or
// resource name, predecessors, a custom field and its name) beginning
// with =, +, -, @, a tab or a carriage return, which a spreadsheet would
// run as a formula, is written with a quote before it, as OWASP
// recommends ("'=SUM(A1)"); the numbers, durations, floats and dates
// critpath spells are not (a negative float stays "-2.5d"). ReadCSV
// reads it back, with ReadOptions.Base giving
// what a CSV does not hold: the calendars, the resources, the project's
// dates, time zone, settings, options and custom fields. What even then
// does not come back — a schedule from the project's finish, baselines,
// assignments' work, a task without predecessors starting late, which
// reads back with a start-no-earlier-than — is returned as warnings,
// once per kind, with what Base must give. opts may be nil.
func WriteCSV(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	wr, err := newWriter(p, opts)
	if err != nil {
		return nil, err
	}
	defer wr.f.Close()
	headers, _, cellsOf := wr.taskTable()
	text := textColumns(headers)
	rec := make([]string, len(headers))
	for i, h := range headers {
		rec[i] = neutral(h) // a custom field's name
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(rec); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	for k, row := range wr.rows {
		for i, v := range cellsOf(row) {
			rec[i] = wr.csvText(v)
			if strings.TrimSpace(rec[i]) != rec[i] {
				wr.lt.Add("trim", sheetCSV, "spaces and line breaks at the ends of a text are trimmed when a CSV is read", "cell", at(sheetCSV, ref(k+1, i)))
			}
			if text[i] {
				rec[i] = neutral(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	wr.csvLosses()
	return wr.lt.Warnings(), nil
}

// formulaStarts are the characters a spreadsheet takes a cell beginning
// with for a formula, OWASP's list for CSV injection: =, +, -, @, tab and
// carriage return.
const formulaStarts = "=+-@\t\r"

// spelled are the task columns whose cells critpath spells itself:
// numbers, durations and floats ("-2.5d"), dates, percentages, its own
// words. Only a negative float or amount begins with one of
// formulaStarts, a minus sign and digits, which run nothing in a
// spreadsheet; a quote before them would hide the number from every
// spreadsheet and reader. Every other column holds text a user typed (IDs,
// names, notes, calendar and resource names, predecessors, which begin
// with a task ID, custom fields) and is neutralised.
var spelled = map[string]bool{"wbs": true, "duration": true, "start": true, "finish": true, "total_float": true, "critical": true,
	"percent_complete": true, "outline_level": true, "type": true, "effort_driven": true, "work": true, "constraint": true,
	"constraint_date": true, "deadline": true, "priority": true, "manual": true, "actual_start": true, "actual_finish": true,
	"remaining": true, "fixed_cost": true, "actual_cost": true, "start_milestone": true, "ignore_resource_calendars": true,
	"no_split": true, "splits": true, "crash_duration": true, "crash_cost": true, "crash_cost_per_day": true}

// textColumns says which of the task table's columns hold text a user
// typed: every one but the built-in columns critpath spells (custom
// fields, after the built-in columns, are text).
func textColumns(headers []string) []bool {
	keyOf := make(map[string]string, len(taskColumns))
	for _, c := range taskColumns {
		keyOf[c.header] = c.key
	}
	out := make([]bool, len(headers))
	for i, h := range headers {
		out[i] = !spelled[keyOf[h]]
	}
	return out
}

// neutral writes a text a spreadsheet would take for a formula with a
// quote before it, as OWASP recommends against CSV injection:
// "=HYPERLINK(…)" is written "'=HYPERLINK(…)", "-5 units" "'-5 units". A
// text whose quotes come before such a character gets one more (a name
// "'=x" is written with two quotes), so that unquote gives every text
// back.
func neutral(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// unquote undoes neutral: it drops a cell's first quote when the rest,
// past any more quotes, begins with one of formulaStarts ("'=x" is read
// "=x", and with two quotes "'=x"); any other quote is the text's own
// ("'s-Hertogenbosch").
func unquote(s string) string {
	if strings.HasPrefix(s, "'") && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// formulaLike reports whether s, past its leading quotes, begins with one
// of formulaStarts.
func formulaLike(s string) bool {
	rest := strings.TrimLeft(s, "'")
	return rest != "" && strings.IndexByte(formulaStarts, rest[0]) >= 0
}

// csvLosses reports what a CSV task table does not hold: the rest of the
// project, which ReadOptions.Base must give, and what does not come back
// even then.
func (wr *writer) csvLosses() {
	p := wr.p
	var rest []string
	if n := len(p.Calendars); n > 0 {
		rest = append(rest, fmt.Sprintf("%d calendars", n))
	}
	if n := len(p.Resources); n > 0 {
		rest = append(rest, fmt.Sprintf("%d resources (the resource names column gives names and units only)", n))
	}
	if !p.StatusDate.IsZero() || !p.FinishBy.IsZero() {
		rest = append(rest, "the status date and finish-by date")
	}
	if p.Location != nil || p.Settings != (schedule.Settings{}) || p.Options != (schedule.Options{}) || p.Calendar != "" {
		rest = append(rest, "the time zone, project calendar, settings and scheduling options")
	}
	if n := len(p.CustomFields); n > 0 {
		rest = append(rest, fmt.Sprintf("%d custom fields' definitions", n))
	}
	if len(rest) > 0 {
		wr.lt.Add("rest", sheetCSV, fmt.Sprintf("a CSV holds the task table alone: %s are read back from ReadOptions.Base, or lost", strings.Join(rest, ", ")), "", "")
	}
	if p.FromFinish {
		wr.lt.Add("from finish", sheetCSV, "the project is scheduled from its finish; a CSV reads back scheduled forward from its start", "", "")
	}
	if n := len(p.Baselines); n > 0 {
		wr.lt.Add("baselines", sheetCSV, "baselines are not in a CSV (the workbook's Baselines sheet holds them)", "baseline", strconv.Quote(p.Baselines[0].Name))
		for range p.Baselines[1:] {
			wr.lt.Add("baselines", "", "", "", "")
		}
	}
	named := map[string][]string{} // resource IDs by name
	for _, r := range p.Resources {
		named[cmp.Or(r.Name, r.ID)] = append(named[cmp.Or(r.Name, r.ID)], r.ID)
	}
	for _, r := range p.Resources {
		if ids := named[cmp.Or(r.Name, r.ID)]; len(ids) > 1 && slices.ContainsFunc(p.Assignments, func(a schedule.Assignment) bool { return a.Resource == r.ID }) {
			wr.lt.Add("same name", sheetCSV, "the assignments of resources that share their name with another cannot be told apart in a CSV's resource names", "resource", fmt.Sprintf("%s (%s)", r.ID, strings.Join(ids, ", ")))
		}
	}
	for _, a := range p.Assignments {
		if !a.Work.IsZero() {
			wr.lt.Add("work", sheetCSV, "assignments' work is not in a CSV, whose resource names give units only: it reads back as the task's duration × units", "assignment", fmt.Sprintf("%s on %s: %v", a.Resource, a.Task, a.Work))
		}
	}
	// ReadCSV gives a task without predecessors that starts after the
	// project start a start-no-earlier-than at its start (see
	// foreignDates).
	hasPred := map[string]bool{}
	for _, l := range p.Links {
		hasPred[l.Succ] = true
	}
	summary := map[string]bool{}
	for _, t := range p.Tasks {
		summary[t.Parent] = true
	}
	start := wr.r.Start()
	if !p.Start.IsZero() {
		start = p.Start
	}
	for k, t := range p.Tasks {
		if tr := wr.results[k]; !hasPred[t.ID] && !summary[t.ID] && !t.Manual && t.Constraint.Type == schedule.ASAP && tr.Start.After(start) {
			wr.lt.Add("late start", sheetCSV, "tasks without predecessors that start after the project start (by their calendar, progress or the status date) read back from a CSV with a start-no-earlier-than at that start: a CSV does not say why they start then",
				"task", fmt.Sprintf("%s: %s", t.ID, tr.Start.In(wr.loc).Format("2006-01-02 15:04")))
		}
	}
}

// csvText spells a workbook cell as text, as its style shows it.
func (wr *writer) csvText(v any) string {
	style := 0
	if c, ok := v.(excelize.Cell); ok {
		style, v = c.StyleID, c.Value
	}
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		switch style {
		case wr.st.date:
			if t, ok := fromSerial(v, wr.loc); ok {
				return t.Format("2006-01-02 15:04")
			}
		case wr.st.percent:
			return strconv.FormatFloat(v, 'g', -1, 64) + "%"
		case wr.st.days:
			return strconv.FormatFloat(v, 'g', 6, 64) + "d"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// separator finds a CSV file's separator: Excel's "sep=;" first line
// (skipped), else whichever of comma, semicolon and tab appears, outside
// quotes, on the most of the first 50 lines (then the most often): a
// title line above the header does not decide it.
func separator(data []byte) (sep rune, skip int) {
	if line, _, _ := bytes.Cut(data, []byte("\n")); bytes.HasPrefix(line, []byte("sep=")) && len(bytes.TrimSpace(line)) == 5 {
		return rune(line[4]), len(line) + 1
	}
	best, bestLines, bestCount := ',', -1, -1
	for _, c := range []rune{',', ';', '\t'} {
		lines, count := 0, 0
		for k, line := range bytes.SplitN(data, []byte("\n"), 51) {
			if k == 50 {
				break
			}
			n, quoted := 0, false
			for _, b := range line {
				switch {
				case b == '"':
					quoted = !quoted
				case !quoted && rune(b) == c:
					n++
				}
			}
			if n > 0 {
				lines++
			}
			count += n
		}
		if lines > bestLines || (lines == bestLines && count > bestCount) {
			best, bestLines, bestCount = c, lines, count
		}
	}
	return best, 0
}

// ReadCSV reads a task table from CSV — WriteCSV's, or another tool's —
// as Read reads a task sheet: the header row found and mapped by name,
// every problem reported with its cell ("CSV!C12", row 12 being the
// file's line 12) in an *ImportError before anything is returned. The
// separator is the one an Excel "sep=" first line names, else the comma,
// semicolon or tab found (outside quotes) on the most of the first 50
// lines; a UTF-8 byte order mark is skipped; lines may end with LF, CR LF
// or CR. Values are unquoted as Excel does, and a value's first quote
// (') is dropped when what follows begins with =, +, -, @, a tab or a
// carriage return, past any more quotes: a cell WriteCSV neutralised
// ("'=SUM(A1)", "'-5 units") reads back as the text it was, and so does
// another tool's cell escaped the same way. A quote left open at the end
// of the file is an error naming its line, text after a closing quote a
// warning. The file is read as a stream: a line or row over 1 MiB, a row
// past line 262,144 or over 8,388,608 values is refused (ErrTooLarge)
// when it is reached. A CSV carries no calendars or resources:
// ReadOptions.Base gives them, with the project's start, time zone and
// options.
func ReadCSV(r io.Reader, opts *ReadOptions) (*File, error) {
	maxBytes := int64(DefaultMaxBytes)
	if opts != nil && opts.MaxBytes > 0 {
		maxBytes = opts.MaxBytes
	}
	lr := &io.LimitedReader{R: r, N: maxBytes + 1}
	rows, warnings, err := csvRows(lr)
	if lr.N == 0 {
		return nil, fmt.Errorf("%w: the CSV file is over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, maxBytes)
	}
	if err != nil {
		return nil, err
	}
	g := &grid{name: sheetCSV, rows: rows}
	rd := newReader(opts)
	rd.warnings = warnings
	if rd.opts.Sheet == "" {
		rd.opts.Sheet = sheetCSV
	}
	return rd.read(&book{names: []string{sheetCSV}, got: map[string]*grid{sheetCSV: g}})
}
