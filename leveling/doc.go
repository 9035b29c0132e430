// Package leveling resolves resource over-allocation by delaying tasks.
//
// Its core is Solve, for the resource-constrained project scheduling
// problem in whole periods (the RCPSP on which the literature compares
// heuristics, read from PSPLIB files by interchange/psplib): serial
// schedule generation over activity lists, double justification
// (forward–backward improvement) of every schedule, and a genetic
// algorithm over activity lists seeded by regret-biased sampling of the
// latest-finish-time rule, all within a budget of generated schedules.
//
// Solve is deterministic: the same problem, seed and budget give the same
// schedule. It is safe to call concurrently on different problems; it
// never logs and never panics on data (a bad problem is an error wrapping
// ErrProblem).
package leveling
