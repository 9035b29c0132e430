package store

import (
	"context"
	"errors"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Backend keeps projects durably: each project's event log, its latest
// snapshot, the answers to recent commands and the outbox of events not
// yet published. The store declares it; Memory implements it in process,
// and adapters/sqlite and adapters/postgres on disk. Every implementation
// passes the conformance suite in store/storetest.
//
// A Backend is safe for concurrent use. It knows nothing of scheduling:
// events, snapshots and answers are opaque bytes to it, apart from the
// few fields it indexes.
type Backend interface {
	Log
	Snapshots
	Commands
	Outbox
	// Close releases the backend's resources.
	Close() error
}

// Log is a Backend's event log: per project, events numbered 1, 2, 3 …
// with no gap, appended only when the writer saw the one before.
type Log interface {
	// Create stores a new project: its first event (Seq 1) and a snapshot
	// at revision 1, and queues the event in the outbox, in one
	// transaction. It fails with ErrExists when the project exists.
	Create(ctx context.Context, first Event, snap Snapshot) error
	// Append stores ev, whose Seq is the project's last plus one,
	// together with cmd (when not nil: the answer to the command that
	// made it, for Commands.Answer) and ev's place in the outbox, in one
	// transaction. When the project's last event is not ev.Seq−1 —
	// another writer appended first — it writes nothing and fails with
	// ErrStale; an unknown project fails with ErrNotFound.
	Append(ctx context.Context, ev Event, cmd *Answer) error
	// Events returns up to limit events of the project with Seq > after,
	// in order (none when there are none); ErrNotFound for an unknown
	// project.
	Events(ctx context.Context, project string, after int64, limit int) ([]Event, error)
	// Projects lists projects, the most recently changed first, up to
	// limit.
	Projects(ctx context.Context, limit int) ([]ProjectInfo, error)
}

// Snapshots keeps each project's state at some revision, so that loading
// a project replays only the events after it.
type Snapshots interface {
	// SaveSnapshot stores snap, replacing an older snapshot of its project
	// (one at a higher revision is kept instead).
	SaveSnapshot(ctx context.Context, snap Snapshot) error
	// Snapshot returns the project's latest snapshot, or ErrNotFound.
	Snapshot(ctx context.Context, project string) (Snapshot, error)
}

// Commands keeps the answers to commands, so that a command sent twice is
// answered twice alike and applied once.
type Commands interface {
	// Answer returns the answer recorded for the project's command id at
	// or after since, if there is one.
	Answer(ctx context.Context, project, command string, since time.Time) (Answer, bool, error)
	// ForgetAnswers deletes the answers recorded before a time.
	ForgetAnswers(ctx context.Context, before time.Time) error
}

// Outbox holds the events not yet handed to the publisher, across
// restarts.
type Outbox interface {
	// Pending returns up to limit events not yet marked delivered, each
	// project's in sequence order, the oldest appended first.
	Pending(ctx context.Context, limit int) ([]Event, error)
	// Delivered marks events delivered; marking one twice is harmless.
	Delivered(ctx context.Context, events []EventID) error
}

// Event is one accepted change in a project's log.
type Event struct {
	Project string `json:"project"`
	// Seq numbers the project's events 1, 2, 3 … with no gap; it is the
	// project's revision once the event is applied (1: created).
	Seq   int64     `json:"seq"`
	Time  time.Time `json:"time"`
	Actor string    `json:"actor,omitempty"`
	// Command is the client's command id, empty when it gave none.
	Command string `json:"command,omitempty"`
	// Kind says what Body holds: KindCreate (the project's JSON) or
	// KindChange (the change as accepted, JSON).
	Kind string `json:"kind"`
	Body []byte `json:"body"`
	// Delta is what a change moved (the engine's delta), handed with the
	// event by Store.Relay when the relaying store applied or caught up
	// with it recently; nil otherwise (the publisher says "read the
	// schedule again"). It is not part of the log.
	Delta *schedule.Delta `json:"-"`
	// Prev is the Hash of the event before (empty for the first); Hash is
	// a SHA-256 over Prev and the event's fields (see Event.Sum), so that
	// a rewritten history shows where it was rewritten.
	Prev string `json:"prev,omitempty"`
	Hash string `json:"hash"`
}

// The kinds of event.
const (
	KindCreate = "create"
	KindChange = "change"
)

// EventID names one event.
type EventID struct {
	Project string
	Seq     int64
}

// ID returns the event's EventID.
func (e Event) ID() EventID { return EventID{e.Project, e.Seq} }

// Snapshot is a project's encoded state at a revision.
type Snapshot struct {
	Project  string
	Revision int64
	Data     []byte
}

// Answer is what a command was answered, kept so that the command sent
// again is answered the same without being applied again.
type Answer struct {
	Project string
	Command string
	Seq     int64 // the event the command made
	Time    time.Time
	Body    []byte
}

// ProjectInfo is a project's place in the log.
type ProjectInfo struct {
	ID       string
	Revision int64
	Changed  time.Time // when its last event was appended
}

// Backend errors.
var (
	// ErrNotFound: no such project.
	ErrNotFound = errors.New("store: no such project")
	// ErrExists: the project exists already.
	ErrExists = errors.New("store: project exists")
	// ErrStale: another writer appended the event of that number first.
	ErrStale = errors.New("store: the log moved on (another writer appended first)")
	// ErrClosed: the backend or store was closed.
	ErrClosed = errors.New("store: closed")
)
