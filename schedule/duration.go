package schedule

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Unit is the unit a Duration is written in.
type Unit uint8

// The units. Working days, weeks and months convert to minutes through the
// project's Settings; elapsed ones are calendar time (a day is 24 hours, a
// month 30 days). Percent is only for lags: a share of the predecessor's
// duration.
const (
	Minute Unit = iota
	Hour
	Day
	Week
	Month
	Percent
)

var unitSuffix = [...]string{Minute: "m", Hour: "h", Day: "d", Week: "w", Month: "mo", Percent: "%"}

// Duration is a span as a user writes it: an amount, a unit, and whether it
// runs in elapsed (round-the-clock) time rather than working time. The zero
// Duration is zero working minutes, a milestone's duration.
type Duration struct {
	Amount  float64
	Unit    Unit
	Elapsed bool
}

// Minutes returns a duration of n working minutes.
func Minutes(n float64) Duration { return Duration{Amount: n, Unit: Minute} }

// Hours returns a duration of n working hours.
func Hours(n float64) Duration { return Duration{Amount: n, Unit: Hour} }

// Days returns a duration of n working days.
func Days(n float64) Duration { return Duration{Amount: n, Unit: Day} }

// Weeks returns a duration of n working weeks.
func Weeks(n float64) Duration { return Duration{Amount: n, Unit: Week} }

// ElapsedDays returns a duration of n elapsed (24-hour) days.
func ElapsedDays(n float64) Duration { return Duration{Amount: n, Unit: Day, Elapsed: true} }

// PercentOf returns a lag of pct percent of the predecessor's duration.
func PercentOf(pct float64) Duration { return Duration{Amount: pct, Unit: Percent} }

// IsZero reports whether d is zero, whatever its unit.
func (d Duration) IsZero() bool { return d.Amount == 0 }

// String spells d the way ParseDuration reads it: "5d", "1.5h", "2ed", "50%".
func (d Duration) String() string {
	if int(d.Unit) >= len(unitSuffix) {
		return fmt.Sprintf("%g?unit%d", d.Amount, d.Unit)
	}
	var b strings.Builder
	b.WriteString(strconv.FormatFloat(d.Amount, 'g', -1, 64))
	if d.Elapsed {
		b.WriteByte('e')
	}
	b.WriteString(unitSuffix[d.Unit])
	return b.String()
}

// MarshalText implements encoding.TextMarshaler with String's spelling.
func (d Duration) MarshalText() ([]byte, error) {
	if int(d.Unit) >= len(unitSuffix) || math.IsNaN(d.Amount) || math.IsInf(d.Amount, 0) {
		return nil, fmt.Errorf("schedule: cannot encode duration %v", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseDuration.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ErrBadDuration is wrapped by ParseDuration's errors.
var ErrBadDuration = errors.New("not a duration")

// unitWords maps every accepted spelling of a unit (after an optional
// leading "e" for elapsed) to its Unit.
var unitWords = map[string]Unit{
	"m": Minute, "min": Minute, "mins": Minute, "minute": Minute, "minutes": Minute,
	"h": Hour, "hr": Hour, "hrs": Hour, "hour": Hour, "hours": Hour,
	"d": Day, "dy": Day, "day": Day, "days": Day,
	"w": Week, "wk": Week, "wks": Week, "week": Week, "weeks": Week,
	"mo": Month, "mon": Month, "mons": Month, "month": Month, "months": Month,
	"%": Percent,
}

// ParseDuration reads a duration as users write it: a decimal amount and a
// unit, optionally separated by a space: "5d", "1.5 days", "3h", "30m", "2w",
// "1mo", "-1d". A leading "e" on the unit, or the word "elapsed", makes it
// elapsed time: "2ed", "4eh", "3 elapsed days". "50%" is a share of the
// predecessor's duration (lags only). A bare number is working days. The
// error wraps ErrBadDuration and quotes the input.
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && (in[i] == '+' || in[i] == '-' || in[i] == '.' || (in[i] >= '0' && in[i] <= '9') ||
		((in[i] == 'e' || in[i] == 'E') && i+1 < len(in) && (in[i+1] == '+' || in[i+1] == '-' || (in[i+1] >= '0' && in[i+1] <= '9')) && i > 0)) {
		i++
	}
	if i == 0 {
		return Duration{}, fmt.Errorf("schedule: duration %q: %w", s, ErrBadDuration)
	}
	amount, err := strconv.ParseFloat(in[:i], 64)
	if err != nil || math.IsInf(amount, 0) || math.IsNaN(amount) {
		return Duration{}, fmt.Errorf("schedule: duration %q: %w", s, ErrBadDuration)
	}
	word := strings.ToLower(strings.TrimSpace(in[i:]))
	d := Duration{Amount: amount, Unit: Day}
	if word == "" {
		return d, nil
	}
	if rest, ok := strings.CutPrefix(word, "elapsed"); ok {
		d.Elapsed = true
		word = strings.TrimSpace(rest)
	}
	if u, ok := unitWords[word]; ok {
		d.Unit = u
		return d, nil
	}
	if rest, ok := strings.CutPrefix(word, "e"); ok && !d.Elapsed {
		if u, ok := unitWords[rest]; ok {
			d.Unit, d.Elapsed = u, true
			return d, nil
		}
	}
	return Duration{}, fmt.Errorf("schedule: duration %q: unknown unit %q: %w", s, word, ErrBadDuration)
}

// Settings are the project's conversions between units. The zero value
// means Microsoft Project's defaults.
type Settings struct {
	// MinutesPerDay is the length of a working day "1d". Default 480.
	MinutesPerDay int
	// MinutesPerWeek is the length of a working week "1w". Default 2400.
	MinutesPerWeek int
	// DaysPerMonth is the number of working days in "1mo". Default 20.
	DaysPerMonth int
}

func (s Settings) withDefaults() Settings {
	s.MinutesPerDay = cmp.Or(s.MinutesPerDay, 480)
	s.MinutesPerWeek = cmp.Or(s.MinutesPerWeek, 2400)
	s.DaysPerMonth = cmp.Or(s.DaysPerMonth, 20)
	return s
}

// maxMinutes bounds any duration or lag: about 1,900 years of round-the-clock
// time, far beyond any schedule and far below int64 overflow in date sums.
const maxMinutes = 1 << 30

// minutes converts d to whole minutes (working or elapsed, as d says) using
// the settings, rounding to the nearest minute. Percent durations are
// returned as hundredths of a percent (basis points). It fails on an amount
// too large to schedule.
func (d Duration) minutes(s Settings) (int64, error) {
	var per float64
	switch d.Unit {
	case Minute:
		per = 1
	case Hour:
		per = 60
	case Day:
		per = float64(s.MinutesPerDay)
		if d.Elapsed {
			per = 1440
		}
	case Week:
		per = float64(s.MinutesPerWeek)
		if d.Elapsed {
			per = 7 * 1440
		}
	case Month:
		per = float64(s.DaysPerMonth * s.MinutesPerDay)
		if d.Elapsed {
			per = 30 * 1440
		}
	case Percent:
		per = 100
	default:
		return 0, fmt.Errorf("unknown unit %d", d.Unit)
	}
	v := math.Round(d.Amount * per)
	if math.IsNaN(v) || math.Abs(v) > maxMinutes {
		return 0, fmt.Errorf("%v is out of range", d)
	}
	return int64(v), nil
}
