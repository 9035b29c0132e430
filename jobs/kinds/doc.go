// Package kinds holds the project's background jobs: the handlers for the
// work a user must never wait for, each a small type with its payload
// (its Args), routed to a jobs.Mux by Register.
//
//	kind            payload           what it does
//	progress        ProgressArgs      roll-ups and earned value at the status date
//	critical_path   CriticalPathArgs  the critical path after edits, coalesced per project
//	leveling        LevelingArgs      resource leveling as a Proposal: never applied unasked
//	risk            RiskArgs          Monte Carlo risk, with progress and cancellation
//	weather         WeatherArgs       the site's forecast against outdoor work: alerts, a
//	                                  proposed calendar change, risk events
//	notify          NotifyArgs        a notification handed to the Notifier
//	report          ReportArgs        a PDF Gantt chart, workbook, MSPDI or XER file of a
//	                                  project at a revision, written to Blobs
//	sync            SyncArgs          a linked MS Project / P6 / Excel file re-imported as a
//	                                  change when its content changes
//
// NewJob makes a job of any kind with the options its kind needs: the
// recalculations (progress, critical path, leveling, weather, reports,
// syncs) carry a coalescing key, so that while one waits a newer request
// replaces it; a notification carries a unique key.
//
// # Dependencies
//
// The handlers read and change projects through Projects, which a
// *store.Store satisfies, and reach everything else through interfaces
// declared here, where they are used (Deps): the store's Cache for
// results, an Announcer for the realtime hub, Proposals, a Forecaster
// (adapters/openmeteo), a Notifier (the notify package), Blobs, Files
// and SyncState. The in-process ones are here: MemoryProposals, Dir
// (blobs in a directory, written whole or not at all), FS (the files of
// an fs.FS) and MemorySyncState.
//
// Results computed from a project at a revision (progress, critical
// path, risk, reports) are cached under store.Key{project, revision,
// kind, options}; a job run again for the same revision announces the
// cached result. An edit bumps the revision, so a result is never read
// for a revision it was not computed at.
//
// # Proposals
//
// Leveling and weather jobs change nothing: they store a Proposal — the
// leveling's delays, each with its reason, and the change that makes
// them; the weather's alerts, calendar change and risk events — and
// announce it. Accept applies a leveling proposal as a store change
// against the revision it was worked out at, refused (and the proposal
// marked stale) when edits that move the schedule came since; Reject
// records a refusal.
//
// # Errors
//
// A handler's error follows jobs.Handler: a payload that does not decode,
// an unknown project, bad arguments, a model or file that does not fit
// fail permanently (jobs.Permanent), with an error that starts with
// "kinds: " and the kind, and names the project and what is wrong; what
// may pass (the store, a provider, an announcement) is returned to be
// tried again. A cache that fails is logged and passed over.
//
// # Concurrency
//
// The handlers hold no state of their own: one Mux may run any number of
// jobs at once. The in-process implementations are safe for concurrent
// use.
package kinds
