// Package leveling resolves resource over-allocation by delaying tasks or,
// when allowed, splitting them.
//
// For a project (a schedule.Project and its schedule):
//
//   - Conflicts lists each work resource's over-allocations: when, by how
//     much, and which tasks ask for it.
//   - Level delays tasks, as Microsoft Project's leveling does, each
//     delay with its reason (the resource, the conflict, the task that
//     kept its place and the rule): it places the tasks in the chosen
//     order, each where those before it leave room, then resolves what
//     conflicts are left, earliest first. Options for the order
//     (standard, priority, ID, LFT, LST), priority 1000 and pinned
//     tasks, leveling within float, a date range, splitting the
//     remaining work of tasks (started ones too), and several passes
//     keeping the best; with a budget of schedules, Solve's search on the
//     project mapped onto its grid, brought back as delays. Its result
//     gives the resource-constrained critical path and the leveling as a
//     plan of edits.
//   - Smooth lowers peaks and day-to-day swings within free float without
//     moving the finish; Alternatives ranks the ways out of one conflict
//     (a substitute of the same group, added capacity, splits, delays) by
//     their effect on the finish.
//
// Tasks are never shortened. A split (schedule.Task.Splits) pauses a
// task's work and moves the rest later; the work before it stays.
//
// For the resource-constrained project scheduling problem in whole
// periods (the RCPSP on which the literature compares heuristics, read
// from PSPLIB files by interchange/psplib), Solve runs the parallel
// schedule-generation scheme with the latest-finish-time rule, double
// justification (forward–backward improvement) of every schedule, and a
// genetic algorithm over activity lists whose crossover keeps the
// stretches where one parent's schedule is busier than the other's, all
// within a budget of generated schedules. benchmarks/README.md gives its
// figures on PSPLIB's J30, J60 and J120 sets.
//
// Everything here is deterministic: the same input, options and seed give
// the same result. Functions are safe to call concurrently on different
// inputs; they never log and never panic on data (a bad problem is an
// error wrapping ErrProblem or ErrLevel).
package leveling
