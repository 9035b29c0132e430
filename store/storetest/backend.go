// Package storetest is the conformance suite of package store: every
// Backend (store.Memory, adapters/sqlite, adapters/postgres) passes
// RunBackend and RunStore, and every Cache passes RunCache. An adapter's
// test calls them with a function that opens a fresh, empty instance.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/store"
)

// Open returns a fresh, empty backend for one test; the suite closes it.
type Open func(t *testing.T) store.Backend

// at is the suite's clock: microseconds, UTC, as the store writes times.
var at = time.Date(2027, 3, 14, 9, 30, 0, 123456000, time.UTC)

func event(project string, seq int64, body string) store.Event {
	return store.Event{
		Project: project, Seq: seq, Time: at.Add(time.Duration(seq) * time.Minute),
		Actor: "rahim", Command: fmt.Sprintf("cmd-%d", seq), Kind: store.KindChange,
		Body: []byte(body), Prev: fmt.Sprintf("prev-%d", seq), Hash: fmt.Sprintf("hash-%d", seq),
	}
}

func create(t *testing.T, b store.Backend, project string) {
	t.Helper()
	first := event(project, 1, `{"tasks":[]}`)
	first.Kind, first.Prev, first.Command = store.KindCreate, "", ""
	if err := b.Create(t.Context(), first, store.Snapshot{Project: project, Revision: 1, Data: []byte("snap-1")}); err != nil {
		t.Fatalf("Create(%s): %v", project, err)
	}
}

func appendN(t *testing.T, b store.Backend, project string, from, to int64) {
	t.Helper()
	for seq := from; seq <= to; seq++ {
		if err := b.Append(t.Context(), event(project, seq, fmt.Sprintf(`{"n":%d}`, seq)), nil); err != nil {
			t.Fatalf("Append(%s, %d): %v", project, seq, err)
		}
	}
}

func sameEvent(t *testing.T, got, want store.Event) {
	t.Helper()
	if got.Project != want.Project || got.Seq != want.Seq || !got.Time.Equal(want.Time) || got.Actor != want.Actor ||
		got.Command != want.Command || got.Kind != want.Kind || !bytes.Equal(got.Body, want.Body) ||
		got.Prev != want.Prev || got.Hash != want.Hash {
		t.Errorf("event read back\n got %+v\nwant %+v", got, want)
	}
}

// RunBackend runs the conformance suite of store.Backend.
func RunBackend(t *testing.T, open Open) {
	fresh := func(t *testing.T) store.Backend {
		b := open(t)
		t.Cleanup(func() { b.Close() })
		return b
	}
	t.Run("CreateAndRead", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "dhaka")
		evs, err := b.Events(t.Context(), "dhaka", 0, 10)
		if err != nil || len(evs) != 1 {
			t.Fatalf("Events = %d events, %v; want 1", len(evs), err)
		}
		want := event("dhaka", 1, `{"tasks":[]}`)
		want.Kind, want.Prev, want.Command = store.KindCreate, "", ""
		sameEvent(t, evs[0], want)
		snap, err := b.Snapshot(t.Context(), "dhaka")
		if err != nil || snap.Revision != 1 || string(snap.Data) != "snap-1" || snap.Project != "dhaka" {
			t.Errorf("Snapshot = %+v, %v", snap, err)
		}
		err = b.Create(t.Context(), want, store.Snapshot{Project: "dhaka", Revision: 1})
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("Create twice: %v, want ErrExists", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		b := fresh(t)
		if _, err := b.Events(t.Context(), "nowhere", 0, 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Events: %v, want ErrNotFound", err)
		}
		if _, err := b.Snapshot(t.Context(), "nowhere"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Snapshot: %v, want ErrNotFound", err)
		}
		if err := b.Append(t.Context(), event("nowhere", 2, "{}"), nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Append: %v, want ErrNotFound", err)
		}
	})
	t.Run("AppendIsCompareAndSwap", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "p")
		appendN(t, b, "p", 2, 3)
		for _, seq := range []int64{2, 3, 5, 0, -1} {
			err := b.Append(t.Context(), event("p", seq, `{"late":true}`), &store.Answer{Project: "p", Command: "late", Seq: seq, Time: at})
			if !errors.Is(err, store.ErrStale) {
				t.Errorf("Append seq %d after 3: %v, want ErrStale", seq, err)
			}
		}
		evs, _ := b.Events(t.Context(), "p", 0, 100)
		if len(evs) != 3 {
			t.Fatalf("after refused appends: %d events, want 3", len(evs))
		}
		for i, ev := range evs {
			if ev.Seq != int64(i+1) || bytes.Contains(ev.Body, []byte("late")) {
				t.Errorf("event %d = seq %d %s: a refused append left something", i, ev.Seq, ev.Body)
			}
		}
		if _, ok, _ := b.Answer(t.Context(), "p", "late", time.Time{}); ok {
			t.Error("a refused append recorded its answer")
		}
	})
	t.Run("ConcurrentAppendersOneWinsEachSeq", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "race")
		const writers, rounds = 8, 12
		var mu sync.Mutex
		won := map[int64]int{}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for range rounds {
					evs, err := b.Events(context.Background(), "race", 0, 1000)
					if err != nil {
						t.Errorf("Events: %v", err)
						return
					}
					seq := int64(len(evs)) + 1
					err = b.Append(context.Background(), event("race", seq, fmt.Sprintf(`{"writer":%d}`, w)), nil)
					switch {
					case err == nil:
						mu.Lock()
						won[seq]++
						mu.Unlock()
					case !errors.Is(err, store.ErrStale):
						t.Errorf("Append: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		evs, _ := b.Events(t.Context(), "race", 0, 10000)
		for i, ev := range evs {
			if ev.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d: a gap", i, ev.Seq)
			}
		}
		for seq, n := range won {
			if n != 1 {
				t.Errorf("seq %d appended by %d writers", seq, n)
			}
		}
		if len(won) != len(evs)-1 {
			t.Errorf("%d appends acknowledged, %d events after the first", len(won), len(evs)-1)
		}
	})
	t.Run("EventsPage", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "p")
		appendN(t, b, "p", 2, 25)
		for _, c := range []struct {
			after     int64
			limit     int
			from, len int64
		}{{0, 10, 1, 10}, {10, 10, 11, 10}, {20, 10, 21, 5}, {25, 10, 0, 0}, {40, 10, 0, 0}, {3, 0, 0, 0}, {-5, 2, 1, 2}} {
			evs, err := b.Events(t.Context(), "p", c.after, c.limit)
			if err != nil || int64(len(evs)) != c.len {
				t.Errorf("Events(after %d, limit %d) = %d events, %v; want %d", c.after, c.limit, len(evs), err, c.len)
				continue
			}
			for i, ev := range evs {
				if ev.Seq != c.from+int64(i) {
					t.Errorf("Events(after %d)[%d].Seq = %d, want %d", c.after, i, ev.Seq, c.from+int64(i))
				}
			}
		}
		evs, _ := b.Events(t.Context(), "p", 6, 1)
		sameEvent(t, evs[0], event("p", 7, `{"n":7}`))
	})
	t.Run("BodiesKeptExactly", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "ঢাকা টাওয়ার")
		bodies := [][]byte{{}, {0, 1, 2, 255, 0}, []byte("ফাউন্ডেশন ঢালাই"), bytes.Repeat([]byte{'x'}, 1<<20)}
		for i, body := range bodies {
			ev := event("ঢাকা টাওয়ার", int64(i+2), "")
			ev.Body = body
			if err := b.Append(t.Context(), ev, nil); err != nil {
				t.Fatalf("Append body %d: %v", i, err)
			}
		}
		evs, _ := b.Events(t.Context(), "ঢাকা টাওয়ার", 1, 10)
		for i, ev := range evs {
			if !bytes.Equal(ev.Body, bodies[i]) {
				t.Errorf("body %d: read back %d bytes, want %d", i, len(ev.Body), len(bodies[i]))
			}
		}
	})
	t.Run("Snapshots", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "p")
		appendN(t, b, "p", 2, 9)
		save := func(rev int64) {
			if err := b.SaveSnapshot(t.Context(), store.Snapshot{Project: "p", Revision: rev, Data: fmt.Appendf(nil, "snap-%d", rev)}); err != nil {
				t.Fatalf("SaveSnapshot(%d): %v", rev, err)
			}
		}
		save(5)
		save(3) // older: kept out
		snap, err := b.Snapshot(t.Context(), "p")
		if err != nil || snap.Revision != 5 || string(snap.Data) != "snap-5" {
			t.Errorf("Snapshot = %d %q, %v; want revision 5", snap.Revision, snap.Data, err)
		}
		save(9)
		if snap, _ := b.Snapshot(t.Context(), "p"); snap.Revision != 9 {
			t.Errorf("Snapshot revision %d, want 9", snap.Revision)
		}
		if err := b.SaveSnapshot(t.Context(), store.Snapshot{Project: "p", Revision: 10}); err == nil {
			t.Error("a snapshot past the last event was taken")
		}
		if err := b.SaveSnapshot(t.Context(), store.Snapshot{Project: "q", Revision: 1}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("snapshot of an unknown project: %v, want ErrNotFound", err)
		}
	})
	t.Run("Answers", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "p")
		create(t, b, "q")
		ans := store.Answer{Project: "p", Command: "c-1", Seq: 2, Time: at, Body: []byte(`{"revision":2}`)}
		if err := b.Append(t.Context(), event("p", 2, "{}"), &ans); err != nil {
			t.Fatal(err)
		}
		got, ok, err := b.Answer(t.Context(), "p", "c-1", at.Add(-time.Hour))
		if err != nil || !ok || got.Seq != 2 || string(got.Body) != `{"revision":2}` || !got.Time.Equal(at) {
			t.Errorf("Answer = %+v, %v, %v", got, ok, err)
		}
		if _, ok, _ := b.Answer(t.Context(), "q", "c-1", time.Time{}); ok {
			t.Error("an answer of project p found under project q")
		}
		if _, ok, _ := b.Answer(t.Context(), "p", "c-1", at.Add(time.Second)); ok {
			t.Error("an answer recorded before since was returned")
		}
		if err := b.ForgetAnswers(t.Context(), at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := b.Answer(t.Context(), "p", "c-1", time.Time{}); ok {
			t.Error("a forgotten answer was returned")
		}
	})
	t.Run("Outbox", func(t *testing.T) {
		b := fresh(t)
		create(t, b, "a")
		create(t, b, "b")
		appendN(t, b, "a", 2, 4)
		appendN(t, b, "b", 2, 3)
		pending, err := b.Pending(t.Context(), 100)
		if err != nil || len(pending) != 7 {
			t.Fatalf("Pending = %d, %v; want 7", len(pending), err)
		}
		last := map[string]int64{}
		for _, ev := range pending {
			if ev.Seq != last[ev.Project]+1 {
				t.Errorf("pending %s/%d after %d: out of order", ev.Project, ev.Seq, last[ev.Project])
			}
			last[ev.Project] = ev.Seq
		}
		if len(pending[0].Body) == 0 || pending[0].Hash == "" {
			t.Errorf("a pending event came without its body or hash: %+v", pending[0])
		}
		firstTwo, _ := b.Pending(t.Context(), 2)
		if len(firstTwo) != 2 {
			t.Errorf("Pending(2) = %d events", len(firstTwo))
		}
		done := []store.EventID{pending[0].ID(), pending[1].ID(), pending[0].ID()}
		if err := b.Delivered(t.Context(), done); err != nil {
			t.Fatal(err)
		}
		if err := b.Delivered(t.Context(), done[:1]); err != nil {
			t.Errorf("Delivered twice: %v", err)
		}
		rest, _ := b.Pending(t.Context(), 100)
		if len(rest) != 5 {
			t.Errorf("after two delivered: %d pending, want 5", len(rest))
		}
		for _, ev := range rest {
			if ev.ID() == pending[0].ID() || ev.ID() == pending[1].ID() {
				t.Errorf("%v still pending after delivery", ev.ID())
			}
		}
	})
	t.Run("ProjectsByRecency", func(t *testing.T) {
		b := fresh(t)
		for _, id := range []string{"a", "b", "c"} {
			create(t, b, id)
		}
		appendN(t, b, "a", 2, 2)
		list, err := b.Projects(t.Context(), 10)
		if err != nil || len(list) != 3 {
			t.Fatalf("Projects = %v, %v", list, err)
		}
		if list[0].ID != "a" || list[0].Revision != 2 {
			t.Errorf("most recently changed = %+v, want a at revision 2", list[0])
		}
		if two, _ := b.Projects(t.Context(), 2); len(two) != 2 {
			t.Errorf("Projects(2) = %d", len(two))
		}
	})
	t.Run("Closed", func(t *testing.T) {
		b := open(t)
		create(t, b, "p")
		if err := b.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := b.Events(t.Context(), "p", 0, 1); err == nil {
			t.Error("Events after Close succeeded")
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		b := fresh(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := b.Create(ctx, event("p", 1, "{}"), store.Snapshot{Project: "p", Revision: 1}); err == nil {
			t.Error("Create with a canceled context succeeded")
		}
	})
}
