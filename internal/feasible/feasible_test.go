package feasible_test

import (
	"strings"
	"testing"

	"github.com/critpath/critpath/internal/feasible"
)

// TestCheckCanFail shows the checker catches each kind of break.
func TestCheckCanFail(t *testing.T) {
	durations := []int{2, 2}
	demands := [][]int{{1}, {1}}
	capacities := []int{1}
	successors := [][]int{{}, {}}
	cases := []struct {
		starts   []int
		makespan int
		succ     [][]int
		want     string
	}{
		{[]int{0, 2}, 4, successors, ""},
		{[]int{0, 1}, 3, successors, "period 1: resource 1 used 2 of 1"},
		{[]int{2, 0}, 4, [][]int{{1}, {}}, "before its predecessor"},
		{[]int{0, 2}, 5, successors, "makespan 5"},
		{[]int{-1, 2}, 4, successors, "starts at -1"},
		{[]int{0}, 2, successors, "1 starts for 2 jobs"},
	}
	for _, c := range cases {
		err := feasible.Check(durations, demands, capacities, c.succ, c.starts, c.makespan)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "feasible: ")) {
			t.Errorf("starts %v: %v, want %q after \"feasible: \"", c.starts, err, c.want)
		}
	}
}
