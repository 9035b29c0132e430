// Package realtime carries a project's changes to the people working on
// it as they happen: rooms per project, a total order of durable
// messages per room with a bounded history, so that a member coming back
// gets exactly what it missed or is told to resync.
//
// This is the first slice of the realtime layer: the Broker (declared
// here; NewMemory in process) and Relay, which makes a broker the store's
// outbox publisher. The WebSocket protocol, presence, cursors, the
// Redis broker and the clients are to come (see docs/architecture.md).
//
// A Memory broker is safe for concurrent use. A subscriber that falls
// behind by its buffer loses ephemeral messages first; a durable message
// that finds its buffer full closes it with ErrSlow, and it subscribes
// again from the last sequence number it took — nothing durable is lost.
package realtime
