package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
)

// bruteCalendar answers the timeline's questions by walking minute by
// minute over a range of days: the oracle for the compiled timelines.
type bruteCalendar struct {
	from    int64  // first wall minute covered
	working []bool // minute from+i works
	cum     []int64
}

func newBrute(cal *Calendar, cals map[string]*Calendar, fromDay, days int64) *bruteCalendar {
	b := &bruteCalendar{from: fromDay * minutesPerDay}
	chain, err := baseChain(cal, cals)
	if err != nil {
		panic(err)
	}
	// Resolve each day the slow way: own exceptions (dated beat yearly,
	// later beats earlier), then the base's, then the weekly pattern.
	dayIvs := func(day int64) []Interval {
		y, m, d := civilFromDays(day)
		for _, c := range chain {
			var hit []Interval
			found := false
			for _, yearly := range []bool{true, false} {
				for _, ex := range c.Exceptions {
					if ex.Yearly != yearly {
						continue
					}
					to := ex.To
					if to.IsZero() {
						to = ex.From
					}
					n := to.days() - ex.From.days()
					first := ex.From.days()
					if ex.Yearly {
						if int(y) < ex.From.Year {
							continue
						}
						// the occurrence starting in this year or the year before
						for _, yy := range []int{int(y) - 1, int(y)} {
							dd := Date{yy, ex.From.Month, ex.From.Day}
							if yy < ex.From.Year || !dd.valid() {
								continue
							}
							if f := dd.days(); day >= f && day <= f+n {
								hit, found = ex.Working, true
							}
						}
						continue
					}
					if day >= first && day <= first+n {
						hit, found = ex.Working, true
					}
				}
			}
			if found {
				return hit
			}
		}
		wd := time.Date(int(y), time.Month(m), int(d), 0, 0, 0, 0, time.UTC).Weekday()
		for _, c := range chain {
			if ivs, ok := c.Week[wd]; ok {
				return ivs
			}
		}
		return nil
	}
	b.working = make([]bool, days*minutesPerDay)
	for i := range days {
		for _, iv := range dayIvs(fromDay + i) {
			for m := iv.Start; m < iv.End; m++ {
				b.working[i*minutesPerDay+int64(m)] = true
			}
		}
	}
	b.cum = make([]int64, len(b.working)+1)
	for i, w := range b.working {
		b.cum[i+1] = b.cum[i]
		if w {
			b.cum[i+1]++
		}
	}
	return b
}

func TestTimelineAgainstBruteForce(t *testing.T) {
	std, night, sunThu := StandardCalendar(), NightShiftCalendar(), SundayThursdayCalendar()
	holidays := Calendar{Name: "Dhaka", Base: SundayThursday, Exceptions: []Exception{
		{Name: "Victory Day", From: Date{2020, 12, 16}, Yearly: true},
		{Name: "Year end", From: Date{2026, 12, 28}, To: Date{2027, 1, 2}, Yearly: true},
		{Name: "Eid", From: Date{2027, 3, 8}, To: Date{2027, 3, 12}},
		{Name: "Saturday shift", From: Date{2027, 3, 20}, Working: []Interval{Span(9, 0, 13, 0)}},
		{Name: "Victory Day worked", From: Date{2027, 12, 16}, Working: []Interval{Span(0, 0, 24, 0)}},
	}}
	derived := Calendar{Name: "Crew", Base: "Dhaka",
		Week:       map[time.Weekday][]Interval{time.Saturday: {Span(8, 0, 12, 0)}, time.Sunday: {Span(23, 0, 24, 0)}, time.Monday: {Span(0, 0, 6, 0)}},
		Exceptions: []Exception{{Name: "Crew off", From: Date{2027, 6, 1}, To: Date{2027, 6, 30}}}}
	cals := map[string]*Calendar{Standard: &std, NightShift: &night, SundayThursday: &sunThu, "Dhaka": &holidays, "Crew": &derived}
	anchor := Date{2027, 1, 3}
	fromDay := Date{2026, 1, 1}.days()
	const days = 3 * 366
	rng := rand.New(rand.NewPCG(1, 2))
	for name, cal := range cals {
		t.Run(name, func(t *testing.T) {
			tl, err := compileCalendar(cal, cals, anchor)
			if err != nil {
				t.Fatal(err)
			}
			b := newBrute(cal, cals, fromDay, days)
			// C(t) differs from the brute count by a constant.
			off := tl.cum(b.from) - b.cum[0]
			lo, hi := b.cum[0]+off, b.cum[len(b.cum)-1]+off
			for range 20000 {
				i := rng.Int64N(int64(len(b.working)))
				tm := b.from + i
				if got, want := tl.cum(tm), b.cum[i]+off; got != want {
					t.Fatalf("cum(%v) = %d, want %d", wallTime(tm, time.UTC), got, want)
				}
				w := lo + rng.Int64N(hi-lo)
				// startAt(w): the minute at which cum = w and the minute works.
				st := tl.startAt(w)
				if j := st - b.from; j < 0 || j >= int64(len(b.working)) || !b.working[j] || b.cum[j]+off != w {
					t.Fatalf("startAt(%d) = %v, not the start of working minute %d", w, wallTime(st, time.UTC), w)
				}
				// finishAt(w+1): the first moment with cum = w+1.
				ft := tl.finishAt(w + 1)
				if j := ft - b.from; j < 1 || b.cum[j]+off != w+1 || b.cum[j-1]+off != w {
					t.Fatalf("finishAt(%d) = %v, not the first moment with %d minutes done", w+1, wallTime(ft, time.UTC), w+1)
				}
				// The round trips the passes rely on.
				if tl.cum(st) != w || tl.cum(ft) != w+1 {
					t.Fatalf("round trip of %d broke", w)
				}
				if cs := tl.cumStart(tm); tl.startAt(cs) > tm || tl.startAt(cs+1) <= tm {
					t.Fatalf("cumStart(%v) = %d is not the greatest w starting at or before it", wallTime(tm, time.UTC), cs)
				}
			}
		})
	}
}

func TestTimelineFarFromWindow(t *testing.T) {
	// Outside the window the weekly pattern repeats; check continuity and
	// inverses a century away in both directions.
	dhaka := Calendar{Name: "D", Base: Standard, Exceptions: []Exception{{Name: "x", From: Date{2027, 2, 21}, Yearly: true}}}
	std := StandardCalendar()
	cals := map[string]*Calendar{Standard: &std, "D": &dhaka}
	tl, err := compileCalendar(&dhaka, cals, Date{2027, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []int64{Date{1950, 1, 1}.days(), Date{2026, 12, 20}.days(), Date{2069, 1, 1}.days(), Date{2300, 6, 1}.days()} {
		for m := int64(0); m < 14*minutesPerDay; m += 7 {
			tm := day*minutesPerDay + m
			w := tl.cum(tm)
			if tl.cum(tm+1)-w > 1 || tl.cum(tm+1) < w {
				t.Fatalf("cum jumps at %v", wallTime(tm, time.UTC))
			}
			if tl.cum(tl.startAt(w)) != w || tl.cum(tl.finishAt(w)) != w {
				t.Fatalf("inverse broken at %v", wallTime(tm, time.UTC))
			}
		}
	}
}

func TestIdentityTimeline(t *testing.T) {
	all := TwentyFourHourCalendar()
	tl, err := compileCalendar(&all, map[string]*Calendar{}, Date{2027, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if !tl.identity {
		t.Fatal("24 Hours did not compile to wall-clock time")
	}
	for _, w := range []int64{-5, 0, 12345678} {
		if tl.cum(w) != w || tl.startAt(w) != w || tl.finishAt(w) != w || tl.cumStart(w) != w {
			t.Fatalf("identity broken at %d", w)
		}
	}
}
