package schedule_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/critpath/critpath/schedule"
)

func TestLevelingPriority(t *testing.T) {
	for _, c := range []struct {
		field, want int
	}{
		{0, 500}, // the zero value: Microsoft Project's default
		{schedule.LowestPriority, 0},
		{-7, 0},
		{1, 1},
		{499, 499},
		{500, 500},
		{1000, 1000},
	} {
		task := schedule.Task{Priority: c.field}
		if got := task.LevelingPriority(); got != c.want {
			t.Errorf("Priority %d: got %d, want %d", c.field, got, c.want)
		}
	}
}

// A task that asks for the lowest priority compiles; one over 1000 does
// not (validate_test.go checks the error).
func TestLowestPriorityCompiles(t *testing.T) {
	p := &schedule.Project{Start: wday(0), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1), Priority: schedule.LowestPriority}}}
	if _, err := schedule.Compile(p); err != nil {
		t.Fatal(err)
	}
}

// The JSON encoding spells the priority a task has: 0 stays 0, the
// default is left out and read back as 500, and files read as before (a
// missing priority is 500, "priority": 0 the lowest).
func TestPriorityJSON(t *testing.T) {
	for _, c := range []struct {
		name     string
		field    int
		want     int
		inJSON   string // the task's priority in the document, "" when left out
		fromJSON int    // the field read back
	}{
		{"unset", 0, 500, "", 0},
		{"lowest", schedule.LowestPriority, 0, `"priority": 0`, schedule.LowestPriority},
		{"default asked for", 500, 500, "", 0},
		{"never delay", 1000, 1000, `"priority": 1000`, 1000},
		{"other", 250, 250, `"priority": 250`, 250},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &schedule.Project{Start: wday(0), Tasks: []schedule.Task{{ID: "A", Duration: schedule.Days(1), Priority: c.field}}}
			doc := encode(t, p)
			if has := bytes.Contains(doc, []byte(`"priority"`)); has != (c.inJSON != "") || c.inJSON != "" && !bytes.Contains(doc, []byte(c.inJSON)) {
				t.Errorf("written %s, want %q", doc, c.inJSON)
			}
			q, err := schedule.ReadJSON(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := q.Tasks[0].LevelingPriority(); got != c.want {
				t.Errorf("read back priority %d, want %d", got, c.want)
			}
			if got := q.Tasks[0].Priority; got != c.fromJSON {
				t.Errorf("read back Priority field %d, want %d", got, c.fromJSON)
			}
		})
	}
	for _, c := range []struct {
		priority string
		want     int
		err      string
	}{
		{"", 500, ""},
		{`, "priority": 0`, 0, ""},
		{`, "priority": 500`, 500, ""},
		{`, "priority": 1000`, 1000, ""},
		{`, "priority": -1`, 0, `task "A" priority: -1: want 0 to 1000`},
		{`, "priority": 1001`, 0, `task "A" priority: 1001: want 0 to 1000`},
	} {
		doc := fmt.Sprintf(`{"start": "2027-01-04T08:00:00Z", "tasks": [{"id": "A", "duration": "1d"%s}]}`, c.priority)
		p, err := schedule.ReadJSON(strings.NewReader(doc))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: got error %v, want %q", doc, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", doc, err)
		case c.err == "" && p.Tasks[0].LevelingPriority() != c.want:
			t.Errorf("%s: got priority %d, want %d", doc, p.Tasks[0].LevelingPriority(), c.want)
		}
	}
}
