// Package store keeps live projects: projects that change under many
// hands and must never lose an acknowledged edit.
//
// # Revisions, versions and the change rules
//
// Every accepted change bumps its project's revision by one and appends
// one event to the project's log; the event's sequence number is the
// revision it made (1: the project's creation). Each task, field, link and
// assignment carries a version: the revision that last changed it, by
// whom and when. A client sends a Change — a batch of Ops with the actor,
// a command id and the revision it saw (its base) — and Store.Apply
// applies it through the engine's incremental editor (schedule.Editor),
// all ops or none, under these rules when the client's base is older than
// a field's version:
//
//   - descriptive fields (name, notes, WBS code, colour, custom fields):
//     the last writer in the store's order wins, and the answer's
//     Resolutions say which value it overwrote, whose, from when;
//   - fields that move the schedule (duration, constraint, calendar,
//     work, percent complete, actual dates, remaining duration, splits,
//     deadline, priority …, a resource's units and rates, a calendar):
//     the change is refused with a *ConflictError
//     carrying the current value, its version and who set it;
//   - links and assignments: adds and removes are idempotent by op id
//     and commute — a remove takes away only what its client had seen, so
//     a concurrent add wins in any order; a link that would close a loop
//     is refused with the loop (a *schedule.CycleError);
//   - computed values (dates, floats, critical flags) are never written.
//
// Fields lists the fields by class. A change is answered with an Outcome:
// the new revision and the Delta of the tasks whose dates, floats,
// progress, work or cost moved, old and new. A command id seen within
// Config.AnswerTTL (24 hours) gets the first answer back and applies
// nothing again.
//
// # Durability
//
// A change is acknowledged only once its event, the answer to its command
// and its place in the outbox are committed together in one transaction
// of the Backend (Log.Append, a compare-and-swap on the last sequence
// number). Everything downstream — broadcasts, jobs, notifications — is
// driven from the log through the outbox (Store.Relay), so a crash
// replays rather than loses. Each event carries the hash of the one
// before; Store.Verify reports the first event that does not chain.
// Snapshots (every Config.SnapshotEvery events, encoded in the
// background) keep loading fast: a load reads the latest snapshot and
// replays only the events after it. Store.Replay rebuilds a project from
// its whole log, as a check.
//
// Several stores, on several machines, may share one backend: each keeps
// its projects in memory, catches up from the log before reading or
// changing one, and retries a change another store got in ahead of.
//
// # Backends and the cache
//
// Memory is the in-process backend; adapters/sqlite (the embedded
// default, one file) and adapters/postgres (for many machines, with the
// dashboard views a Projector keeps) are the others. Each passes the
// conformance suite in store/storetest. Results computed from a project —
// schedules, leveling proposals, risk summaries, exports, query pages —
// are cached by Key (project, revision, kind, options) in a Cache: NewLRU
// in process, adapters/redis for many machines; an edit bumps the
// revision, so a stale read is impossible by construction.
//
// # Errors
//
// Apply refuses a change with an *InputError naming the project, the op,
// the task and the field (unknown task, field or resource; a value of the
// wrong type or out of range; a computed field; a base revision from the
// future, ErrFuture; a change over Config.MaxEdits ops or Config.MaxBytes,
// ErrTooLarge), a *ConflictError, or ErrNotFound for an unknown project;
// nothing is written then. Backend errors are returned as they come.
//
// # Concurrency
//
// A Store is safe for concurrent use: changes to one project are applied
// one at a time, to different projects in parallel; reads return copies.
// Backends and caches are safe for concurrent use.
package store
