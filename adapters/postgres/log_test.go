package postgres

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/store"
)

// t0 has nanoseconds, which a timestamptz alone would lose.
var t0 = time.Date(2027, 1, 3, 8, 0, 0, 123456789, time.UTC)

// event makes the project's event seq.
func event(project string, seq int64) store.Event {
	e := store.Event{Project: project, Seq: seq, Time: t0.Add(time.Duration(seq) * time.Minute),
		Actor: "rahim", Command: fmt.Sprintf("c%d", seq), Kind: store.KindChange,
		Body: fmt.Appendf(nil, `{"n":%d}`, seq), Prev: fmt.Sprintf("h%d", seq-1), Hash: fmt.Sprintf("h%d", seq)}
	if seq == 1 {
		e.Kind, e.Prev = store.KindCreate, ""
	}
	return e
}

func create(t *testing.T, b *Backend, project string) store.Event {
	t.Helper()
	first := event(project, 1)
	if err := b.Create(t.Context(), first, store.Snapshot{Project: project, Revision: 1, Data: []byte("snap 1")}); err != nil {
		t.Fatal(err)
	}
	return first
}

func events(t *testing.T, b *Backend, project string) []store.Event {
	t.Helper()
	evs, err := b.Events(t.Context(), project, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestCreate(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	first := create(t, b, "tower")
	if got := events(t, b, "tower"); !reflect.DeepEqual(got, []store.Event{first}) {
		t.Errorf("events %+v, want %+v", got, first)
	}
	again := first
	again.Body = []byte("other")
	if err := b.Create(ctx, again, store.Snapshot{Project: "tower", Revision: 1}); !errors.Is(err, store.ErrExists) {
		t.Errorf("creating it again: %v, want ErrExists", err)
	}
	if err := b.Create(ctx, event("bridge", 1), store.Snapshot{Project: "tower", Revision: 1}); err == nil {
		t.Error("a snapshot of another project: no error")
	}
	if _, err := b.Events(ctx, "bridge", 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the project refused: %v, want ErrNotFound", err)
	}
	if got := events(t, b, "tower"); !reflect.DeepEqual(got, []store.Event{first}) {
		t.Errorf("after the refusals, events %+v, want %+v", got, first)
	}
	snap, err := b.Snapshot(ctx, "tower")
	if err != nil || snap.Revision != 1 || string(snap.Data) != "snap 1" {
		t.Errorf("snapshot %+v, %v; want revision 1", snap, err)
	}
	pending, err := b.Pending(ctx, 10)
	if err != nil || !reflect.DeepEqual(pending, []store.Event{first}) {
		t.Errorf("outbox %+v, %v; want the first event", pending, err)
	}
}

func TestAppend(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	create(t, b, "tower")
	want := []store.Event{event("tower", 1)}
	for seq := int64(2); seq <= 4; seq++ {
		ev := event("tower", seq)
		if err := b.Append(ctx, ev, nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, ev)
	}
	for _, c := range []struct {
		name string
		ev   store.Event
		want error
	}{
		{"the last again", event("tower", 4), store.ErrStale},
		{"an old one", event("tower", 2), store.ErrStale},
		{"one past the next", event("tower", 6), store.ErrStale},
		{"an unknown project", event("bridge", 2), store.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			ans := &store.Answer{Project: c.ev.Project, Command: "refused", Seq: c.ev.Seq, Time: c.ev.Time}
			if err := b.Append(ctx, c.ev, ans); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
			if _, ok, err := b.Answer(ctx, c.ev.Project, "refused", time.Time{}); ok || err != nil {
				t.Errorf("the refused append's answer was kept (%v)", err)
			}
		})
	}
	if got := events(t, b, "tower"); !reflect.DeepEqual(got, want) {
		t.Errorf("events %+v, want %+v", got, want)
	}
	if pending, _ := b.Pending(ctx, 100); len(pending) != 4 {
		t.Errorf("%d events in the outbox, want 4", len(pending))
	}
	infos, err := b.Projects(ctx, 10)
	if err != nil || len(infos) != 1 || infos[0].Revision != 4 || !infos[0].Changed.Equal(event("tower", 4).Time) {
		t.Errorf("projects %+v, %v; want tower at revision 4, changed at event 4's time", infos, err)
	}
}

// TestRoundTrip: what is written reads back as it was — nanoseconds,
// nil and empty bodies, text of any kind.
func TestRoundTrip(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	create(t, b, "ঢাকা")
	evs := []store.Event{event("ঢাকা", 1)}
	for i, body := range [][]byte{nil, {}, {0, 1, 255}, []byte("ঢাকা টাওয়ার")} {
		ev := event("ঢাকা", int64(i+2))
		ev.Body, ev.Actor, ev.Command = body, "রহিম", ""
		ev.Time = time.Date(2027, 2, 1, 9, 30, 0, i*333+1, time.FixedZone("+06", 6*3600)).UTC()
		if err := b.Append(ctx, ev, nil); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	got := events(t, b, "ঢাকা")
	if !reflect.DeepEqual(got, evs) {
		t.Errorf("events\n%#v\nwant\n%#v", got, evs)
	}
	for _, c := range []struct {
		after int64
		limit int
		want  []store.Event
	}{
		{0, 2, evs[:2]},
		{2, 2, evs[2:4]},
		{4, 10, evs[4:]},
		{1, 0, nil},
		{5, 10, nil},
	} {
		got, err := b.Events(ctx, "ঢাকা", c.after, c.limit)
		if err != nil || len(got) != len(c.want) || len(got) > 0 && got[0].Seq != c.want[0].Seq {
			t.Errorf("Events(after %d, limit %d) = %d events, %v; want %d", c.after, c.limit, len(got), err, len(c.want))
		}
	}
}

func TestAnswers(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	create(t, b, "tower")
	for seq := int64(2); seq <= 3; seq++ {
		ev := event("tower", seq)
		ans := &store.Answer{Project: "tower", Command: ev.Command, Seq: seq, Time: ev.Time, Body: []byte("ok")}
		if err := b.Append(ctx, ev, ans); err != nil {
			t.Fatal(err)
		}
	}
	c2 := event("tower", 2).Time
	for _, c := range []struct {
		name    string
		command string
		since   time.Time
		ok      bool
	}{
		{"since long ago", "c2", time.Time{}, true},
		{"since its very time", "c2", c2, true},
		{"since a nanosecond later", "c2", c2.Add(time.Nanosecond), false},
		{"another command", "c9", time.Time{}, false},
	} {
		a, ok, err := b.Answer(ctx, "tower", c.command, c.since)
		if err != nil || ok != c.ok || ok && (a.Seq != 2 || !a.Time.Equal(c2) || string(a.Body) != "ok") {
			t.Errorf("%s: %+v, %v, %v; want found %v", c.name, a, ok, err, c.ok)
		}
	}
	if err := b.ForgetAnswers(ctx, c2.Add(time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.Answer(ctx, "tower", "c2", time.Time{}); ok {
		t.Error("c2's answer kept after ForgetAnswers past it")
	}
	if _, ok, _ := b.Answer(ctx, "tower", "c3", time.Time{}); !ok {
		t.Error("c3's answer forgotten")
	}
}

func TestSnapshots(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	create(t, b, "tower")
	for seq := int64(2); seq <= 7; seq++ {
		if err := b.Append(ctx, event("tower", seq), nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		save store.Snapshot
		want int64
	}{
		{store.Snapshot{Project: "tower", Revision: 5, Data: []byte("5")}, 5},
		{store.Snapshot{Project: "tower", Revision: 3, Data: []byte("3")}, 5},
		{store.Snapshot{Project: "tower", Revision: 7, Data: []byte("7")}, 7},
	} {
		if err := b.SaveSnapshot(ctx, c.save); err != nil {
			t.Fatal(err)
		}
		got, err := b.Snapshot(ctx, "tower")
		if err != nil || got.Revision != c.want || string(got.Data) != fmt.Sprint(c.want) {
			t.Errorf("after saving %d: %+v, %v; want revision %d", c.save.Revision, got, err, c.want)
		}
	}
	if err := b.SaveSnapshot(ctx, store.Snapshot{Project: "tower", Revision: 8}); err == nil {
		t.Error("a snapshot past the last event was kept")
	}
	if got, _ := b.Snapshot(ctx, "tower"); got.Revision != 7 {
		t.Errorf("after a snapshot past the last event, revision %d, want 7", got.Revision)
	}
	if err := b.SaveSnapshot(ctx, store.Snapshot{Project: "bridge", Revision: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a snapshot of an unknown project: %v, want ErrNotFound", err)
	}
	if _, err := b.Snapshot(ctx, "bridge"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the snapshot of an unknown project: %v, want ErrNotFound", err)
	}
}

// TestOutbox: events come out in the order appended, leave when
// delivered (twice is harmless) and stay across a restart until then.
func TestOutbox(t *testing.T) {
	conn := cluster.Database(t)
	ctx := t.Context()
	b, err := Open(ctx, conn, Config{})
	if err != nil {
		t.Fatal(err)
	}
	create(t, b, "a")
	create(t, b, "b")
	for seq := int64(2); seq <= 3; seq++ {
		for _, p := range []string{"b", "a"} {
			if err := b.Append(ctx, event(p, seq), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(evs []store.Event) []store.EventID {
		var out []store.EventID
		for _, e := range evs {
			out = append(out, e.ID())
		}
		return out
	}
	id := func(p string, seq int64) store.EventID { return store.EventID{Project: p, Seq: seq} }
	want := []store.EventID{id("a", 1), id("b", 1), id("b", 2), id("a", 2), id("b", 3), id("a", 3)}
	pending, err := b.Pending(ctx, 3)
	if err != nil || !reflect.DeepEqual(ids(pending), want[:3]) {
		t.Fatalf("pending %v, %v; want %v", ids(pending), err, want[:3])
	}
	if err := b.Delivered(ctx, ids(pending)); err != nil {
		t.Fatal(err)
	}
	if err := b.Delivered(ctx, append(ids(pending), id("nowhere", 9))); err != nil {
		t.Fatalf("delivered twice: %v", err)
	}
	b.Close()
	b, err = Open(ctx, conn, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pending, err = b.Pending(ctx, 10)
	if err != nil || !reflect.DeepEqual(ids(pending), want[3:]) {
		t.Errorf("after a restart, pending %v, %v; want %v", ids(pending), err, want[3:])
	}
}

// TestConcurrentAppend: writers racing for the next event each win some
// and lose the others with ErrStale; the log has every event won, with no
// gap, and an answer for each.
func TestConcurrentAppend(t *testing.T) {
	b := open(t, Config{})
	ctx := t.Context()
	create(t, b, "tower")
	const writers, last = 6, 120
	var mu sync.Mutex
	won, stale := map[int64]int{}, 0
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for {
				infos, err := b.Projects(ctx, 1)
				if err != nil {
					t.Error(err)
					return
				}
				seq := infos[0].Revision + 1
				if seq > last {
					return
				}
				ev := event("tower", seq)
				ev.Actor = fmt.Sprint("writer ", w)
				ans := &store.Answer{Project: "tower", Command: fmt.Sprintf("w%d-%d", w, seq), Seq: seq, Time: ev.Time}
				err = b.Append(ctx, ev, ans)
				mu.Lock()
				switch {
				case err == nil:
					won[seq]++
				case errors.Is(err, store.ErrStale):
					stale++
				default:
					t.Error(err)
				}
				mu.Unlock()
				if err != nil && !errors.Is(err, store.ErrStale) {
					return
				}
			}
		})
	}
	wg.Wait()
	evs := events(t, b, "tower")
	if len(evs) != last {
		t.Fatalf("%d events, want %d", len(evs), last)
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has Seq %d", i+1, e.Seq)
		}
		if i > 0 {
			if won[e.Seq] != 1 {
				t.Errorf("event %d won %d times", e.Seq, won[e.Seq])
			}
			var w int
			fmt.Sscanf(e.Actor, "writer %d", &w)
			if _, ok, _ := b.Answer(ctx, "tower", fmt.Sprintf("w%d-%d", w, e.Seq), time.Time{}); !ok {
				t.Errorf("event %d: its writer's answer is missing", e.Seq)
			}
		}
	}
	t.Logf("%d appends won, %d stale", last-1, stale)
}

// TestCanceled: a canceled context is an error, not a hang.
func TestCanceled(t *testing.T) {
	b := open(t, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := b.Append(ctx, event("tower", 2), nil); err == nil {
		t.Error("Append with a canceled context: no error")
	}
}
