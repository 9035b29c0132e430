package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// CronSpec is a parsed five-field cron spec: the minutes it names.
type CronSpec struct {
	minute         uint64 // bits 0–59
	hour           uint32 // bits 0–23
	dom            uint32 // bits 1–31
	month          uint16 // bits 1–12
	dow            uint8  // bits 0–6, Sunday 0
	domAny, dowAny bool
	loc            *time.Location
}

// CronError is a cron spec that does not parse: the spec, the field (1–5,
// or 0 for the spec as a whole) and why.
type CronError struct {
	Spec  string
	Field int
	Err   error
}

func (e *CronError) Error() string {
	if e.Field == 0 {
		return fmt.Sprintf("jobs: cron spec %q: %v", e.Spec, e.Err)
	}
	return fmt.Sprintf("jobs: cron spec %q, field %d (%s): %v", e.Spec, e.Field, cronFields[e.Field-1].name, e.Err)
}

func (e *CronError) Unwrap() error { return e.Err }

var cronFields = [5]struct {
	name   string
	lo, hi int
	names  []string
}{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{"day of week", 0, 7, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

var cronMacros = map[string]string{
	"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
	"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}

// ParseCron parses a cron spec of five fields — minute (0–59), hour
// (0–23), day of month (1–31), month (1–12 or jan–dec), day of week (0–7,
// Sunday 0 or 7, or sun–sat) — each a comma-separated list of *, a
// number or a range a-b, each optionally stepped with /n; or one of
// @yearly, @monthly, @weekly, @daily, @hourly. As in Vixie cron, when both
// days are restricted a day matching either is taken. Times are read in
// loc (UTC when nil). A spec that does not parse is a *CronError.
func ParseCron(spec string, loc *time.Location) (CronSpec, error) {
	s := CronSpec{loc: loc}
	if s.loc == nil {
		s.loc = time.UTC
	}
	text := strings.TrimSpace(spec)
	if m, ok := cronMacros[strings.ToLower(text)]; ok {
		text = m
	}
	f := strings.Fields(text)
	if len(f) != 5 {
		return CronSpec{}, &CronError{Spec: spec, Err: fmt.Errorf("%d fields, want 5", len(f))}
	}
	var bits [5]uint64
	for i, field := range f {
		b, err := parseCronField(strings.ToLower(field), i)
		if err != nil {
			return CronSpec{}, &CronError{Spec: spec, Field: i + 1, Err: err}
		}
		bits[i] = b
	}
	if bits[4]&(1<<7) != 0 { // 7 is Sunday too
		bits[4] |= 1
	}
	s.minute, s.hour, s.dom, s.month, s.dow = bits[0], uint32(bits[1]), uint32(bits[2]), uint16(bits[3]), uint8(bits[4]&0x7f)
	s.domAny, s.dowAny = f[2] == "*" || f[2] == "?", f[4] == "*" || f[4] == "?"
	return s, nil
}

func parseCronField(field string, i int) (uint64, error) {
	def := cronFields[i]
	var bits uint64
	for item := range strings.SplitSeq(field, ",") {
		if item == "" {
			return 0, errors.New("an empty item")
		}
		rng, stepText, stepped := strings.Cut(item, "/")
		step := 1
		if stepped {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("step %q is not a positive number", stepText)
			}
			step = n
		}
		lo, hi := def.lo, def.hi
		if i == 4 {
			hi = 6 // * means Sunday to Saturday once
		}
		switch {
		case rng == "*" || rng == "?":
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = cronNumber(a, i); err != nil {
				return 0, err
			}
			hi = lo
			if isRange {
				if hi, err = cronNumber(b, i); err != nil {
					return 0, err
				}
				if hi < lo {
					return 0, fmt.Errorf("range %q runs backwards", rng)
				}
			} else if stepped {
				hi = def.hi
			}
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << v
		}
	}
	return bits, nil
}

func cronNumber(s string, i int) (int, error) {
	def := cronFields[i]
	for k, n := range def.names {
		if s == n {
			return k + def.lo, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < def.lo || v > def.hi {
		return 0, fmt.Errorf("%d is outside %d–%d", v, def.lo, def.hi)
	}
	return v, nil
}

func (s CronSpec) dayMatches(t time.Time) bool {
	d := s.dom&(1<<t.Day()) != 0
	w := s.dow&(1<<t.Weekday()) != 0
	if s.domAny || s.dowAny {
		return d && w
	}
	return d || w
}

// Next returns the first minute after t that s names, in s's time zone;
// the zero time when there is none within five years (say, 30 February).
func (s CronSpec) Next(t time.Time) time.Time {
	if s.loc == nil {
		s.loc = time.UTC
	}
	t = t.In(s.loc).Truncate(time.Minute).Add(time.Minute)
	end := t.AddDate(5, 0, 0)
	for t.Before(end) {
		y, mo, d := t.Date()
		switch {
		case s.month&(1<<mo) == 0:
			t = time.Date(y, mo+1, 1, 0, 0, 0, 0, s.loc)
		case !s.dayMatches(t):
			t = time.Date(y, mo, d+1, 0, 0, 0, 0, s.loc)
		case s.hour&(1<<t.Hour()) == 0:
			next := time.Date(y, mo, d, t.Hour()+1, 0, 0, 0, s.loc)
			if !next.After(t) { // a repeated hour when clocks go back
				next = t.Truncate(time.Hour).Add(time.Hour)
			}
			t = next
		case s.minute&(1<<t.Minute()) == 0:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// RunCron enqueues a copy of job on e at each minute spec names after
// from, until ctx ends. Each copy's UniqueKey is "cron:" + name + ":" +
// the firing's Unix time, with a time to live of a day, so that of the
// processes running the same entry on one queue backend one enqueues each
// firing; the others' ErrDuplicate is expected. A firing the clock
// passed over while RunCron waited is made up at once, when it is less
// than an hour late; later ones are skipped (a machine that slept), as
// are the firings before from. Errors are logged to log (silent when
// nil). Queues call it from their Cron, with from read before Cron
// returns.
func RunCron(ctx context.Context, clock Clock, e Enqueuer, name string, spec CronSpec, job Job, from time.Time, log *slog.Logger) {
	next := spec.Next(from)
	for !next.IsZero() {
		wake := make(chan struct{})
		stop := clock.At(next, func() { close(wake) })
		select {
		case <-ctx.Done():
			stop()
			return
		case <-wake:
		}
		j := job
		j.UniqueKey = "cron:" + name + ":" + strconv.FormatInt(next.Unix(), 10)
		j.UniqueTTL = 24 * time.Hour
		if _, err := e.Enqueue(ctx, j); err != nil && !errors.Is(err, ErrDuplicate) && log != nil {
			log.Error("jobs: cron firing not enqueued", "cron", name, "at", next, "err", err)
		}
		next = spec.Next(next)
		if now := clock.Now(); now.Sub(next) > time.Hour {
			next = spec.Next(now)
		}
	}
}
