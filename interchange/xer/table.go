package xer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
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

// maxRows bounds the rows of a table Read uses.
const maxRows = 1 << 21

// oddRow is a row whose field count is not its %F line's.
type oddRow struct{ line, fields, want int }

// table is what parse knows of one table of the file as it reads it.
type table struct {
	t     *p6.Table // the rows kept, for a table Read uses; else nil
	width int       // the fields its %F line names (-1 before its %F line)
	kept  []kept    // the fields kept, in the order of the %F line
	rows  int
	odd   []oddRow // the first rows whose field count is not the %F line's
	nodd  int      // how many there are
}

// kept is a field parse keeps: its place in the %F line, and in the
// table's rows.
type kept struct{ at, to int }

// splitter is the state of parse as it walks the lines.
type splitter struct {
	tables  map[string]*table // by name, as the file spells it
	order   []string
	cur     *table
	name    string   // cur's name
	scratch [][]byte // a row's kept fields, reused
	all     bool     // keep every field of the tables Read uses, not only p6.Columns

	sawHeader bool
	ended     bool   // the last marker line was %E
	last      int    // the last line that was not blank
	lastRow   bool   // it was a %R line
	lastTable string // the table it is in

	// What Detect needs: whether the text is ASCII, UTF-8, and how its
	// bytes from 0xC0 up run together (see cyrillic).
	nonASCII, invalid bool
	high, paired      int
}

// parse reads an XER file line by line into the tables Read uses, each
// with the fields Convert reads (every field with all), its text decoded
// by the charset once the file is read; it returns warnings about rows
// whose field count is not their %F line's and about a file that ends
// without %E. It fails on what is not XER, a table Read uses with more
// than maxRows rows and on a file cut short (see ErrTruncated). What it
// holds is the text of the fields kept, and the longest line.
func parse(r io.Reader, cs Charset, maxBytes int64, all bool) (p6.Tables, []Warning, error) {
	maxBytes = min(maxBytes, math.MaxInt64-1)
	in := newLines(r, maxBytes)
	tooLarge := fmt.Errorf("%w: over %d bytes (ReadOptions.MaxBytes)", ErrTooLarge, maxBytes)
	sp := &splitter{tables: map[string]*table{}, all: all}
	for line := 1; ; line++ {
		text, err := in.next()
		if in.lim.over {
			return nil, nil, tooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("xer: %w", err)
		}
		if line == 1 {
			if rest, ok := bytes.CutPrefix(text, []byte("\xEF\xBB\xBF")); ok { // a UTF-8 byte-order mark
				text = rest
				if cs == Detect {
					cs = UTF8
				}
			}
		}
		if err := sp.line(line, text); err != nil {
			return nil, nil, err
		}
	}
	if !sp.sawHeader {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("not an XER file (no ERMHDR line)")}
	}
	last, err := sp.end(in.whole())
	if err != nil {
		return nil, nil, err
	}
	if cs == Detect {
		cs = sp.detect()
	}
	tables := p6.Tables{}
	var warnings []Warning
	for _, raw := range sp.order {
		st, name := sp.tables[raw], raw
		if sp.nonASCII {
			name = decode([]byte(raw), cs)
		}
		for _, o := range st.odd[:min(len(st.odd), maxFieldWarnings)] {
			warnings = append(warnings, o.warning(name))
		}
		if n := st.nodd - maxFieldWarnings; n > 0 {
			warnings = append(warnings, Warning{Line: st.odd[maxFieldWarnings].line, Where: name,
				Message: fmt.Sprintf("%d more rows, from this line on, have a field count unlike the %%F line's; they are not listed", n)})
		}
		if st.t == nil {
			continue
		}
		if sp.nonASCII && (cs != UTF8 || sp.invalid) {
			st.t.Recode(func(b *strings.Builder, field string) { decodeTo(b, field, cs) })
		}
		tables[name] = st.t
	}
	if last != nil {
		if sp.nonASCII {
			last.Where = decode([]byte(last.Where), cs)
		}
		warnings = append(warnings, *last)
	}
	return tables, warnings, nil
}

// line takes one line of the file, its line break trimmed.
func (sp *splitter) line(line int, s []byte) error {
	if len(s) == 0 {
		return nil
	}
	if !ascii(s) {
		sp.nonASCII = true
		sp.invalid = sp.invalid || !utf8.Valid(s)
		high, paired := runs(s)
		sp.high, sp.paired = sp.high+high, sp.paired+paired
	}
	kind, rest, _ := bytes.Cut(s, []byte("\t"))
	sp.last, sp.lastRow, sp.lastTable = line, string(kind) == "%R", sp.name
	switch string(kind) {
	case "ERMHDR":
		sp.sawHeader = true
	case "%T":
		sp.ended = false
		name := string(bytes.TrimSpace(rest))
		sp.name, sp.lastTable = name, name
		if t, dup := sp.tables[name]; dup {
			sp.cur = t // a repeated table continues the first
			return nil
		}
		sp.cur = &table{width: -1}
		if p6.Reads(name) {
			sp.cur.t = &p6.Table{Fields: map[string]int{}}
		}
		sp.tables[name] = sp.cur
		sp.order = append(sp.order, name)
	case "%F":
		sp.ended = false
		if sp.cur == nil {
			return &ParseError{Line: line, Err: errors.New("%F before any %T")}
		}
		sp.fields(rest)
	case "%R":
		sp.ended = false
		if sp.cur == nil || sp.cur.width < 0 {
			return &ParseError{Line: line, Err: errors.New("%R before its table's %F")}
		}
		return sp.row(line, rest)
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

// fields takes the current table's %F line: the fields its rows have,
// of which a table Read uses keeps the ones Convert reads (all of them
// with sp.all), each in the place in its rows it was given the first time
// its name came. A name given twice is the last field of that name.
func (sp *splitter) fields(line []byte) {
	st := sp.cur
	st.width, st.kept = 1+bytes.Count(line, []byte("\t")), st.kept[:0]
	if st.t == nil {
		return
	}
	wanted, at := p6.Columns(sp.name), 0
	for f := range bytes.SplitSeq(line, []byte("\t")) {
		name := bytes.TrimSpace(f)
		if sp.all || slices.ContainsFunc(wanted, func(w string) bool { return w == string(name) }) {
			to, ok := st.t.Fields[string(name)]
			if !ok {
				to = len(st.t.Fields)
				st.t.Fields[string(name)] = to
			}
			st.kept = slices.DeleteFunc(st.kept, func(k kept) bool { return k.to == to })
			st.kept = append(st.kept, kept{at, to})
		}
		at++
	}
}

// row takes a %R line of the current table.
func (sp *splitter) row(line int, s []byte) error {
	st := sp.cur
	n := 1 + bytes.Count(s, []byte("\t"))
	if n != st.width {
		if len(st.odd) <= maxFieldWarnings {
			st.odd = append(st.odd, oddRow{line, n, st.width})
		}
		st.nodd++
	}
	st.rows++
	if st.t == nil {
		return nil
	}
	if st.t.Len() == maxRows {
		return &ParseError{Line: line, Table: sp.name, Err: fmt.Errorf("more than %d rows, the most Read takes in a table", maxRows)}
	}
	fields, next := sp.scratch[:0], 0
	for at := 0; next < len(st.kept); at++ {
		field, rest, more := bytes.Cut(s, []byte("\t"))
		if k := st.kept[next]; k.at == at {
			for len(fields) <= k.to {
				fields = append(fields, nil)
			}
			fields[k.to] = field
			next++
		}
		if !more {
			break
		}
		s = rest
	}
	sp.scratch = fields[:0]
	for len(fields) > 0 && len(fields[len(fields)-1]) == 0 {
		fields = fields[:len(fields)-1] // Get reads a field past the row's end as empty
	}
	st.t.AddRow(line, fields)
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
			return t.rows
		}
		return 0
	}
	if sp.ended {
		if rows("PROJECT") > 0 && rows("TASK") == 0 {
			for _, name := range []string{"TASKPRED", "TASKRSRC"} {
				if t := sp.tables[name]; t != nil && t.rows > 0 {
					return nil, &ParseError{Line: t.t.Line(0), Table: name, Err: errors.New("its rows name activities, but the file has no TASK rows")}
				}
			}
		}
		return nil, nil
	}
	cut := sp.lastRow && !whole
	if cut {
		if p6.Reads(sp.lastTable) {
			return nil, &ParseError{Line: sp.last, Table: sp.lastTable, Err: fmt.Errorf("%w: it ends in the middle of this row, without %%E", ErrTruncated)}
		}
		st := sp.tables[sp.lastTable]
		st.rows--
		if len(st.odd) > 0 && st.odd[len(st.odd)-1].line == sp.last {
			st.odd, st.nodd = st.odd[:len(st.odd)-1], st.nodd-1
		} else if st.nodd > len(st.odd) { // the cut row is counted, not listed
			st.nodd--
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
	case cyrillic(runs(data)):
		return Windows1251
	}
	return Windows1252
}

// detect is the charset Detect reads the lines seen in, as detect above.
func (sp *splitter) detect() Charset {
	switch {
	case !sp.invalid:
		return UTF8
	case cyrillic(sp.high, sp.paired):
		return Windows1251
	}
	return Windows1252
}

// decode turns bytes of the file into text by the charset.
func decode(data []byte, cs Charset) string {
	if cs == Detect {
		cs = detect(data)
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	decodeTo(&b, string(data), cs)
	return b.String()
}

// decodeTo appends s, bytes of the file, to b as text by the charset
// (not Detect).
func decodeTo(b *strings.Builder, s string, cs Charset) {
	if cs == UTF8 {
		b.WriteString(strings.ToValidUTF8(s, "\uFFFD"))
		return
	}
	table := &cp1252
	if cs == Windows1251 {
		table = &cp1251
	}
	for i := range len(s) {
		if c := s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(table[c-0x80])
		}
	}
}

// runs counts the bytes of data from 0xC0 up (high), and those of them
// next to another (paired).
func runs(data []byte) (high, paired int) {
	for i, c := range data {
		if c < 0xC0 {
			continue
		}
		high++
		if (i > 0 && data[i-1] >= 0xC0) || (i+1 < len(data) && data[i+1] >= 0xC0) {
			paired++
		}
	}
	return high, paired
}

// cyrillic reports whether the bytes from 0xC0 up come in runs, as the
// letters of Cyrillic words in Windows-1251 do (Western accented letters
// in Windows-1252 mostly stand alone among ASCII ones); high and paired
// are as runs counts them. Counted line by line, they are the counts of
// the whole file: a line break is not such a byte.
func cyrillic(high, paired int) bool { return high >= 4 && paired*2 > high }

// ascii reports whether b is ASCII alone, eight bytes at a time.
func ascii(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
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
