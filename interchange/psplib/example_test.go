package psplib_test

import (
	"fmt"
	"os"

	"github.com/critpath/critpath/interchange/psplib"
)

// Read a PSPLIB instance: the problem as the file states it, and the same
// as a critpath project (one task per job, one resource per renewable
// resource) for the leveling package.
func ExampleRead() {
	f, err := os.Open("testdata/j301_1.sm")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	in, err := psplib.Read(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(in.Durations), "jobs,", len(in.Capacities), "resources of capacities", in.Capacities)
	fmt.Println("critical path", in.MPMTime, "periods; horizon", in.Horizon)
	fmt.Println(len(in.Project.Tasks), "tasks,", len(in.Project.Resources), "resources")
	// Output:
	// 32 jobs, 4 resources of capacities [12 13 4 12]
	// critical path 38 periods; horizon 158
	// 32 tasks, 4 resources
}
