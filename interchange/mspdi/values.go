package mspdi

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/schedule"
)

// dateLayout is how MSPDI writes dates: local project time, no zone.
const dateLayout = "2006-01-02T15:04:05"

// parseDate reads an xsd:dateTime as MS Project writes it, tolerating a
// missing seconds field, fractions and a zone (which is dropped: the
// times are the project's wall clock).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateLayout, "2006-01-02T15:04", time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			y, mo, d := t.Date()
			return time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

func formatDate(t time.Time) string { return t.Format(dateLayout) }

// optDate is formatDate, or "" (the element left out) for a zero date.
func optDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t)
}

// parseXSDDuration reads an xsd:duration (PnYnMnDTnHnMnS) into minutes.
// Years and months count 365 and 30 days of 24 hours, as the xsd type
// does; MS Project itself writes hours, minutes and seconds only.
func parseXSDDuration(s string) (float64, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not an xsd:duration", s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if !strings.HasPrefix(s, "P") || len(s) < 2 {
		return 0, bad
	}
	s = s[1:]
	var total float64
	inTime := false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		k := strings.IndexAny(s, "YMDHS")
		if k <= 0 {
			return 0, bad
		}
		v, err := strconv.ParseFloat(s[:k], 64)
		if err != nil || v < 0 || math.IsInf(v, 0) {
			return 0, bad
		}
		var per float64
		switch unit := s[k]; {
		case unit == 'Y' && !inTime:
			per = 365 * 1440
		case unit == 'M' && !inTime:
			per = 30 * 1440
		case unit == 'D' && !inTime:
			per = 1440
		case unit == 'H' && inTime:
			per = 60
		case unit == 'M' && inTime:
			per = 1
		case unit == 'S' && inTime:
			per = 1.0 / 60
		default:
			return 0, bad
		}
		total += v * per
		s = s[k+1:]
	}
	if neg {
		total = -total
	}
	if math.Abs(total) > maxMinutes {
		return 0, bad
	}
	return total, nil
}

// maxMinutes bounds the minutes of a duration or lag read (1.9 million
// years): beyond it a value is out of range, not a schedule.
const maxMinutes = 1e12

// formatXSDDuration writes minutes as MS Project does: hours, minutes and
// seconds ("PT8H0M0S").
func formatXSDDuration(minutes float64) string {
	sign := ""
	if minutes < 0 {
		sign, minutes = "-", -minutes
	}
	secs := int64(math.Round(minutes * 60))
	return fmt.Sprintf("%sPT%dH%dM%dS", sign, secs/3600, secs/60%60, secs%60)
}

// The DurationFormat codes: the unit a user typed a duration in. Codes
// 35–44 are the same with "?" (estimated); 19 and 20 are percentages
// (lags only).
const (
	fmtMinutes        = 3
	fmtElapsedMinutes = 4
	fmtHours          = 5
	fmtElapsedHours   = 6
	fmtDays           = 7
	fmtElapsedDays    = 8
	fmtWeeks          = 9
	fmtElapsedWeeks   = 10
	fmtMonths         = 11
	fmtElapsedMonths  = 12
	fmtPercent        = 19
	fmtElapsedPercent = 20
	fmtEstimated      = 32 // added to 3–12 for "estimated"
)

// unitOf maps a DurationFormat code to a unit and whether it is elapsed;
// ok is false for codes that name no time unit.
func unitOf(code int) (u schedule.Unit, elapsed, ok bool) {
	if code >= fmtMinutes+fmtEstimated && code <= fmtElapsedMonths+fmtEstimated {
		code -= fmtEstimated
	}
	switch code {
	case fmtMinutes, fmtElapsedMinutes:
		u = schedule.Minute
	case fmtHours, fmtElapsedHours:
		u = schedule.Hour
	case fmtDays, fmtElapsedDays:
		u = schedule.Day
	case fmtWeeks, fmtElapsedWeeks:
		u = schedule.Week
	case fmtMonths, fmtElapsedMonths:
		u = schedule.Month
	default:
		return 0, false, false
	}
	return u, code%2 == 0, true
}

// formatOf is the DurationFormat code of a unit.
func formatOf(u schedule.Unit, elapsed bool) int {
	code := fmtDays
	switch u {
	case schedule.Minute:
		code = fmtMinutes
	case schedule.Hour:
		code = fmtHours
	case schedule.Week:
		code = fmtWeeks
	case schedule.Month:
		code = fmtMonths
	}
	if elapsed {
		code++
	}
	return code
}

// perUnit is the minutes in one unit by the project's settings (zero
// fields meaning Microsoft Project's defaults, as the scheduler has them).
func perUnit(s schedule.Settings, u schedule.Unit, elapsed bool) float64 {
	day := float64(cmp.Or(s.MinutesPerDay, 480))
	switch {
	case u == schedule.Hour:
		return 60
	case u == schedule.Day && elapsed:
		return 1440
	case u == schedule.Day:
		return day
	case u == schedule.Week && elapsed:
		return 7 * 1440
	case u == schedule.Week:
		return float64(cmp.Or(s.MinutesPerWeek, 2400))
	case u == schedule.Month && elapsed:
		return 30 * 1440
	case u == schedule.Month:
		return day * float64(cmp.Or(s.DaysPerMonth, 20))
	}
	return 1
}

// durationOf turns minutes and a DurationFormat code into a Duration in
// that unit (days when the code names none).
func durationOf(minutes float64, code int, s schedule.Settings) schedule.Duration {
	u, elapsed, ok := unitOf(code)
	if !ok {
		u, elapsed = schedule.Day, false
	}
	return schedule.Duration{Amount: roundAmount(minutes / perUnit(s, u, elapsed)), Unit: u, Elapsed: elapsed}
}

// roundAmount drops the float noise of a division (2.9999999999 days).
func roundAmount(x float64) float64 {
	r := math.Round(x*1e9) / 1e9
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// minutesOf is d in minutes by the settings, fractions kept.
func minutesOf(d schedule.Duration, s schedule.Settings) float64 {
	if d.Unit == schedule.Percent {
		return 0
	}
	return d.Amount * perUnit(s, d.Unit, d.Elapsed)
}

func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "1", "true":
		return true, nil
	case "0", "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func parseInt(s string) (int, error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return v, nil
}

func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

func floatText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// parseClock reads "08:00:00" into minutes after midnight.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04:05", strings.TrimSpace(s))
	if err != nil {
		if t, err = time.Parse("15:04", strings.TrimSpace(s)); err != nil {
			return 0, fmt.Errorf("%q is not a time of day", s)
		}
	}
	return t.Hour()*60 + t.Minute(), nil
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d:00", m/60%24, m%60) }
