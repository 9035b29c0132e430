package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Subprotocol is the WebSocket subprotocol of this package's protocol
// (PROTOCOL.md); the handshake refuses a client that does not offer it.
const Subprotocol = "critpath.v1"

// Operations a client sends (the Op of a Request).
const (
	OpHello        = "hello"         // token: authenticate, or refresh the token
	OpJoin         = "join"          // room, seq, epoch: enter a room, from a position or with a snapshot
	OpLeave        = "leave"         // room
	OpReplay       = "replay"        // room, seq, epoch: the durable messages after seq
	OpPatch        = "task.patch"    // room, task, fields, base, bases, command
	OpTaskCreate   = "task.create"   // room, new, base, command
	OpTaskDelete   = "task.delete"   // room, task, base, command
	OpLinkAdd      = "link.add"      // room, link, op_id, base, command
	OpLinkRemove   = "link.remove"   // room, link, op_id, base, command
	OpAssignAdd    = "assign.add"    // room, assignment, op_id, base, command
	OpAssignRemove = "assign.remove" // room, assignment, op_id, base, command
	OpProgress     = "progress"      // room, task, fields (progress fields only), base, bases, command
	OpCursor       = "cursor"        // room, task, field, x, y: ephemeral, replied only when refused
	OpPresence     = "presence"      // room, task, field, state
	OpTyping       = "typing"        // room, task, field: ephemeral, replied only when refused
	OpPing         = "ping"
)

// Request is one operation from a client: one JSON object per text
// frame. ID is the client's id for the request, echoed as the reply's
// Re; Command is the id of an edit for the store's deduplication (a
// retry sends the same one). Which other fields an operation reads is
// listed with the Op constants and in PROTOCOL.md.
type Request struct {
	ID      string `json:"id,omitempty"`
	Op      string `json:"op"`
	Token   string `json:"token,omitempty"`
	Room    string `json:"room,omitempty"`
	Seq     *int64 `json:"seq,omitempty"`
	Epoch   string `json:"epoch,omitempty"`
	Command string `json:"command,omitempty"`
	// Base is the project's revision the client's copy is at; Bases,
	// per field, the version of each field it saw, when it knows them.
	Base  int64            `json:"base,omitempty"`
	Bases map[string]int64 `json:"bases,omitempty"`

	Task       string                     `json:"task,omitempty"`
	Fields     map[string]json.RawMessage `json:"fields,omitempty"`
	New        *schedule.Task             `json:"new,omitempty"`
	OpID       string                     `json:"op_id,omitempty"`
	Link       *schedule.Link             `json:"link,omitempty"`
	Assignment *schedule.Assignment       `json:"assignment,omitempty"`

	Field string   `json:"field,omitempty"`
	State string   `json:"state,omitempty"`
	X     *float64 `json:"x,omitempty"`
	Y     *float64 `json:"y,omitempty"`
}

// Types of the messages a server sends. Durable ones carry the room's
// seq and epoch; the rest do not.
const (
	TypeReply = "reply" // the answer to a request: Re is its id

	// Durable.
	TypeProjectCreated    = "project.created"    // data: the project (as created)
	TypeTaskChanged       = "task.changed"       // data: ChangeData; ops all "set"
	TypeTaskCreated       = "task.created"       // ops all "add_task"
	TypeTaskDeleted       = "task.deleted"       // ops all "remove_task"
	TypeLinkAdded         = "link.added"         // ops all "add_link"
	TypeLinkRemoved       = "link.removed"       // ops all "remove_link"
	TypeAssignmentAdded   = "assignment.added"   // ops all "assign"
	TypeAssignmentRemoved = "assignment.removed" // ops all "unassign"
	TypeResourceChanged   = "resource.changed"   // ops all "set_resource"
	TypeCalendarChanged   = "calendar.changed"   // ops all "set_calendar"
	TypeProgress          = "progress"           // ops all "set" of progress fields
	TypeChange            = "change"             // ops of several kinds
	TypeRecalc            = "schedule.recalc"    // data: RecalcData, right after the change that caused it
	TypeJob               = "job"                // data: a jobs.Event
	TypeNotification      = "notification"       // data: a notify.Item, in the room "user:<id>"

	// Ephemeral.
	TypePresence = "presence"      // data: PresenceDiff, every 250 ms at most
	TypeCursor   = "cursor"        // data: CursorData, every 50 ms at most
	TypeTyping   = "typing"        // data: {user, conn, task, field}
	TypeBeacon   = "beacon"        // seq, epoch: the room's position, on quiet rooms
	TypeResync   = "resync"        // the room's history broke: join again without seq
	TypeExpiring = "auth.expiring" // data: {expires}: send hello with a fresh token
)

// ChangeData is the data of a change message: the store's event.
type ChangeData struct {
	Base        int64              `json:"base"`
	Ops         []store.Op         `json:"ops"`
	Resolutions []store.Resolution `json:"resolutions,omitempty"`
	Skipped     []store.Skip       `json:"skipped,omitempty"`
}

// RecalcData is the data of a schedule.recalc message: the tasks whose
// dates, floats, progress, work or cost the change moved (the engine's
// delta), or Full when the delta is not known (the client reads the
// schedule again).
type RecalcData struct {
	Delta *schedule.Delta `json:"delta,omitempty"`
	Full  bool            `json:"full,omitempty"`
}

// PresenceDiff is the data of a presence message: connections that
// came, changed (task, field or state) and left since the last one.
type PresenceDiff struct {
	Joined  []Presence `json:"joined,omitempty"`
	Changed []Presence `json:"changed,omitempty"`
	Left    []Presence `json:"left,omitempty"`
}

// Cursor is one connection's pointer.
type Cursor struct {
	User  string   `json:"user"`
	Conn  string   `json:"conn"`
	Task  string   `json:"task,omitempty"`
	Field string   `json:"field,omitempty"`
	X     *float64 `json:"x,omitempty"`
	Y     *float64 `json:"y,omitempty"`
}

// CursorData is the data of a cursor message: the latest cursor of each
// connection that moved since the last flush.
type CursorData struct {
	Cursors []Cursor `json:"cursors"`
}

// Reply is the data of a reply message.
type Reply struct {
	OK    bool            `json:"ok"`
	Data  json.RawMessage `json:"data,omitempty"`
	Error *ErrorData      `json:"error,omitempty"`
}

// ErrorData says why a request was refused.
type ErrorData struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Retry says whether the same request may succeed later unchanged
	// (after RetryAfterMS when given); a conflict is not retried as is.
	Retry        bool  `json:"retry"`
	RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
	// Conflicts: for code "conflict", each field's current value, its
	// version and who set it.
	Conflicts []store.Conflict `json:"conflicts,omitempty"`
	// Where names the field of the request or of the change at fault
	// (an op's index, a task, a field), for code "bad_request".
	Where string `json:"where,omitempty"`
}

// Error codes of a refused request.
const (
	CodeBadRequest   = "bad_request"   // malformed, unknown op, a value out of range: not retried
	CodeUnauthorized = "unauthorized"  // no hello yet, or the token was refused
	CodeForbidden    = "forbidden"     // the role does not allow it
	CodeNotFound     = "not_found"     // no such project (room)
	CodeNotJoined    = "not_joined"    // an operation on a room the connection has not joined
	CodeConflict     = "conflict"      // a stale write of a schedule field: Conflicts say what is there
	CodeResync       = "resync"        // the history does not reach back: join without seq
	CodeRateLimited  = "rate_limited"  // retried after RetryAfterMS
	CodeTooMany      = "too_many"      // rooms per connection
	CodeTooLarge     = "too_large"     // a change over the store's limits
	CodeUnavailable  = "unavailable"   // the store or the broker failed: retried
	CodeInternal     = "internal"      // a fault of the server: retried
	CodeCycle        = "cycle"         // a link that would close a loop
	CodeFuture       = "future"        // a base revision the project has not reached: resync
	CodeUnknownField = "unknown_field" // the store's ErrUnknownField
)

// Close codes of the protocol (RFC 6455 §7.4: 4000–4999 are private).
const (
	CloseRestart      = 1012 // the server is restarting: reconnect (with jitter)
	CloseTooBig       = 1009 // a message over Limits.MessageBytes
	CloseBadRequest   = 4400 // not JSON, a binary frame, or too many bad requests
	CloseUnauthorized = 4401 // no hello in time, a refused or expired token
	CloseForbidden    = 4403 // the user may no longer connect (refresh gave another user)
	CloseSlow         = 4408 // the outbound queue overflowed: reconnect and join with seq
	CloseResync       = 4409 // the server cannot resume this connection: join without seq
	CloseRateLimited  = 4429 // operations over the rate for too long, or too many connections
)

// Role is what a user may do in a project's room.
type Role string

// Roles, each allowing what the one before does and more.
const (
	RoleNone    Role = ""
	RoleViewer  Role = "viewer"  // join, replay, cursor, presence, typing
	RolePlanner Role = "planner" // and every edit
	RoleOwner   Role = "owner"   // and what the server reserves to owners (not used by the hub itself)
)

// Allows reports whether r is at least need.
func (r Role) Allows(need Role) bool { return rank(r) >= rank(need) }

func rank(r Role) int {
	switch r {
	case RoleViewer:
		return 1
	case RolePlanner:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// Identity is who a token says the client is.
type Identity struct {
	User    string
	Name    string
	Expires time.Time // zero: never
	// Roles are the roles per project the token carries, for the
	// authenticator's Role to read ("*": every other project); nil when
	// the authenticator keeps roles elsewhere. The hub does not read it.
	Roles map[string]Role
}

// Authenticator checks a hello's token and a user's role in a project.
// adapters/jwt is one (HS256, RS256, EdDSA). It is safe for concurrent
// use.
type Authenticator interface {
	// Authenticate returns who token is for; an error refuses it (the
	// hub closes with CloseUnauthorized).
	Authenticate(ctx context.Context, token string) (Identity, error)
	// Role returns user's role in project (RoleNone: not a member).
	Role(ctx context.Context, id Identity, project string) (Role, error)
}

// ErrUnauthorized is returned by authenticators for a token they refuse
// (wrapped with why).
var ErrUnauthorized = errors.New("realtime: unauthorized")

// Projects is what the hub needs of the store: *store.Store is one.
type Projects interface {
	Apply(ctx context.Context, project string, ch store.Change) (*store.Outcome, error)
	Project(ctx context.Context, id string) (*schedule.Project, int64, error)
	Schedule(ctx context.Context, id string) (*schedule.Result, int64, error)
}

// Metrics counts what the hub does; adapters/prometheus exports it.
// Every method is safe for concurrent use and must not block. Classes
// are "durable", "ephemeral" and "reply".
type Metrics interface {
	Connections(delta int)
	Rooms(delta int)
	MessagesIn(op string, bytes int)
	MessagesOut(class string, n, bytes int)
	Dropped(class string, n int)
	SlowClosed()
	Replayed(n int)
	Resynced()
	// PublishToWrite observes the time from a durable message's
	// publication to its write on a connection.
	PublishToWrite(d time.Duration)
}

// Limits bound what one connection may cost. The zero value of a field
// means its default.
type Limits struct {
	MessageBytes    int64         // inbound message size; default 64 KiB
	QueueBytes      int           // outbound queue per connection; default 512 KiB
	Rooms           int           // rooms per connection; default 50
	ConnsPerUser    int           // connections per user on a node; default 20
	OpsPerSecond    float64       // operations per second per connection (cursor and typing apart); default 50
	OpsBurst        int           // default 100
	CursorPerSecond float64       // cursor and typing messages per second; default 30
	HelloTimeout    time.Duration // time to send hello; default 10 s
	Heartbeat       time.Duration // WebSocket ping interval; default 25 s (closed without pong in one interval)
	Beacon          time.Duration // position beacon on quiet rooms; default 10 s
	PresenceEvery   time.Duration // presence diff coalescing; default 250 ms
	PresenceGrace   time.Duration // a leave waits this long for a reconnect; default 5 s
	CursorEvery     time.Duration // cursor flush per room; default 50 ms
	NodeTTL         time.Duration // presence of a node that stops heartbeating; default 15 s
	ReplayLimit     int           // durable messages a join or replay sends before resync; default 1,000
	RateLimitedFor  time.Duration // refused for over the rate this long without a break: close 4429; default 10 s
}
