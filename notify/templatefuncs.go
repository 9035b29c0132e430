package notify

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
)

// Permit authorities and statuses, as permit notifications give them
// (data "authority" and "status"; case, spaces and dashes do not matter).
const (
	AuthorityRAJUK       = "rajuk"        // Rajdhani Unnayan Kartripakkha, Dhaka's building authority
	AuthorityDoE         = "doe"          // Department of Environment (environmental clearance)
	AuthorityFireService = "fire_service" // Fire Service and Civil Defence

	PermitSubmitted   = "submitted"
	PermitUnderReview = "under_review"
	PermitQueryRaised = "query_raised"
	PermitApproved    = "approved"
	PermitRefused     = "refused"
)

var (
	authorityNames = map[string][2]string{ // English, Bangla
		AuthorityRAJUK:       {"RAJUK", "রাজউক"},
		AuthorityDoE:         {"Department of Environment", "পরিবেশ অধিদপ্তর"},
		AuthorityFireService: {"Fire Service", "ফায়ার সার্ভিস"},
	}
	statusNames = map[string][2]string{
		PermitSubmitted:   {"submitted", "জমা দেওয়া হয়েছে"},
		PermitUnderReview: {"under review", "পর্যালোচনাধীন"},
		PermitQueryRaised: {"query raised", "প্রশ্ন উত্থাপিত হয়েছে"},
		PermitApproved:    {"approved", "অনুমোদিত হয়েছে"},
		PermitRefused:     {"refused", "প্রত্যাখ্যাত হয়েছে"},
	}
)

// code reads a permit authority or status as its constant.
func code(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

func lookupName(names map[string][2]string, what, s string, f Format) (string, error) {
	n, ok := names[code(s)]
	if !ok {
		return "", fmt.Errorf("notify: unknown permit %s %q", what, s)
	}
	if f.Language == Bangla {
		return n[1], nil
	}
	return n[0], nil
}

// placeholderFuncs name the functions for parsing; formatFuncs gives
// them for one reader.
var placeholderFuncs = formatFuncs(Format{})

func formatFuncs(f Format) template.FuncMap {
	bn := f.Language == Bangla
	return template.FuncMap{
		"date": func(s string) (string, error) {
			t, err := ParseDate(s, f.location())
			if err != nil {
				return "", err
			}
			return f.Date(t), nil
		},
		"time": func(s string) (string, error) {
			t, err := ParseDate(s, f.location())
			if err != nil {
				return "", err
			}
			return f.Time(t), nil
		},
		"num": f.Number,
		"workdays": func(s string) (string, error) {
			n, err := f.Number(s)
			switch {
			case err != nil:
				return "", err
			case bn:
				return n + " কর্মদিবস", nil
			case s == "1":
				return n + " working day", nil
			}
			return n + " working days", nil
		},
		"greeting": func(name string) string {
			switch {
			case bn && name != "":
				return "প্রিয় " + name + ","
			case bn:
				return "প্রিয় সহকর্মী,"
			case name != "":
				return "Hello " + name + ","
			}
			return "Hello,"
		},
		"authority": func(s string) (string, error) { return lookupName(authorityNames, "authority", s, f) },
		"status":    func(s string) (string, error) { return lookupName(statusNames, "status", s, f) },
		"weather": func(data map[string]any) (string, error) {
			var parts []string
			for _, c := range []struct{ key, en, bn, unitEn, unitBn string }{
				{"rain_mm", "rain", "বৃষ্টি", "mm", "মিমি"},
				{"wind_kmh", "wind", "বাতাস", "km/h", "কিমি/ঘণ্টা"},
			} {
				v, _ := data[c.key].(string)
				if v == "" {
					continue
				}
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					return "", fmt.Errorf("notify: %s %q is not a number", c.key, v)
				}
				if bn {
					parts = append(parts, c.bn+" "+f.Digits(v)+" "+c.unitBn)
				} else {
					parts = append(parts, c.en+" "+f.Digits(v)+" "+c.unitEn)
				}
			}
			if len(parts) == 0 {
				return "", nil
			}
			return " (" + strings.Join(parts, ", ") + ")", nil
		},
	}
}
