package leveling_test

import (
	"slices"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
)

// TestLevelPriority levels A and B, two days each on the one crew, alike
// but for their priorities (so the standard order comes down to them, then
// to the order listed): the one with the lower priority waits. A task
// whose Priority is left zero has the default, 500; LowestPriority asks
// for 0.
func TestLevelPriority(t *testing.T) {
	for _, c := range []struct {
		name    string
		a, b    int // Priority
		order   leveling.Order
		delayed string
	}{
		{"unset is 500, by priority", 0, 400, leveling.ByPriority, "B"},
		{"unset is 500, standard", 0, 499, leveling.Standard, "B"},
		{"unset is 500, not higher", 0, 501, leveling.ByPriority, "A"},
		{"500 asked for", 500, 400, leveling.ByPriority, "B"},
		{"lowest before unset, standard", schedule.LowestPriority, 0, leveling.Standard, "A"},
		{"lowest before 500, by priority", schedule.LowestPriority, 500, leveling.ByPriority, "A"},
		{"lowest before 1", schedule.LowestPriority, 1, leveling.ByPriority, "A"},
		{"1000 never moves", 0, 1000, leveling.Standard, "A"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := twoOnOneCrew()
			p.Tasks[0].Duration = p.Tasks[1].Duration
			p.Tasks[0].Priority, p.Tasks[1].Priority = c.a, c.b
			l := level(t, p, leveling.LevelOptions{Order: c.order})
			if len(l.Delays) != 1 || l.Delays[0].Task != c.delayed {
				t.Errorf("got delays %+v, want %s delayed", l.Delays, c.delayed)
			}
		})
	}
}

// TestLevelUnsetPriority: random projects of priorities 300, 500 and
// 700 level exactly the same with the 500s left unset.
func TestLevelUnsetPriority(t *testing.T) {
	delays := 0
	for seed := range uint64(4) {
		p := randnet.Project(randnet.Config{Tasks: 25, Mixed: true, Seed: seed})
		for i := range p.Tasks {
			p.Tasks[i].Priority = []int{300, 500, 700}[i%3]
		}
		q := *p
		q.Tasks = slices.Clone(p.Tasks)
		for i := range q.Tasks {
			if q.Tasks[i].Priority == 500 {
				q.Tasks[i].Priority = 0
			}
		}
		for _, order := range []leveling.Order{leveling.Standard, leveling.ByPriority} {
			want := level(t, p, leveling.LevelOptions{Order: order})
			got := level(t, &q, leveling.LevelOptions{Order: order})
			if !slices.Equal(got.Delays, want.Delays) {
				t.Errorf("seed %d, order %v: unset priorities give %d delays, 500 gives %d", seed, order, len(got.Delays), len(want.Delays))
			}
			delays += len(want.Delays)
		}
	}
	if delays == 0 {
		t.Fatal("nothing was leveled: the test shows nothing")
	}
}
