package xlsx_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
)

// A deadline past 2192 (here 2300; the scheduler takes years up to 2400)
// comes back from a workbook as it was.
func TestDeadlinePast2192(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].Deadline = time.Date(2300, 1, 1, 17, 0, 0, 0, time.UTC)
	q, _ := roundTrip(t, p)
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Fatalf("deadline %v, want %v", got, p.Tasks[0].Deadline)
	}
}

// Dates are written as the wall clock of the project's zone, whatever
// the location they are given in, and read back in that zone: a
// constraint date and a deadline given in UTC in an Asia/Dhaka project
// come back as the same instants.
func TestDatesInTheProjectZone(t *testing.T) {
	dhaka := zone(t, "Asia/Dhaka")
	p := smallProject(dhaka)
	want := time.Date(2027, 1, 6, 4, 0, 0, 0, time.UTC) // 10:00 in Dhaka
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: want}
	p.Tasks[0].Deadline = time.Date(2027, 2, 1, 11, 0, 0, 0, time.UTC)
	q, _ := roundTrip(t, p)
	if got := taskByID(t, q, "B").Constraint.Date; !got.Equal(want) {
		t.Errorf("constraint date %v, want %v", got, want)
	}
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Errorf("deadline %v, want %v", got, p.Tasks[0].Deadline)
	}
}

// The same for a project from critpath's own JSON: its dates written
// with "Z" in a project whose time_zone is Asia/Dhaka come back as the
// same instants.
func TestDatesInTheProjectZoneFromJSON(t *testing.T) {
	zone(t, "Asia/Dhaka")
	doc := `{"name":"z","time_zone":"Asia/Dhaka","start":"2027-01-04T02:00:00Z",
	  "tasks":[{"id":"A","name":"Dig","duration":"3d","deadline":"2027-02-01T11:00:00Z"}]}`
	var p schedule.Project
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	q, _ := roundTrip(t, &p)
	if !q.Start.Equal(p.Start) {
		t.Errorf("start %v, want %v", q.Start, p.Start)
	}
	if got := taskByID(t, q, "A").Deadline; !got.Equal(p.Tasks[0].Deadline) {
		t.Errorf("deadline %v, want %v", got, p.Tasks[0].Deadline)
	}
}

// The same for the project start: given in UTC in an Asia/Dhaka
// project, it comes back as the same instant.
func TestProjectStartInTheProjectZone(t *testing.T) {
	dhaka := zone(t, "Asia/Dhaka")
	p := smallProject(dhaka)
	p.Start = time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC) // 08:00 in Dhaka
	q, _ := roundTrip(t, p)
	if !q.Start.Equal(p.Start) {
		t.Fatalf("start %v, want %v", q.Start, p.Start)
	}
}

// A project without a Location whose start is in a zone with daylight
// saving keeps that zone, not its start's UTC offset: read back, its
// calendars follow the zone's summer time and its tasks start as they
// did.
func TestDaylightSavingZoneKept(t *testing.T) {
	london := zone(t, "Europe/London")
	p := smallProject(time.UTC)
	p.Location = nil
	p.Start = time.Date(2027, 1, 4, 8, 0, 0, 0, london)
	p.Tasks[1].Constraint = schedule.Constraint{Type: schedule.SNET, Date: time.Date(2027, 7, 5, 8, 0, 0, 0, london)}
	q, _ := roundTrip(t, p)
	want, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := schedule.Run(q)
	if err != nil {
		t.Fatal(err)
	}
	i, _ := want.Network().Index("B")
	j, _ := got.Network().Index("B")
	if a, b := want.Task(i).Start, got.Task(j).Start; !a.Equal(b) {
		t.Fatalf("task B starts %v, after the round trip %v", a, b)
	}
}

// zone is the tz database's location name; the test is skipped when the
// database does not have it.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip(err)
	}
	return loc
}
