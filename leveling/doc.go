// Package leveling resolves resource over-allocation by delaying tasks.
//
// Its core is Solve, for the resource-constrained project scheduling
// problem in whole periods (the RCPSP on which the literature compares
// heuristics, read from PSPLIB files by interchange/psplib): the parallel
// schedule-generation scheme with the latest-finish-time rule, double
// justification (forward–backward improvement) of every schedule, and a
// genetic algorithm over activity lists with peak crossover, all within a
// budget of generated schedules. benchmarks/README.md gives its figures on
// PSPLIB's J30, J60 and J120 sets.
//
// Solve is deterministic: the same problem, seed and budget give the same
// schedule. It is safe to call concurrently on different problems; it
// never logs and never panics on data (a bad problem is an error wrapping
// ErrProblem).
package leveling
