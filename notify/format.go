package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Language is the language a person reads their messages in.
type Language string

// The languages of the templates.
const (
	English Language = "en"
	Bangla  Language = "bn"
)

// Format says how numbers and dates are written for a reader: in their
// language, with Bengali digits (০১২৩৪৫৬৭৮৯) or Latin ones, dates in the
// Gregorian calendar or in the Bangla calendar (বঙ্গাব্দ, as revised by the
// Bangla Academy in 2019 and used in Bangladesh), in their time zone.
type Format struct {
	Language       Language
	BengaliDigits  bool
	BanglaCalendar bool
	// Location is where dates are read; Dhaka when nil.
	Location *time.Location
}

func (f Format) location() *time.Location { return cmpLocation(f.Location) }

// Digits returns s with its Latin digits written as Bengali digits when
// the format asks for them, unchanged otherwise.
func (f Format) Digits(s string) string {
	if !f.BengaliDigits {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '০' + (r - '0')
		}
		return r
	}, s)
}

var (
	bnWeekdays = [7]string{"রবিবার", "সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার"}
	bnMonths   = [12]string{"জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই", "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর"}
	// The months of the Bangla calendar, from Boishakh.
	bnBanglaMonths = [12]string{"বৈশাখ", "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন", "কার্তিক", "অগ্রহায়ণ", "পৌষ", "মাঘ", "ফাল্গুন", "চৈত্র"}
)

// Date writes the day of t, in the format's location: "Mon 12 Jul 2027"
// in English; "সোমবার, ১২ জুলাই ২০২৭" in Bangla (its digits as the format
// says), or "সোমবার, ২৮ আষাঢ় ১৪৩৪" in the Bangla calendar.
func (f Format) Date(t time.Time) string {
	t = t.In(f.location())
	if f.Language != Bangla {
		return f.Digits(t.Format("Mon 2 Jan 2006"))
	}
	wd := bnWeekdays[t.Weekday()]
	if f.BanglaCalendar {
		y, m, d := BanglaDate(t)
		return f.Digits(fmt.Sprintf("%s, %d %s %d", wd, d, bnBanglaMonths[m-1], y))
	}
	return f.Digits(fmt.Sprintf("%s, %d %s %d", wd, t.Day(), bnMonths[t.Month()-1], t.Year()))
}

// Time writes the time of day of t in the format's location: "14:30"
// (in Bengali digits when asked for).
func (f Format) Time(t time.Time) string {
	return f.Digits(t.In(f.location()).Format("15:04"))
}

// BanglaDate returns the day of t (its date where t is) in the Bangla
// calendar as revised in 2019: the year (বঙ্গাব্দ) begins on 14 April;
// Boishakh to Ashwin have 31 days, Kartik to Magh and Chaitra 30, and
// Falgun 29, or 30 when its February has 29 days. So 21 February is 8
// Falgun and 16 December 1 Poush, every year.
func BanglaDate(t time.Time) (year, month, day int) {
	y := t.Year()
	date := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	start := time.Date(y, time.April, 14, 0, 0, 0, 0, time.UTC)
	if date.Before(start) {
		y--
		start = time.Date(y, time.April, 14, 0, 0, 0, 0, time.UTC)
	}
	days := int(date.Sub(start).Hours() / 24)
	lengths := [12]int{31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30}
	if leap(y + 1) {
		lengths[10] = 30
	}
	m := 0
	for days >= lengths[m] {
		days -= lengths[m]
		m++
	}
	return y - 593, m + 1, days + 1
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// ParseDate reads a date or time as templates are given them: a day
// ("2027-07-12", taken in loc) or an RFC 3339 time.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, cmpLocation(loc)); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("notify: %q is neither a date (2006-01-02) nor an RFC 3339 time", s)
	}
	return t, nil
}

// Number writes a number given as text in the format's digits; text that
// is not a number is refused.
func (f Format) Number(s string) (string, error) {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return "", fmt.Errorf("notify: %q is not a number", s)
	}
	return f.Digits(s), nil
}

// dhaka is Bangladesh Standard Time: Asia/Dhaka from the system's time
// zone database, or UTC+6 (Bangladesh has kept it since 2009) when the
// database is missing.
var dhaka = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Dhaka"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Dhaka", 6*60*60)
}()

// Dhaka returns the Asia/Dhaka time zone, the default of every reader.
func Dhaka() *time.Location { return dhaka }

func cmpLocation(loc *time.Location) *time.Location {
	if loc == nil {
		return dhaka
	}
	return loc
}
