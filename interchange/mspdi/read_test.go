package mspdi_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/schedule"
)

func readFile(t *testing.T, name string) *mspdi.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return read(t, data, name)
}

func taskByID(p *schedule.Project, id string) *schedule.Task {
	for i := range p.Tasks {
		if p.Tasks[i].ID == id {
			return &p.Tasks[i]
		}
	}
	return nil
}

// The sample Microsoft Project saved: outline, durations, constraints,
// every link type with a lag and a lead, the night-shift calendar; and
// the dates it saved for the linked tasks are the ones critpath computes.
func TestReadSample(t *testing.T) {
	f := readFile(t, "mpxj__sample.xml")
	p := f.Project
	if p.Name != "sample.xml" || !p.Start.Equal(time.Date(2003, 1, 7, 8, 0, 0, 0, time.UTC)) || p.Calendar != "Standard" {
		t.Errorf("project %q from %v on %q", p.Name, p.Start, p.Calendar)
	}
	if len(p.Tasks) != 19 || taskByID(p, "0") != nil {
		t.Fatalf("%d tasks (the project summary task must be left out)", len(p.Tasks))
	}
	for _, c := range []struct {
		id, parent string
		d          schedule.Duration
	}{{"1", "", schedule.Days(50)}, {"2", "1", schedule.Days(100)}, {"3", "1", schedule.Days(0)}, {"9", "19", schedule.Days(1)}} {
		task := taskByID(p, c.id)
		if task == nil || task.Parent != c.parent || task.Duration != c.d {
			t.Errorf("task %s: %+v, want parent %q and duration %v", c.id, task, c.parent, c.d)
		}
	}
	if c := taskByID(p, "7").Constraint; c.Type != schedule.SNET || !c.Date.Equal(time.Date(2003, 2, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("task 7 constraint %+v", c)
	}
	want := []schedule.Link{
		{Pred: "9", Succ: "10", Lag: schedule.Days(0)},
		{Pred: "11", Succ: "12", Lag: schedule.Days(1)},
		{Pred: "13", Succ: "14", Lag: schedule.Days(-1)},
		{Pred: "15", Succ: "16", Type: schedule.SS, Lag: schedule.Days(0)},
		{Pred: "17", Succ: "18", Type: schedule.FF, Lag: schedule.Days(0)},
		{Pred: "20", Succ: "21", Type: schedule.SF, Lag: schedule.Days(0)},
	}
	if !slices.Equal(p.Links, want) {
		t.Errorf("links\n%v\nwant\n%v", p.Links, want)
	}
	var night *schedule.Calendar
	for i := range p.Calendars {
		if p.Calendars[i].Name == "Night Shift" {
			night = &p.Calendars[i]
		}
	}
	if night == nil || !slices.Equal(night.Week[time.Monday], []schedule.Interval{schedule.Span(23, 0, 24, 0)}) ||
		!slices.Equal(night.Week[time.Tuesday], []schedule.Interval{schedule.Span(0, 0, 3, 0), schedule.Span(4, 0, 8, 0), schedule.Span(23, 0, 24, 0)}) {
		t.Errorf("night shift %+v", night)
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	n := r.Network()
	for _, id := range []string{"9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "20", "21"} {
		i, _ := n.Index(id)
		got, saved := r.Task(i), f.Saved[id]
		ds, _ := n.WorkBetween(n.Calendar(i), got.Start, saved.Start)
		df, _ := n.WorkBetween(n.Calendar(i), got.Finish, saved.Finish)
		if ds != 0 || df != 0 {
			t.Errorf("task %s: %v–%v, Microsoft Project saved %v–%v", id, got.Start, got.Finish, saved.Start, saved.Finish)
		}
	}
}

// Every kind of recurring exception Microsoft Project 2016 writes lays
// out on the days it does.
func TestRecurringExceptions(t *testing.T) {
	p := readFile(t, "mpxj__calendar-recurring-exceptions-project2016-mspdi.xml").Project
	days := map[string][]string{}
	for _, e := range p.Calendars[0].Exceptions {
		for d := e.From; ; {
			days[e.Name] = append(days[e.Name], d.String())
			if e.To.IsZero() || d == e.To {
				break
			}
			d = schedule.DateOf(time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC))
		}
	}
	for name, want := range map[string][]string{
		"Daily 1":            {"2000-01-01", "2000-01-02", "2000-01-03"},
		"Daily 2":            {"2000-02-01", "2000-02-04", "2000-02-07", "2000-02-10"},
		"Weekly 1 Monday":    {"2001-01-01", "2001-01-08", "2001-01-15"},
		"Monthly Relative 1": {"2002-01-07", "2002-03-04", "2002-05-06"},
		"Monthly Absolute 1": {"2003-01-01", "2003-03-01", "2003-05-01"},
		"Yearly Relative 1":  {"2004-03-02", "2005-03-01", "2006-03-07", "2007-03-06"},
		"Yearly Absolute 1":  {"2005-02-01", "2006-02-01", "2007-02-01"},
	} {
		if !slices.Equal(days[name], want) {
			t.Errorf("%s: %v, want %v", name, days[name], want)
		}
	}
	if len(days) != 27 {
		t.Errorf("%d named exceptions, want 27", len(days))
	}
}

func TestReadErrors(t *testing.T) {
	head := `<?xml version="1.0"?>` + "\n" + `<Project xmlns="http://schemas.microsoft.com/project">`
	for _, c := range []struct {
		name, doc, want string
		line            int
	}{
		{"malformed", head + "\n<Name>x</Nam>\n</Project>", "mspdi: line 3", 3},
		{"not MSPDI", `<html><body/></html>`, "not an MSPDI file", 1},
		{"no start", head + "<Name>x</Name></Project>", "StartDate: the project has no start date", 1},
		{"duplicate UID", head + "<StartDate>2027-01-03T08:00:00</StartDate><Tasks>\n<Task><UID>1</UID></Task>\n<Task><UID>1</UID></Task></Tasks></Project>", "line 4: UID: task UID 1 is given twice", 4},
		{"entity", `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">]>` + head[len(`<?xml version="1.0"?>`)+1:] + "<Name>&a;</Name></Project>", "mspdi: line 1", 1},
		{"binary", "\x00\x01\x02\xff\xfe<Project>", "mspdi: line 1", 1},
		{"empty", "", "mspdi: line 1", 1},
	} {
		_, err := mspdi.Read(strings.NewReader(c.doc), nil)
		var pe *mspdi.ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a ParseError at line %d naming %q", c.name, err, c.line, c.want)
		}
	}
}

// Hostile input is bounded: deep nesting and a file without end give an
// error, not a crash or a hang.
func TestHostile(t *testing.T) {
	deep := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-03T08:00:00</StartDate><Tasks><Task><UID>1</UID><Notes>` +
		strings.Repeat("<a>", 200_000) + strings.Repeat("</a>", 200_000) + `</Notes></Task></Tasks></Project>`
	if f, err := mspdi.Read(strings.NewReader(deep), nil); err == nil && len(f.Project.Tasks) != 1 {
		t.Errorf("200,000 nested elements in a task's notes: %d tasks", len(f.Project.Tasks))
	}
	endless := io.MultiReader(strings.NewReader(`<Project xmlns="http://schemas.microsoft.com/project"><Name>`), endlessReader{})
	if _, err := mspdi.Read(endless, &mspdi.ReadOptions{MaxBytes: 1 << 20}); !errors.Is(err, mspdi.ErrTooLarge) || !strings.Contains(err.Error(), "over 1048576 bytes") {
		t.Errorf("an endless file: error %v, want ErrTooLarge", err)
	}
}

type endlessReader struct{}

func (endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// Warnings name the line and element and the rest is read.
func TestWarnings(t *testing.T) {
	doc := `<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-03T08:00:00</StartDate><Tasks>
<Task><UID>1</UID><Name>A</Name><Duration>PT8H0M0S</Duration><Priority>2000</Priority><ConstraintType>4</ConstraintType></Task>
<Task><UID>2</UID><Name>B</Name><Duration>eight hours</Duration><PredecessorLink><PredecessorUID>9</PredecessorUID></PredecessorLink></Task>
</Tasks></Project>`
	f, err := mspdi.Read(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	for _, want := range []string{"line 2: Priority: task 1", "line 2: ConstraintDate: task 1: a SNET constraint without a date", "line 3: Duration: task 2", "line 3: PredecessorLink: task 2: predecessor UID \"9\""} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no warning %q in %q", want, got)
		}
	}
	if len(f.Project.Tasks) != 2 || f.Project.Tasks[0].Duration != schedule.Days(1) {
		t.Errorf("tasks %+v", f.Project.Tasks)
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"mpxj__sample.xml", "mpxj__calendar-recurring-exceptions-project2016-mspdi.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2027-01-03T08:00:00</StartDate><Tasks><Task><UID>1</UID><OutlineLevel>3</OutlineLevel><Duration>P1DT2H</Duration></Task></Tasks></Project>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := mspdi.Read(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if _, err := mspdi.Write(&out, first.Project, nil); err != nil {
			return // a model MSPDI cannot hold (an ID used twice, say)
		}
		second, err := mspdi.Read(bytes.NewReader(out.Bytes()), nil)
		if err != nil {
			t.Fatalf("the export does not read: %v\n%s", err, out.Bytes())
		}
		var out2 bytes.Buffer
		if _, err := mspdi.Write(&out2, second.Project, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("write → read → write changed the document")
		}
	})
}
