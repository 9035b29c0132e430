package xer

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/internal/p6"
	"github.com/critpath/critpath/schedule"
)

// WriteOptions steer Write; the zero value writes Windows-1252 when every
// character fits it (as P6 on a Western Windows does) and the bytes read
// back as Windows-1252, and UTF-8 otherwise.
type WriteOptions struct {
	// Charset is the code page to write; Detect chooses as above. A
	// character the chosen code page lacks is an error.
	Charset Charset
	// Result is p scheduled, whose dates are written (nil: Write
	// schedules p, and writes no dates when it does not schedule).
	Result *schedule.Result
}

// Write writes p as an XER file P6 imports: the project with its
// scheduling options, calendars (the presets it names included), WBS (from
// its summary tasks), resources with their limits and rates, activities
// with the dates and floats critpath computes, relationships and
// assignments. What P6 cannot hold, or would apply otherwise, is written
// as near as it can be and returned as warnings (line 0, Where the
// table), once per kind with how many things it hit and the first, in the
// same order for the same project: the time zone, rules that are not
// P6's, durations and lags in hours (elapsed ones as working hours,
// percent lags as hours of the predecessor), summary tasks as WBS nodes
// (their links, constraints and other values left out), priorities
// between P6's five levels, splits, manual scheduling, notes, costs,
// baselines, custom fields, cost resources (as nonlabor), yearly holidays
// (written for the years around the project), names cut to P6's limits
// and without tabs or line breaks; interchange/README.md has the table of
// what each format keeps. A project read from P6 warns about nothing.
// It fails, writing nothing, on a task or resource ID used twice, a
// parent that is not a task, an outline that loops, text the chosen
// code page lacks, or a value out of P6's range (a NaN or an infinite
// number, a negative duration, hours past 10,000,000, a date before 1900
// or after 9999…: the package doc lists them), the error naming the task,
// link, resource, assignment, calendar or baseline and the field. opts
// may be nil.
func Write(w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	var warnings []Warning
	sheets, err := p6.Export(p, opts.Result, func(table, msg string) { warnings = append(warnings, Warning{Where: table, Message: msg}) })
	if err != nil {
		return nil, fmt.Errorf("xer: %w", err)
	}
	var text strings.Builder
	day := cmp.Or(p.StatusDate, p.Start)
	fmt.Fprintf(&text, "ERMHDR\t8.2\t%s\tProject\tadmin\tcritpath\tdbxDatabaseNoName\tProject Management\tUSD\r\n", day.Format("2006-01-02"))
	for _, s := range sheets {
		fmt.Fprintf(&text, "%%T\t%s\r\n%%F\t%s\r\n", s.Name, strings.Join(s.Fields, "\t"))
		for _, row := range s.Rows {
			fmt.Fprintf(&text, "%%R\t%s\r\n", strings.Join(row, "\t"))
		}
	}
	text.WriteString("%E\r\n")
	data, err := encode(text.String(), opts.Charset)
	if err != nil {
		return nil, err
	}
	if opts.Charset == Detect && len(data) != text.Len() && detect(data) != Windows1252 {
		data = []byte(text.String()) // Windows-1252 that would read back as something else: UTF-8
	}
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("xer: %w", err)
	}
	return warnings, nil
}

// codes maps runes back to the bytes of Windows-1252 and Windows-1251.
var codes = func() (out [2]map[rune]byte) {
	for k, table := range []*[128]rune{&cp1252, &cp1251} {
		out[k] = make(map[rune]byte, 128)
		for i, r := range table {
			if r != utf8.RuneError {
				out[k][r] = byte(0x80 + i)
			}
		}
	}
	return out
}()

// encode turns text into the charset's bytes.
func encode(text string, cs Charset) ([]byte, error) {
	if cs == UTF8 {
		return []byte(text), nil
	}
	back := codes[0]
	if cs == Windows1251 {
		back = codes[1]
	}
	b := make([]byte, 0, len(text))
	line := 1
	for _, r := range text {
		if r < 0x80 {
			b = append(b, byte(r))
			if r == '\n' {
				line++
			}
			continue
		}
		switch c, ok := back[r]; {
		case ok:
			b = append(b, c)
		case cs == Detect:
			return []byte(text), nil // it does not fit: UTF-8
		default:
			return nil, fmt.Errorf("xer: line %d: %q has no code in the chosen code page", line, r)
		}
	}
	return b, nil
}
