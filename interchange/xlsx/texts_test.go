package xlsx_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/xuri/excelize/v2"
)

// A text longer than Excel's 32,767 characters comes back whole or is
// warned of when written.
func TestLongTextWarned(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Notes = strings.Repeat("n", 40000)
	q, warns, err := writeRead(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(taskByID(t, q, "A").Notes); n != 40000 && len(warns) == 0 {
		t.Fatalf("notes read back with %d characters, no warning", n)
	}
}

// A control character a workbook cannot hold (Microsoft Project's notes
// use \v for line breaks) is warned of in its own cell, the warning
// naming the character.
func TestControlCharactersWarned(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Notes = "line1\vline2"
	p.Tasks[1].Name = "Pour\x01"
	var buf bytes.Buffer
	warns, err := xlsx.Write(&buf, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"U+000B", "U+0001"} {
		if !slices.ContainsFunc(warns, func(w xlsx.Warning) bool {
			return strings.HasPrefix(w.Where, "Tasks") && strings.Contains(w.Message, want)
		}) {
			t.Errorf("no Tasks warning names %s: %v", want, warns)
		}
	}
}

// A text beginning as a formula is written to the workbook as a string
// (an inline string, no formula), which Excel shows and never runs, and
// reads back as it was: a workbook needs no quote before it, as a CSV
// does. No cell of any sheet is a formula.
func TestFormulaTextIsAString(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].ID, p.Links[0].Pred = "=A", "=A"
	p.Tasks[0].Name, p.Tasks[0].Notes = `=HYPERLINK("http://x")`, "@SUM(A1)"
	p.Tasks[1].Name = "-5 units"
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{"=A": true, `=HYPERLINK("http://x")`: true, "@SUM(A1)": true, "-5 units": true, "=AFS": true}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, err := f.GetCellFormula(sheet, cell); formula != "" || err != nil {
					t.Errorf("%s!%s %q: formula %q (%v)", sheet, cell, v, formula, err)
				}
				if sheet != "Tasks" || !want[strings.TrimSpace(v)] {
					continue
				}
				delete(want, strings.TrimSpace(v))
				if typ, err := f.GetCellType(sheet, cell); err != nil || typ != excelize.CellTypeInlineString {
					t.Errorf("Tasks!%s %q: type %v (%v), want an inline string", cell, v, typ, err)
				}
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("not found on the Tasks sheet: %v", want)
	}
	q, _, err := writeRead(p)
	if err != nil {
		t.Fatal(err)
	}
	if a := taskByID(t, q, "=A"); a.Name != p.Tasks[0].Name || a.Notes != "@SUM(A1)" || taskByID(t, q, "B").Name != "-5 units" || len(q.Links) != 1 || q.Links[0].Pred != "=A" {
		t.Errorf("read back %+v, %v", q.Tasks, q.Links)
	}
}
