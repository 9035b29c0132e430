package notify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// Attempt is one call of a provider for one message: recorded before the
// call (Done zero), and again when it returns.
type Attempt struct {
	Key      string `json:"key"`
	Provider string `json:"provider"`
	// Try is the outbox's try of the message's job (1 on the first).
	Try  int       `json:"try"`
	At   time.Time `json:"at"`
	Done time.Time `json:"done,omitzero"`
	// Accepted is true when the provider took the message (Receipt its
	// id for it); otherwise Class says how it failed and Err why.
	Accepted   bool          `json:"accepted,omitempty"`
	Receipt    string        `json:"receipt,omitempty"`
	Class      Class         `json:"class,omitempty"`
	Err        string        `json:"error,omitempty"`
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// DuplicatePossible is true when the message was sent although an
	// earlier attempt's outcome is unknown: the person may get it twice.
	DuplicatePossible bool `json:"duplicate_possible,omitempty"`
}

// Pending reports whether the attempt's call has not returned (or its
// worker stopped before recording what it returned).
func (a Attempt) Pending() bool { return a.Done.IsZero() }

// State is how a message ended.
type State uint8

// The states of a settled message.
const (
	// Delivered: a provider accepted it.
	Delivered State = iota + 1
	// Dead: it could not be delivered — refused before sending (a bad
	// address, a payload over the limit), refused by every provider, or
	// its retries used up. Reason says which.
	Dead
	// Unconfirmed: a provider may or may not have taken it (a timeout, a
	// worker stopped mid-call) and, as the provider takes no idempotency
	// key, it was not sent again lest it arrive twice.
	Unconfirmed
)

func (s State) String() string {
	switch s {
	case Delivered:
		return "delivered"
	case Dead:
		return "dead"
	case Unconfirmed:
		return "unconfirmed"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Delivery is how a message ended: the record every message gets, so
// that none is ever dropped without a trace. Dead and unconfirmed ones
// are the dead-letter record.
type Delivery struct {
	Key      string   `json:"key"`
	User     string   `json:"user,omitempty"`
	Project  string   `json:"project,omitempty"`
	Kind     Kind     `json:"kind,omitempty"`
	Severity Severity `json:"severity,omitzero"`
	Channel  Channel  `json:"channel"`
	To       string   `json:"to,omitempty"`
	State    State    `json:"state"`
	// Provider is the one that delivered it, or the last one tried.
	Provider string    `json:"provider,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
	// Tries is the outbox tries it took; DuplicatePossible as Attempt's.
	Tries             int  `json:"tries,omitempty"`
	DuplicatePossible bool `json:"duplicate_possible,omitempty"`
}

// Record is what a Ledger holds of one message: its attempts, in order,
// and how it ended (nil while it is under way).
type Record struct {
	Attempts []Attempt `json:"attempts"`
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Ledger records each attempt to deliver a message and how each message
// ended. It must be durable for what the package promises (a message
// never lost, never sent twice to a provider that takes our key) to hold
// across crashes. Record stores an attempt: a new one (Done zero) or
// the end of the pending one of the same key, provider and try. Settle
// records how a message ended; the first settlement of a key stands.
// Lookup returns a message's record, empty when it has none.
type Ledger interface {
	Record(ctx context.Context, a Attempt) error
	Settle(ctx context.Context, d Delivery) error
	Lookup(ctx context.Context, key string) (Record, error)
}

// MemoryLedger is a Ledger in memory, for tests and a single process: it
// is lost with the process. It is safe for concurrent use.
type MemoryLedger struct {
	mu      sync.Mutex
	records map[string]*Record
	// ended lists the keys in the order they were settled.
	ended []string
}

var _ Ledger = (*MemoryLedger)(nil)

// NewMemoryLedger returns an empty ledger.
func NewMemoryLedger() *MemoryLedger { return &MemoryLedger{records: map[string]*Record{}} }

func (l *MemoryLedger) record(key string) *Record {
	r, ok := l.records[key]
	if !ok {
		r = &Record{}
		l.records[key] = r
	}
	return r
}

// Record implements Ledger.
func (l *MemoryLedger) Record(_ context.Context, a Attempt) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(a.Key)
	if !a.Done.IsZero() {
		for i := len(r.Attempts) - 1; i >= 0; i-- {
			p := &r.Attempts[i]
			if p.Pending() && p.Provider == a.Provider && p.Try == a.Try {
				*p = a
				return nil
			}
		}
	}
	r.Attempts = append(r.Attempts, a)
	return nil
}

// Settle implements Ledger.
func (l *MemoryLedger) Settle(_ context.Context, d Delivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.record(d.Key)
	if r.Delivery == nil {
		r.Delivery = &d
		l.ended = append(l.ended, d.Key)
	}
	return nil
}

// Lookup implements Ledger.
func (l *MemoryLedger) Lookup(_ context.Context, key string) (Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.records[key]
	if !ok {
		return Record{}, nil
	}
	out := Record{Attempts: slices.Clone(r.Attempts)}
	if r.Delivery != nil {
		out.Delivery = new(*r.Delivery)
	}
	return out, nil
}

// Deliveries returns the settled messages in the order they ended,
// those in states (all when none is given).
func (l *MemoryLedger) Deliveries(states ...State) []Delivery {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Delivery
	for _, k := range l.ended {
		d := *l.records[k].Delivery
		if len(states) == 0 || slices.Contains(states, d.State) {
			out = append(out, d)
		}
	}
	return out
}

// DeadLetters returns the messages that ended dead or unconfirmed.
func (l *MemoryLedger) DeadLetters() []Delivery { return l.Deliveries(Dead, Unconfirmed) }

// Attempts returns every attempt recorded, message by message in the
// order of their keys.
func (l *MemoryLedger) Attempts() []Attempt {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Attempt
	for _, k := range slices.Sorted(maps.Keys(l.records)) {
		out = append(out, l.records[k].Attempts...)
	}
	return out
}
