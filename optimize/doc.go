// Package optimize answers the time–cost questions of a schedule exactly,
// in three calls: how cheaply can the project finish by a date
// (Compress), how early can it finish for a budget (Within), and what
// does every finish cost (Curve). Each crashes tasks by default; with
// Options.FastTrack it also overlaps phases, weighing crashing and
// overlapping together (Options.NoCrash: overlapping alone).
//
// A task crashes linearly between its normal point (its duration and its
// cost as scheduled) and its crash point (schedule.Task.Crash), which must
// cost more — or whose Crash.CostPerDay gives the cost of each working day
// saved instead; CostSlope is the cost of a working day saved. A
// finish-to-start link may overlap by up to schedule.Link.Overlap at
// schedule.Link.ReworkCost a day, which must be more than nothing. As
// every shortening and overlap costs something, the optimum takes none it
// does not need.
//
// The answers are the optimum of the linear program over event times —
// not the textbook "crash the cheapest critical task" greedy, which never
// un-crashes and overspends. The program is solved as the dual of an
// uncapacitated min-cost flow (Kelley and Fulkerson) by the network
// simplex method: its potentials, in whole minutes, end as an optimal
// schedule, exact; only the flow, which carries the cost slopes, is in
// floating point. The whole curve comes from one parametric sweep of the
// simplex's tree, and a budget's plan from the same sweep, stopped where
// the budget runs out. Every link type and lag is a constraint, so a
// task whose shortening would lengthen the project (through
// start-to-start and finish-to-finish links) is never shortened. The
// tests hold the optimum to gonum's simplex on random instances, and
// benchmarks/crash to GLPK's.
//
// Time runs on the project calendar's working minutes from the project
// start: exact for a project on one calendar. A task or lag in elapsed
// time (round the clock) counts the working minutes it spans where it is
// scheduled — exact for whole weeks on a weekly calendar, otherwise an
// approximation the scheduler's check below corrects, so a plan always
// meets its date but may cost more than the least, and Compress may call
// the curve's very shortest finish too early by up to that
// approximation — and a task in elapsed time cannot be crashed
// (ErrUnsupported). With several calendars the
// plan is checked with the scheduler and the target tightened until the
// scheduled finish meets the date, or found too early when even the
// shortest plan misses it. Percent lags count the predecessor's normal
// duration; progress and manual dates stay fixed, and Must Start/Finish On
// dates too unless links come first (Options.Constraints), where they are
// earliest dates as the scheduler takes them. A link from a summary's start or to a summary's finish is
// not a linear constraint and is refused (ErrUnsupported).
//
// Plans are data — per task the new duration (in the unit the task was
// given in when that takes two decimals at most, else in hours or
// minutes) and its cost, per link the overlap and new lag, the new finish
// — and Plan.Edits gives them as schedule edits.
//
// Errors: a project that does not schedule gives the scheduler's error,
// as it is; a task or link the model cannot take is a
// *schedule.InputError naming it and the field, wrapping ErrNotCrashable,
// ErrUnsupported or one of schedule's sentinels; a date the project
// cannot meet is a *TooEarlyError, which wraps ErrTooEarly and gives the
// earliest finish there is. Dates in messages read as critpath prints
// them, in the project's time zone ("Mon 2027-01-11 17:00"). The errors optimize makes start with
// "optimize: ", a cancelled context's error among them (wrapped, so
// errors.Is finds it).
//
// Compress, Within and Curve hold no state and never change the project
// they are given: they may run concurrently, on the same project too, as
// long as nobody changes it meanwhile; each stops when its context is done.
package optimize
