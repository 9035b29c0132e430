package client

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/critpath/critpath/realtime"
)

func durable(seq, rev int64) *realtime.Message {
	return &realtime.Message{Type: realtime.TypeTaskChanged, Room: "p", Seq: seq, Epoch: "e1", Rev: rev}
}

func TestPositionTake(t *testing.T) {
	type step struct {
		m    *realtime.Message
		want Verdict
	}
	tests := []struct {
		name    string
		start   Position
		steps   []step
		wantSeq int64
		wantRev int64
	}{
		{
			name:    "in order",
			start:   Position{Epoch: "e1", Seq: 3, Rev: 3},
			steps:   []step{{durable(4, 4), Deliver}, {durable(5, 4), Deliver}, {durable(6, 5), Deliver}},
			wantSeq: 6, wantRev: 5,
		},
		{
			name:    "duplicates dropped",
			start:   Position{Epoch: "e1", Seq: 3},
			steps:   []step{{durable(2, 0), Duplicate}, {durable(3, 0), Duplicate}, {durable(4, 0), Deliver}, {durable(4, 0), Duplicate}},
			wantSeq: 4,
		},
		{
			name:    "gap",
			start:   Position{Epoch: "e1", Seq: 3},
			steps:   []step{{durable(5, 0), Gap}, {durable(4, 0), Deliver}, {durable(5, 0), Deliver}},
			wantSeq: 5,
		},
		{
			name:  "changes held by the snapshot",
			start: Position{Epoch: "e1", Seq: 3, Rev: 5, SnapshotRev: 5},
			steps: []step{
				{durable(4, 5), Held},    // the change of rev 5
				{durable(5, 5), Held},    // its schedule.recalc
				{durable(6, 6), Deliver}, // the next change
				{durable(7, 6), Deliver}, // and its recalc, same rev
				{&realtime.Message{Type: realtime.TypeJob, Seq: 8, Epoch: "e1"}, Deliver},
			},
			wantSeq: 8, wantRev: 6,
		},
		{
			name:    "ephemeral messages pass",
			start:   Position{Epoch: "e1", Seq: 3},
			steps:   []step{{&realtime.Message{Type: realtime.TypeCursor}, Deliver}, {&realtime.Message{Type: realtime.TypePresence}, Deliver}},
			wantSeq: 3,
		},
		{
			name:  "beacons",
			start: Position{Epoch: "e1", Seq: 3},
			steps: []step{
				{&realtime.Message{Type: realtime.TypeBeacon, Seq: 3, Epoch: "e1"}, Duplicate},
				{&realtime.Message{Type: realtime.TypeBeacon, Seq: 2, Epoch: "e1"}, Duplicate},
				{&realtime.Message{Type: realtime.TypeBeacon, Seq: 4, Epoch: "e1"}, Gap},
				{&realtime.Message{Type: realtime.TypeBeacon, Seq: 3, Epoch: "e2"}, Resync},
			},
			wantSeq: 3,
		},
		{
			name:    "another epoch",
			start:   Position{Epoch: "e1", Seq: 3},
			steps:   []step{{&realtime.Message{Type: realtime.TypeTaskChanged, Seq: 4, Epoch: "e2"}, Resync}},
			wantSeq: 3,
		},
		{
			name:    "unknown position takes the first",
			steps:   []step{{durable(9, 2), Deliver}, {durable(10, 3), Deliver}, {durable(10, 3), Duplicate}},
			wantSeq: 10, wantRev: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.start
			for i, s := range tt.steps {
				if got := p.Take(s.m); got != s.want {
					t.Errorf("step %d (%s seq %d rev %d): got %v, want %v", i, s.m.Type, s.m.Seq, s.m.Rev, got, s.want)
				}
			}
			if p.Seq != tt.wantSeq || p.Rev != tt.wantRev {
				t.Errorf("got seq %d rev %d, want seq %d rev %d", p.Seq, p.Rev, tt.wantSeq, tt.wantRev)
			}
		})
	}
}

// TestPositionRecovers feeds a position random corruptions of a room's
// history — messages lost, repeated, swapped — and answers each Gap as a
// server answers replay (every message after the position, themselves
// corrupted again) and ends with a beacon: the messages delivered are
// the history, each once, in order.
func TestPositionRecovers(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 1 + rng.IntN(300)
		history := make([]*realtime.Message, n)
		for i := range n {
			history[i] = durable(int64(i+1), int64(i/2+1)) // a change and its recalc share a rev
		}
		corrupt := func(ms []*realtime.Message) []*realtime.Message {
			var out []*realtime.Message
			for _, m := range ms {
				switch rng.IntN(20) {
				case 0: // lost
				case 1: // repeated
					out = append(out, m, m)
				case 2: // swapped with the one before
					out = append(out, m)
					if k := len(out); k > 1 {
						out[k-1], out[k-2] = out[k-2], out[k-1]
					}
				default:
					out = append(out, m)
				}
			}
			return out
		}
		p := Position{Epoch: "e1"}
		var got []int64
		queue := corrupt(history)
		replays := 0
		for len(queue) > 0 || p.Seq < int64(n) {
			if len(queue) == 0 { // quiet: the beacon tells where the room is
				queue = append(queue, &realtime.Message{Type: realtime.TypeBeacon, Seq: int64(n), Epoch: "e1"})
			}
			m := queue[0]
			queue = queue[1:]
			switch p.Take(m) {
			case Deliver:
				got = append(got, m.Seq)
			case Gap:
				replays++
				if replays > 10*n {
					t.Fatalf("seed %d: no progress after %d replays", seed, replays)
				}
				queue = append(corrupt(history[p.Seq:]), queue...)
			case Resync, Held:
				t.Fatalf("seed %d: verdict for seq %d unexpected", seed, m.Seq)
			}
		}
		want := make([]int64, n)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: delivered %v, want 1..%d once each in order", seed, got, n)
		}
	}
}
