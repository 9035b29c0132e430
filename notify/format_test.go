package notify

import (
	"testing"
	"time"

	_ "time/tzdata" // the tests read Europe/London and America/New_York wherever they run
)

func TestBanglaDate(t *testing.T) {
	for _, c := range []struct {
		date      string
		y, m, d   int
		reasoning string
	}{
		{"2027-04-14", 1434, 1, 1, "Pohela Boishakh: 2027 − 593"},
		{"2027-04-13", 1433, 12, 30, "the day before: the last of Chaitra"},
		{"2027-05-14", 1434, 1, 31, "Boishakh has 31 days"},
		{"2027-05-15", 1434, 2, 1, "1 Joishtho"},
		{"2027-07-12", 1434, 3, 28, "day 89 of the year: 89 − 62 + 1 of Asharh"},
		{"2026-10-17", 1433, 7, 1, "1 Kartik: 186 days (6 × 31) after 14 April"},
		{"2026-12-16", 1433, 9, 1, "Victory Day is 1 Poush"},
		{"2027-01-15", 1433, 10, 1, "1 Magh"},
		{"2027-02-14", 1433, 11, 1, "Pohela Falgun"},
		{"2027-02-21", 1433, 11, 8, "Language Martyrs' Day is 8 Falgun"},
		{"2027-03-15", 1433, 12, 1, "1 Chaitra: Falgun has 29 days in 2027"},
		{"2028-02-29", 1434, 11, 16, "the leap day falls in Falgun"},
		{"2028-03-14", 1434, 11, 30, "30 Falgun: February 2028 has 29 days"},
		{"2028-03-15", 1434, 12, 1, "1 Chaitra in a leap year too: the leap day is absorbed by Falgun"},
		{"2027-03-26", 1433, 12, 12, "Independence Day is 12 Chaitra"},
		{"2028-03-26", 1434, 12, 12, "Independence Day is 12 Chaitra in a leap year too"},
		{"2028-04-13", 1434, 12, 30, "and the year still ends on 13 April"},
		{"2000-02-21", 1406, 11, 8, "2000 is a leap year, but 21 February precedes its 29th"},
	} {
		d, _ := time.Parse(time.DateOnly, c.date)
		y, m, day := BanglaDate(d)
		if y != c.y || m != c.m || day != c.d {
			t.Errorf("%s: got %d-%d-%d, want %d-%d-%d (%s)", c.date, y, m, day, c.y, c.m, c.d, c.reasoning)
		}
	}
}

func TestFormatDate(t *testing.T) {
	day := time.Date(2027, 7, 12, 10, 0, 0, 0, Dhaka())
	for _, c := range []struct {
		f    Format
		want string
	}{
		{Format{}, "Mon 12 Jul 2027"},
		{Format{Language: English, BengaliDigits: true}, "Mon ১২ Jul ২০২৭"},
		{Format{Language: Bangla}, "সোমবার, 12 জুলাই 2027"},
		{Format{Language: Bangla, BengaliDigits: true}, "সোমবার, ১২ জুলাই ২০২৭"},
		{Format{Language: Bangla, BengaliDigits: true, BanglaCalendar: true}, "সোমবার, ২৮ আষাঢ় ১৪৩৪"},
		{Format{Language: Bangla, BanglaCalendar: true}, "সোমবার, 28 আষাঢ় 1434"},
	} {
		if got := c.f.Date(day); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.f, got, c.want)
		}
	}
	// 02:00 in Dhaka on the 13th is still the 12th in London.
	late := time.Date(2027, 7, 13, 2, 0, 0, 0, Dhaka())
	london, _ := time.LoadLocation("Europe/London")
	if got := (Format{Location: london}).Date(late); got != "Mon 12 Jul 2027" {
		t.Errorf("in London: got %q", got)
	}
	if got := (Format{Language: Bangla, BengaliDigits: true}).Time(late); got != "০২:০০" {
		t.Errorf("time: got %q", got)
	}
}

func TestFormatNumber(t *testing.T) {
	bn := Format{Language: Bangla, BengaliDigits: true}
	for _, c := range []struct{ in, want string }{{"42.5", "৪২.৫"}, {"0", "০"}, {"-3", "-৩"}} {
		if got, err := bn.Number(c.in); err != nil || got != c.want {
			t.Errorf("Number(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := bn.Number("many"); err == nil {
		t.Error("Number(many): no error")
	}
}
