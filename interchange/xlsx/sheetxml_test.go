package xlsx

import (
	"bytes"
	"slices"
	"testing"
)

// The sheet reader takes what a workbook's XML may hold as excelize
// did: shared and inline strings with rich runs (phonetic guides left
// out) and _xHHHH_ escapes, cells and rows without references, other
// namespace prefixes; and it reads which cells show percentages from
// the cell formats (a custom format with %, not a conditional format's).
func TestReadSheetXML(t *testing.T) {
	styles := `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/></numFmts>` +
		`<cellStyleXfs><xf numFmtId="9"/></cellStyleXfs>` +
		`<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="9"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs>` +
		`<dxfs><dxf><numFmt numFmtId="166" formatCode="0%"/></dxf></dxfs></styleSheet>`
	shared := `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<si><t>plain</t></si><si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh><t>フリ</t></rPh></si><si><t>a_x000D_b_x005F_x0041_</t></si></sst>`
	sheet := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>` +
		`<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t xml:space="preserve">line </x:t></x:r></x:is></x:c>` +
		`<x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1&amp;"!"</x:f><x:v>plain!</x:v></x:c></x:row>` +
		`<x:row r="4"><x:c r="A4" s="1"><x:v>0.5</x:v></x:c><x:c s="2"><x:v>0.25</x:v></x:c><x:c s="3"><x:v>0.75</x:v></x:c>` +
		`<x:c s="4"><x:v>0.1</x:v></x:c><x:c s="0"><x:v>0.2</x:v></x:c><x:c s="99"><x:v>0.3</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	parts := bookParts()
	parts[3].body = parts[3].body[:len(parts[3].body)-len("</Relationships>")] +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/></Relationships>`
	xb, err := openBook(zipOf(t, append(parts, entry{name: "xl/worksheets/sheet1.xml", body: sheet},
		entry{name: "xl/sharedStrings.xml", body: shared}, entry{name: "xl/styles.xml", body: styles})...))
	if err != nil {
		t.Fatal(err)
	}
	g, err := xb.sheet("Tasks")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"plain", "rich", "a\rb_x0041_"},
		nil,
		{"", "inline ", "1", "plain!"},
		{"0.5", "0.25", "0.75", "0.1", "0.2", "0.3"},
	}
	if !slices.EqualFunc(g.rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", g.rows, want)
	}
	var shown []string
	for c, v := range g.rows[3] {
		shown = append(shown, g.percentShown(3, c, v))
	}
	if w := []string{"50%", "25%", "0.75", "0.1", "0.2", "0.3"}; !slices.Equal(shown, w) {
		t.Errorf("shown %q, want %q", shown, w)
	}
	if _, err := Read(bytes.NewReader(zipOf(t, parts...)), nil); err == nil {
		t.Error("a workbook whose sheet's part is missing reads")
	}
}
