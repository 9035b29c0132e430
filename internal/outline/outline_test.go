package outline_test

import (
	"fmt"
	"testing"

	"github.com/critpath/critpath/internal/outline"
	"github.com/critpath/critpath/schedule"
)

// TestOrder: each summary comes before its subtasks, siblings in the
// project's order, a task whose parent is not in the project at the top;
// an outline that loops, through a parent or a repeated ID, is an error
// starting with "outline: " and naming a task on the loop.
func TestOrder(t *testing.T) {
	tasks := func(idParent ...string) *schedule.Project {
		p := &schedule.Project{}
		for k := 0; k < len(idParent); k += 2 {
			p.Tasks = append(p.Tasks, schedule.Task{ID: idParent[k], Parent: idParent[k+1]})
		}
		return p
	}
	cases := []struct {
		name string
		p    *schedule.Project
		want string // the rows as index/depth/WBS, or the error
	}{
		{"outline", tasks("A1", "S", "S", "", "B", "", "A2", "S", "X", "Z"), "[{1 0 1} {0 1 1.1} {3 1 1.2} {2 0 2} {4 0 3}]"},
		{"loop", tasks("A", "B", "B", "A", "C", ""), `outline: task "A": the outline loops through it`},
		{"repeated ID", tasks("A", "", "B", "A", "B", "B"), `outline: task "B": the outline loops through it`},
	}
	for _, c := range cases {
		rows, err := outline.Order(c.p)
		got := fmt.Sprint(rows)
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}
