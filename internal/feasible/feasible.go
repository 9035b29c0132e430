// Package feasible checks resource-constrained schedules in whole periods
// from first principles, independently of any solver: the oracle that
// leveling's tests and benchmarks hold every produced schedule to.
package feasible

import "fmt"

// Check reports the first way the schedule (starts, makespan) breaks the
// problem, in an error starting with "feasible: ": a start before period
// 0, a job starting before a predecessor finishes, a resource used over
// its capacity in some period, or a makespan other than the last finish.
// successors[j] lists the jobs that may start only when job j has
// finished; demands[j][k] is what job j uses of resource k in each period
// it runs.
func Check(durations []int, demands [][]int, capacities []int, successors [][]int, starts []int, makespan int) error {
	n := len(durations)
	if len(starts) != n {
		return fmt.Errorf("feasible: %d starts for %d jobs", len(starts), n)
	}
	last := 0
	for j, s := range starts {
		if s < 0 {
			return fmt.Errorf("feasible: job %d starts at %d", j+1, s)
		}
		last = max(last, s+durations[j])
		for _, x := range successors[j] {
			if starts[x] < s+durations[j] {
				return fmt.Errorf("feasible: job %d starts at %d, before its predecessor %d finishes at %d", x+1, starts[x], j+1, s+durations[j])
			}
		}
	}
	if last != makespan {
		return fmt.Errorf("feasible: makespan %d, but the last job finishes at %d", makespan, last)
	}
	// Usage per period: add each job's demand where it starts, take it
	// away where it ends, and sum.
	for k, c := range capacities {
		delta := make([]int, last+1)
		for j, s := range starts {
			delta[s] += demands[j][k]
			delta[s+durations[j]] -= demands[j][k]
		}
		use := 0
		for t := range last {
			if use += delta[t]; use > c {
				return fmt.Errorf("feasible: period %d: resource %d used %d of %d", t, k+1, use, c)
			}
		}
	}
	return nil
}
