// Package jobs runs background work that survives crashes: recomputing the
// critical path after edits, leveling proposals, risk simulations, weather
// checks, notification dispatch, reports and data syncs.
//
// A Job names its kind; a Handler (a Mux routing kinds to handlers, with
// typed payloads through Register) does it.
//
// (The queue and its documentation are being written.)
package jobs
