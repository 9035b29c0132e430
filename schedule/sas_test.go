package schedule_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// widget is the "Widget manufacture" project of the SAS/OR PROC CPM
// documentation (data set WIDGET): activity, duration in days, successors.
var widget = []struct {
	task string
	days float64
	succ []string
}{
	{"Approve Plan", 5, []string{"Drawings", "Study Market", "Write Specs"}},
	{"Drawings", 10, []string{"Prototype"}},
	{"Study Market", 5, []string{"Mkt. Strat."}},
	{"Write Specs", 5, []string{"Prototype"}},
	{"Prototype", 15, []string{"Materials", "Facility"}},
	{"Mkt. Strat.", 10, []string{"Test Market", "Marketing"}},
	{"Materials", 10, []string{"Init. Prod."}},
	{"Facility", 10, []string{"Init. Prod."}},
	{"Init. Prod.", 10, []string{"Test Market", "Marketing", "Evaluate"}},
	{"Evaluate", 10, []string{"Changes"}},
	{"Test Market", 15, []string{"Changes"}},
	{"Changes", 5, []string{"Production"}},
	{"Production", 0, nil},
	{"Marketing", 0, nil},
}

func widgetProject(start time.Time, calendar string) *schedule.Project {
	p := &schedule.Project{Start: start, Calendar: calendar}
	for _, w := range widget {
		p.Tasks = append(p.Tasks, schedule.Task{ID: w.task, Duration: schedule.Days(w.days)})
		for _, s := range w.succ {
			p.Links = append(p.Links, schedule.Link{Pred: w.task, Succ: s})
		}
	}
	return p
}

// sasDay formats a time the way SAS prints a date: 01DEC03.
func sasDay(t time.Time) string { return strings.ToUpper(t.Format("02Jan06")) }

// checkSAS compares a schedule with a PROC CPM output table. SAS dates name
// the first and last day of work; a zero-duration activity is printed on
// the day work could next start, where critpath (like Microsoft Project)
// puts a milestone at the moment its predecessor finishes: the same
// instant in working time, which nextStart converts.
func checkSAS(t *testing.T, r *schedule.Result, table string, nextStart func(time.Time) time.Time) {
	t.Helper()
	for line := range strings.Lines(strings.TrimSpace(table)) {
		f := strings.Fields(line)
		n := len(f)
		task := strings.Join(f[:n-6], " ")
		tr, ok := r.Lookup(task)
		if !ok {
			t.Fatalf("no task %q", task)
		}
		es, ef, ls, lf := tr.EarlyStart, tr.EarlyFinish, tr.LateStart, tr.LateFinish
		if tr.Milestone {
			es, ef, ls, lf = nextStart(es), nextStart(ef), nextStart(ls), nextStart(lf)
		}
		got := []string{sasDay(es), sasDay(ef), sasDay(ls), sasDay(lf), strconv.FormatInt(tr.TotalFloat/480, 10), strconv.FormatInt(tr.FreeFloat/480, 10)}
		if strings.Join(got, " ") != strings.Join(f[n-6:], " ") {
			t.Errorf("%s: got %v, want %v", task, got, f[n-6:])
		}
	}
}

// TestSASWeekday reproduces Output 4.6.1 of the SAS/OR User's Guide:
// Project Management, Example 4.6 "Changing Duration Units" (PROC CPM,
// INTERVAL=WEEKDAY, DATE='1dec03'd), https://support.sas.com/documentation/
// cdl/en/orpmug/65559/HTML/default/orpmug_cpm_examples06.htm.
func TestSASWeekday(t *testing.T) {
	start := time.Date(2003, 12, 1, 8, 0, 0, 0, time.UTC)
	r := mustRun(t, widgetProject(start, schedule.Standard))
	const output = `
Approve Plan 01DEC03 05DEC03 01DEC03 05DEC03 0 0
Drawings 08DEC03 19DEC03 08DEC03 19DEC03 0 0
Study Market 08DEC03 12DEC03 19JAN04 23JAN04 30 0
Write Specs 08DEC03 12DEC03 15DEC03 19DEC03 5 5
Prototype 22DEC03 09JAN04 22DEC03 09JAN04 0 0
Mkt. Strat. 15DEC03 26DEC03 26JAN04 06FEB04 30 30
Materials 12JAN04 23JAN04 12JAN04 23JAN04 0 0
Facility 12JAN04 23JAN04 12JAN04 23JAN04 0 0
Init. Prod. 26JAN04 06FEB04 26JAN04 06FEB04 0 0
Evaluate 09FEB04 20FEB04 16FEB04 27FEB04 5 5
Test Market 09FEB04 27FEB04 09FEB04 27FEB04 0 0
Changes 01MAR04 05MAR04 01MAR04 05MAR04 0 0
Production 08MAR04 08MAR04 08MAR04 08MAR04 0 0
Marketing 09FEB04 09FEB04 08MAR04 08MAR04 20 20
`
	checkSAS(t, r, output, func(t time.Time) time.Time {
		// the next weekday 08:00 at or after t
		for t.Hour() >= 17 || t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 8, 0, 0, 0, t.Location())
		}
		return t
	})
}

// TestSASHoliday reproduces Output 3.3.1 of the SAS/OR User's Guide:
// Project Management, Introduction, Example 3.3 "Project Scheduling and
// Reporting" (PROC CPM, INTERVAL=WEEKDAY, DATE='1jul03'd, a holiday on
// 4 July 2003), https://support.sas.com/documentation/cdl/en/orpmug/67521/
// HTML/default/orpmug_intropm_sect014.htm: the market-survey project of
// Moder, Phillips and Davis. The stored copies of the page print the first
// six of its eight rows; those are checked here.
func TestSASHoliday(t *testing.T) {
	survey := []struct {
		activity string
		days     float64
		succ     []string
	}{
		{"plan sur", 4, []string{"hire per", "design q"}},
		{"hire per", 5, []string{"trn per"}},
		{"design q", 3, []string{"trn per", "select h", "print q"}},
		{"trn per", 3, []string{"cond sur"}},
		{"select h", 3, []string{"cond sur"}},
		{"print q", 4, []string{"cond sur"}},
		{"cond sur", 10, []string{"analyze"}},
		{"analyze", 6, nil},
	}
	p := &schedule.Project{
		Start:    time.Date(2003, 7, 1, 8, 0, 0, 0, time.UTC),
		Calendar: "Weekdays",
		Calendars: []schedule.Calendar{{Name: "Weekdays", Base: schedule.Standard, Exceptions: []schedule.Exception{
			{Name: "Independence Day", From: schedule.Date{Year: 2003, Month: 7, Day: 4}},
		}}},
	}
	for _, a := range survey {
		p.Tasks = append(p.Tasks, schedule.Task{ID: a.activity, Duration: schedule.Days(a.days)})
		for _, s := range a.succ {
			p.Links = append(p.Links, schedule.Link{Pred: a.activity, Succ: s})
		}
	}
	r := mustRun(t, p)
	const output = `
plan sur 01JUL03 07JUL03 01JUL03 07JUL03 0 0
hire per 08JUL03 14JUL03 08JUL03 14JUL03 0 0
design q 08JUL03 10JUL03 09JUL03 11JUL03 1 0
select h 11JUL03 15JUL03 15JUL03 17JUL03 2 2
print q 11JUL03 16JUL03 14JUL03 17JUL03 1 1
trn per 15JUL03 17JUL03 15JUL03 17JUL03 0 0
`
	checkSAS(t, r, output, func(t time.Time) time.Time { return t })
}
