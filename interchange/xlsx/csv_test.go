package xlsx_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

func run(t *testing.T, p *schedule.Project) *schedule.Result {
	t.Helper()
	n, err := schedule.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := n.NewResult()
	r.Run()
	return r
}

// The Dhaka Tower's task table as CSV, read back into its calendars and
// resources, schedules every task on the same dates with the same float,
// with the same durations and links.
func TestCSVRoundTrip(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	var buf bytes.Buffer
	if _, err := xlsx.WriteCSV(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	base := *p
	base.Tasks, base.Links, base.Assignments = nil, nil, nil
	q, _, err := parts(xlsx.ReadCSV(bytes.NewReader(buf.Bytes()), &xlsx.ReadOptions{Base: &base}))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Links) != len(p.Links) || len(q.Assignments) != len(p.Assignments) {
		t.Errorf("got %d links, %d assignments; want %d, %d", len(q.Links), len(q.Assignments), len(p.Links), len(p.Assignments))
	}
	want, got := run(t, p), run(t, q)
	for _, tw := range want.Tasks() {
		i, ok := got.Network().Index(tw.ID)
		if !ok {
			t.Errorf("task %s is missing", tw.ID)
			continue
		}
		tg := got.Task(i)
		if !tg.Start.Equal(tw.Start) || !tg.Finish.Equal(tw.Finish) || tg.TotalFloat != tw.TotalFloat {
			t.Errorf("task %s: %v–%v float %d, want %v–%v float %d", tw.ID, tg.Start, tg.Finish, tg.TotalFloat, tw.Start, tw.Finish, tw.TotalFloat)
		}
	}
}

// A person's CSV: semicolons, Bangla headers and digits, a decimal
// comma, day-first dates, and outline levels. IDs stay as written.
func TestReadCSVBangla(t *testing.T) {
	in := "\ufeffক্রমিক নং;কাজের নাম;স্তর;সময়কাল;শুরু;পূর্বসূরি;সম্পন্ন\n" +
		"১;ভিত্তি;১;;;;\n" +
		"২;পাইলিং;২;১০ দিন;03/01/2027;;৫০%\n" +
		"৩;পাইল ক্যাপ;২;২,৫ দিন;;২FS+১ দিন;\n"
	p, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{DayFirst: true, Calendar: schedule.SundayThursday}))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 3 || p.Tasks[1].Parent != "১" || p.Tasks[2].Parent != "১" {
		t.Fatalf("tasks %+v", p.Tasks)
	}
	if d := p.Tasks[2].Duration; d != schedule.Days(2.5) {
		t.Errorf("duration %v, want 2.5d", d)
	}
	if want := (schedule.Link{Pred: "২", Succ: "৩", Lag: schedule.Days(1)}); len(p.Links) != 1 || p.Links[0] != want {
		t.Errorf("links %v, want %v", p.Links, want)
	}
	if !p.Start.Equal(time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC)) || p.Tasks[1].PercentComplete != 50 {
		t.Errorf("start %v, percent %v", p.Start, p.Tasks[1].PercentComplete)
	}
	run(t, p)
}

// A bad CSV cell is reported as CSV!<cell>, and nothing is imported.
func TestReadCSVProblems(t *testing.T) {
	in := "ID,Name,Duration,Predecessors\nA,Dig,3d,\nB,Pour,3x,A\nC,Cure,1d,Z\n"
	p, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)}))
	ie, ok := errors.AsType[*xlsx.ImportError](err)
	if !ok || p != nil {
		t.Fatalf("got %v, %v; want an ImportError and no project", p, err)
	}
	if len(ie.Problems) != 2 || ie.Problems[0].String() != `CSV!C3: duration "3x" is not a duration` ||
		!strings.HasPrefix(ie.Problems[1].String(), `CSV!D4: predecessors "Z"`) {
		t.Errorf("got %v", ie.Problems)
	}
}

// The separator is the one most of the first 50 lines use: a title line
// above a semicolon (or tab) header does not make it a comma, and the
// header row below the title is found.
func TestReadCSVSeparatorUnderATitle(t *testing.T) {
	for name, in := range map[string]string{
		"semicolon": "Dhaka Tower schedule\nID;Name;Duration\nA;Dig;3d\nB;Pour;2d\n",
		"tab":       "Dhaka Tower, phase 1\nID\tName\tDuration\nA\tDig\t3d\n",
	} {
		_, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Text cells a spreadsheet would run as formulas — beginning with =, +,
// -, @, a tab or a carriage return, OWASP's list — are written with a
// quote before them and read back as they were: task IDs (and so the
// predecessors that begin with them), names, notes, a calendar's and a
// resource's names, a custom field's name and values, and texts that
// begin with quotes of their own. The floats critpath spells are not
// quoted: a negative one stays "-…d".
func TestCSVFormulasNeutralised(t *testing.T) {
	texts := []string{`=HYPERLINK("http://x")`, "-5 units", "@SUM(A1)", "+1", "=1+2", "'=quoted", "''-twice", "'s-Hertogenbosch"}
	ids := []string{"-1", "=A", "@B", "+C", "D", "'=E", "''-F", "'G"}
	start := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	p := &schedule.Project{Name: "injection", Start: start, FinishBy: start.AddDate(0, 0, 3),
		Calendars:    []schedule.Calendar{{Name: "@site", Base: schedule.Standard}},
		Resources:    []schedule.Resource{{ID: "=crew", Name: "=Crew"}},
		CustomFields: []schedule.CustomField{{Name: "=cf", ID: "1"}},
	}
	for k, text := range texts {
		p.Tasks = append(p.Tasks, schedule.Task{ID: ids[k], Name: text, Notes: text, Duration: schedule.Days(1), Calendar: "@site",
			Fields: map[string]string{"=cf": text}})
		p.Assignments = append(p.Assignments, schedule.Assignment{Task: ids[k], Resource: "=crew", Units: 1})
		if k > 0 {
			p.Links = append(p.Links, schedule.Link{Pred: ids[k-1], Succ: ids[k]})
		}
	}
	var buf bytes.Buffer
	if _, err := xlsx.WriteCSV(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	floats := 0
	for r, row := range rows {
		for c, cell := range row {
			switch {
			case rows[0][c] == "Total float" && r > 0:
				if strings.HasPrefix(cell, "-") && strings.HasSuffix(cell, "d") {
					floats++ // a negative float, as critpath spells it
				}
			case cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])):
				t.Errorf("cell %q (row %d, column %q) begins as a formula", cell, r+1, rows[0][c])
			}
		}
	}
	if floats == 0 {
		t.Errorf("no negative float written as -…d: %v", rows)
	}
	q, _, err := parts(xlsx.ReadCSV(bytes.NewReader(buf.Bytes()), &xlsx.ReadOptions{Base: baseOf(p)}))
	if err != nil {
		t.Fatal(err)
	}
	for k, text := range texts {
		got := taskByID(t, q, ids[k])
		if got.Name != text || got.Notes != text || got.Fields["=cf"] != text || got.Calendar != "@site" {
			t.Errorf("task %q read back as name %q, notes %q, field %q, calendar %q; want %q and @site", ids[k], got.Name, got.Notes, got.Fields["=cf"], got.Calendar, text)
		}
	}
	if !slices.Equal(q.Links, p.Links) {
		t.Errorf("links %v, want %v", q.Links, p.Links)
	}
	if len(q.Assignments) != len(p.Assignments) || q.Assignments[0].Resource != "=crew" {
		t.Errorf("assignments %v, want %v", q.Assignments, p.Assignments)
	}
}

// ReadCSV drops the quote another tool put before a text a spreadsheet
// would run, and only that one: a quote before anything else is the
// text's own.
func TestReadCSVQuotedFormulas(t *testing.T) {
	in := "ID,Name,Duration\n'-1,'=SUM(A1),1d\n2,'hello,1d\n3,''+y,1d\n4,',1d\n5,'\t@x,1d\n"
	p, _, err := parts(xlsx.ReadCSV(strings.NewReader(in), &xlsx.ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)}))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"-1": "=SUM(A1)", "2": "'hello", "3": "'+y", "4": "'", "5": "@x"} {
		if got := taskByID(t, p, id).Name; got != want {
			t.Errorf("task %s: name %q, want %q", id, got, want)
		}
	}
}
