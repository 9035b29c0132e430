package loss

import (
	"slices"
	"testing"
)

// Each kind is reported once, in the order first met, with its count and
// first example; a project's setting has no count.
func TestTally(t *testing.T) {
	var tl Tally
	tl.Add("sm", "Task", "start milestones are written as milestones", "task", "A100")
	tl.Add("tz", "Project", "the time zone is not kept", "", "")
	tl.Add("sm", "Task", "other text", "task", "A200")
	tl.Addf("act", "TASK", "activity", "B1", "%d things", 3)
	tl.Add("sm", "Task", "", "task", "A300")
	var got []string
	for _, w := range tl.Warnings() {
		got = append(got, w.String())
	}
	want := []string{
		"Task: start milestones are written as milestones (3 tasks, such as A100)",
		"Project: the time zone is not kept",
		"TASK: 3 things (activity B1)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if !tl.Has("tz") || tl.Has("nothing") {
		t.Error("Has")
	}
	for noun, want := range map[string]string{"activity": "activities", "task": "tasks", "day": "days", "class": "classes"} {
		if got := plural(noun); got != want {
			t.Errorf("plural(%q) = %q, want %q", noun, got, want)
		}
	}
}
