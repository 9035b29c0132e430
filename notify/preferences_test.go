package notify

import (
	"encoding/json"
	"testing"
	"time"
)

func TestQuietHoursRelease(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	night := DefaultQuietHours // 22:00–07:00
	for _, c := range []struct {
		name  string
		q     QuietHours
		t     time.Time
		loc   *time.Location
		quiet bool
		until time.Time
	}{
		{"evening, before", night, at(Dhaka(), 2027, 7, 12, 21, 59), nil, false, time.Time{}},
		{"from starts the window", night, at(Dhaka(), 2027, 7, 12, 22, 0), nil, true, at(Dhaka(), 2027, 7, 13, 7, 0)},
		{"just before midnight", night, at(Dhaka(), 2027, 7, 12, 23, 59), nil, true, at(Dhaka(), 2027, 7, 13, 7, 0)},
		{"after midnight", night, at(Dhaka(), 2027, 7, 13, 3, 0), nil, true, at(Dhaka(), 2027, 7, 13, 7, 0)},
		{"to ends the window", night, at(Dhaka(), 2027, 7, 13, 7, 0), nil, false, time.Time{}},
		{"a UTC time read in Dhaka", night, time.Date(2027, 7, 12, 17, 30, 0, 0, time.UTC), nil, true, at(Dhaka(), 2027, 7, 13, 7, 0)},
		{"the same UTC time in London is the afternoon", night, time.Date(2027, 7, 12, 13, 30, 0, 0, time.UTC), london, false, time.Time{}},
		{"afternoon window", QuietHours{Clock(13, 0), Clock(14, 0)}, at(Dhaka(), 2027, 7, 12, 13, 30), nil, true, at(Dhaka(), 2027, 7, 12, 14, 0)},
		{"afternoon window, outside", QuietHours{Clock(13, 0), Clock(14, 0)}, at(Dhaka(), 2027, 7, 12, 23, 0), nil, false, time.Time{}},
		{"none", QuietHours{}, at(Dhaka(), 2027, 7, 12, 23, 0), nil, false, time.Time{}},
		// London springs forward at 01:00 on 28 March 2027: a night of
		// 22:00–07:00 is an hour shorter, and still ends at 07:00 BST.
		{"across a DST change", night, at(london, 2027, 3, 27, 23, 0), london, true, at(london, 2027, 3, 28, 7, 0)},
	} {
		got, quiet := c.q.Release(c.t, c.loc)
		if quiet != c.quiet || quiet && !got.Equal(c.until) {
			t.Errorf("%s: got %v, %v; want %v, %v", c.name, got, quiet, c.until, c.quiet)
		}
	}
}

func TestPreferencesDefaults(t *testing.T) {
	var p Preferences
	if f := p.Format(); f.Language != English || f.Location.String() != "Asia/Dhaka" {
		t.Errorf("zero preferences format: %+v", f)
	}
	if p.QuietHours() != DefaultQuietHours {
		t.Errorf("zero preferences quiet hours: %v", p.QuietHours())
	}
	if loc := (Preferences{TimeZone: "Mars/Olympus"}).Location(); loc.String() != "Asia/Dhaka" {
		t.Errorf("an unknown zone: %v", loc)
	}
	off := Preferences{Channels: map[Kind][]Channel{WeatherAlert: {}}}
	if ch := off.ChannelsFor(WeatherAlert, Critical); len(ch) != 0 {
		t.Errorf("a kind turned off: %v", ch)
	}
	if ch := p.ChannelsFor(ResourceConflict, Critical); ch[len(ch)-1] != SMS {
		t.Errorf("a critical notification without SMS: %v", ch)
	}
	var q QuietHours
	if err := json.Unmarshal([]byte(`{"from":"21:30","to":"06:45"}`), &q); err != nil || q != (QuietHours{Clock(21, 30), Clock(6, 45)}) {
		t.Errorf("got %v, %v", q, err)
	}
	if err := json.Unmarshal([]byte(`{"from":"25:00","to":"06:45"}`), &q); err == nil {
		t.Error("25:00 read")
	}
}
