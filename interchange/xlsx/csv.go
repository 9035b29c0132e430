package xlsx

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// sheetCSV names a CSV file's one sheet in problems and warnings.
const sheetCSV = "CSV"

// WriteCSV writes the task table of Write's workbook as CSV (UTF-8,
// comma-separated, one header row): the same columns and spellings, dates
// as "2006-01-02 15:04" in the project's zone, percentages as "40%",
// float as "2.5d". ReadCSV reads it back. opts may be nil.
func WriteCSV(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	wr, err := newWriter(p, opts)
	if err != nil {
		return nil, err
	}
	defer wr.f.Close()
	headers, _, cellsOf := wr.taskTable()
	cw := csv.NewWriter(w)
	if err := cw.Write(headers); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	rec := make([]string, len(headers))
	for _, row := range wr.rows {
		for i, v := range cellsOf(row) {
			rec[i] = wr.csvText(v)
		}
		if err := cw.Write(rec); err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return wr.warnings, nil
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
// or CR. Values are unquoted as Excel does; a quote left open at the end
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
