package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// reviewProject is a small project starting Monday 2027-01-04 08:00 in loc.
func reviewProject(loc *time.Location) *schedule.Project {
	return &schedule.Project{
		Name:     "review",
		Start:    time.Date(2027, 1, 4, 8, 0, 0, 0, loc),
		Location: loc,
		Tasks: []schedule.Task{
			{ID: "A", Name: "Dig", Duration: schedule.Days(3)},
			{ID: "B", Name: "Pour", Duration: schedule.Days(2)},
		},
		Links: []schedule.Link{{Pred: "A", Succ: "B", Type: schedule.FS}},
	}
}

// fromSerial multiplies minutes into a time.Duration, which overflows
// after 2192: a date serial in 2200 reads as a date in the 1600s, with
// no problem reported.
func TestReviewFromSerialOverflow(t *testing.T) {
	want := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	v := 109575.0 // 2200-01-01
	got, ok := fromSerial(v, time.UTC)
	if !ok || !got.Equal(want) {
		t.Fatalf("fromSerial(%v) = %v, %v; want %v", v, got, ok, want)
	}
}

// serial subtracts times, which saturates at 292 years: dates after
// April 2192 are all written as the same day.
func TestReviewSerialSaturates(t *testing.T) {
	a := serial(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC))
	b := serial(time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC))
	if a == b {
		t.Fatalf("serial(2300-01-01) == serial(2400-01-01) == %v", a)
	}
}

// A CSV's project start is taken from the earliest task start; when the
// scheduler refuses it the problem names the Project sheet, which a CSV
// does not have, instead of the cell holding the date.
func TestReviewCSVStartProblemCell(t *testing.T) {
	in := "ID,Name,Duration,Start\nA,x,1d,2027-01-04 08:00\nB,y,1d,1850-01-01\n"
	_, _, err := parts(ReadCSV(strings.NewReader(in), nil))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *ImportError", err)
	}
	for _, pr := range ie.Problems {
		if pr.Sheet != sheetCSV || pr.Cell != "D3" {
			t.Errorf("problem %s, want it at CSV!D3", pr)
		}
	}
}

// parseNumber stops at the exponent: "1.5E+6" (how Excel and many tools
// spell big and small numbers) reads as 1.5.
func TestReviewNumberExponent(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{{"1.5E+6", 1.5e6}, {"2e-3", 0.002}, {"1E+21", 1e21}} {
		if got, err := parseNumber(tc.in); err != nil || got != tc.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	in := "ID,Name,Duration,Fixed cost\nA,x,1d,1.5E+6\n"
	p, _, err := parts(ReadCSV(strings.NewReader(in), &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
	if err != nil || p.Tasks[0].FixedCost != 1.5e6 {
		t.Fatalf("CSV fixed cost 1.5E+6: %v", err)
	}
}

// bigSheet is reviewProject's workbook with its Tasks sheet replaced by one of n
// rows, each a task with an ID and a name.
func bigSheet(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, reviewProject(time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != "xl/worksheets/sheet1.xml" {
			r, _ := f.Open()
			io.Copy(w, r)
			r.Close()
			continue
		}
		if strings.Contains(f.Name, "table") {
			continue
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>`)
		for i := 2; i <= n; i++ {
			io.WriteString(w, `<row><c><v>7</v></c><c><v>1</v></c></row>`)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
	zw.Close()
	return out.Bytes()
}

// A 250 KB workbook whose Tasks sheet holds 2,000,000 rows is refused
// from its zip directory (the sheet unpacks to over 100 times its packed
// size), its memory bounded (it was read whole, GBs). hostile_test.go
// has the bomb that passes the directory and stops at maxRows.
func TestReviewWorkbookRowBomb(t *testing.T) {
	data := bigSheet(t, 2_000_000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := parts(Read(bytes.NewReader(data), nil))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "100 times (the limit)") {
		t.Errorf("got %v, want ErrTooLarge naming the limit", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 1024 {
		t.Errorf("%d-byte workbook: %d MB allocated", len(data), mb)
	}
}

// parts spreads a read's File into its project and warnings.
func parts(f *File, err error) (*schedule.Project, []Warning, error) {
	if f == nil {
		return nil, nil, err
	}
	return f.Project, f.Warnings, err
}
