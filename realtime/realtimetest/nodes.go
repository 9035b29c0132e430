package realtimetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

// testNodesOrdering: messages published at once through both nodes
// reach every subscriber on either node in one order, the room's.
func testNodesOrdering(t *testing.T, open OpenNodes) {
	a, b := open(t, Config{History: 1000, Buffer: 1024})
	const perNode, batch = 40, 2
	subs := []*realtime.Subscription{
		subscribe(t, a, "p", 0, ""), subscribe(t, a, "p", 0, ""),
		subscribe(t, b, "p", 0, ""), subscribe(t, b, "p", 0, ""),
	}
	var wg sync.WaitGroup
	for i, node := range []realtime.Broker{a, b, a, b} {
		wg.Go(func() {
			for j := range perNode / 2 {
				ms := make([]realtime.Message, batch)
				for k := range ms {
					ms[k] = event(0, fmt.Sprintf("%d/%d/%d", i, j, k))
				}
				if _, err := node.Publish(t.Context(), "p", ms...); err != nil {
					t.Errorf("Publish: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	total := 4 * perNode / 2 * batch
	var first []string
	for i, s := range subs {
		ms := durable(t, s, total)
		if !slices.Equal(seqs(ms), run(1, int64(total))) {
			t.Errorf("subscriber %d got %v", i, seqs(ms))
		}
		var got []string
		for _, m := range ms {
			got = append(got, dataOf(m))
		}
		if i == 0 {
			first = got
		} else if !slices.Equal(got, first) {
			t.Errorf("subscriber %d got another order than subscriber 0:\n%v\n%v", i, got, first)
		}
	}
	// A batch stays whole and in order on both nodes.
	for i := 0; i < len(first); i += batch {
		var w, j int
		if _, err := fmt.Sscanf(first[i], "%d/%d/0", &w, &j); err != nil || first[i+1] != fmt.Sprintf("%d/%d/1", w, j) {
			t.Errorf("a batch split: %q then %q", first[i], first[i+1])
		}
	}
}

// testNodesReplay: a member coming back on another node gets what it
// missed there, then the live feed, under concurrent publishing.
func testNodesReplay(t *testing.T, open OpenNodes) {
	for seed := range uint64(2) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			a, b := open(t, Config{History: 1000, Buffer: 1024})
			replayThenLive(t, a, b, seed)
		})
	}
	t.Run("resync", func(t *testing.T) {
		a, b := open(t, Config{History: 3, Buffer: 16})
		for rev := int64(1); rev <= 6; rev++ {
			publish(t, a, "p", event(rev, fmt.Sprint(rev)))
		}
		_, _, epoch := last(t, a, "p")
		if _, _, e := last(t, b, "p"); e != epoch {
			t.Errorf("the nodes disagree on the epoch: %q and %q", epoch, e)
		}
		if _, err := b.Subscribe(t.Context(), "p", 1, epoch); err == nil {
			t.Error("after 1 with a history of 3 of 6 on the other node: no ErrResync")
		}
		s := subscribe(t, b, "p", 4, epoch)
		if got := seqs(durable(t, s, 2)); !slices.Equal(got, []int64{5, 6}) {
			t.Errorf("replayed %v on the other node", got)
		}
	})
}

// testNodesSignal: a signal on one node reaches the room's subscribers
// on both.
func testNodesSignal(t *testing.T, open OpenNodes) {
	a, b := open(t, defaults)
	sa, sb := subscribe(t, a, "p", -1, ""), subscribe(t, b, "p", -1, "")
	if err := a.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeCursor, Actor: "rahim"}); err != nil {
		t.Fatal(err)
	}
	for i, s := range []*realtime.Subscription{sa, sb} {
		if m := next(t, s); m.Type != realtime.TypeCursor || m.Actor != "rahim" || m.Durable() {
			t.Errorf("subscriber on node %d got %+v", i, m)
		}
	}
}

// testNodesDedupe: two nodes relaying the same store events (two relays
// reading one log) append each once.
func testNodesDedupe(t *testing.T, open OpenNodes) {
	a, b := open(t, defaults)
	s := subscribe(t, b, "p", 0, "")
	const revs = 30
	var wg sync.WaitGroup
	for _, node := range []realtime.Broker{a, b} {
		wg.Go(func() {
			for rev := int64(1); rev <= revs; rev++ {
				if _, err := node.Publish(t.Context(), "p", event(rev, fmt.Sprint(rev)), event(rev, fmt.Sprint(rev, "r"))); err != nil {
					t.Errorf("Publish rev %d: %v", rev, err)
				}
			}
		})
	}
	wg.Wait()
	ms := durable(t, s, 2*revs)
	for i, m := range ms {
		want := fmt.Sprint(int64(i/2 + 1))
		if i%2 == 1 {
			want += "r"
		}
		if dataOf(m) != want || m.Rev != int64(i/2+1) {
			t.Fatalf("message %d: rev %d %q, want %q", m.Seq, m.Rev, dataOf(m), want)
		}
	}
	if seq, rev, _ := last(t, a, "p"); seq != 2*revs || rev != revs {
		t.Errorf("Last = %d, %d; want %d, %d", seq, rev, 2*revs, revs)
	}
}

// testNodesPresence: each node's connections are seen from both; a node
// that dies has its connections dropped on the other.
func testNodesPresence(t *testing.T, open OpenNodes) {
	a, b := open(t, defaults)
	if err := a.Alive(t.Context(), "a", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := b.Alive(t.Context(), "b", time.Minute); err != nil {
		t.Fatal(err)
	}
	sb := subscribe(t, b, "p", -1, "")
	ca, cb := conn("amina", "c1", "a"), conn("karim", "c2", "b")
	setPresence(t, a, "p", "a", ca)
	if m := next(t, sb); m.Type != realtime.TypePresenceChanged {
		t.Errorf("node b's subscriber got %+v after node a's SetPresence", m)
	}
	setPresence(t, b, "p", "b", cb)
	checkPresence(t, a, "p", ca, cb)
	checkPresence(t, b, "p", ca, cb)
	eventually(t, "node a's presence dropped", func() error { return presenceIs(b, t, "p", cb) })
}
