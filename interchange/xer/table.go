package xer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/critpath/critpath/interchange/internal/p6"
)

// DefaultMaxBytes is the size of the largest file Read takes by default.
const DefaultMaxBytes = 256 << 20

// ErrTooLarge is a file over ReadOptions.MaxBytes; the error wrapping it
// says the limit.
var ErrTooLarge = errors.New("xer: file too large")

// ParseError is a file that is not XER, not a schedule or cut short,
// with its line.
type ParseError struct {
	Line  int
	Table string
	Err   error
}

func (e *ParseError) Error() string {
	if e.Table != "" {
		return fmt.Sprintf("xer: line %d: table %s: %v", e.Line, e.Table, e.Err)
	}
	return fmt.Sprintf("xer: line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Charset names the code page an XER file is decoded from: XER files are
// written in the exporting machine's Windows code page and never say
// which.
type Charset uint8

const (
	// Detect takes UTF-8 when the file is valid UTF-8, else Windows-1251
	// when its non-ASCII bytes run together as Cyrillic words do, else
	// Windows-1252.
	Detect Charset = iota
	Windows1252
	Windows1251
	UTF8
)

// ErrTruncated is a file cut short: it ends without %E in the middle of a
// row Read would use, or before any project or activity. A *ParseError
// wraps it with the line the file ends on.
var ErrTruncated = errors.New("the file is cut short")

// maxFieldWarnings bounds the warnings about rows whose field count is not
// their %F line's, per table; the rest are counted in one more.
const maxFieldWarnings = 10

// oddRow is a row whose field count is not its %F line's.
type oddRow struct{ line, fields, want int }

// splitter is the state of parse as it walks the lines.
type splitter struct {
	tables p6.Tables
	order  []string
	cur    *p6.Table
	name   string              // cur's name
	width  map[string]int      // by table, the fields its %F line names
	odd    map[string][]oddRow // by table, the rows whose field count is not the %F line's

	sawHeader bool
	ended     bool   // the last marker line was %E
	last      int    // the last line that was not blank
	lastKind  string // its marker
	lastTable string // the table it is in
}

// parse splits an XER file into its tables, with warnings about rows
// whose field count is not their %F line's and about a file that ends
// without %E. It fails on what is not XER and on a file cut short (see
// ErrTruncated).
func parse(r io.Reader, cs Charset, maxBytes int64) (p6.Tables, []Warning, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, nil, fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, maxBytes)
	}
	if rest, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF")); ok { // a UTF-8 byte-order mark
		data = rest
		if cs == Detect {
			cs = UTF8
		}
	}
	text := decode(data, cs)
	sp := &splitter{tables: p6.Tables{}, width: map[string]int{}, odd: map[string][]oddRow{}}
	line := 0
	for raw := range strings.SplitSeq(text, lineBreak(text)) {
		line++
		if err := sp.line(line, strings.TrimSuffix(raw, "\r")); err != nil {
			return nil, nil, err
		}
	}
	if !sp.sawHeader {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("not an XER file (no ERMHDR line)")}
	}
	last, err := sp.end(strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\r"))
	if err != nil {
		return nil, nil, err
	}
	var warnings []Warning
	for _, name := range sp.order {
		odd := sp.odd[name]
		for _, o := range odd[:min(len(odd), maxFieldWarnings)] {
			warnings = append(warnings, o.warning(name))
		}
		if n := len(odd) - maxFieldWarnings; n > 0 {
			warnings = append(warnings, Warning{Line: odd[maxFieldWarnings].line, Where: name,
				Message: fmt.Sprintf("%d more rows, from this line on, have a field count unlike the %%F line's; they are not listed", n)})
		}
	}
	if last != nil {
		warnings = append(warnings, *last)
	}
	return sp.tables, warnings, nil
}

// lineBreak is the text's line break: "\r" when its first line ends with
// a carriage return alone (as old Mac tools write), else "\n" (a "\r"
// before it is trimmed from each line).
func lineBreak(text string) string {
	if i := strings.IndexAny(text, "\r\n"); i >= 0 && text[i] == '\r' && !strings.HasPrefix(text[i:], "\r\n") {
		return "\r"
	}
	return "\n"
}

// line takes one line of the file, its line break trimmed.
func (sp *splitter) line(line int, s string) error {
	if s == "" {
		return nil
	}
	kind, rest, _ := strings.Cut(s, "\t")
	sp.last, sp.lastKind, sp.lastTable = line, kind, sp.name
	switch kind {
	case "ERMHDR":
		sp.sawHeader = true
	case "%T":
		sp.ended = false
		name := strings.TrimSpace(rest)
		sp.name, sp.lastTable = name, name
		if t, dup := sp.tables[name]; dup {
			sp.cur = t // a repeated table continues the first
			return nil
		}
		sp.cur = &p6.Table{}
		sp.tables[name] = sp.cur
		sp.order = append(sp.order, name)
	case "%F":
		sp.ended = false
		if sp.cur == nil {
			return &ParseError{Line: line, Err: errors.New("%F before any %T")}
		}
		fields := strings.Split(rest, "\t")
		sp.cur.Fields = make(map[string]int, len(fields))
		for i, f := range fields {
			sp.cur.Fields[strings.TrimSpace(f)] = i
		}
		sp.width[sp.name] = len(fields)
	case "%R":
		sp.ended = false
		if sp.cur == nil || sp.cur.Fields == nil {
			return &ParseError{Line: line, Err: errors.New("%R before its table's %F")}
		}
		row := strings.Split(rest, "\t")
		if want := sp.width[sp.name]; len(row) != want {
			sp.odd[sp.name] = append(sp.odd[sp.name], oddRow{line, len(row), want})
		}
		sp.cur.Rows = append(sp.cur.Rows, row)
		sp.cur.Lines = append(sp.cur.Lines, line)
	case "%E":
		sp.cur, sp.name, sp.ended = nil, "", true
	default:
		if !sp.sawHeader && line == 1 {
			return &ParseError{Line: 1, Err: errors.New("not an XER file (no ERMHDR line)")}
		}
		// Anything else is passed over: real files carry stray lines.
	}
	return nil
}

// warning says that the row has more or fewer fields than the %F line
// of its table, name.
func (o oddRow) warning(name string) Warning {
	if o.fields < o.want {
		return Warning{Line: o.line, Where: name, Message: fmt.Sprintf("the row has %d fields, fewer than the %d of the %%F line; the missing ones are read as empty", o.fields, o.want)}
	}
	return Warning{Line: o.line, Where: name, Message: fmt.Sprintf("the row has %d fields, more than the %d of the %%F line; the extra ones are passed over", o.fields, o.want)}
}

// end checks that the file is whole; whole says whether its last line
// ends with a line break. A file whose last marker is %E is whole, but it
// fails when its TASKPRED or TASKRSRC rows name activities and it has no
// TASK rows. A file without %E fails (ErrTruncated) when it ends in the
// middle of a row of a table Read uses, or before any project or
// activity; otherwise it is read with the warning end returns, naming its
// last line (a row cut in the middle of a table Read passes over is left
// out).
func (sp *splitter) end(whole bool) (*Warning, error) {
	rows := func(name string) int {
		if t := sp.tables[name]; t != nil {
			return len(t.Rows)
		}
		return 0
	}
	if sp.ended {
		if rows("PROJECT") > 0 && rows("TASK") == 0 {
			for _, name := range []string{"TASKPRED", "TASKRSRC"} {
				if t := sp.tables[name]; t != nil && len(t.Rows) > 0 {
					return nil, &ParseError{Line: t.Lines[0], Table: name, Err: errors.New("its rows name activities, but the file has no TASK rows")}
				}
			}
		}
		return nil, nil
	}
	cut := sp.lastKind == "%R" && !whole
	if cut {
		if p6.Reads(sp.lastTable) {
			return nil, &ParseError{Line: sp.last, Table: sp.lastTable, Err: fmt.Errorf("%w: it ends in the middle of this row, without %%E", ErrTruncated)}
		}
		t := sp.tables[sp.lastTable]
		t.Rows, t.Lines = t.Rows[:len(t.Rows)-1], t.Lines[:len(t.Lines)-1]
		if odd := sp.odd[sp.lastTable]; len(odd) > 0 && odd[len(odd)-1].line == sp.last {
			sp.odd[sp.lastTable] = odd[:len(odd)-1]
		}
	}
	switch {
	case rows("PROJECT") == 0:
		return nil, &ParseError{Line: sp.last, Err: fmt.Errorf("%w: it ends at this line, without %%E, before any project", ErrTruncated)}
	case rows("TASK") == 0:
		return nil, &ParseError{Line: sp.last, Err: fmt.Errorf("%w: it ends at this line, without %%E, before any activity", ErrTruncated)}
	case cut:
		return &Warning{Line: sp.last, Where: sp.lastTable, Message: "the file ends without %E in the middle of this row: it is cut short here; the row is left out (Read does not use this table)"}, nil
	}
	return &Warning{Line: sp.last, Where: sp.lastTable, Message: fmt.Sprintf("the file ends without %%E: it may be cut short after line %d", sp.last)}, nil
}

// detect is the charset Detect reads data in: UTF-8 when it is valid
// UTF-8, Windows-1251 when it looks Cyrillic, else Windows-1252.
func detect(data []byte) Charset {
	switch {
	case utf8.Valid(data):
		return UTF8
	case cyrillic(data):
		return Windows1251
	}
	return Windows1252
}

// decode turns the file's bytes into text by the charset.
func decode(data []byte, cs Charset) string {
	if cs == Detect {
		cs = detect(data)
	}
	if cs == UTF8 {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	table := &cp1252
	if cs == Windows1251 {
		table = &cp1251
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		if c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(table[c-0x80])
		}
	}
	return b.String()
}

// cyrillic reports whether the non-ASCII bytes of data come in runs, as
// the letters of Cyrillic words in Windows-1251 do (Western accented
// letters in Windows-1252 mostly stand alone among ASCII ones).
func cyrillic(data []byte) bool {
	var high, paired int
	for i, c := range data {
		if c < 0xC0 {
			continue
		}
		high++
		if (i > 0 && data[i-1] >= 0xC0) || (i+1 < len(data) && data[i+1] >= 0xC0) {
			paired++
		}
	}
	return high >= 4 && paired*2 > high
}

// cp1252 and cp1251 map bytes 0x80–0xFF to runes (unassigned bytes to
// U+FFFD): Windows-1252 is Latin-1 from 0xA0 on, Windows-1251 has А–я
// from 0xC0 on.
var cp1252 = func() (t [128]rune) {
	copy(t[:], []rune("€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ"))
	for i := 0x20; i < 0x80; i++ {
		t[i] = rune(0x80 + i)
	}
	return t
}()

var cp1251 = func() (t [128]rune) {
	copy(t[:], []rune("ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\uFFFD™љ›њќћџ\u00A0ЎўЈ¤Ґ¦§Ё©Є«¬\u00AD®Ї°±Ііґµ¶·ё№є»јЅѕї"))
	for i := 0x40; i < 0x80; i++ {
		t[i] = rune(0x410 + i - 0x40)
	}
	return t
}()
