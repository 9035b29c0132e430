// Package postgres keeps live projects in PostgreSQL, for a store shared
// by many machines: a store.Backend (the event log, snapshots, command
// answers and the outbox) on github.com/jackc/pgx/v5, and a
// store.Projector that keeps two materialized views of the projects'
// schedules for dashboards.
//
// # The log
//
// Open connects (a pgxpool) and migrates the schema (Migrate): numbered
// SQL files embedded in the package, applied in one transaction under an
// advisory lock, so that processes opening one database at once migrate
// it once; the table schema_migrations records each. The tables are
// named plainly (projects, events, snapshots, answers, outbox,
// projection_*); to keep them apart from an application's own, give the
// connection a search_path (options=-csearch_path=critpath).
//
// Create and Append are each one statement, so that an event, the answer
// to its command and its place in the outbox are written together or not
// at all. Append is a compare-and-swap on the project's revision: the
// statement moves the project's row from Seq−1 to Seq before it writes
// the event, so of two writers of the same Seq the second waits on the
// row, finds it moved and writes nothing (store.ErrStale); the primary
// key (project, seq) of events stands behind it. Times are kept to the
// nanosecond (a timestamptz and the nanoseconds past its microseconds),
// so that an event reads back exactly as it was hashed; they read back
// in UTC. A nil body reads back nil, an empty one empty.
//
// # The views
//
// Project (the store.Projector) schedules a project (schedule.Run) and
// replaces its rows in three tables in one transaction: one per task,
// one per work resource, and one per work resource per day (in the
// project's time zone) on which it works or is assigned. A projection at
// an older revision than the one written is dropped. After projections
// the views are refreshed CONCURRENTLY (each has a unique index; readers
// are never blocked), at most once every Config.RefreshEvery: the first
// projection after a quiet spell is refreshed at once, those that come
// meanwhile together at the end of the interval. Refresh refreshes at
// once.
//
// project_dashboard has a row per project, with its revision, name and
// status date, and, over its tasks that are not summaries:
//
//   - tasks, not_started, in_progress, done: a task is done when the
//     schedule has it 100 % complete (it has an actual finish, or nothing
//     remaining), in progress when it has an actual start, not started
//     otherwise;
//   - late: tasks not done that are scheduled to finish after their
//     baseline finish, or at or before the status date (they should have
//     finished by now and have not);
//   - percent_work: the project's percent complete weighted by work
//     (schedule.Result.ProjectProgress().ByWork);
//   - planned_finish: the scheduled finish; baseline_finish: the latest
//     finish in the baseline (NULL without one);
//   - critical: critical tasks; negative_float: tasks with negative total
//     float;
//   - next_milestone, next_milestone_name, next_milestone_date: the
//     milestone not done with the earliest finish after the status date
//     (after the project start when there is none), the first in the
//     project's order on a tie; NULL when there is none;
//   - spi, cpi: the project's earned-value indices at the status date
//     against the baseline (schedule.Result.EarnedValue), NULL without a
//     baseline or a status date.
//
// The baseline is the one Config.Baseline names, or the project's first.
//
// resource_utilization has a row per work resource per ISO week (week is
// its Monday; iso_year and iso_week name it) from the week the project
// starts in to the week it finishes in, leaving out the weeks in which
// the resource neither works nor is assigned: assigned_hours (the units
// of its assignments over its tasks' working time that week, done work
// included, as leveling counts them), available_hours (its calendar's
// working hours × its max units), utilization (assigned ÷ available ×
// 100; NULL when nothing is available) and over_allocated: on some day of
// the week the resource is assigned more hours than it has that day.
//
// # Notifications
//
// The same database keeps package notify's storage (migration 0003):
// NewLedger, NewInbox and NewDigests return a notify.Ledger (every
// attempt and how each message ended; Deliveries and DeadLetters read
// the settlements back), a notify.Inbox and notify.Digests on a
// Backend, shared by every process on the database and kept across
// restarts. Each call is one statement or one read-only transaction: the
// end of an attempt replaces the latest pending one of its key, provider
// and try, locking it, or is added when there is none; the first
// settlement of a key stands (ON CONFLICT DO NOTHING); MarkRead and
// Remove change their rows in one UPDATE or DELETE.
//
// # Concurrency
//
// A Backend is safe for concurrent use, and any number of processes may
// share one database. Each Backend refreshes the views from a goroutine
// of its own, started by Open and stopped by Close.
package postgres
