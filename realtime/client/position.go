package client

import "github.com/critpath/critpath/realtime"

// Position is where a client stands in a room's history: the epoch of
// the history, the seq of the last durable message it handed the
// application, and the project revision its copy is at. The zero
// Position has seen nothing: a join from it asks for a snapshot.
//
// Position is a plain value with no locking; a Room keeps one and
// guards it.
type Position struct {
	Epoch string `json:"epoch,omitempty"`
	Seq   int64  `json:"seq"`
	// Rev is the project revision of the application's copy: the
	// snapshot's, then that of each change handed over since.
	Rev int64 `json:"rev"`
	// SnapshotRev is the revision of the last snapshot: a change
	// message whose rev is not past it is already in the snapshot.
	SnapshotRev int64 `json:"snapshot_rev,omitempty"`
}

// Verdict is what a client does with a message, given its position.
type Verdict int

const (
	// Deliver: the message is the next of the room (or ephemeral):
	// hand it to the application.
	Deliver Verdict = iota
	// Duplicate: a durable message at or before the position, seen
	// already: drop it.
	Duplicate
	// Held: the next durable message, but its change is already in the
	// snapshot (rev not past the snapshot's): the position moves past
	// it, the application does not get it.
	Held
	// Gap: a durable message (or a beacon) past the next seq: something
	// was missed; drop it and ask for a replay from the position.
	Gap
	// Resync: a durable message of another epoch: the history the
	// position belongs to is gone; join again without a position.
	Resync
)

// String names v.
func (v Verdict) String() string {
	switch v {
	case Deliver:
		return "deliver"
	case Duplicate:
		return "duplicate"
	case Held:
		return "held"
	case Gap:
		return "gap"
	case Resync:
		return "resync"
	}
	return "verdict(?)"
}

// Known reports whether p stands somewhere in a history (a join can
// then resume from it).
func (p Position) Known() bool { return p.Epoch != "" }

// Take judges m against p and moves p past m when m is the room's next
// durable message. Ephemeral messages (no seq) are delivered as they
// come; a beacon gives the room's position: Gap when it is past p,
// Duplicate otherwise (a beacon is never delivered). A position that is
// not Known takes the first durable message it sees as the next.
func (p *Position) Take(m *realtime.Message) Verdict {
	if m.Type == realtime.TypeBeacon {
		if p.Known() && m.Epoch != "" && m.Epoch != p.Epoch {
			return Resync
		}
		if m.Seq > p.Seq {
			return Gap
		}
		return Duplicate
	}
	if !m.Durable() {
		return Deliver
	}
	if p.Known() && m.Epoch != p.Epoch {
		return Resync
	}
	switch {
	case p.Known() && m.Seq <= p.Seq:
		return Duplicate
	case p.Known() && m.Seq > p.Seq+1:
		return Gap
	}
	p.Epoch, p.Seq = m.Epoch, m.Seq
	if m.Rev > 0 && m.Rev <= p.SnapshotRev {
		return Held
	}
	p.Rev = max(p.Rev, m.Rev)
	return Deliver
}

// Reset moves p to a snapshot: the room's position seq in epoch, the
// project at revision rev.
func (p *Position) Reset(epoch string, seq, rev int64) {
	*p = Position{Epoch: epoch, Seq: seq, Rev: rev, SnapshotRev: rev}
}
