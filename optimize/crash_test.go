package optimize_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/critpath/critpath/optimize"
	"github.com/critpath/critpath/schedule"
)

// start is the start of the test projects; they run round the clock with
// 24-hour days, so a day of duration is a calendar day.
var start = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)

func days(n int) time.Time { return start.AddDate(0, 0, n) }

func project(tasks ...schedule.Task) *schedule.Project {
	return &schedule.Project{Start: start, Calendar: schedule.TwentyFourHours,
		Settings: schedule.Settings{MinutesPerDay: 1440, MinutesPerWeek: 7 * 1440}, Tasks: tasks}
}

// task is a task of d days crashable to c days at k per day (c = d: not
// crashable).
func task(id string, d, c int, k float64) schedule.Task {
	t := schedule.Task{ID: id, Duration: schedule.Days(float64(d))}
	if c < d {
		t.Crash = &schedule.Crash{Duration: schedule.Days(float64(c)), Cost: k * float64(d-c)}
	}
	return t
}

// fiveTasks is the instance on which crashing the cheapest critical task
// first spends 7 to finish by day 9, where 6 is enough.
func fiveTasks() *schedule.Project {
	p := project(task("A", 4, 2, 3), task("B", 6, 6, 0), task("C", 3, 1, 1), task("D", 6, 6, 0), task("E", 4, 2, 3))
	p.Links = []schedule.Link{{Pred: "A", Succ: "C"}, {Pred: "C", Succ: "E"}, {Pred: "A", Succ: "D"}, {Pred: "B", Succ: "E"}}
	return p
}

func shortened(pl *optimize.Plan) map[string]float64 {
	out := map[string]float64{}
	for _, s := range pl.Tasks {
		out[s.Task] = s.From.Amount - s.To.Amount
	}
	return out
}

// TestFiveTasks: by day 9 the optimum shortens A and E a day each (6) and
// leaves C — the greedy's first choice — alone; by day 10, C alone (1);
// by day 8, A and E two days each (12).
func TestFiveTasks(t *testing.T) {
	cases := []struct {
		by   int
		cost float64
		cut  map[string]float64
	}{
		{9, 6, map[string]float64{"A": 1, "E": 1}},
		{10, 1, map[string]float64{"C": 1}},
		{8, 12, map[string]float64{"A": 2, "E": 2}},
		{11, 0, map[string]float64{}},
	}
	for _, c := range cases {
		pl, err := optimize.Compress(t.Context(), fiveTasks(), days(c.by), optimize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(pl.Cost-c.cost) > 1e-9 || fmt.Sprint(shortened(pl)) != fmt.Sprint(c.cut) || pl.Finish.After(days(c.by)) {
			t.Errorf("by day %d: cost %v, shortened %v, finish %v; want %v, %v", c.by, pl.Cost, shortened(pl), pl.Finish, c.cost, c.cut)
		}
	}
	if _, err := optimize.Compress(t.Context(), fiveTasks(), days(7), optimize.Options{}); !errors.Is(err, optimize.ErrTooEarly) {
		t.Errorf("by day 7: %v, want ErrTooEarly", err)
	}
	for id, want := range map[string]float64{"A": 3, "C": 1, "E": 3} {
		if k, err := optimize.CostSlope(fiveTasks(), id); err != nil || k != want {
			t.Errorf("slope of %s: %v, %v; want %v", id, k, err, want)
		}
	}
	if _, err := optimize.CostSlope(fiveTasks(), "B"); !errors.Is(err, optimize.ErrNotCrashable) {
		t.Errorf("slope of B: %v", err)
	}
}

// TestCurve: the five tasks' time–cost curve has its breakpoints at days
// 11 (nothing spent), 10 (1), 9 (6) and 8 (12); the budget of 3.5 buys
// day 10 and 2.5/5 of the way to day 9.
func TestCurve(t *testing.T) {
	pts, err := optimize.Curve(t.Context(), fiveTasks(), optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		day  int
		cost float64
	}{{11, 0}, {10, 1}, {9, 6}, {8, 12}}
	if len(pts) != len(want) {
		t.Fatalf("%d points: %+v", len(pts), pts)
	}
	for k, w := range want {
		if !pts[k].Finish.Equal(days(w.day)) || math.Abs(pts[k].Cost-w.cost) > 1e-9 {
			t.Errorf("point %d: %v at %v, want day %d at %v", k, pts[k].Finish, pts[k].Cost, w.day, w.cost)
		}
	}
	pl, err := optimize.Within(t.Context(), fiveTasks(), 3.5, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 2.5 more at 5 per day buys half a day: 12 hours.
	if want := days(10).Add(-12 * time.Hour); !pl.Finish.Equal(want) || pl.Cost > 3.5+1e-9 {
		t.Errorf("within 3.5: finish %v at %v, want %v", pl.Finish, pl.Cost, want)
	}
}

// TestCalendar: the five tasks in working days on the Sunday–Thursday
// week from Sunday 3 January 2027: finishing by the end of the 9th working
// day (Wednesday 13 January, 17:00) costs 6, as in elapsed days; the plan
// finishes then by the scheduler's own count.
func TestCalendar(t *testing.T) {
	p := fiveTasks()
	p.Calendar, p.Settings = schedule.SundayThursday, schedule.Settings{}
	p.Start = time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)
	by := time.Date(2027, 1, 13, 17, 0, 0, 0, time.UTC)
	pl, err := optimize.Compress(t.Context(), p, by, optimize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Cost != 6 || !pl.Finish.Equal(by) || fmt.Sprint(shortened(pl)) != "map[A:1 E:1]" {
		t.Errorf("%+v, shortened %v", pl, shortened(pl))
	}
	// A task on a calendar of its own (24 hours): the plan still meets
	// the date as the scheduler counts it.
	p.Tasks[1].Calendar = schedule.TwentyFourHours
	pl, err = optimize.Compress(t.Context(), p, by, optimize.Options{})
	if err != nil || pl.Finish.After(by) {
		t.Errorf("mixed calendars: %+v, %v", pl, err)
	}
}

// TestReverseCritical: B follows A start-to-start and finish-to-finish, a
// day behind each; C follows B's start by 4 days. Shortening B would only
// start it later (its finish is tied to A's) and C with it: B is cheap to
// crash but never crashed; A is.
func TestReverseCritical(t *testing.T) {
	p := project(task("A", 10, 6, 5), task("B", 8, 2, 0.5), task("C", 6, 6, 0), schedule.Task{ID: "M"})
	p.Links = []schedule.Link{
		{Pred: "A", Succ: "B", Type: schedule.SS, Lag: schedule.Days(1)},
		{Pred: "A", Succ: "M", Lag: schedule.Days(1)}, // the finish-to-finish, through a milestone
		{Pred: "M", Succ: "B", Type: schedule.FF},
		{Pred: "B", Succ: "C", Type: schedule.SS, Lag: schedule.Days(4)},
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Finish().Equal(days(13)) {
		t.Fatalf("normal finish %v, want day 13", r.Finish())
	}
	// By day 12, C must start by day 6, B by day 2: A finishes by day 9.
	for by, want := range map[int]float64{13: 0, 12: 5, 11: 10} {
		pl, err := optimize.Compress(t.Context(), p, days(by), optimize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := shortened(pl)["B"]; ok || pl.Finish.After(days(by)) || math.Abs(pl.Cost-want) > 1e-9 {
			t.Errorf("by day %d: %+v; want A alone, at %v", by, pl, want)
		}
	}
	// B cannot start before day 1, so C not before day 5.
	if _, err := optimize.Compress(t.Context(), p, days(10), optimize.Options{}); !errors.Is(err, optimize.ErrTooEarly) {
		t.Errorf("by day 10: %v", err)
	}
}

// randomInstance is a random project of n tasks: durations of 1 to 12
// days, most crashable, links to earlier tasks, 30 % of them SS, FF or
// SF, lags of −3 to +4 days.
func randomInstance(seed uint64, n int) *schedule.Project {
	rng := rand.New(rand.NewPCG(seed, 0xc4a5))
	var tasks []schedule.Task
	for i := range n {
		d := 1 + rng.IntN(12)
		c := d
		if rng.IntN(5) > 0 {
			c = rng.IntN(d)
		}
		tasks = append(tasks, task(fmt.Sprintf("T%02d", i), d, c, float64(1+rng.IntN(40))/4))
	}
	p := project(tasks...)
	for i := 1; i < n; i++ {
		seen := map[int]bool{}
		for range 1 + rng.IntN(2) {
			j := rng.IntN(i)
			if seen[j] {
				continue
			}
			seen[j] = true
			l := schedule.Link{Pred: tasks[j].ID, Succ: tasks[i].ID}
			if rng.Float64() < 0.3 {
				l.Type = schedule.LinkType(1 + rng.IntN(3))
			}
			if rng.Float64() < 0.4 {
				l.Lag = schedule.Days(float64(rng.IntN(8) - 3))
			}
			if l.Type == schedule.FS && rng.Float64() < 0.4 { // may be fast-tracked
				l.Overlap, l.ReworkCost = schedule.Days(float64(1+rng.IntN(3))), float64(1+rng.IntN(40))/4
			}
			p.Links = append(p.Links, l)
		}
	}
	return p
}

// lpOptimum solves the time–cost LP of p for a finish within T days with
// gonum's simplex, written independently of the package: variables
// S_i (start, ≥ 0) and y_i (days saved, 0 ≤ y_i ≤ normal − crash),
// minimize Σ k_i y_i subject to every link and S_i + d_i − y_i ≤ T. With
// fastTrack, each finish-to-start link with an overlap has a variable
// o_l (days of overlap, 0 ≤ o_l ≤ its overlap) taken off its lag, at its
// rework cost; crash says whether tasks may be shortened.
func lpOptimum(p *schedule.Project, T float64, crash, fastTrack bool) (float64, error) {
	var ft []int // the links that may overlap
	for k, l := range p.Links {
		if fastTrack && l.Type == schedule.FS && !l.Overlap.IsZero() {
			ft = append(ft, k)
		}
	}
	return lpSolve(p, T, crash, ft)
}

func lpSolve(p *schedule.Project, T float64, crash bool, ft []int) (float64, error) {
	n := len(p.Tasks)
	nv := 2*n + len(ft) // S, y, o
	idx := map[string]int{}
	normal, saving, slope := make([]float64, n), make([]float64, n), make([]float64, n)
	for i, t := range p.Tasks {
		idx[t.ID] = i
		normal[i] = t.Duration.Amount
		if t.Crash != nil && crash {
			saving[i] = t.Duration.Amount - t.Crash.Duration.Amount
			slope[i] = t.Crash.Cost / saving[i]
		}
	}
	var rows [][]float64 // G x ≤ h over x = (S, y)
	var h []float64
	add := func(h0 float64, coef map[int]float64) {
		row := make([]float64, nv)
		for k, v := range coef {
			row[k] += v
		}
		rows, h = append(rows, row), append(h, h0)
	}
	S := func(i int) int { return i }
	Y := func(i int) int { return n + i }
	for i := range n {
		add(saving[i], map[int]float64{Y(i): 1})
		add(T-normal[i], map[int]float64{S(i): 1, Y(i): -1})
	}
	O := func(k int) int { return 2*n + k }
	for k := range ft {
		add(p.Links[ft[k]].Overlap.Amount, map[int]float64{O(k): 1})
	}
	for li, l := range p.Links {
		a, b := idx[l.Pred], idx[l.Succ]
		lag := l.Lag.Amount
		switch l.Type { // each: pred's end + lag ≤ succ's end, ends as the type says
		case schedule.FS:
			coef := map[int]float64{S(a): 1, Y(a): -1, S(b): -1}
			if k := slices.Index(ft, li); k >= 0 {
				coef[O(k)] = -1
			}
			add(-normal[a]-lag, coef)
		case schedule.SS:
			add(-lag, map[int]float64{S(a): 1, S(b): -1})
		case schedule.FF:
			add(normal[b]-normal[a]-lag, map[int]float64{S(a): 1, Y(a): -1, S(b): -1, Y(b): 1})
		case schedule.SF:
			add(normal[b]-lag, map[int]float64{S(a): 1, S(b): -1, Y(b): 1})
		}
	}
	// Standard form: a slack per row, rows with h < 0 negated.
	m := len(rows)
	A := mat.NewDense(m, nv+m, nil)
	b := make([]float64, m)
	for r, row := range rows {
		sign := 1.0
		if h[r] < 0 {
			sign = -1
		}
		for k, v := range row {
			A.Set(r, k, sign*v)
		}
		A.Set(r, nv+r, sign)
		b[r] = sign * h[r]
	}
	c := make([]float64, nv+m)
	copy(c[n:], slope)
	for k, li := range ft {
		c[O(k)] = p.Links[li].ReworkCost
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-10, nil)
	return opt, err
}

// TestAgainstSimplex: on 300 random instances and three target dates each
// — the normal finish, and two between it and the shortest — crashing
// (every instance), and fast-tracking with and without crashing (every
// third instance each), the plan's cost
// equals gonum's simplex optimum within 1e-9 relative, every plan is
// feasible (durations between crash and normal, overlaps within what the
// links allow, the schedule with them meets the date with every link
// holding, as the scheduler computes it), and a date the package calls
// too early is one the simplex finds infeasible.
func TestAgainstSimplex(t *testing.T) {
	solved, early := 0, 0
	for seed := range uint64(300) {
		p := randomInstance(seed, 2+int(seed%29)) // 2 to 30 tasks
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		optSets := []optimize.Options{{}}
		switch seed % 3 {
		case 1:
			optSets = append(optSets, optimize.Options{FastTrack: true, NoCrash: true})
		case 2:
			optSets = append(optSets, optimize.Options{FastTrack: true})
		}
		normal := r.Finish().Sub(start).Minutes()
		for x := range len(optSets) * 3 {
			opts, k, frac := optSets[x/3], x%3, []float64{1, 0.85, 0.6}[x%3]
			T := math.Round(normal * frac / 1440) // whole days
			pl, err := optimize.Compress(t.Context(), p, days(int(T)), opts)
			want, lperr := lpOptimum(p, T, !opts.NoCrash, opts.FastTrack)
			if errors.Is(err, optimize.ErrTooEarly) {
				early++
				if lperr == nil {
					t.Fatalf("seed %d target %d: too early, but the simplex finds %v", seed, k, want)
				}
				continue
			}
			if err != nil || lperr != nil {
				t.Fatalf("seed %d target %d (day %v): %v; simplex: %v", seed, k, T, err, lperr)
			}
			solved++
			if math.Abs(pl.Cost-want) > 1e-9*max(1, math.Abs(want)) {
				t.Fatalf("seed %d target day %v: cost %v, simplex %v", seed, T, pl.Cost, want)
			}
			if pl.Finish.After(days(int(T))) {
				t.Fatalf("seed %d target day %v: the plan finishes %v", seed, T, pl.Finish)
			}
			checkPlan(t, p, pl)
		}
	}
	t.Logf("%d targets solved, %d too early", solved, early)
	if solved < 900 || early == 0 {
		t.Errorf("%d targets solved, %d too early: the test checks too little", solved, early)
	}
}

// checkPlan checks that each shortening lies between the crash and the
// normal duration and each overlap within its link's, and that the
// project with the plan's edits schedules with every link holding.
func checkPlan(t *testing.T, p *schedule.Project, pl *optimize.Plan) {
	t.Helper()
	for _, s := range pl.Tasks {
		i := slices.IndexFunc(p.Tasks, func(x schedule.Task) bool { return x.ID == s.Task })
		tk := &p.Tasks[i]
		if s.To.Amount*unit(s.To) < tk.Crash.Duration.Amount*1440-1e-9 || s.To.Amount*unit(s.To) > tk.Duration.Amount*1440 {
			t.Fatalf("%s shortened to %v: outside %v–%v", s.Task, s.To, tk.Crash.Duration, tk.Duration)
		}
	}
	for _, o := range pl.Links {
		k := slices.IndexFunc(p.Links, func(l schedule.Link) bool { return l.Pred == o.Pred && l.Succ == o.Succ })
		if l := p.Links[k]; o.Overlap.Amount*unit(o.Overlap) > l.Overlap.Amount*1440 || o.Overlap.Amount <= 0 {
			t.Fatalf("%s→%s overlapped %v: outside 0–%v", o.Pred, o.Succ, o.Overlap, l.Overlap)
		}
	}
	ed, err := schedule.NewEditor(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Apply(pl.Edits(p)...); err != nil {
		t.Fatal(err)
	}
	r := ed.Result()
	if len(r.Conflicts()) > 0 {
		t.Fatalf("conflicts with the plan: %+v", r.Conflicts())
	}
	if !r.Finish().Equal(pl.Finish) {
		t.Fatalf("the plan says %v, the scheduler %v", pl.Finish, r.Finish())
	}
}

func unit(d schedule.Duration) float64 {
	if d.Unit == schedule.Day {
		return 1440
	}
	return 1
}

// TestCurveAgainstSimplex: on 40 random instances every breakpoint of
// the curve costs what gonum's simplex finds for its finish, the curve is
// convex, it is straight between breakpoints (the exact cost halfway
// between two lies on the chord), and it ends where the project can go
// no shorter.
func TestCurveAgainstSimplex(t *testing.T) {
	for seed := range uint64(40) {
		p := randomInstance(500+seed, 2+int(seed%15))
		pts, err := optimize.Curve(t.Context(), p, optimize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		minutes := func(at time.Time) float64 { return at.Sub(start).Minutes() }
		for k, pt := range pts {
			want, err := lpOptimum(p, minutes(pt.Finish)/1440, true, false)
			if err != nil || math.Abs(pt.Cost-want) > 1e-9*max(1, want) {
				t.Fatalf("seed %d point %d (%v): cost %v, simplex %v %v", seed, k, pt.Finish, pt.Cost, want, err)
			}
			if k == 0 {
				continue
			}
			prev := pts[k-1]
			if !pt.Finish.Before(prev.Finish) || pt.Cost <= prev.Cost {
				t.Fatalf("seed %d: point %d (%v, %v) after (%v, %v)", seed, k, pt.Finish, pt.Cost, prev.Finish, prev.Cost)
			}
			if k >= 2 { // slopes steepen
				s1 := (prev.Cost - pts[k-2].Cost) / (minutes(pts[k-2].Finish) - minutes(prev.Finish))
				s2 := (pt.Cost - prev.Cost) / (minutes(prev.Finish) - minutes(pt.Finish))
				if s2 <= s1*(1+1e-12) {
					t.Fatalf("seed %d: slopes %v then %v: not a breakpoint of a convex curve", seed, s1, s2)
				}
			}
			mid := prev.Finish.Add(pt.Finish.Sub(prev.Finish) / 2).Truncate(time.Minute)
			pl, err := optimize.Compress(t.Context(), p, mid, optimize.Options{})
			if err != nil {
				t.Fatal(err)
			}
			chord := prev.Cost + (pt.Cost-prev.Cost)*(minutes(prev.Finish)-minutes(mid))/(minutes(prev.Finish)-minutes(pt.Finish))
			if math.Abs(pl.Cost-chord) > 1e-9*max(1, chord) {
				t.Fatalf("seed %d: at %v the cost is %v, off the chord (%v)", seed, mid, pl.Cost, chord)
			}
		}
		last := pts[len(pts)-1].Finish
		if _, err := optimize.Compress(t.Context(), p, last.Add(-time.Minute), optimize.Options{}); !errors.Is(err, optimize.ErrTooEarly) {
			t.Fatalf("seed %d: the curve ends at %v, but a minute earlier is possible: %v", seed, last, err)
		}
	}
}

// fastTrackProject: foundation (10 days) → frame (10) → fit-out (5), all
// finish-to-start; the frame may start up to 4 days before the
// foundation is done at 500 of rework a day, the fit-out up to 2 days
// before the frame is at 2,000 a day; the fit-out can be crashed to 3
// days at 800 a day. Normal finish: day 25.
func fastTrackProject() *schedule.Project {
	p := project(task("foundation", 10, 10, 0), task("frame", 10, 10, 0), task("fitout", 5, 3, 800))
	p.Links = []schedule.Link{
		{Pred: "foundation", Succ: "frame", Overlap: schedule.Days(4), ReworkCost: 500},
		{Pred: "frame", Succ: "fitout", Overlap: schedule.Days(2), ReworkCost: 2000},
	}
	return p
}

// TestFastTrack: to day 22, overlap the frame 3 days (1,500); to day 20,
// 4 days and the fit-out 1 (4,000); day 18 is out of reach by overlaps
// alone. With crashing too: to day 20, overlap 4 and crash the fit-out a
// day (2,800); to day 18, that and a second day of crash and a day's
// overlap of the fit-out (5,600).
func TestFastTrack(t *testing.T) {
	type link struct {
		to   string
		days float64
	}
	cases := []struct {
		by     int
		opts   optimize.Options
		cost   float64
		rework float64
		links  []link
		cut    map[string]float64
	}{
		{22, optimize.Options{FastTrack: true, NoCrash: true}, 1500, 1500, []link{{"frame", 3}}, map[string]float64{}},
		{20, optimize.Options{FastTrack: true, NoCrash: true}, 4000, 4000, []link{{"frame", 4}, {"fitout", 1}}, map[string]float64{}},
		{20, optimize.Options{FastTrack: true}, 2800, 2000, []link{{"frame", 4}}, map[string]float64{"fitout": 1}},
		{18, optimize.Options{FastTrack: true}, 5600, 4000, []link{{"frame", 4}, {"fitout", 1}}, map[string]float64{"fitout": 2}},
	}
	for _, c := range cases {
		pl, err := optimize.Compress(t.Context(), fastTrackProject(), days(c.by), c.opts)
		if err != nil {
			t.Fatal(err)
		}
		var got []link
		for _, o := range pl.Links {
			got = append(got, link{o.Succ, o.Overlap.Amount * unit(o.Overlap) / 1440})
		}
		if math.Abs(pl.Cost-c.cost) > 1e-9 || math.Abs(pl.Rework-c.rework) > 1e-9 || fmt.Sprint(got) != fmt.Sprint(c.links) ||
			fmt.Sprint(shortened(pl)) != fmt.Sprint(c.cut) || !pl.Finish.Equal(days(c.by)) || pl.Saved != int64(25-c.by)*1440 {
			t.Errorf("by day %d %+v: %+v, overlaps %v, shortened %v", c.by, c.opts, pl, got, shortened(pl))
		}
		checkPlan(t, fastTrackProject(), pl)
	}
	if _, err := optimize.Compress(t.Context(), fastTrackProject(), days(18), optimize.Options{FastTrack: true, NoCrash: true}); !errors.Is(err, optimize.ErrTooEarly) {
		t.Errorf("day 18 by overlaps alone: %v", err)
	}
	bad := fastTrackProject()
	bad.Links[0].ReworkCost = -1
	var ie *schedule.InputError
	if _, err := optimize.Compress(t.Context(), bad, days(22), optimize.Options{FastTrack: true, NoCrash: true}); !errors.As(err, &ie) || ie.Field != "rework_cost" || ie.Link == nil {
		t.Errorf("negative rework cost: %v", err)
	}
}

// TestContradiction: B must start by day 2 (held there against its link,
// as Microsoft Project honours constraint dates), yet follows A of 5
// days that can only be crashed to 4: no durations make the dates and
// the link agree, and Compress says so rather than ErrTooEarly.
func TestContradiction(t *testing.T) {
	p := project(task("A", 5, 4, 1), task("B", 1, 1, 0))
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNLT, Date: days(2)}
	p.Links = []schedule.Link{{Pred: "A", Succ: "B"}}
	_, err := optimize.Compress(t.Context(), p, days(20), optimize.Options{})
	if err == nil || errors.Is(err, optimize.ErrTooEarly) || !strings.Contains(err.Error(), "contradict") {
		t.Errorf("got %v", err)
	}
}

// TestCalendarTooEarly: A works mornings only (4 hours a day), so its 4
// days of 24 hours take 24 mornings, crashed 18; the axis of the project's
// 24-hour calendar would promise a finish in 3 days. The plan the
// scheduler can meet is far later: Compress says the date is too early
// rather than return a late plan.
func TestCalendarTooEarly(t *testing.T) {
	mornings := map[time.Weekday][]schedule.Interval{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		mornings[d] = []schedule.Interval{schedule.Span(8, 0, 12, 0)}
	}
	p := project(task("A", 4, 3, 10))
	p.Calendars = []schedule.Calendar{{Name: "Mornings", Week: mornings}}
	p.Tasks[0].Calendar = "Mornings"
	if _, err := optimize.Compress(t.Context(), p, days(4), optimize.Options{}); !errors.Is(err, optimize.ErrTooEarly) {
		t.Fatalf("by day 4: %v", err)
	}
	// By a date the scheduler can meet, the plan meets it.
	pl, err := optimize.Compress(t.Context(), p, days(22), optimize.Options{})
	if err != nil || pl.Finish.After(days(22)) {
		t.Errorf("by day 22: %+v, %v", pl, err)
	}
}

// TestMustStartLinksFirst: B must start on day 1 but follows A (4 days).
// With links first (Microsoft Project's option cleared) the scheduler
// takes the date as an earliest start, and so does Compress: finishing
// by day 4 needs A crashed a day.
func TestMustStartLinksFirst(t *testing.T) {
	p := project(task("A", 4, 2, 5), task("B", 1, 1, 0))
	p.Options.Constraints = schedule.LinksFirst
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.MSO, Date: days(1)}
	p.Links = []schedule.Link{{Pred: "A", Succ: "B"}}
	pl, err := optimize.Compress(t.Context(), p, days(4), optimize.Options{})
	if err != nil || pl.Cost != 5 || !pl.Finish.Equal(days(4)) {
		t.Errorf("%+v, %v", pl, err)
	}
}

// TestFreeCrashRefused: a crash point that costs no more than the normal
// point is refused — the optimum would shorten such a task for nothing.
func TestFreeCrashRefused(t *testing.T) {
	p := fiveTasks()
	p.Tasks[2].Crash.Cost = 0
	var ie *schedule.InputError
	if _, err := optimize.Compress(t.Context(), p, days(11), optimize.Options{}); !errors.As(err, &ie) || ie.Task != "C" || ie.Field != "crash.cost" {
		t.Errorf("got %v", err)
	}
}

// Work done and under way stays as it is, under every progress mode: a
// task in progress keeps its dates, which span more than the work left
// that Result.Duration gives, and is not shortened; what follows it is
// crashed as it would be.
func TestProgressStaysFixed(t *testing.T) {
	for _, mode := range []schedule.ProgressMode{schedule.ActualDates, schedule.RetainedLogic, schedule.ProgressOverride} {
		p := project(task("done", 2, 1, 5), task("doing", 4, 2, 5), task("next", 6, 3, 10))
		p.Options.Progress = mode
		p.StatusDate = days(4)
		p.Tasks[0].ActualStart, p.Tasks[0].ActualFinish = days(0), days(2)
		p.Tasks[1].ActualStart, p.Tasks[1].PercentComplete = days(2), 50
		p.Links = []schedule.Link{{Pred: "done", Succ: "doing"}, {Pred: "doing", Succ: "next"}}
		r, err := schedule.Run(p)
		if err != nil {
			t.Fatal(err)
		}
		normal := r.Finish()
		pts, err := optimize.Curve(t.Context(), p, optimize.Options{})
		if err != nil {
			t.Fatalf("%v: curve: %v", mode, err)
		}
		if len(pts) != 2 || !pts[0].Finish.Equal(normal) || !pts[1].Finish.Equal(normal.Add(-3*24*time.Hour)) || pts[1].Cost != 30 {
			t.Errorf("%v: curve %+v, want the normal finish %v, then 3 days sooner for 30", mode, pts, normal)
		}
		pl, err := optimize.Compress(t.Context(), p, normal.Add(-2*24*time.Hour), optimize.Options{})
		if err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		if got := shortened(pl); len(got) != 1 || got["next"] != 2 || pl.Cost != 20 {
			t.Errorf("%v: shortened %v for %v, want next by 2 days for 20", mode, got, pl.Cost)
		}
		checkPlan(t, p, pl)
	}
}
