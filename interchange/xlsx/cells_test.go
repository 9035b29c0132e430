package xlsx

import (
	"strings"
	"testing"
	"time"
)

// A date serial past 2192 reads as its date: 109575 is 2200-01-01 (its
// days are added as dates, as a time.Duration of its minutes overflows).
func TestFromSerialPast2192(t *testing.T) {
	want := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	v := 109575.0 // 2200-01-01
	got, ok := fromSerial(v, time.UTC)
	if !ok || !got.Equal(want) {
		t.Fatalf("fromSerial(%v) = %v, %v; want %v", v, got, ok, want)
	}
}

// A date past 2192 is written as its own serial number: 2300-01-01 and
// 2400-01-01 differ (serials are counted in seconds, as a time.Duration
// saturates at 292 years).
func TestSerialPast2192(t *testing.T) {
	a := serial(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC))
	b := serial(time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC))
	if a == b {
		t.Fatalf("serial(2300-01-01) == serial(2400-01-01) == %v", a)
	}
}

// A number in E-notation ("1.5E+6", how Excel and many tools spell big
// and small numbers) reads whole, its exponent included, in a cell and
// in a CSV.
func TestNumberInENotation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{{"1.5E+6", 1.5e6}, {"2e-3", 0.002}, {"1E+21", 1e21}} {
		if got, err := parseNumber(tc.in); err != nil || got != tc.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	in := "ID,Name,Duration,Fixed cost\nA,x,1d,1.5E+6\n"
	f, err := ReadCSV(strings.NewReader(in), &ReadOptions{Start: time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)})
	if err != nil || f.Project.Tasks[0].FixedCost != 1.5e6 {
		t.Fatalf("CSV fixed cost 1.5E+6: %v", err)
	}
}
