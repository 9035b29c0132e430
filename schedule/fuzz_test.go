package schedule_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// fuzzProject builds a small project from arbitrary bytes: any outline
// (loops included), links of every type and lag kind (cycles, self-links
// and duplicates included), calendars, constraints and deadlines.
func fuzzProject(data []byte) *schedule.Project {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))
	p := &schedule.Project{Name: "fuzz", Start: start}
	p.Calendars = []schedule.Calendar{{Name: "Dhaka", Base: schedule.SundayThursday, Exceptions: []schedule.Exception{
		{From: schedule.Date{Year: 2027, Month: 1, Day: 5}, To: schedule.Date{Year: 2027, Month: 1, Day: 6}},
		{From: schedule.Date{Year: 2027, Month: 1, Day: 9}, Working: []schedule.Interval{schedule.Span(9, 0, 12, 0)}},
	}}}
	cals := []string{"", schedule.NightShift, schedule.TwentyFourHours, "Dhaka"}
	units := []schedule.Unit{schedule.Minute, schedule.Hour, schedule.Day, schedule.Week, schedule.Percent}
	n := 1 + next()%16
	for i := range n {
		t := schedule.Task{ID: strconv.Itoa(i), Priority: 500}
		t.Duration = schedule.Duration{Amount: float64(next()%12) - 1, Unit: units[next()%4], Elapsed: next()%7 == 0}
		t.Calendar = cals[next()%len(cals)]
		if c := next(); c%5 == 0 {
			t.Constraint = schedule.Constraint{Type: schedule.ConstraintType(c / 5 % 8), Date: start.Add(time.Duration(next()) * 3 * time.Hour)}
		}
		if next()%9 == 0 {
			t.Deadline = start.Add(time.Duration(next()) * 5 * time.Hour)
		}
		if par := next(); par%4 == 0 {
			t.Parent = strconv.Itoa(par / 4 % n)
		}
		if m := next(); m%11 == 0 {
			t.Manual, t.Start = true, start.Add(time.Duration(m)*7*time.Hour)
		}
		if a := next(); a%6 == 0 {
			t.ActualStart = start.Add(time.Duration(a) * 3 * time.Hour)
			if f := next(); f%2 == 0 {
				t.ActualFinish = t.ActualStart.Add(time.Duration(f) * time.Hour)
			} else {
				t.PercentComplete = float64(f % 101)
			}
		}
		p.Tasks = append(p.Tasks, t)
	}
	for range next() % 40 {
		l := schedule.Link{Pred: strconv.Itoa(next() % n), Succ: strconv.Itoa(next() % n), Type: schedule.LinkType(next() % 4)}
		l.Lag = schedule.Duration{Amount: float64(next()%9) - 4, Unit: units[next()%len(units)], Elapsed: next()%5 == 0}
		if l.Lag.Unit == schedule.Percent {
			l.Lag.Amount *= 20
		}
		p.Links = append(p.Links, l)
	}
	p.Options.LagCalendar = schedule.LagCalendar(next() % 4)
	p.Options.TotalFloat = schedule.FloatKind(next() % 3)
	p.Options.Constraints = schedule.ConstraintMode(next() % 3)
	p.Options.SummaryFloat = schedule.SummaryFloatKind(next() % 2)
	p.Options.Progress = schedule.ProgressMode(next() % 3)
	if next()%2 == 0 {
		p.StatusDate = start.Add(time.Duration(next()) * 6 * time.Hour)
	}
	if next()%5 == 0 {
		p.FromFinish, p.Finish = true, start.Add(time.Duration(next())*10*time.Hour)
	}
	if next()%4 == 0 {
		p.FinishBy = start.Add(time.Duration(next()) * 8 * time.Hour)
	}
	return p
}

// FuzzSchedule: on any network the engine either schedules it, and then the
// links hold and the floats agree with the dates, or returns typed errors.
func FuzzSchedule(f *testing.F) {
	f.Add([]byte{5, 3, 2, 0, 1, 4, 1, 8, 6, 2, 0, 0, 1, 0, 2, 10, 0, 1, 0, 1, 1, 2, 2, 3, 0, 1})
	f.Add([]byte{12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
	f.Add([]byte{3, 0, 0, 0, 5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzProject(data)
		_, err := schedule.Compile(p)
		if err != nil {
			checkTyped(t, err)
			return
		}
		v := newView(t, p)
		v.checkLinks(t)
		v.checkFloats(t, true)
	})
}

// checkTyped fails unless every error joined in err is an *InputError or a
// *CycleError.
func checkTyped(t *testing.T, err error) {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		_, in := errors.AsType[*schedule.InputError](e)
		_, cyc := errors.AsType[*schedule.CycleError](e)
		if !in && !cyc {
			t.Fatalf("untyped error %T: %v", e, e)
		}
	}
}
