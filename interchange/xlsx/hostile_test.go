package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
)

// entry is a part of a hand-made zip: its name and body, or a writer of
// its body; claim, when set, is the unpacked size its directory entry
// says (a lie: the body is written as it is).
type entry struct {
	name  string
	body  string
	write func(w io.Writer)
	claim uint64
}

// zipOf makes a zip of entries, deflated.
func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		write := e.write
		if write == nil {
			write = func(w io.Writer) { io.WriteString(w, e.body) }
		}
		if e.claim == 0 {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			write(w)
			continue
		}
		var body, packed bytes.Buffer
		write(&body)
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		fw.Write(body.Bytes())
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body.Bytes()),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: e.claim})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML is a worksheet part holding sheetData.
func sheetXML(sheetData string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`
}

// bookParts are the parts of a workbook of one sheet, Tasks, besides the
// sheet (xl/worksheets/sheet1.xml) and its shared strings
// (xl/sharedStrings.xml).
func bookParts() []entry {
	return []entry{
		{name: "[Content_Types].xml", body: `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{name: "_rels/.rels", body: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", body: `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tasks" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", body: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	}
}

// taskBook is a workbook whose Tasks sheet holds rows (each cell's XML)
// after a header row ID, Name, Duration, Start, Notes, with shared
// strings.
func taskBook(t testing.TB, shared []string, rows ...string) []byte {
	t.Helper()
	var data strings.Builder
	data.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c>` +
		`<c r="C1" t="inlineStr"><is><t>Duration</t></is></c><c r="D1" t="inlineStr"><is><t>Start</t></is></c><c r="E1" t="inlineStr"><is><t>Notes</t></is></c></row>`)
	for i, r := range rows {
		fmt.Fprintf(&data, `<row r="%d">%s</row>`, i+2, r)
	}
	var sst strings.Builder
	sst.WriteString(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range shared {
		fmt.Fprintf(&sst, "<si><t>%s</t></si>", s)
	}
	sst.WriteString("</sst>")
	return zipOf(t, append(bookParts(),
		entry{name: "xl/worksheets/sheet1.xml", body: sheetXML(data.String())},
		entry{name: "xl/sharedStrings.xml", body: sst.String()})...)
}

// allocated is what f allocates on the heap, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// repeat writes s n times.
func repeat(s string, n int) func(w io.Writer) {
	return func(w io.Writer) {
		chunk := strings.Repeat(s, max(1, 64<<10/len(s)))
		per := len(chunk) / len(s)
		for ; n >= per; n -= per {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, strings.Repeat(s, n))
	}
}

// letters writes n pseudo-random letters: text that packs about 1.6
// times, under any ratio limit.
func letters(n int) func(w io.Writer) {
	return func(w io.Writer) {
		rng := rand.New(rand.NewPCG(1, 2))
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a' + byte(rng.IntN(26))
		}
		w.Write(b)
	}
}

// Hostile workbooks are refused with ErrTooLarge naming the limit, from
// the zip's directory when it tells (nothing inflated: each read
// allocates a few MB where the bomb unpacks to 16 MB and more) or while
// the part is read, within the bound the limit sets.
func TestReadHostileWorkbooks(t *testing.T) {
	sheet := func(write func(w io.Writer)) []byte {
		return zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml", write: write})...)
	}
	sheetHead := sheetXML(`<row r="1"><c r="A1"><v>`)
	head, tail := sheetHead[:len(sheetHead)-len("</sheetData></worksheet>")], `</v></c></row></sheetData></worksheet>`
	value := func(body func(w io.Writer)) func(w io.Writer) {
		return func(w io.Writer) { io.WriteString(w, head); body(w); io.WriteString(w, tail) }
	}
	var many []entry
	for i := range maxEntries + 1 {
		many = append(many, entry{name: fmt.Sprintf("xl/media/e%d.bin", i), body: "x"})
	}
	var claimed []entry
	for i := range maxUnzipped/ratioGrace + 1 {
		claimed = append(claimed, entry{name: fmt.Sprintf("xl/media/image%d.png", i), body: "x", claim: ratioGrace})
	}
	var nested strings.Builder
	for range maxDepth {
		nested.WriteString("<x>")
	}
	tests := []struct {
		name  string
		data  []byte
		want  string  // in the error
		bound float64 // MB the read may allocate
	}{
		{"one cell unpacking to 16 MB", sheet(value(repeat("a", 16<<20))), "over 100 times (the limit)", 4},
		{"shared strings unpacking to 16 MB", zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml", body: sheetXML("")},
			entry{name: "xl/sharedStrings.xml", write: repeat("<si><t>x</t></si>", 1<<20)})...), "over 100 times (the limit)", 4},
		{"a part claiming 256 MB", zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml", body: sheetXML(""), claim: maxPart + 1})...),
			"over the 268435456 a part may (the limit)", 1},
		{"parts claiming 1 GB", zipOf(t, append(bookParts(), claimed...)...), "unpacks to over 1073741824 bytes (the limit)", 4},
		{"10,001 entries", zipOf(t, many...), "over 10000 entries (the limit)", 1},
		{"a 2 MB value", sheet(value(letters(2 << 20))), "sheet Tasks, cell A1: a value of over 1048576 bytes (the limit)", 16},
		{"a 2 MB tag", sheet(func(w io.Writer) {
			io.WriteString(w, head[:len(head)-len(`<c r="A1"><v>`)]+`<c r="A1" x="`)
			letters(2 << 20)(w)
			io.WriteString(w, `"/></row></sheetData></worksheet>`)
		}), "sheet Tasks, row 1: a tag or text of over 1048576 bytes (the limit)", 16},
		{"a row past the last", sheet(func(w io.Writer) {
			io.WriteString(w, sheetXML(fmt.Sprintf(`<row r="1"><c><v>1</v></c></row><row r="%d"><c><v>1</v></c></row>`, maxRows+1)))
		}), "sheet Tasks, row 262145: over 262144 rows (the limit)", 1},
		{"rows of 16,384 cells", sheet(func(w io.Writer) {
			io.WriteString(w, head[:len(head)-len(`<row r="1"><c r="A1"><v>`)])
			for r := range maxCells/maxCols + 1 {
				fmt.Fprintf(w, `<row><c r="XFD%d"><v>1</v></c></row>`, r+1)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
		}), "over 8388608 cells in the sheets read (the limit)", 1.5 * 16 * maxCells / 1e6},
		{"elements nested 64 deep", sheet(func(w io.Writer) { io.WriteString(w, sheetXML(nested.String())) }), "nested over 64 deep (the limit)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			mb := float64(allocated(func() { _, err = Read(bytes.NewReader(tt.data), nil) })) / 1e6
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrTooLarge saying %q", err, tt.want)
			}
			if bound := tt.bound + 2*float64(len(tt.data))/1e6; mb > bound && !raceEnabled {
				t.Errorf("%d-byte file: %.1f MB allocated, want at most %.1f", len(tt.data), mb, bound)
			}
		})
	}
}

// A zip whose directory understates a part's size is refused once the
// part inflates past it, and the error names the sheet; an encrypted
// workbook (an OLE file) is named as one.
func TestReadLyingZip(t *testing.T) {
	liar := zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml", write: func(w io.Writer) {
		io.WriteString(w, sheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 100000)))
	}, claim: 1000})...)
	var err error
	mb := float64(allocated(func() { _, err = Read(bytes.NewReader(liar), nil) })) / 1e6
	if err == nil || !strings.Contains(err.Error(), "sheet Tasks") || !strings.Contains(err.Error(), "not a valid zip file") {
		t.Errorf("got %v, want the sheet named and the zip refused", err)
	}
	if mb > 4 && !raceEnabled {
		t.Errorf("%.1f MB allocated reading a part that claims 1,000 bytes", mb)
	}
	ole := append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 512)...)
	if _, err := Read(bytes.NewReader(ole), nil); err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("an OLE file: got %v, want it named an encrypted workbook or .xls", err)
	}
}

// A sheet whose XML is broken — cut short in a value or in a tag, a tag
// closed by another, a row or cell out of order — is an error naming the
// sheet and the cell, not some of its rows imported (nor, in critpath's
// workbook, the Gantt sheet read instead of Tasks).
func TestReadBrokenSheet(t *testing.T) {
	good := `<c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Dig</t></is></c><c r="C2"><v>3</v></c>`
	cut := func(s, at string) string { return s[:strings.Index(s, at)] }
	tests := []struct {
		name string
		data []byte
		want []string // in the error
	}{
		{"cut in a value", zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml",
			body: cut(sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row><row r="2">`+good+`</row>`), "ig</t>")})...),
			[]string{"sheet Tasks, cell B2", "the part is cut short"}},
		{"cut in a tag", zipOf(t, append(bookParts(), entry{name: "xl/worksheets/sheet1.xml",
			body: cut(sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row><row r="2">`+good+`</row>`), `2"><v>3`)})...),
			[]string{"sheet Tasks, cell B2", "unexpected EOF"}},
		{"a bad tag", taskBook(t, nil, `<c r="A2"><v>1</v></c><c r="C2"><v>3</vv></c>`), []string{"sheet Tasks, cell C2", "<v> is closed by </vv>"}},
		{"rows out of order", taskBook(t, nil, `<c r="A2"><v>1</v></c></row><row r="1"><c><v>2</v></c>`), []string{"sheet Tasks, row 1", "row 1 comes after row 2"}},
		{"cells out of order", taskBook(t, nil, `<c r="C2"><v>1</v></c><c r="A2"><v>2</v></c>`), []string{"sheet Tasks, cell A2", "cell A2 comes after cell C2"}},
		{"critpath's workbook, its Tasks sheet cut", cutOwnTasks(t), []string{"sheet Tasks", "the part is cut short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(bytes.NewReader(tt.data), nil)
			if f != nil || err == nil {
				t.Fatalf("got %v and no error", f.Project.Tasks)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want it to say %q", err, w)
				}
			}
		})
	}
}

// ownBook is critpath's workbook of the Dhaka Tower with its Tasks sheet
// (xl/worksheets/sheet1.xml, its body as written) made over by tasks.
func ownBook(t *testing.T, tasks func(e *entry)) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, testutil.Example(t, "dhaka-tower.json"), nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var entries []entry
	for _, f := range zr.File {
		r, _ := f.Open()
		body, _ := io.ReadAll(r)
		e := entry{name: f.Name, body: string(body)}
		if f.Name == "xl/worksheets/sheet1.xml" {
			tasks(&e)
		}
		entries = append(entries, e)
	}
	return zipOf(t, entries...)
}

// cutOwnTasks is critpath's workbook of the Dhaka Tower with its Tasks
// sheet cut in half (it was read as far as the cut, or, cut in a tag, the
// Gantt sheet read instead).
func cutOwnTasks(t *testing.T) []byte {
	return ownBook(t, func(e *entry) { e.body = e.body[:len(e.body)/2] })
}

// ownTaskRows is critpath's workbook of the Dhaka Tower with its Tasks
// sheet replaced by one of n rows: a header ID, Name, then tasks with an
// ID and a name.
func ownTaskRows(t *testing.T, n int) []byte {
	sheet := sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>` + "\x00")
	head, tail, _ := strings.Cut(sheet, "\x00")
	return ownBook(t, func(e *entry) {
		e.write = func(w io.Writer) {
			io.WriteString(w, head)
			repeat(`<row><c><v>7</v></c><c><v>1</v></c></row>`, n-1)(w)
			io.WriteString(w, tail)
		}
	})
}

// A workbook of critpath's whose Tasks sheet holds 2,000,000 rows is
// refused from its zip directory, the sheet unpacking to over 100 times
// its packed size: ErrTooLarge naming the limit, its memory bounded.
// TestReadHostileWorkbooks has the bomb that passes the directory and
// stops at maxRows.
func TestReadRowBombFromTheDirectory(t *testing.T) {
	data := ownTaskRows(t, 2_000_000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(data), nil)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "100 times (the limit)") {
		t.Errorf("got %v, want ErrTooLarge naming the limit", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 1024 {
		t.Errorf("%d-byte workbook: %d MB allocated", len(data), mb)
	}
}

// A cell that cannot be read is a problem in that cell, once read: one
// whose shared string the workbook lacks is corrupt (it was "the task's
// ID is empty"); a formula without a saved value is named (the duration
// was left empty). In a column not read, neither matters.
func TestReadCellsThatCannotBeRead(t *testing.T) {
	opts := &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	tests := []struct {
		name string
		rows []string
		want []string // the problems, nil when the sheet reads
	}{
		{"a shared string out of range", []string{`<c r="A2" t="s"><v>0</v></c><c r="C2"><v>2</v></c>`, `<c r="A3" t="s"><v>99</v></c><c r="C3"><v>2</v></c>`},
			[]string{`Tasks!A3: the cell is corrupt: it stands for shared string "99", which the workbook does not have (it has 1)`}},
		{"a shared string that is not a number", []string{`<c r="A2" t="s"><v>x</v></c><c r="C2"><v>2</v></c>`},
			[]string{`Tasks!A2: the cell is corrupt: it stands for shared string "x", which the workbook does not have (it has 1)`}},
		{"a formula without a value", []string{`<c r="A2"><v>1</v></c><c r="C2"><f>D2*2</f></c>`},
			[]string{`Tasks!C2: a formula (=D2*2) with no value saved in the file: open the workbook in Excel or LibreOffice and save it, or type the value`}},
		{"a formula with its value", []string{`<c r="A2"><v>1</v></c><c r="C2"><f>1+1</f><v>2</v></c>`}, nil},
		{"a formula without a value in a column not read", []string{`<c r="A2"><v>1</v></c><c r="C2"><v>2</v></c><c r="F2"><f>C2*2</f></c>`}, nil},
		{"a corrupt cell in a row of nothing else", []string{`<c r="A2"><v>1</v></c><c r="C2"><v>2</v></c>`, `<c r="C3" t="s"><v>7</v></c>`},
			[]string{`Tasks!C3: the cell is corrupt: it stands for shared string "7", which the workbook does not have (it has 1)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(bytes.NewReader(taskBook(t, []string{"A"}, tt.rows...)), opts)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if d := f.Project.Tasks[0].Duration.String(); d != "2d" {
					t.Errorf("duration %s, want 2d", d)
				}
				return
			}
			ie, ok := errors.AsType[*ImportError](err)
			if !ok {
				t.Fatalf("got %v, want an ImportError", err)
			}
			var got []string
			for _, p := range ie.Problems {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// endless is an input of n bytes, a head then a line repeated, made as
// it is read; it counts what was read.
type endless struct {
	head, line string
	n, read    int
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.n {
		return 0, io.EOF
	}
	k := 0
	for ; k < len(p) && e.read < e.n; k, e.read = k+1, e.read+1 {
		if e.read < len(e.head) {
			p[k] = e.head[e.read]
		} else {
			p[k] = e.line[(e.read-len(e.head))%len(e.line)]
		}
	}
	return k, nil
}

// A CSV file over a bound is refused as soon as the bound is passed,
// having read little past it: one 64 MB line, a quoted value of 64 MB
// over short lines, 64 MB of short rows (it was read whole, then parsed
// whole: a 100 MB line and 10⁶ rows ran out of memory).
func TestReadCSVHostile(t *testing.T) {
	tests := []struct {
		name string
		in   *endless
		want string
		read int // bytes the reader may read at most
	}{
		{"one 64 MB line", &endless{line: "x", n: 64 << 20}, "CSV line 1: a line of over 1048576 bytes (the limit)", 2 * maxCSVRow},
		{"a 64 MB quoted value", &endless{head: "ID,\"", line: strings.Repeat("x", 99) + "\n", n: 64 << 20}, "CSV line 1: a row of over 1048576 bytes (the limit)", 2 * maxCSVRow},
		{"64 MB of rows", &endless{line: "a,b\n", n: 64 << 20}, "CSV line 262145: over 262144 lines (the limit)", 4*(maxRows+1) + csvPeek},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			mb := float64(allocated(func() { _, err = ReadCSV(tt.in, nil) })) / 1e6
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrTooLarge saying %q", err, tt.want)
			}
			if tt.in.read > tt.read {
				t.Errorf("read %d bytes, want at most %d", tt.in.read, tt.read)
			}
			if mb > 64 && !raceEnabled {
				t.Errorf("%.1f MB allocated", mb)
			}
		})
	}
}

// A CSV file's quotes and line ends: a quote left open at the end of the
// file is an error naming its line (the rest of the file was one name);
// text after a closing quote is kept with a warning; CR line ends are
// lines; a problem's row is the file's line, blank lines and values over
// several lines counted.
func TestReadCSVQuotesAndLines(t *testing.T) {
	opts := &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	if _, err := ReadCSV(strings.NewReader("ID,Name,Duration\n1,Dig,2d\n2,\"Pour,1d\n3,Cure,1d\n"), opts); err == nil ||
		err.Error() != "xlsx: CSV cell B3 (line 3): its opening quote is not closed before the end of the file" {
		t.Errorf("an open quote: got %v", err)
	}
	f, err := ReadCSV(strings.NewReader("ID,Name,Duration\r1,\"Dig\"gy,2d\r2,\"Pour\rslab\",1d\r"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.Project.Tasks; len(n) != 2 || n[0].Name != "Diggy" || n[1].Name != "Pour\nslab" {
		t.Errorf("tasks %+v", n)
	}
	if len(f.Warnings) != 1 || f.Warnings[0].String() != `CSV!B2: text after the closing quote of a quoted value: read as "Diggy"` {
		t.Errorf("warnings %v", f.Warnings)
	}
	_, err = ReadCSV(strings.NewReader("ID,Name,Duration\n\n1,\"Dig\nand fill\",2d\n2,Pour,2x\n"), opts)
	if ie, ok := errors.AsType[*ImportError](err); !ok || len(ie.Problems) != 1 || ie.Problems[0].Cell != "C5" {
		t.Errorf("got %v, want the problem in C5, line 5", err)
	}
}
