package gantt

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// lateProject is a P6-like project whose planned start, 5 January 2015,
// lies four years before its work: two WBS summaries of 30 activities in
// a chain from a start-on-or-after 4 March 2019 into 2020, the first
// three done, the data date 3 June 2019, and a baseline.
func lateProject(t *testing.T) *schedule.Project {
	t.Helper()
	p := &schedule.Project{Name: "late start", Start: time.Date(2015, 1, 5, 8, 0, 0, 0, time.UTC), Options: schedule.P6Options()}
	for w := range 2 {
		p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprint("W", w), Name: fmt.Sprint("Block ", w+1)})
		for k := range 30 {
			p.Tasks = append(p.Tasks, schedule.Task{ID: fmt.Sprint("A", w*30+k), Name: fmt.Sprint("Activity ", w*30+k),
				Parent: fmt.Sprint("W", w), Duration: schedule.Days(6)})
			if w+k > 0 {
				p.Links = append(p.Links, schedule.Link{Pred: fmt.Sprint("A", w*30+k-1), Succ: fmt.Sprint("A", w*30+k)})
			}
		}
	}
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: time.Date(2019, 3, 4, 8, 0, 0, 0, time.UTC)}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	p.SetBaseline(r.SaveBaseline("Baseline"))
	for k := 1; k <= 3; k++ {
		tr, _ := r.Lookup(p.Tasks[k].ID)
		p.Tasks[k].ActualStart, p.Tasks[k].ActualFinish, p.Tasks[k].PercentComplete = tr.Start, tr.Finish, 100
	}
	p.StatusDate = time.Date(2019, 6, 3, 8, 0, 0, 0, time.UTC)
	return p
}

// checkAxis checks that the chart from–to shows every date drawn, with
// no more than a margin and a unit of the timescale on either side, and
// starts and ends on the timescale's units.
func checkAxis(t *testing.T, p *schedule.Project, r *schedule.Result, width float64) {
	t.Helper()
	rows, err := rowsOf(p, r)
	if err != nil {
		t.Fatal(err)
	}
	base := baseline(p, "")
	perDay := func(n float64) float64 { return width / n }
	from, to, err := axis(p, r, rows, base, window{}, svgMetrics, perDay)
	if err != nil {
		t.Fatal(err)
	}
	first, last, ok := extent(p, rows, base)
	if !ok {
		first, last = r.Start(), r.Finish()
	}
	if from.After(first) || to.Before(last) {
		t.Fatalf("axis %v – %v leaves out the dates drawn, %v – %v", from, to, first, last)
	}
	n := float64(to.Unix()-from.Unix()) / 86400
	u := unitFor(svgMetrics, perDay(n))
	if !u.floor(from).Equal(from) || !u.floor(to).Equal(to) {
		t.Errorf("axis %v – %v is not on whole units %d", from, to, u)
	}
	// The margin is two font sizes at the fitted scale, at least a day;
	// rounding adds less than a unit (a month at most).
	slack := time.Duration(max(1, 2*svgMetrics.font/perDay(max(1, last.Sub(first).Hours()/24)))*24)*time.Hour + 32*24*time.Hour
	if first.Sub(from) > slack || to.Sub(last) > slack {
		t.Errorf("axis %v – %v is wider than the dates drawn, %v – %v, by more than %v", from, to, first, last, slack)
	}
}

// The axis of a P6 project whose planned start is four years before its
// work starts with the work (its baseline and data date included); the
// axis of other projects shows what they draw: random networks with
// every feature (constraints before the start, ALAP and manual tasks,
// a finish-by date), at random widths.
func TestAxisFitsTheDatesDrawn(t *testing.T) {
	p := lateProject(t)
	r := mustRun(t, p)
	rows, _ := rowsOf(p, r)
	from, _, err := axis(p, r, rows, baseline(p, ""), window{}, svgMetrics, func(n float64) float64 { return 1200 / n })
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC); from.Before(want) {
		t.Errorf("the axis starts %v, before %v (the work starts 2019-03-04, the project 2015-01-05)", from, want)
	}
	checkAxis(t, p, r, 1200)

	rng := rand.New(rand.NewPCG(16, 1))
	for seed := range uint64(40) {
		q := randnet.Project(randnet.Config{Tasks: 5 + rng.IntN(200), Mixed: seed%2 == 0, LinkTypes: true, Seed: seed})
		rq, err := schedule.Run(q)
		if err != nil {
			continue // a random project may not schedule; the axis is not its test
		}
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { checkAxis(t, q, rq, float64(100+rng.IntN(3000))) })
	}
}

// A window's ends are kept as given (in the project's zone); a zero end
// is fitted; a window whose from is not before its to is an error.
func TestAxisWindow(t *testing.T) {
	p := lateProject(t)
	r := mustRun(t, p)
	rows, _ := rowsOf(p, r)
	perDay := func(n float64) float64 { return 1200 / n }
	dhaka := time.FixedZone("BST", 6*3600)
	sep, dec := time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 1, 6, 0, 0, 0, dhaka)
	fitFrom, fitTo, _ := axis(p, r, rows, nil, window{}, svgMetrics, perDay)
	for _, c := range []struct {
		name             string
		win              window
		wantFrom, wantTo time.Time
	}{
		{"both", window{sep, dec}, sep, dec},
		{"from", window{from: sep}, sep, fitTo},
		{"to", window{to: dec}, fitFrom, dec},
	} {
		from, to, err := axis(p, r, rows, nil, c.win, svgMetrics, perDay)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !from.Equal(c.wantFrom) || !to.Equal(c.wantTo) || from.Location() != time.UTC || to.Location() != time.UTC {
			t.Errorf("%s: got %v – %v, want %v – %v in UTC", c.name, from, to, c.wantFrom, c.wantTo)
		}
	}
	for _, win := range []window{{dec, sep}, {sep, sep}, {from: fitTo}} {
		if _, _, err := axis(p, r, rows, nil, win, svgMetrics, perDay); err == nil {
			t.Errorf("window %v – %v: no error", win.from, win.to)
		}
	}
}

// LateProject lends lateProject to the package's external tests.
var LateProject = lateProject
