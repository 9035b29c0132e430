package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Interval is a span of working time within one day, in minutes after
// midnight: [Start, End). End may be 1440, the midnight that ends the day;
// a shift that runs past midnight is written as two intervals on two days.
type Interval struct {
	Start, End int
}

// Span returns the interval from h1:m1 to h2:m2.
func Span(h1, m1, h2, m2 int) Interval { return Interval{h1*60 + m1, h2*60 + m2} }

// String spells the interval as "08:00-12:00".
func (iv Interval) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// MarshalText implements encoding.TextMarshaler.
func (iv Interval) MarshalText() ([]byte, error) { return []byte(iv.String()), nil }

// UnmarshalText reads "08:00-12:00" (24:00 is accepted as an end).
func (iv *Interval) UnmarshalText(text []byte) error {
	s := string(text)
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return fmt.Errorf("schedule: interval %q: want HH:MM-HH:MM", s)
	}
	a, err1 := parseClock(from)
	b, err2 := parseClock(to)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("schedule: interval %q: %w", s, err)
	}
	*iv = Interval{a, b}
	return nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

func (iv Interval) valid() bool { return 0 <= iv.Start && iv.Start < iv.End && iv.End <= 1440 }

// Date is a day in the calendar, without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day t falls on in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String spells d as "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText implements encoding.TextMarshaler; the zero Date (an
// exception's To for a single day) is the empty text.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads "2006-01-02", and the empty text (or the zero
// Date's "0000-00-00") as the zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 || string(text) == "0000-00-00" {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, string(text))
	if err != nil {
		return fmt.Errorf("schedule: date %q: want YYYY-MM-DD", text)
	}
	*d = DateOf(t)
	return nil
}

// days returns the number of days from 1970-01-01 to d.
func (d Date) days() int64 { return daysFromCivil(int64(d.Year), int64(d.Month), int64(d.Day)) }

func (d Date) valid() bool {
	if d.Year < minYear || d.Year > maxYear || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)) == d
}

// Exception changes the weekly pattern on the days From to To (inclusive):
// they become non-working when Working is empty, or work exactly the
// Working intervals. A Yearly exception recurs on the same month and days
// every year from From's year on. A dated exception beats a yearly one on
// the same day; otherwise the later one in the list wins.
type Exception struct {
	Name     string
	From, To Date // To zero means a single day
	Working  []Interval
	Yearly   bool
}

// Calendar is a working-time calendar: a weekly pattern and dated
// exceptions, optionally inheriting from a base calendar.
type Calendar struct {
	Name string
	// Base names the calendar this one inherits from: the base's days are
	// used for every weekday missing from Week, and the base's exceptions
	// apply unless this calendar's own exceptions cover the day.
	Base string
	// Week gives each weekday's working intervals. A weekday missing from
	// the map inherits from Base (non-working without a base); an empty list
	// is a non-working day.
	Week       map[time.Weekday][]Interval
	Exceptions []Exception
}

// Names of the preset calendars. A project can use them without defining
// them; a project calendar of the same name replaces the preset.
const (
	Standard        = "Standard"
	TwentyFourHours = "24 Hours"
	NightShift      = "Night Shift"
	SundayThursday  = "Sunday-Thursday"
)

func dayShift() []Interval { return []Interval{Span(8, 0, 12, 0), Span(13, 0, 17, 0)} }

// StandardCalendar returns Microsoft Project's Standard calendar: Monday to Friday,
// 08:00–12:00 and 13:00–17:00.
func StandardCalendar() Calendar {
	w := map[time.Weekday][]Interval{time.Saturday: {}, time.Sunday: {}}
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = dayShift()
	}
	return Calendar{Name: Standard, Week: w}
}

// TwentyFourHourCalendar returns the "24 Hours" calendar: every minute of every day works.
func TwentyFourHourCalendar() Calendar {
	w := map[time.Weekday][]Interval{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		w[d] = []Interval{{0, 1440}}
	}
	return Calendar{Name: TwentyFourHours, Week: w}
}

// NightShiftCalendar returns Microsoft Project's Night Shift calendar: from Monday
// 23:00 to Saturday 08:00, with a break from 03:00 to 04:00 each night.
func NightShiftCalendar() Calendar {
	w := map[time.Weekday][]Interval{
		time.Sunday:   {},
		time.Monday:   {Span(23, 0, 24, 0)},
		time.Saturday: {Span(0, 0, 3, 0), Span(4, 0, 8, 0)},
	}
	for d := time.Tuesday; d <= time.Friday; d++ {
		w[d] = []Interval{Span(0, 0, 3, 0), Span(4, 0, 8, 0), Span(23, 0, 24, 0)}
	}
	return Calendar{Name: NightShift, Week: w}
}

// SundayThursdayCalendar returns the working week of Bangladesh and much of the
// Middle East: Sunday to Thursday, 08:00–12:00 and 13:00–17:00; Friday and
// Saturday off. Public holidays are the project's to add as exceptions.
func SundayThursdayCalendar() Calendar {
	w := map[time.Weekday][]Interval{time.Friday: {}, time.Saturday: {}}
	for d := time.Sunday; d <= time.Thursday; d++ {
		w[d] = dayShift()
	}
	return Calendar{Name: SundayThursday, Week: w}
}

// Preset returns the preset calendar of that name.
func Preset(name string) (Calendar, bool) {
	switch name {
	case Standard:
		return StandardCalendar(), true
	case TwentyFourHours:
		return TwentyFourHourCalendar(), true
	case NightShift:
		return NightShiftCalendar(), true
	case SundayThursday:
		return SundayThursdayCalendar(), true
	}
	return Calendar{}, false
}
