// Package realtime carries a project's changes to the people working on
// it as they happen: rooms per project, a total order of durable
// messages per room with a bounded history, so that a member coming back
// gets exactly what it missed or is told to resync; presence and cursors;
// edits that go through the store's rules.
//
// PROTOCOL.md describes the WebSocket protocol (subprotocol critpath.v1)
// and protocol.go its types. A Broker carries a room's messages between
// nodes and keeps its history: NewMemory in process, adapters/redis for
// many nodes. Relay makes a broker the store's outbox publisher: each
// store event becomes the change message and the schedule.recalc it
// caused, deduplicated by revision. Jobs publishes a job queue's events
// to the rooms of their projects, coalescing progress; Inbox makes a
// notification inbox publish each item to its user's room (UserRoom).
//
// A Hub (NewHub) is the protocol's server: an http.Handler that accepts
// WebSocket connections, authenticates them through an Authenticator,
// joins them to rooms through the broker (from a position, or with a
// snapshot read from the store after subscribing, so that nothing falls
// between), applies their edits through the store (Projects) and keeps
// presence and cursors. Each connection has a reader, a writer with a
// queue bounded in bytes and a heartbeat; each room it joined, a
// forwarder from the broker. A slow client loses ephemeral messages
// first and is then closed with CloseSlow, to resume by seq. Shutdown
// closes every connection with CloseRestart. A Hub is safe for
// concurrent use.
//
// A Memory broker is safe for concurrent use. A subscriber that falls
// behind loses ephemeral messages first (they may fill only half its
// buffer); a durable message that finds its buffer full closes it with
// ErrSlow, and it subscribes again from the last sequence number it
// took — nothing durable is lost. Every broker passes the conformance
// suite of realtime/realtimetest.
package realtime
