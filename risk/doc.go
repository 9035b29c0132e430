// Package risk is Monte Carlo schedule risk analysis: it samples task
// durations and risk events, schedules the project with each sample on the
// compiled network, and reports what the finish dates may be and what
// drives them.
//
// # The model
//
// A Model gives tasks' durations a Distribution — Triangle, PERT and
// PERTShape (BetaPERT with its shape; the exact beta variance), Trigen (a
// triangle given by two percentiles), Uniform, Normal (truncated at zero),
// LogNormal (by mean and standard deviation), Discrete or Fixed — in the
// model's Unit (a working day by default; an elapsed task reads it as
// elapsed time). Constructors check their parameters and return an error
// wrapping ErrBadDistribution; equal points give Fixed, not an error. A
// task in progress samples its remaining duration; a finished task, a
// summary or a milestone is not sampled.
//
// Events (the risk register) happen in an iteration with their
// probability; one draw of the impact then changes every task the event
// hits — days added (an opportunity's below zero) or, with Factor, a
// multiplier — with the post-response values (Mitigated) when
// Options.Mitigated is set. Correlations are rank correlations between
// sampled durations, imposed by Iman and Conover's reordering with the
// normal scores' target chosen so that a block's expected rank
// correlation is the one asked for (Moran's formula). A matrix no
// durations could have is repaired to the nearest valid one (Higham's
// alternating projections) and the repair reported (Analysis.Repair).
//
// # Running
//
// Simulate runs the iterations in blocks of 500 on Options.Workers
// goroutines, each with its own schedule.Result, and merges the blocks in
// order. Each iteration draws its uniforms from its own stream, made from
// the seed and the iteration's number; Latin hypercube strata and the
// correlation reordering work within a block from the block's own stream.
// So a seed gives the same result, byte for byte, for any worker count
// and GOMAXPROCS (the block size is part of what a seed means). An
// iteration allocates nothing.
//
// A block is sampled first, each task's durations for the block side by
// side, then scheduled. A project whose every task works on the project
// calendar with nothing but links and its outline between them — no
// elapsed time, constraint, deadline, progress, split, percent or elapsed
// lag, start-to-start or start-to-finish link into a milestone or into or
// out of a summary, finish-by date or backward scheduling — takes the
// fast path: 32
// iterations at a time in the calendar's working minutes, each link a
// loop of sums and maxima over them, the backward pass only for the task
// statistics. It is the scheduler's arithmetic for such a project (it
// checks itself against the deterministic schedule when the model is
// compiled, and tests hold it to the scheduler iteration by iteration);
// every other project is scheduled by schedule.Result, iteration by
// iteration. The task statistics count ranks rather than sort durations
// and take each task's in three passes; both paths, and the statistics,
// give the same bytes as scheduling and sorting each iteration would. Simulate stops on a cancelled context
// (a *StoppedError saying how many iterations were done),
// calls Options.Progress after each merged block, and with a Tolerance
// stops once the chosen percentile's 95 % interval is narrow enough
// (checked every four blocks, so where it stops is reproducible too).
//
// # Results
//
// Times are working days on the project calendar from the project start;
// dates are where they fall. For the project and each milestone a Finish
// gives the mean, standard deviation, any percentile with its
// distribution-free 95 % confidence interval (order statistics), the
// probability of finishing by a day, a histogram and an S-curve. With
// Options.Tasks each task has:
//
//   - Criticality: the share of iterations in which it is critical.
//   - Sensitivity: Spearman's rank correlation of its duration with the
//     project finish (the tornado chart).
//   - Cruciality: the absolute Pearson correlation of the same (Williams).
//   - SSI, the schedule sensitivity index: Criticality × σ(duration) /
//     σ(finish).
//   - Score, its risk score: Criticality × |Sensitivity|; HighRisk lists
//     the tasks scoring 0.1 or more.
//   - MergeBias, where two or more predecessors merge: the mean start less
//     the deterministic start.
//
// The project's risk Score is the percentage of iterations finishing later
// than the deterministic schedule. The contingency plan gives, for the
// project and each milestone, the chosen percentile's finish less the
// deterministic one and the tasks driving it: those preceding it whose
// durations have the highest rank correlation with it.
//
// Simulate is safe to call from several goroutines at once; an Analysis
// is read-only once returned.
//
// # Errors
//
// A model that does not fit its project is an error naming the entry and
// field at fault, wrapping ErrBadModel (ErrBadDistribution for a
// distribution's parameters); a project that does not schedule gives the
// scheduler's error, as it is. The errors risk makes start with "risk: ".
package risk
