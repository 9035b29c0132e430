package jobs

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	at := time.Date(2027, 3, 14, 9, 7, 30, 0, time.UTC) // a Sunday
	for _, c := range []struct {
		spec string
		want time.Time
	}{
		{"* * * * *", time.Date(2027, 3, 14, 9, 8, 0, 0, time.UTC)},
		{"*/15 * * * *", time.Date(2027, 3, 14, 9, 15, 0, 0, time.UTC)},
		{"0 6 * * *", time.Date(2027, 3, 15, 6, 0, 0, 0, time.UTC)},
		{"30 5 * * mon-fri", time.Date(2027, 3, 15, 5, 30, 0, 0, time.UTC)},
		{"0 0 1 * *", time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"0 0 29 feb *", time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"0 12 13 * 5", time.Date(2027, 3, 19, 12, 0, 0, 0, time.UTC)}, // day 13 or a Friday
		{"5,10-12/2 9 14 3 7", time.Date(2027, 3, 14, 9, 10, 0, 0, time.UTC)},
		{"@hourly", time.Date(2027, 3, 14, 10, 0, 0, 0, time.UTC)},
		{"@weekly", time.Date(2027, 3, 21, 0, 0, 0, 0, time.UTC)},
		{"0 0 30 2 *", time.Time{}},
	} {
		s, err := ParseCron(c.spec, nil)
		if err != nil {
			t.Errorf("ParseCron(%q): %v", c.spec, err)
			continue
		}
		if got := s.Next(at); !got.Equal(c.want) {
			t.Errorf("ParseCron(%q).Next(%v) = %v, want %v", c.spec, at, got, c.want)
		}
	}
}

func TestCronErrors(t *testing.T) {
	for _, c := range []struct {
		spec  string
		field int
	}{
		{"* * * *", 0},
		{"60 * * * *", 1},
		{"* 24 * * *", 2},
		{"* * 0 * *", 3},
		{"* * * 13 *", 4},
		{"* * * * 8", 5},
		{"*/0 * * * *", 1},
		{"5-1 * * * *", 1},
		{"1,,2 * * * *", 1},
		{"* * * smarch *", 4},
	} {
		_, err := ParseCron(c.spec, nil)
		ce, ok := errors.AsType[*CronError](err)
		if !ok || ce.Field != c.field {
			t.Errorf("ParseCron(%q) = %v, want a *CronError in field %d", c.spec, err, c.field)
		}
	}
}

// TestCronNextProperty checks Next against a minute-by-minute search on
// random specs: the minute it returns matches, and none before it does.
func TestCronNextProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 21))
	field := func(lo, hi int) string {
		switch r.IntN(4) {
		case 0:
			return "*"
		case 1:
			return strconv.Itoa(lo + r.IntN(hi-lo+1))
		case 2:
			a := lo + r.IntN(hi-lo+1)
			b := a + r.IntN(hi-a+1)
			return strconv.Itoa(a) + "-" + strconv.Itoa(b)
		default:
			return "*/" + strconv.Itoa(1+r.IntN(hi/2+1))
		}
	}
	dhaka := time.FixedZone("BST", 6*3600)
	for range 300 {
		spec := field(0, 59) + " " + field(0, 23) + " " + field(1, 28) + " " + field(1, 12) + " " + field(0, 6)
		s, err := ParseCron(spec, dhaka)
		if err != nil {
			t.Fatalf("ParseCron(%q): %v", spec, err)
		}
		from := time.Date(2027, 1+time.Month(r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, dhaka)
		got := s.Next(from)
		if got.IsZero() {
			t.Errorf("%q: no next after %v", spec, from)
			continue
		}
		if !s.matches(got) {
			t.Errorf("%q: Next(%v) = %v, which it does not name", spec, from, got)
		}
		if got.Sub(from) > 24*time.Hour*40 {
			continue
		}
		for m := from.Truncate(time.Minute).Add(time.Minute); m.Before(got); m = m.Add(time.Minute) {
			if s.matches(m) {
				t.Errorf("%q: Next(%v) = %v, but %v matches before", spec, from, got, m)
				break
			}
		}
	}
}

func (s CronSpec) matches(t time.Time) bool {
	t = t.In(s.loc)
	return s.minute&(1<<t.Minute()) != 0 && s.hour&(1<<t.Hour()) != 0 && s.month&(1<<t.Month()) != 0 && s.dayMatches(t)
}

func TestBackoff(t *testing.T) {
	c := Config{Default: QueueConfig{BackoffBase: time.Second, BackoffMax: 10 * time.Second}}.Queue("q")
	for _, tc := range []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 500 * time.Millisecond},
		{1, 0.999, 999500 * time.Microsecond},
		{2, 0, time.Second},
		{3, 0.5, 3 * time.Second},
		{4, 1, 8 * time.Second},
		{5, 0, 5 * time.Second}, // 16 s capped at 10
		{500, 0, 5 * time.Second},
	} {
		if got := c.Backoff(tc.attempt, tc.jitter); got != tc.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tc.attempt, tc.jitter, got, tc.want)
		}
	}
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(2, 3) // two a second, bursts of three
	for i := range 3 {
		if !b.take(t0) {
			t.Fatalf("take %d of the burst failed", i)
		}
	}
	if b.take(t0) {
		t.Fatal("a fourth take at once succeeded")
	}
	next := b.next(t0)
	if want := t0.Add(500 * time.Millisecond); !next.Equal(want) {
		t.Errorf("next token at %v, want %v", next, want)
	}
	if b.take(next.Add(-time.Millisecond)) || !b.take(next) {
		t.Error("the next token is not there exactly when next said")
	}
	if b.take(t0.Add(time.Hour)); b.tokens > 2 {
		t.Errorf("after an hour the bucket holds %v tokens, more than its burst", b.tokens+1)
	}
}
