package realtimetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

// testPublishBatch: a batch gets the room's next sequence numbers, in
// order, and the room's epoch; what a subscriber and Range get is what
// was published.
func testPublishBatch(t *testing.T, open Open) {
	b := open(t, defaults)
	for _, room := range []string{"p", "p:1", "{p}", "ঢাকা টাওয়ার", "user:42"} {
		t.Run(room, func(t *testing.T) {
			s := subscribe(t, b, room, 0, "")
			_, _, epoch := last(t, b, room)
			if epoch == "" {
				t.Fatalf("Last(%q) gave no epoch", room)
			}
			at := time.Date(2027, 3, 14, 9, 30, 0, 0, time.UTC)
			first := []realtime.Message{event(0, "a"), event(0, "b"), event(0, "c")}
			first[1].Time = at
			first[2].Room = "another room" // the broker sets the room
			if got := publish(t, b, room, first...); got != 3 {
				t.Errorf("Publish of 3 into an empty room returned %d, want 3", got)
			}
			if got := publish(t, b, room, event(0, "d")); got != 4 {
				t.Errorf("Publish of a fourth returned %d, want 4", got)
			}
			want := append(first, event(0, "d"))
			for _, ms := range [][]realtime.Message{durable(t, s, 4), rangeOf(t, b, room, 0, epoch, 0)} {
				checkRoom(t, ms, room, epoch, 1)
				for i, m := range ms {
					if err := sameMessage(m, want[i]); err != nil {
						t.Errorf("message %d: %v", i+1, err)
					}
					if m.Time.IsZero() {
						t.Errorf("message %d has no time", i+1)
					}
				}
			}
			if seq, _, e := last(t, b, room); seq != 4 || e != epoch {
				t.Errorf("Last = %d, %q; want 4, %q", seq, e, epoch)
			}
			if got, err := b.Publish(t.Context(), room); got != 0 || err != nil {
				t.Errorf("Publish of nothing = %d, %v; want 0, nil", got, err)
			}
		})
	}
}

// testConcurrentBatches: batches published at once from many goroutines
// are each appended whole, numbered consecutively, in their order, and
// Publish returns each batch's last number.
func testConcurrentBatches(t *testing.T, open Open) {
	b := open(t, defaults)
	const workers, batches = 6, 15
	type batch struct {
		id   string
		size int
		last int64
	}
	var mu sync.Mutex
	var done []batch
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range batches {
				id := fmt.Sprintf("w%d-%d", w, i)
				ms := make([]realtime.Message, 1+rng.IntN(4))
				for j := range ms {
					ms[j] = event(0, fmt.Sprintf("%s/%d", id, j))
				}
				seq, err := b.Publish(t.Context(), "p", ms...)
				if err != nil {
					t.Errorf("Publish %s: %v", id, err)
					return
				}
				mu.Lock()
				done = append(done, batch{id, len(ms), seq})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, bt := range done {
		total += bt.size
	}
	ms := rangeOf(t, b, "p", 0, "", 0)
	if len(ms) != total {
		t.Fatalf("the history holds %d messages, want the %d published", len(ms), total)
	}
	for _, bt := range done {
		for j := range bt.size {
			m := ms[bt.last-int64(bt.size)+int64(j)]
			if want := fmt.Sprintf("%s/%d", bt.id, j); dataOf(m) != want {
				t.Errorf("seq %d holds %q, want %q: batch %s (%d messages) returned %d", m.Seq, dataOf(m), want, bt.id, bt.size, bt.last)
			}
		}
	}
}

// testDedupe: store events (Rev > 0) are deduplicated by revision: a
// redelivery is ignored, a revision past a gap is refused with ErrGap
// and appends nothing, the first revision a room gets in its epoch
// starts it, and messages without a revision are never deduplicated.
func testDedupe(t *testing.T, open Open) {
	b := open(t, defaults)
	steps := []struct {
		rev     int64
		n       int // messages in the batch
		wantSeq int64
		wantErr error
	}{
		{7, 2, 2, nil}, // the first revision of the epoch: any
		{7, 2, 0, nil}, // a redelivery
		{6, 1, 0, nil}, // an older one
		{8, 2, 4, nil}, // the next
		{10, 2, 0, realtime.ErrGap},
		{0, 1, 5, nil}, // not a store event
		{0, 1, 6, nil}, // the same again: not deduplicated
		{9, 2, 8, nil},
		{9, 2, 0, nil},
		{10, 1, 9, nil},
	}
	s := subscribe(t, b, "p", 0, "")
	for i, st := range steps {
		ms := make([]realtime.Message, st.n)
		for j := range ms {
			ms[j] = event(st.rev, fmt.Sprintf("%d/%d", i, j))
		}
		seq, err := b.Publish(t.Context(), "p", ms...)
		if seq != st.wantSeq || !errors.Is(err, st.wantErr) || (err == nil) != (st.wantErr == nil) {
			t.Errorf("step %d: Publish of rev %d = %d, %v; want %d, %v", i, st.rev, seq, err, st.wantSeq, st.wantErr)
		}
	}
	ms := durable(t, s, 9)
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%d:%d:%s", m.Seq, m.Rev, dataOf(m)))
	}
	want := "[1:7:0/0 2:7:0/1 3:8:3/0 4:8:3/1 5:0:5/0 6:0:6/0 7:9:7/0 8:9:7/1 9:10:9/0]"
	if fmt.Sprint(got) != want {
		t.Errorf("delivered %v\nwant %s", got, want)
	}
	if seq, rev, _ := last(t, b, "p"); seq != 9 || rev != 10 {
		t.Errorf("Last = %d, rev %d; want 9, rev 10", seq, rev)
	}
	if n := len(rangeOf(t, b, "p", 0, "", 0)); n != 9 {
		t.Errorf("the history holds %d messages, want 9", n)
	}
	// Each room counts its own revisions.
	if seq := publish(t, b, "q", event(1, "q1")); seq != 1 {
		t.Errorf("rev 1 in room q: seq %d, want 1", seq)
	}
}

// testSignal: a signal reaches the subscribers without a sequence number
// or an epoch and is not kept.
func testSignal(t *testing.T, open Open) {
	b := open(t, defaults)
	s := subscribe(t, b, "p", -1, "")
	sig := realtime.Message{Type: realtime.TypeCursor, Actor: "rahim", Data: []byte(`{"task":"A"}`)}
	if err := b.Signal(t.Context(), "p", sig); err != nil {
		t.Fatal(err)
	}
	m := next(t, s)
	if err := sameMessage(m, sig); err != nil || m.Durable() || m.Epoch != "" || m.Room != "p" || m.Time.IsZero() {
		t.Errorf("signalled %+v (%v)", m, err)
	}
	if ms := rangeOf(t, b, "p", 0, "", 0); len(ms) != 0 {
		t.Errorf("the history holds %d messages after a signal", len(ms))
	}
	if seq, _, _ := last(t, b, "p"); seq != 0 {
		t.Errorf("Last = %d after a signal, want 0", seq)
	}
	// A signal with a sequence number is still ephemeral.
	if err := b.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeBeacon, Seq: 7, Epoch: "e"}); err != nil {
		t.Fatal(err)
	}
	if m := next(t, s); m.Durable() || m.Type != realtime.TypeBeacon {
		t.Errorf("signalled %+v, want an ephemeral beacon", m)
	}
}

// testRoomsApart: a room's subscribers get its messages only.
func testRoomsApart(t *testing.T, open Open) {
	b := open(t, defaults)
	p := subscribe(t, b, "p", 0, "")
	q := subscribe(t, b, "q", 0, "")
	publish(t, b, "p", event(1, "p1"))
	if err := b.Signal(t.Context(), "p", realtime.Message{Type: realtime.TypeCursor}); err != nil {
		t.Fatal(err)
	}
	publish(t, b, "q", event(1, "q1"))
	if m := next(t, q); dataOf(m) != "q1" || m.Seq != 1 {
		t.Errorf("room q got %+v first, want its own q1", m)
	}
	if m := durable(t, p, 1)[0]; dataOf(m) != "p1" { // the cursor may come before it
		t.Errorf("room p got %+v, want p1", m)
	}
}

// testSubscribe: where a subscription starts, and when it is refused
// with ErrResync.
func testSubscribe(t *testing.T, open Open) {
	b := open(t, Config{History: 5, Buffer: 64})
	for rev := int64(1); rev <= 8; rev++ {
		publish(t, b, "p", event(rev, fmt.Sprint(rev)))
	}
	_, _, epoch := last(t, b, "p")
	tests := []struct {
		name   string
		after  int64
		epoch  string
		replay []int64 // nil: ErrResync
	}{
		{"from now on", -1, "", []int64{}},
		{"from now on, in another epoch", -1, "another", nil},
		{"from the last", 8, epoch, []int64{}},
		{"within the history", 5, epoch, []int64{6, 7, 8}},
		{"from the history's first", 3, "", []int64{4, 5, 6, 7, 8}},
		{"before the history", 2, epoch, nil},
		{"from the beginning, trimmed", 0, "", nil},
		{"past the last", 9, epoch, nil},
		{"another epoch", 5, epoch + "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := b.Subscribe(t.Context(), "p", tt.after, tt.epoch)
			if tt.replay == nil {
				if !errors.Is(err, realtime.ErrResync) {
					t.Errorf("Subscribe: %v, want ErrResync", err)
				}
				if err == nil {
					s.Close()
				}
				return
			}
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			defer s.Close()
			if s.Epoch != epoch || s.Last != 8 {
				t.Errorf("subscription at %d of %q, want 8 of %q", s.Last, s.Epoch, epoch)
			}
			got := seqs(durable(t, s, len(tt.replay)))
			if !slices.Equal(got, tt.replay) {
				t.Errorf("replayed %v, want %v", got, tt.replay)
			}
		})
	}
	// A room nobody published in: its epoch is the one Last gives.
	_, _, qe := last(t, b, "q")
	s := subscribe(t, b, "q", 0, qe)
	publish(t, b, "q", event(0, "q1"))
	if m := next(t, s); m.Seq != 1 || m.Epoch != qe {
		t.Errorf("the first message of q: seq %d epoch %q, want 1, %q", m.Seq, m.Epoch, qe)
	}
}

// testRange: Range returns up to limit messages after a position, and
// ErrResync as Subscribe.
func testRange(t *testing.T, open Open) {
	b := open(t, Config{History: 6, Buffer: 16})
	for rev := int64(1); rev <= 10; rev++ {
		publish(t, b, "p", event(rev, fmt.Sprint(rev)))
	}
	_, _, epoch := last(t, b, "p")
	tests := []struct {
		after int64
		epoch string
		limit int
		want  []int64 // nil: ErrResync
	}{
		{4, epoch, 0, []int64{5, 6, 7, 8, 9, 10}},
		{4, "", 2, []int64{5, 6}},
		{7, epoch, 100, []int64{8, 9, 10}},
		{9, epoch, 1, []int64{10}},
		{10, epoch, 5, []int64{}},
		{3, epoch, 1, nil},
		{0, "", 0, nil},
		{11, epoch, 0, nil},
		{5, "old", 0, nil},
	}
	for _, tt := range tests {
		ms, err := b.Range(t.Context(), "p", tt.after, tt.epoch, tt.limit)
		if tt.want == nil {
			if !errors.Is(err, realtime.ErrResync) {
				t.Errorf("Range(after %d, epoch %q, limit %d) = %d messages, %v; want ErrResync", tt.after, tt.epoch, tt.limit, len(ms), err)
			}
			continue
		}
		if got := seqs(ms); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Range(after %d, epoch %q, limit %d) = %v, %v; want %v", tt.after, tt.epoch, tt.limit, got, err, tt.want)
		}
		checkRoom(t, ms, "p", epoch, tt.after+1)
	}
	if ms := rangeOf(t, b, "empty", 0, "", 10); len(ms) != 0 {
		t.Errorf("Range of an empty room: %d messages", len(ms))
	}
}

// testLast: a room's position, revision and epoch, before and after its
// first message.
func testLast(t *testing.T, open Open) {
	b := open(t, defaults)
	seq, rev, epoch := last(t, b, "p")
	if seq != 0 || rev != 0 || epoch == "" {
		t.Errorf("Last of an empty room = %d, %d, %q; want 0, 0 and an epoch", seq, rev, epoch)
	}
	if _, _, again := last(t, b, "p"); again != epoch {
		t.Errorf("Last again: epoch %q, was %q", again, epoch)
	}
	publish(t, b, "p", event(3, "a"), event(3, "b"))
	publish(t, b, "p", event(0, "job"))
	if s, r, e := last(t, b, "p"); s != 3 || r != 3 || e != epoch {
		t.Errorf("Last = %d, %d, %q; want 3, 3, %q", s, r, e, epoch)
	}
	if ms := rangeOf(t, b, "p", 0, epoch, 1); len(ms) != 1 || ms[0].Epoch != epoch {
		t.Errorf("the first message's epoch: %+v, want %q", ms, epoch)
	}
}

// testHistoryAge: a durable message stays in the history for MaxAge
// from when it was published (whatever its Time says), then ages out.
func testHistoryAge(t *testing.T, open Open) {
	const maxAge = time.Second
	b := open(t, Config{History: 100, MaxAge: maxAge, Buffer: 16})
	old := event(1, "old")
	old.Time = time.Now().Add(-time.Hour) // a store event relayed late
	start := time.Now()
	publish(t, b, "p", old)
	publish(t, b, "p", event(2, "2"))
	ms, err := b.Range(t.Context(), "p", 0, "", 0)
	if time.Since(start) < maxAge/2 && (err != nil || len(ms) != 2) {
		t.Errorf("right after publishing: Range = %d messages, %v; want both", len(ms), err)
	}
	eventually(t, "the history ageing", func() error {
		if _, err := b.Range(t.Context(), "p", 0, "", 0); !errors.Is(err, realtime.ErrResync) {
			return fmt.Errorf("Range after 0: %v, want ErrResync", err)
		}
		return nil
	})
	if seq, rev, _ := last(t, b, "p"); seq != 2 || rev != 2 {
		t.Errorf("Last = %d, %d after the history aged; want 2, 2", seq, rev)
	}
	s := subscribe(t, b, "p", 2, "") // nothing missed: no resync
	publish(t, b, "p", event(3, "3"))
	if m := next(t, s); m.Seq != 3 {
		t.Errorf("after the history aged: got %+v, want seq 3", m)
	}
}
