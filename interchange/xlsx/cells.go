package xlsx

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/critpath/critpath/schedule"
	"golang.org/x/text/unicode/norm"
)

// banglaDigits turns Bangla digits (০–৯) into ASCII ones.
var banglaDigits = strings.NewReplacer(
	"০", "0", "১", "1", "২", "2", "৩", "3", "৪", "4",
	"৫", "5", "৬", "6", "৭", "7", "৮", "8", "৯", "9",
)

// banglaUnits are the Bangla words for duration units, NFC-normalized.
var banglaUnits = map[string]string{
	"মিনিট": "m", "ঘণ্টা": "h", "ঘন্টা": "h", "দিন": "d", "সপ্তাহ": "w", "মাস": "mo",
}

// text normalizes what a cell holds for reading: NFC (so both spellings
// of য় compare equal), Bangla digits as ASCII, outer space trimmed.
func text(s string) string {
	return strings.TrimSpace(banglaDigits.Replace(norm.NFC.String(s)))
}

// decimalComma reads "94,75" as 94.75 when a comma is the only separator
// between digits (a European spreadsheet's decimal comma).
func decimalComma(s string) string {
	if strings.Count(s, ",") != 1 || strings.Contains(s, ".") {
		return s
	}
	i := strings.IndexByte(s, ',')
	if i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
		return s[:i] + "." + s[i+1:]
	}
	return s
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseDuration reads a duration as spreadsheets spell it: critpath's and
// Microsoft Project's spellings ("5d", "5 days", "2 ewks"), a decimal
// comma, an estimated duration's trailing "?", Bangla digits and unit
// words ("৫ দিন").
func parseDuration(s string) (schedule.Duration, error) {
	in := decimalComma(strings.TrimSuffix(text(s), "?"))
	for word, unit := range banglaUnits {
		if rest, ok := strings.CutSuffix(in, word); ok {
			in = strings.TrimSpace(rest) + unit
			break
		}
	}
	d, err := schedule.ParseDuration(in)
	if err != nil || math.Abs(d.Amount) > 1e7 {
		return schedule.Duration{}, fmt.Errorf("%q is not a duration", s)
	}
	return d, nil
}

// parseNumber reads a number with an optional decimal comma, thousands
// separators (spaces, or commas beside a decimal point), and a currency
// sign or unit around it ("9 680,00 ₽", "$1,200.50", "100%").
func parseNumber(s string) (float64, error) {
	in := text(s)
	if v, err := strconv.ParseFloat(in, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, nil // plain, or in E-notation ("1.5E+6")
	}
	var b strings.Builder
scan:
	for _, r := range in {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '-', r == '+':
			b.WriteRune(r)
		case unicode.IsSpace(r), r == '\u00a0', r == '\u202f':
		case b.Len() > 0:
			break scan // a unit after the number
		}
	}
	n := b.String()
	if strings.Contains(n, ".") {
		n = strings.ReplaceAll(n, ",", "")
	} else {
		n = decimalComma(n)
	}
	v, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// parsePercent reads "50%", "50" or "0.5" with a percent sign's format
// already applied by the spreadsheet ("50%"): 0–100.
func parsePercent(s string) (float64, error) {
	in := strings.TrimSpace(strings.TrimSuffix(text(s), "%"))
	v, err := parseNumber(in)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("%q is not a percentage from 0 to 100", s)
	}
	return v, nil
}

// parseBool reads yes/no in English and Bangla, true/false and 1/0.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(text(s)) {
	case "yes", "y", "true", "1", "হ্যাঁ", "হাঁ", "x", "✓":
		return true, nil
	case "no", "n", "false", "0", "না", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", s)
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return ""
}

// excelEpoch is day 0 of Excel's 1900 date system as serial numbers
// count it after 1900-03-01.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t's wall clock as an Excel date serial number (counted in
// seconds: a time.Duration saturates after 292 years).
func serial(t time.Time) float64 {
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	return float64(w.Unix()-excelEpoch.Unix()) / 86400
}

// fromSerial is the wall clock of an Excel serial number in loc, to the
// minute.
func fromSerial(v float64, loc *time.Location) (time.Time, bool) {
	if v < 1 || v > 2958465 || math.IsNaN(v) { // 1900-01-01 to 9999-12-31
		return time.Time{}, false
	}
	minutes := int64(math.Round(v * 24 * 60))
	w := excelEpoch.AddDate(0, 0, int(minutes/1440)).Add(time.Duration(minutes%1440) * time.Minute)
	return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, loc), true
}

// dateLayouts are the spellings parseDate tries, day-first ones before
// month-first ones when the reader says so.
var (
	isoLayouts = []string{
		"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
		"2006-01-02", "2006/01/02", "2006/01/02 15:04",
		"2 Jan 2006 15:04", "2 Jan 2006", "02-Jan-06", "02-Jan-2006", "Jan 2, 2006", "January 2, 2006",
		"2 January 2006",
		"02.01.2006 15:04", "02.01.06 15:04", "02.01.2006", "02.01.06", "2.1.2006", "2.1.06",
	}
	dayFirst   = []string{"2/1/2006 15:04", "2/1/06 15:04", "2/1/2006", "2/1/06", "2-1-2006"}
	monthFirst = []string{"1/2/2006 15:04", "1/2/06 15:04", "1/2/2006", "1/2/06", "1/2/2006 3:04 PM", "1/2/06 3:04 PM"}

	monthFirstLayouts = slices.Concat(isoLayouts, monthFirst)
	dayFirstLayouts   = slices.Concat(isoLayouts, dayFirst, monthFirst)
)

// weekdayPrefix drops a leading weekday name ("Mon 03.01.22",
// "Monday, 3 January 2022").
func weekdayPrefix(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i <= 0 {
		return s
	}
	if _, ok := englishWeekday(s[:i]); ok {
		return strings.TrimLeft(s[i:], " ,")
	}
	return s
}

// englishWeekday reads a day's English name or its first three letters.
func englishWeekday(s string) (time.Weekday, bool) {
	w := strings.ToLower(s)
	for d := time.Sunday; d <= time.Saturday; d++ {
		if name := strings.ToLower(d.String()); w == name || w == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// parseDate reads a date as a spreadsheet holds it: an Excel serial
// number (a date cell's value) or text in the usual spellings.
// A date without a time of day takes clock (minutes from midnight); a
// serial number does so only when it is not exact (another tool's
// date-only cell).
func parseDate(s string, loc *time.Location, isDayFirst, exact bool, clock int) (time.Time, error) {
	if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		if t, ok := fromSerial(v, loc); ok {
			if !exact && v == math.Trunc(v) {
				t = t.Add(time.Duration(clock) * time.Minute)
			}
			return t, nil
		}
	}
	in := weekdayPrefix(text(s))
	if t, err := time.Parse(time.RFC3339, in); err == nil {
		return t.In(loc), nil
	}
	layouts := monthFirstLayouts
	if isDayFirst {
		layouts = dayFirstLayouts
	}
	for _, l := range layouts {
		t, err := time.ParseInLocation(l, in, loc)
		if err != nil {
			continue
		}
		if !strings.Contains(l, "15") && !strings.Contains(l, "3:04") {
			t = t.Add(time.Duration(clock) * time.Minute)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}
