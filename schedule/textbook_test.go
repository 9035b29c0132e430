package schedule_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Textbook networks count whole days from day 0. dayProject builds one on
// the 24 Hours calendar with one-day units, so day k is the start plus k
// days, and dayOf reads a date back.
var day0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func dayProject() *schedule.Project {
	return &schedule.Project{
		Start:    day0,
		Calendar: schedule.TwentyFourHours,
		Settings: schedule.Settings{MinutesPerDay: 1440},
	}
}

func dayOf(t time.Time) int { return int(t.Sub(day0).Hours() / 24) }

func mustRun(t *testing.T, p *schedule.Project) *schedule.Result {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// days is a task's dates and float in days.
type days struct{ es, ef, ls, lf, tf int }

func (d days) String() string {
	return fmt.Sprintf("ES %d EF %d LS %d LF %d TF %d", d.es, d.ef, d.ls, d.lf, d.tf)
}

func taskDays(t *testing.T, r *schedule.Result, id string) days {
	t.Helper()
	tr, ok := r.Lookup(id)
	if !ok {
		t.Fatalf("no task %q", id)
	}
	return days{dayOf(tr.EarlyStart), dayOf(tr.EarlyFinish), dayOf(tr.LateStart), dayOf(tr.LateFinish), int(tr.TotalFloat / 1440)}
}

// TestRelationTypes reproduces every case of the criticalpath R package's
// test "early start and finish by relation type": Begin(1) → A → B →
// End(1), all four link types, dA = dB, dA < dB and dA > dB, lags −2, 0
// and +2, with the published ES, EF, LS and LF of all four activities.
//
// Source: github.com/rubens2005/criticalpath, tests/testthat/
// test-cpt-early_start_finish_by_relation_type.R at d7d5c18. That package
// lets an activity without its own link from Begin start before day 0; to
// let B do so here the project starts ten days early and Begin is
// constrained to start no earlier than day 0. Its late dates follow the
// textbook rule, the engine's LateByLinks: only activities without
// successors are bound by the project finish (the latest early finish).
// Microsoft Project and P6 cap every late finish there (LateCapped, the
// default, checked against the oracle in TestAgainstOracle).
func TestRelationTypes(t *testing.T) {
	// case type dA dB lag | A ES EF LS LF | B ES EF LS LF | Begin ES EF LS LF | End ES EF LS LF
	const cases = `
 1 FS 3 3  0 |  1  4  1  4 |  4  7  4  7 | 0 1 0 1 |  7  8  7  8
 2 FS 3 3  2 |  1  4  1  4 |  6  9  6  9 | 0 1 0 1 |  9 10  9 10
 3 FS 3 3 -2 |  1  4  1  4 |  2  5  2  5 | 0 1 0 1 |  5  6  5  6
 4 FS 3 5  0 |  1  4  1  4 |  4  9  4  9 | 0 1 0 1 |  9 10  9 10
 5 FS 3 5  2 |  1  4  1  4 |  6 11  6 11 | 0 1 0 1 | 11 12 11 12
 6 FS 3 5 -2 |  1  4  1  4 |  2  7  2  7 | 0 1 0 1 |  7  8  7  8
 7 FS 5 3  0 |  1  6  1  6 |  6  9  6  9 | 0 1 0 1 |  9 10  9 10
 8 FS 5 3  2 |  1  6  1  6 |  8 11  8 11 | 0 1 0 1 | 11 12 11 12
 9 FS 5 3 -2 |  1  6  1  6 |  4  7  4  7 | 0 1 0 1 |  7  8  7  8
10 FF 3 3  0 |  1  4  1  4 |  1  4  1  4 | 0 1 0 1 |  4  5  4  5
11 FF 3 3  2 |  1  4  1  4 |  3  6  3  6 | 0 1 0 1 |  6  7  6  7
12 FF 3 3 -2 |  1  4  2  5 | -1  2  0  3 | 0 1 1 2 |  2  3  3  4
13 FF 3 5  0 |  1  4  1  4 | -1  4 -1  4 | 0 1 0 1 |  4  5  4  5
14 FF 3 5  2 |  1  4  1  4 |  1  6  1  6 | 0 1 0 1 |  6  7  6  7
15 FF 3 5 -2 |  1  4  2  5 | -3  2 -2  3 | 0 1 1 2 |  2  3  3  4
16 FF 5 3  0 |  1  6  1  6 |  3  6  3  6 | 0 1 0 1 |  6  7  6  7
17 FF 5 3  2 |  1  6  1  6 |  5  8  5  8 | 0 1 0 1 |  8  9  8  9
18 FF 5 3 -2 |  1  6  2  7 |  1  4  2  5 | 0 1 1 2 |  4  5  5  6
19 SS 3 3  0 |  1  4  1  4 |  1  4  1  4 | 0 1 0 1 |  4  5  4  5
20 SS 3 3  2 |  1  4  1  4 |  3  6  3  6 | 0 1 0 1 |  6  7  6  7
21 SS 3 3 -2 |  1  4  2  5 | -1  2  0  3 | 0 1 1 2 |  2  3  3  4
22 SS 3 5  0 |  1  4  1  4 |  1  6  1  6 | 0 1 0 1 |  6  7  6  7
23 SS 3 5  2 |  1  4  1  4 |  3  8  3  8 | 0 1 0 1 |  8  9  8  9
24 SS 3 5 -2 |  1  4  1  4 | -1  4 -1  4 | 0 1 0 1 |  4  5  4  5
25 SS 5 3  0 |  1  6  2  7 |  1  4  2  5 | 0 1 1 2 |  4  5  5  6
26 SS 5 3  2 |  1  6  1  6 |  3  6  3  6 | 0 1 0 1 |  6  7  6  7
27 SS 5 3 -2 |  1  6  4  9 | -1  2  2  5 | 0 1 3 4 |  2  3  5  6
28 SF 3 3  0 |  1  4  3  6 | -2  1  0  3 | 0 1 2 3 |  1  2  3  4
29 SF 3 3  2 |  1  4  1  4 |  0  3  0  3 | 0 1 0 1 |  3  4  3  4
30 SF 3 3 -2 |  1  4  5  8 | -4 -1  0  3 | 0 1 4 5 | -1  0  3  4
31 SF 3 5  0 |  1  4  3  6 | -4  1 -2  3 | 0 1 2 3 |  1  2  3  4
32 SF 3 5  2 |  1  4  1  4 | -2  3 -2  3 | 0 1 0 1 |  3  4  3  4
33 SF 3 5 -2 |  1  4  5  8 | -6 -1 -2  3 | 0 1 4 5 | -1  0  3  4
34 SF 5 3  0 |  1  6  5 10 | -2  1  2  5 | 0 1 4 5 |  1  2  5  6
35 SF 5 3  2 |  1  6  3  8 |  0  3  2  5 | 0 1 2 3 |  3  4  5  6
36 SF 5 3 -2 |  1  6  7 12 | -4 -1  2  5 | 0 1 6 7 | -1  0  5  6
`
	for line := range strings.Lines(strings.TrimSpace(cases)) {
		f := strings.Fields(strings.ReplaceAll(line, "|", " "))
		n := make([]int, len(f))
		for i, s := range f {
			n[i], _ = strconv.Atoi(s)
		}
		t.Run(f[0]+"_"+f[1]+"_"+f[2]+"_"+f[3]+"_"+f[4], func(t *testing.T) {
			var typ schedule.LinkType
			if err := typ.UnmarshalText([]byte(f[1])); err != nil {
				t.Fatal(err)
			}
			p := dayProject()
			p.Start = day0.AddDate(0, 0, -10)
			p.Options.LateDates = schedule.LateByLinks
			p.Tasks = []schedule.Task{
				{ID: "Begin", Duration: schedule.Days(1), Constraint: schedule.Constraint{Type: schedule.SNET, Date: day0}},
				{ID: "A", Duration: schedule.Days(float64(n[2]))},
				{ID: "B", Duration: schedule.Days(float64(n[3]))},
				{ID: "End", Duration: schedule.Days(1)},
			}
			p.Links = []schedule.Link{
				{Pred: "Begin", Succ: "A"},
				{Pred: "A", Succ: "B", Type: typ, Lag: schedule.Days(float64(n[4]))},
				{Pred: "B", Succ: "End"},
			}
			r := mustRun(t, p)
			for k, id := range []string{"A", "B", "Begin", "End"} {
				v := n[5+4*k:]
				want := days{v[0], v[1], v[2], v[3], v[2] - v[0]}
				if got := taskDays(t, r, id); got != want {
					t.Errorf("%s: got %v, want %v", id, got, want)
				}
			}
		})
	}
}

// fsProject builds a day-unit project of activities named by number with
// the given durations and finish-to-start links from[i] → to[i].
func fsProject(durs []int, from, to []int) *schedule.Project {
	p := dayProject()
	for i, d := range durs {
		p.Tasks = append(p.Tasks, schedule.Task{ID: strconv.Itoa(i + 1), Duration: schedule.Days(float64(d))})
	}
	for i := range from {
		p.Links = append(p.Links, schedule.Link{Pred: strconv.Itoa(from[i]), Succ: strconv.Itoa(to[i])})
	}
	return p
}

// TestVanhoucke2009 is the fictitious project of M. Vanhoucke, Measuring
// Time (Springer, 2009), p. 18, with its published dates, total and free
// floats, as asserted in github.com/rubens2005/criticalpath,
// tests/testthat/test-cpt-add_act_rel.R at d7d5c18.
func TestVanhoucke2009(t *testing.T) {
	p := fsProject([]int{0, 4, 9, 1, 4, 5, 1, 7, 8, 3, 3, 0},
		[]int{1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11},
		[]int{2, 3, 4, 5, 10, 6, 9, 7, 8, 11, 12, 12, 12, 12})
	r := mustRun(t, p)
	// id ES EF LS LF TF FF critical
	want := [][]int{
		{1, 0, 0, 0, 0, 0, -1, 1}, {2, 0, 4, 0, 4, 0, 0, 1}, {3, 0, 9, 4, 13, 4, 0, 0},
		{4, 0, 1, 2, 3, 2, 0, 0}, {5, 4, 8, 4, 8, 0, 0, 1}, {6, 1, 6, 3, 8, 2, 0, 0},
		{7, 6, 7, 8, 9, 2, 0, 0}, {8, 7, 14, 9, 16, 2, 2, 0}, {9, 8, 16, 8, 16, 0, 0, 1},
		{10, 9, 12, 13, 16, 4, 4, 0}, {11, 7, 10, 13, 16, 6, 6, 0}, {12, 16, 16, 16, 16, 0, 0, 1},
	}
	for _, w := range want {
		id := strconv.Itoa(w[0])
		tr, _ := r.Lookup(id)
		if got := taskDays(t, r, id); got != (days{w[1], w[2], w[3], w[4], w[5]}) {
			t.Errorf("a%s: got %v, want ES %d EF %d LS %d LF %d TF %d", id, got, w[1], w[2], w[3], w[4], w[5])
		}
		if w[6] >= 0 && tr.FreeFloat != int64(w[6])*1440 {
			t.Errorf("a%s: free float %d days, want %d", id, tr.FreeFloat/1440, w[6])
		}
		if tr.Critical != (w[7] == 1) {
			t.Errorf("a%s: critical %v, want %v", id, tr.Critical, w[7] == 1)
		}
	}
	if got := dayOf(r.Finish()); got != 16 {
		t.Errorf("finish day %d, want 16", got)
	}
}

// TestVanhoucke2014 is "Project 1: Cost Information System" of M.
// Vanhoucke, Integrated Project Management and Control (Springer, 2014),
// p. 6, as asserted in github.com/rubens2005/criticalpath,
// tests/testthat/test-cpt-schedule_from_data_frame.R at 65f61d5: the dates
// of all 17 activities and the critical set.
func TestVanhoucke2014(t *testing.T) {
	p := fsProject([]int{1, 2, 2, 4, 3, 3, 3, 2, 1, 1, 2, 1, 1, 1, 1, 2, 1},
		[]int{1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15},
		[]int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 12, 13, 14, 15, 16, 17, 16, 17, 16, 17, 16, 17, 16, 17})
	r := mustRun(t, p)
	want := [][4]int{
		{0, 1, 0, 1}, {1, 3, 1, 3}, {1, 3, 3, 5}, {3, 7, 3, 7}, {3, 6, 4, 7}, {3, 6, 4, 7},
		{3, 6, 5, 8}, {3, 5, 6, 8}, {3, 4, 7, 8}, {3, 4, 7, 8}, {7, 9, 7, 9}, {6, 7, 8, 9},
		{5, 6, 8, 9}, {4, 5, 8, 9}, {4, 5, 8, 9}, {9, 11, 9, 11}, {9, 10, 10, 11},
	}
	critical := map[int]bool{1: true, 2: true, 4: true, 11: true, 16: true}
	for i, w := range want {
		id := strconv.Itoa(i + 1)
		got := taskDays(t, r, id)
		if got != (days{w[0], w[1], w[2], w[3], w[2] - w[0]}) {
			t.Errorf("a%s: got %v, want ES %d EF %d LS %d LF %d", id, got, w[0], w[1], w[2], w[3])
		}
		if tr, _ := r.Lookup(id); tr.Critical != critical[i+1] {
			t.Errorf("a%s: critical %v, want %v", id, tr.Critical, critical[i+1])
		}
	}
}

// TestPublishedDurations checks the project durations asserted for further
// textbook networks in github.com/rubens2005/criticalpath
// (tests/testthat/test-examples.R at 5be8f3e, test-cpt-create_schedule_
// from_tibbles.R at d7d5c18).
func TestPublishedDurations(t *testing.T) {
	for _, c := range []struct {
		name     string
		durs     []int
		from, to []int
		want     int
	}{
		{"criticalpath P1", []int{5, 4, 2, 3, 4, 3}, []int{1, 1, 2, 3, 4, 5}, []int{2, 3, 4, 5, 6, 6}, 15},
		{"unrelated", []int{5, 4, 2, 3, 5, 3}, nil, nil, 5},
		{"Vanhoucke 2014 p.9 patient transport", []int{1, 1, 3, 2, 2, 2, 2, 1, 4, 5, 3, 3, 4, 5, 1, 5, 2},
			[]int{1, 2, 3, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 9, 10, 11, 12, 13, 13, 14, 14, 15, 15},
			[]int{2, 3, 4, 6, 5, 8, 7, 8, 9, 10, 11, 12, 13, 14, 14, 14, 14, 14, 15, 16, 17, 16, 17}, 25},
		{"same, durations changed", []int{1, 2, 5, 4, 3, 2, 1, 5, 3, 5, 5, 3, 4, 2, 1, 2, 4},
			[]int{1, 2, 3, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 9, 10, 11, 12, 13, 13, 14, 14, 15, 15},
			[]int{2, 3, 4, 6, 5, 8, 7, 8, 9, 10, 11, 12, 13, 14, 14, 14, 14, 14, 15, 16, 17, 16, 17}, 31},
		{"tibbles", []int{7, 8, 6, 4, 9, 3}, []int{1, 1, 2, 3, 4, 5}, []int{2, 3, 4, 5, 6, 6}, 25},
		{"tibbles with dummies", []int{0, 8, 6, 4, 9, 0}, []int{1, 1, 2, 3, 4, 5}, []int{2, 3, 4, 5, 6, 6}, 15},
	} {
		r := mustRun(t, fsProject(c.durs, c.from, c.to))
		if got := dayOf(r.Finish()); got != c.want {
			t.Errorf("%s: duration %d, want %d", c.name, got, c.want)
		}
	}
	// Three unrelated activities: open ends are bound by the finish.
	r := mustRun(t, fsProject([]int{3, 2, 4}, nil, nil))
	for id, want := range map[string]days{"1": {0, 3, 1, 4, 1}, "2": {0, 2, 2, 4, 2}, "3": {0, 4, 0, 4, 0}} {
		if got := taskDays(t, r, id); got != want {
			t.Errorf("unrelated %s: got %v, want %v", id, got, want)
		}
	}
}

// TestHendricksonNineActivities schedules the nine-activity project of C.
// Hendrickson, Project Management for Construction, ch. 10 ("Precedence
// Relations and Durations for a Nine Activity Project": site clearing,
// removal of trees, excavation, grading, trenches, formwork, sewer lines,
// utilities, pouring concrete), with the activity-on-node algorithm of the
// book's Table 10-7. The inputs are the book's; the stored copies reached
// did not include its results table, so the expected dates here are the
// algorithm's, worked by hand: critical path A–C–F–I, 30 days.
func TestHendricksonNineActivities(t *testing.T) {
	p := dayProject()
	for _, a := range []struct {
		id   string
		days float64
	}{{"A", 4}, {"B", 3}, {"C", 8}, {"D", 7}, {"E", 9}, {"F", 12}, {"G", 2}, {"H", 5}, {"I", 6}} {
		p.Tasks = append(p.Tasks, schedule.Task{ID: a.id, Duration: schedule.Days(a.days)})
	}
	for _, l := range [][2]string{{"A", "C"}, {"A", "D"}, {"B", "E"}, {"C", "E"}, {"B", "F"}, {"C", "F"}, {"D", "G"}, {"E", "G"}, {"D", "H"}, {"E", "H"}, {"F", "I"}, {"G", "I"}} {
		p.Links = append(p.Links, schedule.Link{Pred: l[0], Succ: l[1]})
	}
	r := mustRun(t, p)
	for id, want := range map[string]days{
		"A": {0, 4, 0, 4, 0}, "B": {0, 3, 9, 12, 9}, "C": {4, 12, 4, 12, 0}, "D": {4, 11, 15, 22, 11},
		"E": {12, 21, 13, 22, 1}, "F": {12, 24, 12, 24, 0}, "G": {21, 23, 22, 24, 1}, "H": {21, 26, 25, 30, 4}, "I": {24, 30, 24, 30, 0},
	} {
		if got := taskDays(t, r, id); got != want {
			t.Errorf("%s: got %v, want %v", id, got, want)
		}
	}
	if got, want := r.LongestPath(), []string{"A", "C", "F", "I"}; !slices.Equal(got, want) {
		t.Errorf("longest path %v, want %v", got, want)
	}
}
