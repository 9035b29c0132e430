package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/store"
)

// Message is what a room's members receive. A durable message (an event
// of the project's log) carries the room's sequence number — the
// project's revision it made — and the room's epoch; an ephemeral one
// (a cursor, presence) carries neither and may be dropped.
type Message struct {
	Type    string          `json:"type"`
	Room    string          `json:"room"`
	Seq     int64           `json:"seq,omitempty"`
	Epoch   string          `json:"epoch,omitempty"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor,omitempty"`
	Command string          `json:"command,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Durable reports whether m is an event of the room's log.
func (m *Message) Durable() bool { return m.Seq > 0 }

// Broker fans a room's messages out to its subscribers and keeps a
// bounded history of its durable ones, so that a member who was away
// gets exactly what it missed. The package declares it; NewMemory is the
// in-process broker. It is safe for concurrent use.
type Broker interface {
	// Publish hands m to the room's subscribers. A durable message must
	// follow the room's last (Seq = last + 1); one already published
	// (Seq ≤ last: a redelivery) is ignored; one past a gap fails with
	// ErrGap and publishes nothing.
	Publish(ctx context.Context, m Message) error
	// Subscribe returns the room's durable messages after sequence
	// number after, from its history, then every message as it is
	// published, until ctx ends or the subscription is closed. It fails
	// with ErrResync when the history no longer reaches back to after+1:
	// the member reloads the project instead.
	Subscribe(ctx context.Context, room string, after int64) (*Subscription, error)
}

// Errors of the brokers.
var (
	// ErrGap: a durable message past the room's next sequence number.
	ErrGap = errors.New("realtime: a gap in the room's sequence")
	// ErrResync: the history no longer holds what a member missed.
	ErrResync = errors.New("realtime: the history does not reach back that far: resync")
	// ErrSlow: a subscriber whose buffer filled with durable messages
	// was closed; it subscribes again from the last it took.
	ErrSlow = errors.New("realtime: subscriber too slow")
)

// Relay makes a broker a store.Publisher: each event of the store's
// outbox is published to the room of its project as a durable message of
// type "event", its body as data. A redelivered event (the relay hands an
// event again after a crash) is ignored by the broker; an event past a
// gap (the broker lost what came before, a restart) fails with ErrGap,
// and the store's relay hands it again later.
func Relay(b Broker) store.Publisher {
	return store.PublisherFunc(func(ctx context.Context, ev store.Event) error {
		data := ev.Body
		if !json.Valid(data) {
			var err error
			if data, err = json.Marshal(ev.Body); err != nil {
				return fmt.Errorf("realtime: event %d of %q: %w", ev.Seq, ev.Project, err)
			}
		}
		return b.Publish(ctx, Message{Type: "event", Room: ev.Project, Seq: ev.Seq, Time: ev.Time,
			Actor: ev.Actor, Command: ev.Command, Data: data})
	})
}
