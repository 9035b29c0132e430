// Package client is the Go client of the realtime protocol
// (realtime/PROTOCOL.md, subprotocol critpath.v1): a connection to a hub
// that reconnects by itself, joins project rooms, hands the application
// each room's messages exactly once and in order, and sends edits that
// are applied once however often they are retried.
//
// # Connecting
//
// Dial connects, says hello with Options.Token and returns a Client; from
// then on the client reconnects by itself whenever the connection is
// lost, waiting a delay drawn with full jitter (Backoff: uniform in
// [0, min(30 s, 250 ms·2^attempt))). Token is called on every connection
// and again when the server says the token is about to expire. Close
// codes decide what comes next: 4401 (unauthorized) reconnects with a new
// token; 4408 (slow), 1012 (restart) and a cut connection reconnect and
// resume every room from its position; 4409 (resync) reconnects and joins
// every room afresh (a snapshot); 4429 (rate limited) stays away longer
// (at least half of a window sixteen times as wide); 4403 (forbidden)
// stops the client for good. Status delivers each change of the
// connection (connecting, open, reconnecting with the close code and the
// delay, closed).
//
// # Rooms and their events
//
// Join enters a project's room and returns a Room; its events come, in
// order, on the channel Room.Events — a channel rather than a callback,
// so that the application consumes them where and when it likes (in a
// select with its other work) and its own slowness is bounded: each room
// buffers Options.Buffer events (default 256), and while a room's buffer
// is full the client stops reading its connection. Replies then wait too;
// if it lasts, the server closes the connection as slow (4408) and the
// client resumes by seq with nothing lost. So the application must keep
// taking each room's events (and must not wait for an edit's answer on
// the goroutine that takes them while it lets them pile up).
//
// The first event of a room is a Snapshot (the project, its schedule's
// JSON, the room's position) with the room's presence. Then come its
// messages: durable ones (changes, schedule.recalc, jobs, notifications)
// in the room's order, ephemeral ones (presence diffs, cursors, typing)
// as they arrive. The client keeps per room a Position — the epoch, the
// seq of the last durable message handed over, the project revision —
// and drops any durable message whose seq is not past it, so no duplicate
// reaches the application. A seq past the next one, or a beacon past the
// position, makes it ask the server to replay what it missed; a change
// message whose revision a snapshot already holds is skipped. After a
// reconnection it joins each room with its seq and epoch and gets exactly
// what it missed, or a new Snapshot when the server's history no longer
// reaches back (the application then replaces its copy). JoinUser joins
// the user's own room, where notifications come, the same way; messages
// of a room not joined are dropped.
//
// # Edits
//
// Patch, Progress, CreateTask, DeleteTask, AddLink, RemoveLink, Assign
// and Unassign send an edit with a new random command id and wait for the
// server's answer: the store's Outcome, or an *Error. The edit is sent
// again with the same command id on every new connection until it is
// answered, and after a refusal the server says may be retried
// (rate_limited after its retry_after_ms; unavailable and internal after
// a back-off), until the caller's ctx ends; the store answers a command it
// has seen with its first answer (Outcome.Duplicate) and applies nothing
// again. A conflict is an *Error from which errors.AsType gets the
// *store.ConflictError with the store's conflicts. Edits made while the
// client is disconnected wait, in the order they were made, and are sent
// in that order once it is connected again; at most Options.OfflineQueue
// of them (default 256) — past it an edit fails at once with
// ErrQueueFull. The change an edit makes also arrives on Events, as a
// durable message carrying the same command id.
//
// An edit's base is the room's revision (Position.Rev: the last change
// handed to the application) unless Versions says otherwise; Versions
// also carries the versions of the fields the application saw, so that a
// stale write of a schedule field is refused rather than applied.
//
// Cursor and Typing are throttled by the client to 20 a second, the latest
// winning, and never block; Presence and Client.Ping wait for their reply.
//
// # Concurrency
//
// A Client and its Rooms are safe for concurrent use. Each connection has
// one reader goroutine, which handles replies and hands events to the
// rooms' channels; Close stops it and every goroutine the client started.
package client
