package schedule_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func encode(t testing.TB, p *schedule.Project) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := schedule.WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJSONRoundTrip(t *testing.T) {
	for seed := range uint64(200) {
		p := randnet.Project(randnet.Config{Tasks: 1 + int(seed%40), Mixed: true, Seed: seed})
		first := encode(t, p)
		q, err := schedule.ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, first)
		}
		if second := encode(t, q); !bytes.Equal(first, second) {
			t.Fatalf("seed %d: encode(decode(x)) differs:\n%s\n---\n%s", seed, first, second)
		}
		if a, b := canonical(t, mustRun(t, p)), canonical(t, mustRun(t, q)); !bytes.Equal(a, b) {
			t.Fatalf("seed %d: the decoded project schedules differently", seed)
		}
	}
}

func TestJSONDates(t *testing.T) {
	p, err := schedule.ReadJSON(strings.NewReader(`{
		"start": "2027-01-03", "time_zone": "Asia/Dhaka", "finish_by": "2027-06-30",
		"tasks": [{"id": "A", "duration": "2d", "deadline": "2027-02-01",
		           "constraint": {"type": "fnlt", "date": "2027-01-20T12:00"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	dhaka, _ := time.LoadLocation("Asia/Dhaka")
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"start", p.Start, time.Date(2027, 1, 3, 0, 0, 0, 0, dhaka)},
		{"finish_by (end of day)", p.FinishBy, time.Date(2027, 7, 1, 0, 0, 0, 0, dhaka)},
		{"deadline (end of day)", p.Tasks[0].Deadline, time.Date(2027, 2, 2, 0, 0, 0, 0, dhaka)},
		{"constraint without offset", p.Tasks[0].Constraint.Date, time.Date(2027, 1, 20, 12, 0, 0, 0, dhaka)},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if p.Tasks[0].LevelingPriority() != 500 || p.Tasks[0].Constraint.Type != schedule.FNLT {
		t.Errorf("defaults: priority %d, constraint %v", p.Tasks[0].LevelingPriority(), p.Tasks[0].Constraint.Type)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string // substrings of the error
	}{
		{"syntax", "{\n  \"start\": \"2027-01-03\",\n  \"tasks\": [\n    {\"id\": \"A\",}\n  ]\n}", []string{"line 4", "column 16"}},
		{"unknown field", `{"start": "2027-01-03", "tasks": [], "colour": "red"}`, []string{`unknown field "colour"`, "line 1"}},
		{"wrong type", `{"start": "2027-01-03", "tasks": [{"id": 7}]}`, []string{"tasks[0].id", "want a string, found a number", "line 1"}},
		{"duration", `{"start": "2027-01-03", "tasks": [{"id": "B", "duration": "5x"}]}`, []string{`task "B" duration`, `"5x"`, "not a duration"}},
		{"date", `{"start": "2027-01-03", "tasks": [{"id": "C", "deadline": "soon"}]}`, []string{`task "C" deadline`, `"soon" is not a date`}},
		{"no start", `{"tasks": []}`, []string{"start", "no start date"}},
		{"weekday", `{"start": "2027-01-03", "tasks": [], "calendars": [{"name": "X", "week": {"funday": []}}]}`, []string{"calendars[0].week", `"funday"`}},
		{"interval", `{"start": "2027-01-03", "tasks": [], "calendars": [{"name": "X", "week": {"monday": ["8-12"]}}]}`, []string{"interval", `"8-12"`}},
		{"link type", `{"start": "2027-01-03", "tasks": [], "links": [{"from": "A", "to": "B", "type": "XX"}]}`, []string{"link type", `"XX"`}},
		{"lag", `{"start": "2027-01-03", "tasks": [], "links": [{"from": "A", "to": "B", "lag": "2 fortnights"}]}`, []string{"links[0].lag", "unknown unit"}},
		{"zone", `{"start": "2027-01-03", "time_zone": "Mars/Olympus", "tasks": []}`, []string{"time_zone", "Mars/Olympus"}},
		{"trailing", `{"start": "2027-01-03", "tasks": []} {}`, []string{"data after the project"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := schedule.ReadJSON(strings.NewReader(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := errors.AsType[*schedule.ParseError](err); !ok {
				t.Errorf("%v is not a *ParseError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// FuzzJSON decodes arbitrary documents: no panic, and whatever decodes
// encodes to a document that decodes to the same project.
func FuzzJSON(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(encode(f, randnet.Project(randnet.Config{Tasks: 6, Mixed: true, Seed: seed})))
	}
	f.Add([]byte(`{"start":"2027-01-03","tasks":[{"id":"A","duration":"1.5ed"}],"links":[{"from":"A","to":"A","lag":"-50%"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := schedule.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		first, err := json.Marshal(p)
		if err != nil {
			return // a value the encoding cannot spell, e.g. a NaN amount
		}
		q, err := schedule.ReadJSON(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("re-reading %s: %v", first, err)
		}
		second, err := json.Marshal(q)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("round trip changed the project:\n%s\n%s", first, second)
		}
	})
}
