package xlsx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on the sheets read: a row past maxRows, more than maxCells
// cells in all the sheets read (each row counts up to its last cell
// with a value), a column past Excel's last (XFD), or more than maxBad
// cells that are corrupt or formulas without a value is refused while
// the sheet is read. A small file can unpack into millions of rows.
const (
	maxRows  = 1 << 18
	maxCells = 1 << 23
	maxCols  = 1 << 14
	maxBad   = 1 << 16
)

// xlsxBook is a workbook's parts as Read needs them: its sheets in
// order, the shared strings and which cell formats show percentages.
type xlsxBook struct {
	zb      *zipBook
	sheets  []sheetPart
	shared  []string
	percent []bool // by cell format (a cell's s)
	cells   int    // cells read so far, against maxCells
	bad     int    // corrupt cells and formulas without values so far
}

// sheetPart is a sheet's name and its part ("" when it is not a
// worksheet: a chart sheet has no cells).
type sheetPart struct {
	name, part string
	missing    bool // the workbook names no part for it
}

// openBook reads a workbook's structure: its sheets, shared strings and
// cell formats (not yet its sheets' cells).
func openBook(data []byte) (*xlsxBook, error) {
	zb, err := openZip(data)
	if err != nil {
		return nil, err
	}
	pkgRels, err := zb.rels("")
	if err != nil {
		return nil, fmt.Errorf("xlsx: not a workbook: %w", err)
	}
	wbPart := zb.relTo(pkgRels, "/officeDocument", "xl/workbook.xml")
	if wbPart == "" {
		return nil, errors.New("xlsx: not a workbook: the zip holds no workbook part (xl/workbook.xml)")
	}
	b := &xlsxBook{zb: zb}
	wbRels, err := zb.rels(wbPart)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if err := b.readSheetList(wbPart, wbRels); err != nil {
		return nil, fmt.Errorf("xlsx: part %s: %w", wbPart, err)
	}
	if part := zb.relTo(wbRels, "/sharedStrings", "xl/sharedStrings.xml"); part != "" {
		if b.shared, err = b.readShared(part); err != nil {
			return nil, fmt.Errorf("xlsx: shared strings (part %s): %w", part, err)
		}
	}
	if part := zb.relTo(wbRels, "/styles", "xl/styles.xml"); part != "" {
		if b.percent, err = readPercentFormats(zb, part); err != nil {
			return nil, fmt.Errorf("xlsx: cell formats (part %s): %w", part, err)
		}
	}
	return b, nil
}

// names returns the sheets' names in order.
func (b *xlsxBook) names() []string {
	out := make([]string, len(b.sheets))
	for i, s := range b.sheets {
		out[i] = s.name
	}
	return out
}

// readSheetList reads the workbook part's sheets and finds each one's
// part through the workbook's relationships.
func (b *xlsxBook) readSheetList(part string, rels map[string]rel) error {
	x, err := b.zb.open(part)
	if err != nil {
		return err
	}
	defer x.close()
	for {
		tok, err := x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", x.line(), err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok || t.Name.Local != "sheet" {
			continue
		}
		if len(b.sheets) == maxItems {
			return tooLarge("over %d sheets (the limit)", maxItems)
		}
		s := sheetPart{}
		s.name, _ = attr(t, "name")
		for _, a := range t.Attr {
			if a.Name.Local == "id" && a.Name.Space != "" { // r:id
				r, ok := rels[a.Value]
				switch {
				case !ok || !b.zb.has(r.target):
					s.missing = true
				case strings.HasSuffix(r.typ, "/worksheet"):
					s.part = r.target
				}
			}
		}
		b.sheets = append(b.sheets, s)
	}
}

// readShared reads the shared strings: each item's text, its runs'
// texts joined, phonetic guides left out.
func (b *xlsxBook) readShared(part string) ([]string, error) {
	x, err := b.zb.open(part)
	if err != nil {
		return nil, err
	}
	defer x.close()
	var (
		out      []string
		text     []byte
		inItem   bool
		inText   bool
		phonetic int // inside <rPh>
	)
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("item %d, line %d: %w", len(out), x.line(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inItem, text = true, text[:0]
			case "t":
				inText = true
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(out) == maxCells {
					return nil, tooLarge("over %d shared strings (the limit)", maxCells)
				}
				out = append(out, unescapeX(string(text)))
				inItem = false
			case "t":
				inText = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inItem && inText && phonetic == 0 {
				if text = append(text, t...); len(text) > maxToken {
					return nil, tooLarge("item %d: a text of over %d bytes (the limit)", len(out), maxToken)
				}
			}
		}
	}
}

// readPercentFormats reads which cell formats show a percentage: number
// format 9 or 10, or a custom one with a % (see scalesByHundred).
func readPercentFormats(zb *zipBook, part string) ([]bool, error) {
	x, err := zb.open(part)
	if err != nil {
		return nil, err
	}
	defer x.close()
	custom := map[int]string{}
	var formats []int                    // each cell format's number format
	inNumFmts, inCellXfs := false, false // not the numFmt of a dxf, nor the xf of a cellStyleXfs
	for {
		tok, err := x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", x.line(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "numFmts":
				inNumFmts = true
			case t.Name.Local == "numFmt" && inNumFmts:
				if len(custom) == maxItems {
					return nil, tooLarge("over %d number formats (the limit)", maxItems)
				}
				id, _ := attr(t, "numFmtId")
				code, _ := attr(t, "formatCode")
				if n, err := strconv.Atoi(id); err == nil {
					custom[n] = code
				}
			case t.Name.Local == "cellXfs":
				inCellXfs = true
			case t.Name.Local == "xf" && inCellXfs:
				if len(formats) == maxItems {
					return nil, tooLarge("over %d cell formats (the limit)", maxItems)
				}
				id, _ := attr(t, "numFmtId")
				n, _ := strconv.Atoi(id)
				formats = append(formats, n)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "numFmts":
				inNumFmts = false
			case "cellXfs":
				inCellXfs = false
			}
		}
	}
	percent := make([]bool, len(formats))
	for i, id := range formats {
		code, ok := custom[id]
		percent[i] = id == 9 || id == 10 || (ok && scalesByHundred(code))
	}
	return percent, nil
}

// unescapeX decodes the _xHHHH_ escapes of OOXML strings (ST_Xstring):
// "_x000D_" is a carriage return, "_x005F_" an underscore.
func unescapeX(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(v))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sheet reads a sheet's cells into a grid: raw values (a date's serial
// number, a shared string's text), which cells show percentages, and
// which are corrupt or formulas without a saved value (see grid.bad).
// Broken XML, a row or cell out of order and a limit passed are errors
// naming the sheet and the cell.
func (b *xlsxBook) sheet(name string) (*grid, error) {
	g := &grid{name: name}
	var sp sheetPart
	for _, s := range b.sheets {
		if s.name == name {
			sp = s
			break
		}
	}
	if sp.missing {
		return nil, fmt.Errorf("xlsx: sheet %s: the workbook has no part for it", name)
	}
	if sp.part == "" {
		return g, nil
	}
	x, err := b.zb.open(sp.part)
	if err != nil {
		return nil, fmt.Errorf("xlsx: sheet %s (part %s): %w", name, sp.part, err)
	}
	defer x.close()
	s := sheetScan{b: b, g: g, x: x, lastCol: -1}
	if err := s.scan(); err != nil {
		where := "sheet " + name
		switch {
		case s.col >= 0 && s.row > 0:
			where += ", cell " + ref(s.row-1, s.col)
		case s.row > 0:
			where += ", row " + strconv.Itoa(s.row)
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, tooLarge("xlsx: %s: %v", where, err)
		}
		return nil, fmt.Errorf("xlsx: %s: the sheet is corrupt (part %s, line %d): %w", where, sp.part, x.line(), err)
	}
	return g, nil
}

// sheetScan is the state of reading one sheet's XML.
type sheetScan struct {
	b *xlsxBook
	g *grid
	x *xmlPart

	row, lastRow int      // the row being read and the last one read (from 1)
	col, lastCol int      // the cell being read and the row's last one (from 0; -1 for none)
	cells        []string // the row's cells so far
	// the cell being read
	typ, style string
	hasV, hasF bool
	value      []byte // <v>'s text
	inline     []byte // <is>'s text
	formula    []byte // <f>'s text, its start
	in         byte   // 'v', 'f' or 't' (in <is>): where text goes
	inInline   bool
	phonetic   int
}

func (s *sheetScan) scan() error {
	s.col = -1
	for {
		tok, err := s.x.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := s.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := s.end(t); err != nil {
				return err
			}
		case xml.CharData:
			switch s.in {
			case 'v':
				s.value = append(s.value, t...)
			case 'f':
				if len(s.formula) < 40 {
					s.formula = append(s.formula, t[:min(len(t), 40)]...)
				}
			case 't':
				if s.inInline && s.phonetic == 0 {
					s.inline = append(s.inline, t...)
				}
			}
			if len(s.value)+len(s.inline) > maxToken {
				return tooLarge("a value of over %d bytes (the limit)", maxToken)
			}
		}
	}
}

func (s *sheetScan) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "row":
		n := s.lastRow + 1
		if r, ok := attr(t, "r"); ok {
			v, err := strconv.Atoi(r)
			if err != nil || v < 1 {
				return fmt.Errorf("row number %q is not a number from 1", r)
			}
			n = v
		}
		if n <= s.lastRow {
			s.row = n
			return fmt.Errorf("row %d comes after row %d", n, s.lastRow)
		}
		s.row, s.col, s.lastCol, s.cells = n, -1, -1, s.cells[:0]
		if n > maxRows {
			return tooLarge("over %d rows (the limit)", maxRows)
		}
	case "c":
		if s.row == 0 {
			return errors.New("a cell outside a row")
		}
		c := s.lastCol + 1
		if r, ok := attr(t, "r"); ok {
			v, ok := columnOf(r)
			if !ok {
				return fmt.Errorf("cell reference %q is not a cell of columns A to XFD", r)
			}
			c = v
		}
		s.col = c
		if c >= maxCols {
			s.col = -1
			return fmt.Errorf("a cell past column XFD, the last")
		}
		if c <= s.lastCol {
			return fmt.Errorf("cell %s comes after cell %s", ref(s.row-1, c), ref(s.row-1, s.lastCol))
		}
		s.typ, _ = attr(t, "t")
		s.style, _ = attr(t, "s")
		s.hasV, s.hasF, s.inInline = false, false, false
		s.value, s.inline, s.formula = s.value[:0], s.inline[:0], s.formula[:0]
	case "v":
		s.in, s.hasV = 'v', true
	case "f":
		s.in, s.hasF = 'f', true
	case "is":
		s.inInline = true
	case "t":
		s.in = 't'
	case "rPh":
		s.phonetic++
	}
	return nil
}

func (s *sheetScan) end(t xml.EndElement) error {
	switch t.Name.Local {
	case "v", "f", "t":
		s.in = 0
	case "rPh":
		s.phonetic--
	case "c":
		if s.col < 0 {
			return nil // a <c> outside a row was refused at its start
		}
		if err := s.cell(); err != nil {
			return err
		}
		s.lastCol = s.col
	case "row":
		if err := s.endRow(); err != nil {
			return err
		}
		s.lastRow, s.col = s.row, -1
	}
	return nil
}

// cell stores the cell just read: its value as excelize's raw values
// are (a shared string's text, an inline string's, else <v>'s), whether
// its format shows a percentage, or why it cannot be read.
func (s *sheetScan) cell() error {
	var v, bad string
	switch s.typ {
	case "s":
		if !s.hasV {
			break
		}
		k, err := strconv.Atoi(strings.TrimSpace(string(s.value)))
		if err != nil || k < 0 || k >= len(s.b.shared) {
			bad = fmt.Sprintf("the cell is corrupt: it stands for shared string %q, which the workbook does not have (it has %d)", s.value, len(s.b.shared))
			break
		}
		v = s.b.shared[k]
	case "inlineStr":
		if s.inInline {
			v = unescapeX(string(s.inline))
			break
		}
		v = string(s.value)
	default:
		v = string(s.value)
	}
	if s.hasF && !s.hasV && s.typ != "inlineStr" {
		f := string(s.formula)
		if !utf8.ValidString(f) {
			f = strings.ToValidUTF8(f, "")
		}
		if len(s.formula) == 40 {
			f += "…"
		}
		bad = fmt.Sprintf("a formula (=%s) with no value saved in the file: open the workbook in Excel or LibreOffice and save it, or type the value", f)
	}
	r, c := s.row-1, s.col
	if bad != "" {
		if s.b.bad++; s.b.bad > maxBad {
			return tooLarge("over %d cells that are corrupt or formulas without a value (the limit)", maxBad)
		}
		if s.g.bad == nil {
			s.g.bad = map[int]string{}
		}
		s.g.bad[cellKey(r, c)] = bad
		return nil
	}
	if v == "" {
		return nil
	}
	for len(s.cells) < c {
		s.cells = append(s.cells, "")
	}
	s.cells = append(s.cells, v)
	if s.style == "" || len(s.b.percent) == 0 {
		return nil
	}
	if k, err := strconv.Atoi(s.style); err == nil && k >= 0 && k < len(s.b.percent) && s.b.percent[k] {
		if s.g.pct == nil {
			s.g.pct = map[int]bool{}
		}
		s.g.pct[cellKey(r, c)] = true
	}
	return nil
}

// endRow stores the row just read, as long as its last cell with a
// value.
func (s *sheetScan) endRow() error {
	if len(s.cells) == 0 {
		return nil
	}
	if s.b.cells += len(s.cells); s.b.cells > maxCells {
		return tooLarge("over %d cells in the sheets read (the limit)", maxCells)
	}
	for len(s.g.rows) < s.row-1 {
		s.g.rows = append(s.g.rows, nil)
	}
	s.g.rows = append(s.g.rows, append([]string(nil), s.cells...))
	return nil
}

// columnOf reads the column of an A1 reference ("AB12": 27), from 0.
func columnOf(ref string) (int, bool) {
	c, i := 0, 0
	for ; i < len(ref); i++ {
		ch := ref[i] | 0x20 // lower case
		if ch < 'a' || ch > 'z' {
			break
		}
		if c = c*26 + int(ch-'a') + 1; c > maxCols {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for _, ch := range []byte(ref[i:]) {
		if ch < '0' || ch > '9' {
			return 0, false
		}
	}
	return c - 1, true
}

// cellKey is a cell's key in a grid's maps.
func cellKey(r, c int) int { return r*maxCols + c }
