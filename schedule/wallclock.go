package schedule

import "time"

// Inside the engine a moment is a count of wall-clock minutes since
// 1970-01-01 00:00 in the project's time zone: the minutes a wall clock in
// that zone shows, so a working day is 08:00–17:00 whatever the season.
// Seconds are dropped.

// The years the engine accepts in dates, so that no sum of dates and
// durations can overflow.
const (
	minYear = 1900
	maxYear = 2400
)

const (
	minutesPerDay  = 1440
	minutesPerWeek = 7 * minutesPerDay
	// mondayShift moves the epoch (a Thursday) to the Monday that starts
	// its week: week k starts at minute k*minutesPerWeek - mondayShift.
	mondayShift = 3 * minutesPerDay
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days from 1970-01-01 to the proleptic
// Gregorian date y-m-d (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// wallMinutes returns t as wall minutes in loc.
func wallMinutes(t time.Time, loc *time.Location) int64 {
	t = t.In(loc)
	y, m, d := t.Date()
	h, mi, _ := t.Clock()
	return daysFromCivil(int64(y), int64(m), int64(d))*minutesPerDay + int64(h*60+mi)
}

// wallTime returns the time.Time that shows wall minute w in loc.
func wallTime(w int64, loc *time.Location) time.Time {
	days := floorDiv(w, minutesPerDay)
	y, m, d := civilFromDays(days)
	rem := w - days*minutesPerDay
	return time.Date(int(y), time.Month(m), int(d), int(rem/60), int(rem%60), 0, 0, loc)
}

// weekOf returns the index of the Monday-first week holding wall minute w.
func weekOf(w int64) int64 { return floorDiv(w+mondayShift, minutesPerWeek) }

// weekStart returns the wall minute at which week k starts.
func weekStart(k int64) int64 { return k*minutesPerWeek - mondayShift }

// weekdayIndex maps a time.Weekday to its place in a Monday-first week.
func weekdayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }
