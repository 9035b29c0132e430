// Package outline walks a project's tasks in outline order: each summary
// task before its subtasks, siblings in the project's order, as the
// Gantt chart and the workbook show them.
package outline

import (
	"fmt"
	"strconv"

	"github.com/critpath/critpath/schedule"
)

// Row is one task in outline order.
type Row struct {
	Task  int    // index in Project.Tasks
	Depth int    // 0 for a top-level task
	WBS   string // its outline number: "1", "1.2", "1.2.3"
}

// Order returns the project's tasks in outline order. A task whose parent
// is not in the project is shown at the top level; an outline that loops
// is an error naming a task on the loop ("outline: task …").
func Order(p *schedule.Project) ([]Row, error) {
	ids := make(map[string]bool, len(p.Tasks))
	for _, t := range p.Tasks {
		ids[t.ID] = true
	}
	kids := map[string][]int{}
	var roots []int
	for k, t := range p.Tasks {
		if t.Parent == "" || !ids[t.Parent] {
			roots = append(roots, k)
		} else {
			kids[t.Parent] = append(kids[t.Parent], k)
		}
	}
	rows := make([]Row, 0, len(p.Tasks))
	seen := make([]bool, len(p.Tasks))
	var walk func(ks []int, depth int, prefix string) error
	walk = func(ks []int, depth int, prefix string) error {
		for n, k := range ks {
			if seen[k] { // a task under itself, through a repeated ID
				return fmt.Errorf("outline: task %q: the outline loops through it", p.Tasks[k].ID)
			}
			seen[k] = true
			wbs := prefix + strconv.Itoa(n+1)
			rows = append(rows, Row{Task: k, Depth: depth, WBS: wbs})
			if err := walk(kids[p.Tasks[k].ID], depth+1, wbs+"."); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(roots, 0, ""); err != nil {
		return nil, err
	}
	for k, s := range seen { // the tasks left are on loops
		if !s {
			return nil, fmt.Errorf("outline: task %q: the outline loops through it", p.Tasks[k].ID)
		}
	}
	return rows, nil
}
