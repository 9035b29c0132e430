package realtimetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

// testReplayThenLive is a property test on random interleavings: while
// publishers append batches (and signal) at random, subscribers join
// at random positions of the history; each gets every durable message
// after its position exactly once, in order, replay then live, with no
// gap between them.
func testReplayThenLive(t *testing.T, open Open) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			b := open(t, Config{History: 1000, Buffer: 1024})
			replayThenLive(t, b, b, seed)
		})
	}
}

// replayThenLive publishes through pub while subscribers join through
// sub (the same broker, or another node).
func replayThenLive(t *testing.T, pub, sub realtime.Broker, seed uint64) {
	const publishers, batches, subscribers = 3, 25, 8
	rng := rand.New(rand.NewPCG(seed, 2))
	total := 0
	sizes := make([][]int, publishers)
	for p := range sizes {
		for range batches {
			n := 1 + rng.IntN(3)
			sizes[p] = append(sizes[p], n)
			total += n
		}
	}
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			prng := rand.New(rand.NewPCG(seed, uint64(10+p)))
			for i, n := range sizes[p] {
				ms := make([]realtime.Message, n)
				for j := range ms {
					ms[j] = event(0, fmt.Sprintf("%d/%d/%d", p, i, j))
				}
				if _, err := pub.Publish(t.Context(), "p", ms...); err != nil {
					t.Errorf("Publish: %v", err)
					return
				}
				if prng.IntN(3) == 0 {
					pub.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeCursor})
				}
				if prng.IntN(4) == 0 {
					time.Sleep(time.Duration(prng.IntN(500)) * time.Microsecond)
				}
			}
		})
	}
	type joined struct {
		s     *realtime.Subscription
		after int64
	}
	joins := make(chan joined, subscribers)
	wg.Go(func() {
		srng := rand.New(rand.NewPCG(seed, 3))
		for range subscribers {
			seq, _, epoch, err := sub.Last(t.Context(), "p")
			if err != nil {
				t.Errorf("Last: %v", err)
				return
			}
			after := int64(-1)
			if seq > 0 && srng.IntN(4) > 0 {
				after = srng.Int64N(seq + 1)
			}
			s, err := sub.Subscribe(t.Context(), "p", after, epoch)
			if err != nil {
				t.Errorf("Subscribe(after %d of %d): %v", after, seq, err)
				return
			}
			if after < 0 {
				after = s.Last
			}
			joins <- joined{s, after}
			time.Sleep(time.Duration(srng.IntN(2000)) * time.Microsecond)
		}
	})
	wg.Wait()
	close(joins)
	want := rangeOf(t, sub, "p", 0, "", 0)
	if len(want) != total {
		t.Fatalf("the history holds %d messages, want %d", len(want), total)
	}
	for j := range joins {
		got := durable(t, j.s, total-int(j.after))
		if !slices.Equal(seqs(got), run(j.after+1, int64(total))) {
			t.Errorf("a subscriber after %d got %v", j.after, seqs(got))
			continue
		}
		for _, m := range got {
			if w := want[m.Seq-1]; dataOf(m) != dataOf(w) || m.Epoch != w.Epoch {
				t.Errorf("a subscriber after %d got %q at %d, the history holds %q", j.after, dataOf(m), m.Seq, dataOf(w))
				break
			}
		}
		j.s.Close()
	}
}

// testSlowEphemeral: a subscriber that does not read loses ephemeral
// messages past its buffer and stays subscribed.
func testSlowEphemeral(t *testing.T, open Open) {
	const buffer = 4
	b := open(t, Config{History: 100, Buffer: buffer})
	s := subscribe(t, b, "p", -1, "")
	for i := range 5 * buffer {
		if err := b.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeCursor, Data: fmt.Append(nil, i)}); err != nil {
			t.Fatal(err)
		}
	}
	// The sentinel: a durable message after them all. Take what comes
	// until it does.
	publish(t, b, "p", event(0, "sentinel"))
	var taken []string
	for {
		m := next(t, s)
		if m.Durable() {
			break
		}
		taken = append(taken, string(m.Data))
	}
	if len(taken) > buffer {
		t.Errorf("%d cursors reached a subscriber with a buffer of %d", len(taken), buffer)
	}
	select {
	case <-s.Done():
		t.Errorf("the feed ended: %v", s.Err())
	default:
	}
}

// testSlowDurable: a subscriber that falls behind by a durable message
// is closed with ErrSlow; subscribing again from the last it took loses
// nothing.
func testSlowDurable(t *testing.T, open Open) {
	const buffer, n = 4, 20
	b := open(t, Config{History: 100, Buffer: buffer})
	s := subscribe(t, b, "p", 0, "")
	for i := range n {
		publish(t, b, "p", event(int64(i+1), fmt.Sprint(i+1)))
	}
	// The subscriber reads nothing until its feed has ended.
	select {
	case <-s.Done():
	case <-time.After(Wait):
		t.Fatalf("a subscriber %d behind with a buffer of %d: not ended within %v", n, buffer, Wait)
	}
	left, err := ended(t, s)
	if !errors.Is(err, realtime.ErrSlow) {
		t.Fatalf("a subscriber %d behind with a buffer of %d: ended with %v, want ErrSlow", n, buffer, err)
	}
	taken := seqs(left)
	if len(taken) > buffer || !slices.Equal(taken, run(1, int64(len(taken)))) {
		t.Errorf("took %v before ErrSlow, want 1, 2, … (at most %d)", taken, buffer)
	}
	pos := int64(len(taken))
	again := subscribe(t, b, "p", pos, s.Epoch)
	if got := seqs(durable(t, again, n-int(pos))); !slices.Equal(got, run(pos+1, n)) {
		t.Errorf("subscribed again after %d: got %v", pos, got)
	}
	publish(t, b, "p", event(n+1, "live"))
	if m := next(t, again); m.Seq != n+1 {
		t.Errorf("then live: %+v, want seq %d", m, n+1)
	}
}

// testContextEnds: cancelling the context a subscription was made with
// ends its feed, without an error.
func testContextEnds(t *testing.T, open Open) {
	b := open(t, defaults)
	ctx, cancel := context.WithCancel(t.Context())
	s, err := b.Subscribe(ctx, "p", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	other := subscribe(t, b, "p", 0, "")
	cancel()
	if left, err := ended(t, s); err != nil || len(left) != 0 {
		t.Errorf("the feed ended with %d messages and %v, want none and nil", len(left), err)
	}
	// The room goes on for the others.
	publish(t, b, "p", event(0, "after"))
	if m := next(t, other); dataOf(m) != "after" {
		t.Errorf("another subscriber got %+v", m)
	}
	if _, err := b.Subscribe(ctx, "p", 0, ""); err == nil {
		t.Error("Subscribe with an ended context succeeded")
	}
}

// testClose: closing a subscription ends its feed without an error and
// the broker stops handing it messages; closing twice does nothing.
func testClose(t *testing.T, open Open) {
	b := open(t, defaults)
	s := subscribe(t, b, "p", 0, "")
	publish(t, b, "p", event(0, "1"))
	next(t, s)
	s.Close()
	s.Close()
	for range 3 {
		publish(t, b, "p", event(0, "more"))
		b.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeCursor})
	}
	if left, err := ended(t, s); err != nil || len(left) != 0 {
		t.Errorf("a closed feed: %d messages and %v, want none and nil", len(left), err)
	}
	// The room still works.
	again := subscribe(t, b, "p", 1, "")
	if got := seqs(durable(t, again, 3)); !slices.Equal(got, []int64{2, 3, 4}) {
		t.Errorf("subscribed again: %v", got)
	}
}
