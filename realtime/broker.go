package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Message is what a room's members receive (see PROTOCOL.md). A durable
// message is kept in the room's history and carries the room's sequence
// number and epoch, both assigned by the broker; an ephemeral one
// (cursors, presence, beacons) carries neither and may be dropped. A
// reply carries Re, the id of the operation it answers.
type Message struct {
	Type  string `json:"type"`
	Room  string `json:"room,omitempty"`
	Seq   int64  `json:"seq,omitempty"`
	Epoch string `json:"epoch,omitempty"`
	// Rev is the project's revision a store event made (see Relay).
	Rev     int64           `json:"rev,omitempty"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor,omitempty"`
	Command string          `json:"command,omitempty"`
	Re      string          `json:"re,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`

	// frame is the message's JSON encoding, made once by whoever
	// publishes it and shared by every copy (see Encoded).
	frame []byte
}

// Durable reports whether m is a message of the room's history: it has
// a sequence number and is not a beacon (which carries the room's
// position but is not part of it).
func (m *Message) Durable() bool { return m.Seq > 0 && m.Type != TypeBeacon }

// Encoded returns m's JSON encoding. A broker encodes a message once
// when it publishes it (Seal), so that a thousand members cost one
// encoding, not a thousand.
func (m *Message) Encoded() []byte {
	if m.frame == nil {
		m.Seal()
	}
	return m.frame
}

// Seal encodes m and keeps the encoding in m; a copy of m made after
// Seal shares it. Call it again after changing a field.
func (m *Message) Seal() {
	b, err := json.Marshal(m)
	if err != nil {
		// Only Data can fail (not valid JSON): send it as a string.
		c := *m
		c.frame = nil
		c.Data, _ = json.Marshal(string(m.Data))
		b, _ = json.Marshal(&c)
	}
	m.frame = b
}

// Presence is one connection's place in a room: who, from which node,
// and what task and field they are looking at or editing.
type Presence struct {
	User string `json:"user"`
	// Name is the user's display name, when the authenticator gave one.
	Name  string    `json:"name,omitempty"`
	Conn  string    `json:"conn"`
	Node  string    `json:"node"`
	Role  Role      `json:"role,omitempty"`
	Task  string    `json:"task,omitempty"`
	Field string    `json:"field,omitempty"`
	State string    `json:"state,omitempty"` // "viewing" or "editing"
	Since time.Time `json:"since"`
}

// Broker carries a room's messages to its members on every node and
// keeps a bounded history of its durable ones, so that a member who was
// away gets exactly what it missed, or is told to resync. NewMemory is
// the in-process broker; adapters/redis the one for many nodes. Both
// pass the suite in realtime/realtimetest. A Broker is safe for
// concurrent use.
type Broker interface {
	// Publish appends ms, in order, to the room's history, each with the
	// room's next sequence number and its epoch, and hands them to the
	// room's subscribers; it returns the sequence number of the last.
	// The batch is atomic: all or none are appended, and no other
	// message comes between them.
	//
	// Messages carrying a project revision (Rev > 0, from Relay; all of
	// a batch share it) are deduplicated by it: a batch whose Rev is not
	// past the room's last revision is a redelivery and is ignored
	// (returning 0, nil); one past a gap (Rev > last + 1, after the first
	// the room got in its epoch) fails with ErrGap and appends nothing.
	Publish(ctx context.Context, room string, ms ...Message) (int64, error)
	// Signal hands an ephemeral message to the room's subscribers on
	// every node, without keeping it. It may be dropped.
	Signal(ctx context.Context, room string, m Message) error
	// Subscribe returns the room's durable messages after sequence
	// number after, from its history, then every message as it is
	// published or signalled, until ctx ends or the subscription is
	// closed. after < 0 means from now on. It fails with ErrResync when
	// epoch is not empty and is not the room's, or when the history no
	// longer reaches back to after+1 (or after is past the room's last):
	// the member reloads the project instead.
	Subscribe(ctx context.Context, room string, after int64, epoch string) (*Subscription, error)
	// Range returns up to limit of the room's durable messages after
	// sequence number after, oldest first, from its history; ErrResync
	// as Subscribe.
	Range(ctx context.Context, room string, after int64, epoch string, limit int) ([]Message, error)
	// Last returns the room's last sequence number, its last project
	// revision and its epoch (0, 0 and the epoch a first message will
	// get, for a room with no history).
	Last(ctx context.Context, room string) (seq, rev int64, epoch string, err error)

	// SetPresence records the connections node has in room, replacing
	// what it had there (none: it has none left), and signals the room
	// that its presence changed.
	SetPresence(ctx context.Context, room, node string, ps []Presence) error
	// Presence returns the room's connections on every live node.
	Presence(ctx context.Context, room string) ([]Presence, error)
	// Alive says node is alive for ttl: a node that stops saying so
	// (it died) has its presence dropped once ttl has passed.
	Alive(ctx context.Context, node string, ttl time.Duration) error
}

// SizedSubscriber is a Broker that lets its caller size a
// subscription's buffer, which is otherwise the broker's (sized for one
// subscription per room and node, as the hub makes). The hub asks a
// small one for a user's room. Memory and adapters/redis's Broker are
// SizedSubscribers.
type SizedSubscriber interface {
	// SubscribeSized is Subscribe with a buffer of buffer messages past
	// the replay.
	SubscribeSized(ctx context.Context, room string, after int64, epoch string, buffer int) (*Subscription, error)
}

// Signal types the brokers use among themselves.
const (
	// TypePresenceChanged is signalled by SetPresence: a node's members
	// of the room changed; each node reads Presence again.
	TypePresenceChanged = "presence.changed"
)

// Errors of the brokers.
var (
	// ErrGap: a store event past the room's next revision.
	ErrGap = errors.New("realtime: a gap in the room's revisions")
	// ErrResync: the history does not hold what a member missed (it
	// aged out, or the epoch changed).
	ErrResync = errors.New("realtime: the history does not reach back that far: resync")
	// ErrSlow: a subscriber whose buffer filled with durable messages
	// was closed; it subscribes again from the last it took.
	ErrSlow = errors.New("realtime: subscriber too slow")
)
