package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/client"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// TestEditsRoundTrip: each edit method's outcome, and its change coming
// back to the room as a durable message of its type with its revision;
// a stale schedule field is the store's ConflictError.
func TestEditsRoundTrip(t *testing.T) {
	e := newEnv(t)
	ana := watch(t, dial(t, e.direct, "ana", client.Options{}), "tower")
	r := ana.room
	ctx := t.Context()
	steps := []struct {
		typ  string
		edit func() (*store.Outcome, error)
	}{
		{realtime.TypeTaskCreated, func() (*store.Outcome, error) {
			return r.CreateTask(ctx, schedule.Task{ID: "N1", Name: "New task", Duration: schedule.Days(2)}, nil)
		}},
		{realtime.TypeLinkAdded, func() (*store.Outcome, error) {
			return r.AddLink(ctx, schedule.Link{Pred: "D4", Succ: "N1"}, nil)
		}},
		{realtime.TypeAssignmentAdded, func() (*store.Outcome, error) {
			return r.Assign(ctx, schedule.Assignment{Task: "N1", Resource: "eng", Units: 1}, nil)
		}},
		{realtime.TypeProgress, func() (*store.Outcome, error) {
			return r.Progress(ctx, "D1", map[string]any{"actual_start": "2027-01-03T08:00:00+06:00", "percent_complete": 50}, nil)
		}},
		{realtime.TypeTaskChanged, func() (*store.Outcome, error) { return r.Patch(ctx, "D1", name("Soil tests"), nil) }},
		{realtime.TypeAssignmentRemoved, func() (*store.Outcome, error) {
			return r.Unassign(ctx, schedule.Assignment{Task: "N1", Resource: "eng"}, nil)
		}},
		{realtime.TypeLinkRemoved, func() (*store.Outcome, error) {
			return r.RemoveLink(ctx, schedule.Link{Pred: "D4", Succ: "N1"}, nil)
		}},
		{realtime.TypeTaskDeleted, func() (*store.Outcome, error) { return r.DeleteTask(ctx, "N1", nil) }},
	}
	for i, s := range steps {
		out, err := s.edit()
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, s.typ, err)
		}
		if want := int64(2 + i); out.Revision != want {
			t.Errorf("step %d (%s): revision %d, want %d", i, s.typ, out.Revision, want)
		}
		m := ana.byRev(s.typ, out.Revision)
		if m.Actor != "ana" || m.Command == "" {
			t.Errorf("step %d: %s by %q with command %q, want ana's with a command id", i, s.typ, m.Actor, m.Command)
		}
		ana.byRev(realtime.TypeRecalc, out.Revision)
		if got := r.Position().Rev; got != out.Revision {
			t.Errorf("step %d: the room's revision %d, want %d", i, got, out.Revision)
		}
	}

	// Bo's copy is at the join's revision: a duration he sets on it
	// conflicts with ana's newer one.
	bo := watch(t, dial(t, e.direct, "bo", client.Options{}), "tower")
	seen := bo.room.Position().Rev
	if _, err := r.Patch(ctx, "D1", map[string]any{"duration": schedule.Days(20)}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := bo.room.Patch(ctx, "D1", map[string]any{"duration": schedule.Days(25)}, &client.Versions{Base: seen})
	ce, ok := errors.AsType[*store.ConflictError](err)
	if !ok || len(ce.Conflicts) != 1 || ce.Conflicts[0].By != "ana" || ce.Conflicts[0].Field != "duration" {
		t.Fatalf("a stale duration: %v, want the store's conflict with ana's value", err)
	}
	var ne *client.Error
	if !errors.As(err, &ne) || ne.Code != realtime.CodeConflict || ne.Retry {
		t.Errorf("%v: want an *Error with code conflict, not to retry", err)
	}

	if _, err := dial(t, e.direct, "cy", client.Options{}).Join(ctx, "nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("join of no project: %v, want store.ErrNotFound", err)
	}
	if _, _, err := dial(t, e.direct, "cy", client.Options{}).Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
}

// TestTwoClientsInOrder: two clients editing at once see the same
// durable messages, each once, in the same order, both their own
// changes and the other's.
func TestTwoClientsInOrder(t *testing.T) {
	e := newEnv(t)
	a := watch(t, dial(t, e.direct, "ana", client.Options{}), "tower")
	b := watch(t, dial(t, e.direct, "bo", client.Options{}), "tower")
	const n = 25
	errs := make(chan error, 2)
	for _, w := range []*watcher{a, b} {
		go func() {
			for i := range n {
				if _, err := w.room.Patch(t.Context(), "D2", name(fmt.Sprint(w.room.Name(), i)), nil); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	a.catchUp(e)
	b.catchUp(e)
	a.check(e)
	b.check(e)
	cmds := func(w *watcher) (out []string, actors map[string]int) {
		w.mu.Lock()
		defer w.mu.Unlock()
		actors = map[string]int{}
		for _, m := range w.msgs {
			if m.Type == realtime.TypeTaskChanged {
				out = append(out, fmt.Sprint(m.Seq, m.Command))
				actors[m.Actor]++
			}
		}
		return out, actors
	}
	ca, actorsA := cmds(a)
	cb, actorsB := cmds(b)
	if !slices.Equal(ca, cb) {
		t.Errorf("the clients saw the changes in other orders:\n%v\n%v", ca, cb)
	}
	if actorsA["ana"] != n || actorsA["bo"] != n || actorsB["ana"] != n || actorsB["bo"] != n {
		t.Errorf("changes by actor: %v and %v, want %d of each", actorsA, actorsB, n)
	}
}

// TestResumeAfterCut: a client whose connection is cut, and kept away,
// while a third party edits comes back with exactly what it missed —
// each message once, in order — without a new snapshot; so does one
// whose hub restarts (1012) on the same broker and store.
func TestResumeAfterCut(t *testing.T) {
	for _, how := range []string{"cut", "restart"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			c := dial(t, e.url, "ana", client.Options{})
			w := watch(t, c, "tower")
			waitStatus(t, c, client.Open)
			if err := thirdParty(t.Context(), e, 10, nil); err != nil {
				t.Fatal(err)
			}
			w.catchUp(e)
			e.proxy.setDown(true)
			switch how {
			case "cut":
				e.proxy.cut()
			case "restart":
				e.restart()
			}
			st := waitStatus(t, c, client.Reconnecting)
			if want := map[string]int{"cut": 1006, "restart": realtime.CloseRestart}[how]; st.Code != want {
				t.Errorf("reconnecting after code %d, want %d", st.Code, want)
			}
			w.mu.Lock()
			before := len(w.seqs)
			w.mu.Unlock()
			if err := thirdParty(t.Context(), e, 20, nil); err != nil {
				t.Fatal(err)
			}
			e.proxy.setDown(false)
			waitStatus(t, c, client.Open)
			if err := thirdParty(t.Context(), e, 10, nil); err != nil {
				t.Fatal(err)
			}
			w.catchUp(e)
			w.check(e)
			w.mu.Lock()
			defer w.mu.Unlock()
			if got := len(w.seqs) - before; got < 60 {
				t.Errorf("%d durable messages after the cut, want at least 60 (30 changes and their recalcs)", got)
			}
		})
	}
}

// TestLostReply: the reply to an edit is lost with its connection; the
// client sends it again with the same command id, and the store answers
// with the first answer (a duplicate) without applying it twice.
func TestLostReply(t *testing.T) {
	e := newEnv(t)
	c := dial(t, e.url, "ana", client.Options{})
	w := watch(t, c, "tower")
	rev := storeRev(t, e)
	e.proxy.hold(true) // nothing from the server reaches the client
	type result struct {
		out *store.Outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := w.room.Patch(t.Context(), "D1", name("Soil tests"), nil)
		done <- result{out, err}
	}()
	for storeRev(t, e) == rev {
		time.Sleep(time.Millisecond) // the hub applies it; its reply is held
	}
	e.proxy.cut()
	e.proxy.hold(false)
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	if !res.out.Duplicate || res.out.Revision != rev+1 {
		t.Errorf("outcome %+v, want the duplicate answer of revision %d", res.out, rev+1)
	}
	if got := storeRev(t, e); got != rev+1 {
		t.Errorf("the store is at revision %d, want %d: the retry was applied again", got, rev+1)
	}
	w.catchUp(e)
	w.check(e)
	w.mu.Lock()
	defer w.mu.Unlock()
	changes := 0
	for _, m := range w.msgs {
		if m.Type == realtime.TypeTaskChanged {
			changes++
		}
	}
	if changes != 1 {
		t.Errorf("%d task.changed delivered, want 1", changes)
	}
}

// TestOfflineQueueFlushes: edits made while the hub cannot be reached
// wait, and reach the store in the order they were made once the client
// is back; one over the queue's bound fails at once.
func TestOfflineQueueFlushes(t *testing.T) {
	e := newEnv(t)
	c := dial(t, e.url, "ana", client.Options{OfflineQueue: 3})
	w := watch(t, c, "tower")
	rev := storeRev(t, e)
	e.proxy.setDown(true)
	e.proxy.cut()
	waitStatus(t, c, client.Reconnecting)
	errs := make(chan error, 3)
	for i := range 3 {
		go func() {
			_, err := w.room.Patch(t.Context(), "D1", name(fmt.Sprint("queued ", i)), nil)
			errs <- err
		}()
		for c.Queued() < i+1 {
			time.Sleep(time.Millisecond) // made in order: each waits before the next is made
		}
	}
	if _, err := w.room.Patch(t.Context(), "D1", name("one too many"), nil); !errors.Is(err, client.ErrQueueFull) {
		t.Errorf("a fourth edit offline: %v, want ErrQueueFull", err)
	}
	e.proxy.setDown(false)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	evs, err := e.store.Events(context.Background(), "tower", rev, 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ev := range evs {
		var ch store.Change
		if err := json.Unmarshal(ev.Body, &ch); err != nil {
			t.Fatal(err)
		}
		for _, op := range ch.Ops {
			var s string
			json.Unmarshal(op.Value, &s)
			names = append(names, s)
		}
	}
	if want := []string{"queued 0", "queued 1", "queued 2"}; !slices.Equal(names, want) {
		t.Errorf("the store got %q, want %q", names, want)
	}
	w.catchUp(e)
	w.check(e)
}

// TestRandomCuts is a property test: while another client makes 500
// edits, the watching client's connection is cut at random moments and
// its server frames are lost, repeated and sent again late at random (a
// seeded stream); it sees every durable message exactly once, in order,
// having resumed by join after each cut and by replay after each loss.
func TestRandomCuts(t *testing.T) {
	e := newEnv(t)
	m := newMangler(t, func() string { e.mu.Lock(); defer e.mu.Unlock(); return e.direct }, 23)
	editor := watch(t, dial(t, e.direct, "bo", client.Options{}), "tower")
	c := dial(t, m.url, "ana", client.Options{})
	w := watch(t, c, "tower")
	opened := make(chan int)
	go func() {
		n := 0
		for s := range c.Status() {
			if s.State == client.Open {
				n++
			}
		}
		opened <- n
	}()
	rng := rand.New(rand.NewPCG(23, 5))
	const edits = 500
	for i := range edits {
		if _, err := editor.room.Patch(t.Context(), "D2", name(fmt.Sprint("Survey ", i)), nil); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		// No cut in the last fifth: what the mangler loses then is
		// found and replayed on the connection itself.
		if i < edits*4/5 && rng.IntN(16) == 0 {
			m.cut()
		}
	}
	w.catchUp(e)
	w.check(e)
	if got, want := storeRev(t, e), int64(1+edits); got != want {
		t.Errorf("the store is at revision %d, want %d", got, want)
	}
	c.Close()
	w.mu.Lock()
	t.Logf("%s; %d connections opened; %d durable messages delivered", m.counts(), <-opened, len(w.seqs))
	w.mu.Unlock()
}

// TestTokenRefresh: a token about to expire is replaced (auth.expiring,
// then hello with a new token from Options.Token), so that the
// connection outlives it.
func TestTokenRefresh(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	calls := 0
	c, err := client.Dial(t.Context(), e.direct, client.Options{Backoff: fast, Token: func(context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			return "exp=400:ana", nil // expires in 400 ms: auth.expiring at once
		}
		return "ana", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Hello().Expires.IsZero() {
		t.Fatal("the first hello has no expiry")
	}
	w := watch(t, c, "tower")
	deadline := time.Now().Add(10 * time.Second)
	for !c.Hello().Expires.IsZero() {
		if time.Now().After(deadline) {
			t.Fatal("the token was not refreshed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Past the first token's expiry, the connection is still the first.
	time.Sleep(600 * time.Millisecond)
	if _, err := w.room.Patch(t.Context(), "D1", name("after the expiry"), nil); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case s := <-c.Status():
			if s.State != client.Connecting && s.State != client.Open {
				t.Fatalf("status %v (code %d): the connection did not outlive its first token", s.State, s.Code)
			}
			continue
		default:
		}
		break
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 2 {
		t.Errorf("Token called %d times, want 2", calls)
	}
}

// TestNotifications: the user's own room brings what is published to
// it, and what was published while the client was away.
func TestNotifications(t *testing.T) {
	e := newEnv(t)
	c := dial(t, e.url, "ana", client.Options{})
	r, err := c.JoinUser(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-r.Events(); ev.Snapshot == nil || ev.Snapshot.Project != nil {
		t.Fatalf("first event %+v, want a snapshot without project", ev)
	}
	notify := func(text string) {
		if _, err := e.broker.Publish(t.Context(), "user:ana", realtime.Message{Type: realtime.TypeNotification, Data: json.RawMessage(fmt.Sprintf(`{"text":%q}`, text))}); err != nil {
			t.Fatal(err)
		}
	}
	notify("one")
	e.proxy.setDown(true)
	e.proxy.cut()
	waitStatus(t, c, client.Reconnecting)
	notify("two")
	e.proxy.setDown(false)
	var got []string
	for len(got) < 2 {
		select {
		case ev := <-r.Events():
			if ev.Message != nil {
				got = append(got, fmt.Sprintf("%d %s", ev.Message.Seq, ev.Message.Data))
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("got %v", got)
		}
	}
	if want := []string{`1 {"text":"one"}`, `2 {"text":"two"}`}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCursorAndPresence: a cursor moved 200 times as fast as the
// application can reaches another member throttled, the latest winning;
// presence reaches it as a diff.
func TestCursorAndPresence(t *testing.T) {
	e := newEnv(t)
	a, err := dial(t, e.direct, "ana", client.Options{}).Join(t.Context(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range a.Events() {
		}
	}()
	b, err := dial(t, e.direct, "bo", client.Options{}).Join(t.Context(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Presence(t.Context(), "D1", "name", "editing"); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		a.Cursor("D1", "name", float64(i), 1)
	}
	cursors, last, editing := 0, -1.0, false
	timeout := time.After(20 * time.Second)
	for last != 199 || !editing {
		select {
		case ev := <-b.Events():
			if ev.Message == nil {
				continue
			}
			switch ev.Message.Type {
			case realtime.TypeCursor:
				var d realtime.CursorData
				if err := json.Unmarshal(ev.Message.Data, &d); err != nil {
					t.Fatal(err)
				}
				for _, cur := range d.Cursors {
					if cur.User == "ana" && cur.X != nil {
						cursors++
						last = *cur.X
					}
				}
			case realtime.TypePresence:
				var d realtime.PresenceDiff
				if err := json.Unmarshal(ev.Message.Data, &d); err != nil {
					t.Fatal(err)
				}
				for _, p := range append(d.Joined, d.Changed...) {
					editing = editing || p.User == "ana" && p.State == "editing" && p.Task == "D1"
				}
			}
		case <-timeout:
			t.Fatalf("last cursor x %v, ana editing %v", last, editing)
		}
	}
	// 200 moves made at once: the first goes, the rest collapse into the
	// latest 50 ms later.
	if cursors > 3 {
		t.Errorf("%d cursors of ana reached bo, want at most 3 (throttled, the latest winning)", cursors)
	}
}

// TestRateLimitedRetried: edits over the hub's rate are refused with
// rate_limited and retried by the client after retry_after_ms with the
// same command id: all are applied, each once.
func TestRateLimitedRetried(t *testing.T) {
	e := newEnvWith(t, realtime.Limits{OpsPerSecond: 20, OpsBurst: 2}, realtime.MemoryConfig{})
	w := watch(t, dial(t, e.direct, "ana", client.Options{}), "tower")
	rev := storeRev(t, e)
	const n = 12
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := w.room.Patch(t.Context(), "D1", name(fmt.Sprint("rate ", i)), nil)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := storeRev(t, e); got != rev+n {
		t.Errorf("the store is at revision %d, want %d (each edit once)", got, rev+n)
	}
	w.catchUp(e)
	w.check(e)
}

// TestSnapshotAfterLongAbsence: a client away for longer than the
// room's history reaches gets a new snapshot on its return (its copy is
// replaced), then the messages after it, none the snapshot holds.
func TestSnapshotAfterLongAbsence(t *testing.T) {
	e := newEnvWith(t, realtime.Limits{}, realtime.MemoryConfig{History: 10})
	c := dial(t, e.url, "ana", client.Options{})
	r, err := c.Join(t.Context(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	first := <-r.Events()
	e.proxy.setDown(true)
	e.proxy.cut()
	waitStatus(t, c, client.Reconnecting)
	if err := thirdParty(t.Context(), e, 20, nil); err != nil { // 40 messages: past the history of 10
		t.Fatal(err)
	}
	e.proxy.setDown(false)
	var snap *client.Snapshot
	timeout := time.After(20 * time.Second)
	for snap == nil {
		select {
		case ev := <-r.Events():
			if ev.Message != nil && ev.Message.Durable() {
				t.Fatalf("message seq %d before the new snapshot", ev.Message.Seq)
			}
			snap = ev.Snapshot
		case <-timeout:
			t.Fatal("no new snapshot")
		}
	}
	if snap.Rev != first.Snapshot.Rev+20 || snap.Epoch != first.Snapshot.Epoch || snap.Project == nil {
		t.Errorf("snapshot at rev %d, want %d with the project", snap.Rev, first.Snapshot.Rev+20)
	}
	if err := thirdParty(t.Context(), e, 3, nil); err != nil {
		t.Fatal(err)
	}
	// Until the client has the broker's last message: each durable one
	// follows the last snapshot (the server may send another, after a
	// resync) or the message before, and is not in that snapshot.
	last := relayed(t, e)
	prev := snap.Seq
	for prev < last {
		select {
		case ev := <-r.Events():
			if ev.Snapshot != nil {
				snap, prev = ev.Snapshot, ev.Snapshot.Seq
				continue
			}
			m := ev.Message
			if m == nil || !m.Durable() {
				continue
			}
			if m.Seq != prev+1 || m.Rev <= snap.Rev {
				t.Fatalf("seq %d rev %d after seq %d and the snapshot at seq %d rev %d", m.Seq, m.Rev, prev, snap.Seq, snap.Rev)
			}
			prev = m.Seq
		case <-timeout:
			t.Fatalf("waiting for seq %d, at %d", last, prev)
		}
	}
}
