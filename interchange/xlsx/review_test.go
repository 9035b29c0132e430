package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
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

func reviewRoundTrip(t *testing.T, p *schedule.Project) *schedule.Project {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, p, nil); err != nil {
		t.Fatalf("Write: %v", err)
	}
	q, _, err := parts(Read(bytes.NewReader(buf.Bytes()), nil))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return q
}

func taskByID(t *testing.T, p *schedule.Project, id string) *schedule.Task {
	t.Helper()
	for k := range p.Tasks {
		if p.Tasks[k].ID == id {
			return &p.Tasks[k]
		}
	}
	t.Fatalf("no task %q", id)
	return nil
}

// A custom field whose name is a built-in column's synonym (not its
// header) is written under its bare name and read back as that built-in
// field: "Remarks" lands in Notes, the custom value is lost.
func TestReviewCustomFieldSynonymBecomesNotes(t *testing.T) {
	p := reviewProject(time.UTC)
	p.CustomFields = []schedule.CustomField{{Name: "Remarks"}}
	p.Tasks[0].Fields = map[string]string{"Remarks": "check soil"}
	q := reviewRoundTrip(t, p)
	a := taskByID(t, q, "A")
	if a.Fields["Remarks"] != "check soil" || a.Notes != "" {
		t.Fatalf("got Fields %v Notes %q, want Fields[Remarks]=%q and no notes", a.Fields, a.Notes, "check soil")
	}
}

// A custom field named "Level" is read as the outline level column: the
// workbook cannot be read back at all.
func TestReviewCustomFieldNamedLevel(t *testing.T) {
	p := reviewProject(time.UTC)
	p.CustomFields = []schedule.CustomField{{Name: "Level"}}
	p.Tasks[0].Fields = map[string]string{"Level": "high"}
	p.Tasks[1].Fields = map[string]string{"Level": "2"}
	q := reviewRoundTrip(t, p)
	if b := taskByID(t, q, "B"); b.Parent != "" || b.Fields["Level"] != "2" {
		t.Fatalf("task B: parent %q, fields %v; want no parent and Fields[Level]=2", b.Parent, b.Fields)
	}
}

// A predecessor's ID followed by its link type can spell another task's
// ID: the link A→C written as "AFS" is read back as AFS→C.
func TestReviewPredecessorIDAmbiguous(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Tasks = append(p.Tasks, schedule.Task{ID: "AFS", Name: "Other", Duration: schedule.Days(1)},
		schedule.Task{ID: "C", Name: "Cure", Duration: schedule.Days(1)})
	p.Links = append(p.Links, schedule.Link{Pred: "A", Succ: "C", Type: schedule.FS})
	q := reviewRoundTrip(t, p)
	for _, l := range q.Links {
		if l.Succ == "C" && l.Pred != "A" {
			t.Fatalf("link into C reads back from %q, want A", l.Pred)
		}
	}
}

// Dates are written as the wall clock of their own location and read in
// the project's: a constraint date given in UTC in an Asia/Dhaka project
// comes back six hours off.
func TestReviewDateZoneShift(t *testing.T) {
	dhaka, err := time.LoadLocation("Asia/Dhaka")
	if err != nil {
		t.Skip(err)
	}
	p := reviewProject(dhaka)
	want := time.Date(2027, 1, 6, 4, 0, 0, 0, time.UTC) // 10:00 in Dhaka
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: want}
	p.Tasks[0].Deadline = time.Date(2027, 2, 1, 11, 0, 0, 0, time.UTC)
	q := reviewRoundTrip(t, p)
	if got := taskByID(t, q, "B").Constraint.Date; !got.Equal(want) {
		t.Errorf("constraint date %v, want %v", got, want)
	}
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Errorf("deadline %v, want %v", got, p.Tasks[0].Deadline)
	}
}

// The same from critpath's own JSON: dates written with "Z" stay in UTC
// in a project whose time_zone is Asia/Dhaka.
func TestReviewDateZoneShiftJSON(t *testing.T) {
	if _, err := time.LoadLocation("Asia/Dhaka"); err != nil {
		t.Skip(err)
	}
	doc := `{"name":"z","time_zone":"Asia/Dhaka","start":"2027-01-04T02:00:00Z",
	  "tasks":[{"id":"A","name":"Dig","duration":"3d","deadline":"2027-02-01T11:00:00Z"}]}`
	var p schedule.Project
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	q := reviewRoundTrip(t, &p)
	if !q.Start.Equal(p.Start) {
		t.Errorf("start %v, want %v", q.Start, p.Start)
	}
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Errorf("deadline %v, want %v", got, p.Tasks[0].Deadline)
	}
}

// The same with the project start itself given in UTC.
func TestReviewProjectStartZoneShift(t *testing.T) {
	dhaka, err := time.LoadLocation("Asia/Dhaka")
	if err != nil {
		t.Skip(err)
	}
	p := reviewProject(dhaka)
	p.Start = time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC) // 08:00 in Dhaka
	q := reviewRoundTrip(t, p)
	if !q.Start.Equal(p.Start) {
		t.Fatalf("start %v, want %v", q.Start, p.Start)
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

// A workbook round trip of a deadline in 2300 (the scheduler takes
// years up to 2400) gives back 2192-04-11: serial saturates.
func TestReviewRoundTripFarDeadline(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Tasks[0].Deadline = time.Date(2300, 1, 1, 17, 0, 0, 0, time.UTC)
	q := reviewRoundTrip(t, p)
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Fatalf("deadline %v, want %v", got, p.Tasks[0].Deadline)
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

// The separator is guessed from the first line only; a title line above
// a semicolon (or tab) header makes it a comma, and the header row,
// which the reader otherwise looks for in the first 50 rows, is missed.
func TestReviewCSVSeparatorTitleLine(t *testing.T) {
	for name, in := range map[string]string{
		"semicolon": "Dhaka Tower schedule\nID;Name;Duration\nA;Dig;3d\nB;Pour;2d\n",
		"tab":       "Dhaka Tower, phase 1\nID\tName\tDuration\nA\tDig\t3d\n",
	} {
		_, _, err := parts(ReadCSV(strings.NewReader(in), &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Priority is truncated without a problem: "2.5" reads as 2.
func TestReviewPriorityNotValidated(t *testing.T) {
	in := "ID,Name,Duration,Priority\nA,x,1d,2.5\n"
	p, _, err := parts(ReadCSV(strings.NewReader(in), &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
	if err == nil {
		t.Fatalf("no problem reported; priority 2.5 read as %d", p.Tasks[0].Priority)
	}
}

// Warnings come from ranging over a map: their order changes from one
// read to the next.
func TestReviewWarningsOrder(t *testing.T) {
	in := "ID,Name,Duration,Colour,Zone,Crew size,Foreman,Site,Phase\nA,x,1d,r,1,2,3,4,5\n"
	opts := &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}
	var first string
	for i := range 20 {
		_, warns, err := parts(ReadCSV(strings.NewReader(in), opts))
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprint(warns)
		if i == 0 {
			first = s
		} else if s != first {
			t.Fatalf("warnings differ between reads:\n%s\n%s", first, s)
		}
	}
}

// A text longer than Excel's 32,767 characters is cut by excelize
// without a warning: the notes come back shorter.
func TestReviewLongNotesTruncated(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Tasks[0].Notes = strings.Repeat("n", 40000)
	var buf bytes.Buffer
	warns, err := Write(&buf, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := parts(Read(bytes.NewReader(buf.Bytes()), nil))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(taskByID(t, q, "A").Notes); n != 40000 && len(warns) == 0 {
		t.Fatalf("notes read back with %d characters, no warning", n)
	}
}

// Control characters Excel cannot hold (MS Project's notes use \v for
// line breaks) become U+FFFD without a warning.
func TestReviewControlCharsInNotes(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Tasks[0].Notes = "line1\vline2"
	p.Tasks[1].Name = "Pour\x01"
	var buf bytes.Buffer
	warns, err := Write(&buf, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A warning for each, in its own cell, naming the character.
	for _, want := range []string{"U+000B", "U+0001"} {
		if !slices.ContainsFunc(warns, func(w Warning) bool { return strings.HasPrefix(w.Where, "Tasks") && strings.Contains(w.Message, want) }) {
			t.Errorf("no Tasks warning names %s: %v", want, warns)
		}
	}
}

// A ReadOptions.Columns override naming no field (a typo, or the header
// "Duration" instead of the key "duration") is silently dropped: the
// column is not read and nothing says so.
func TestReviewBadColumnOverride(t *testing.T) {
	in := "ID,Name,Dauer\nA,x,3d\n"
	p, warns, err := parts(ReadCSV(strings.NewReader(in), &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC),
		Columns: map[string]string{"Dauer": "Duration"}}))
	if err == nil && len(warns) == 0 {
		t.Fatalf("override to unknown field %q accepted silently; duration read %v", "Duration", p.Tasks[0].Duration)
	}
}

// editBook writes p as a workbook, lets edit change it with excelize,
// and reads it back.
func editBook(t *testing.T, p *schedule.Project, edit func(f *excelize.File)) (*schedule.Project, error) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	edit(f)
	out, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := parts(Read(out, nil))
	return q, err
}

// Typing "50%" in Excel stores 0.5 under a percent format. In critpath's
// own workbook the format is not looked at: the task reads as 0.5 %
// complete, silently.
func TestReviewOwnWorkbookTypedPercent(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Tasks[0].ActualStart, p.Tasks[0].PercentComplete = p.Start, 10
	q, err := editBook(t, p, func(f *excelize.File) {
		// % Complete is the 9th column (I) of Tasks; row 2 is task A.
		if v, _ := f.GetCellValue("Tasks", "I1"); v != "% Complete" {
			t.Fatalf("I1 is %q", v)
		}
		st, _ := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
		f.SetCellValue("Tasks", "I2", 0.5)
		f.SetCellStyle("Tasks", "I2", "I2", st)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := taskByID(t, q, "A").PercentComplete; got != 50 {
		t.Fatalf("a cell showing 50%% read as %v %% complete", got)
	}
}

// The scheduler's complaints about resources and assignments carry only
// a JSON path ("resources[0].calendar"): they are reported on the
// Project sheet with no cell, not in the Resources or Assignments cell.
func TestReviewResourceProblemCell(t *testing.T) {
	p := reviewProject(time.UTC)
	p.Resources = []schedule.Resource{{ID: "mason", Name: "Mason"}}
	p.Assignments = []schedule.Assignment{{Task: "A", Resource: "mason", Units: 1}}
	_, err := editBook(t, p, func(f *excelize.File) {
		if v, _ := f.GetCellValue("Resources", "E1"); v != "Calendar" {
			t.Fatalf("Resources!E1 is %q", v)
		}
		f.SetCellValue("Resources", "E2", "Moon")
		if v, _ := f.GetCellValue("Assignments", "E1"); v != "Units" {
			t.Fatalf("Assignments!E1 is %q", v)
		}
		f.SetCellValue("Assignments", "E2", -1)
	})
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *ImportError", err)
	}
	want := map[string]bool{"Resources!E2": false, "Assignments!E2": false}
	for _, pr := range ie.Problems {
		if _, ok := want[pr.Sheet+"!"+pr.Cell]; ok {
			want[pr.Sheet+"!"+pr.Cell] = true
		}
	}
	for ref, found := range want {
		if !found {
			t.Errorf("no problem at %s; got %q", ref, ie.Problems)
		}
	}
}

// A project without Location whose start is in a zone with daylight
// saving is written with its start's UTC offset only; read back, its
// calendars run on that fixed offset and summer work moves an hour.
func TestReviewDSTZoneLost(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip(err)
	}
	p := reviewProject(time.UTC)
	p.Location = nil
	p.Start = time.Date(2027, 1, 4, 8, 0, 0, 0, london)
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: time.Date(2027, 7, 5, 8, 0, 0, 0, london)}
	q := reviewRoundTrip(t, p)
	want, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := schedule.Run(q)
	if err != nil {
		t.Fatal(err)
	}
	i, _ := want.Network().Index("B")
	j, _ := got.Network().Index("B")
	if a, b := want.Task(i).Start, got.Task(j).Start; !a.Equal(b) {
		t.Fatalf("task B starts %v, after the round trip %v", a, b)
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
