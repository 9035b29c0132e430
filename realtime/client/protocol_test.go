package client

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/store"
)

// TestDuplicatesAndGaps: duplicates and old messages are dropped, a gap
// sends replay from the position, and the application sees each seq
// once, in order.
func TestDuplicatesAndGaps(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	fc.send(changed("p", 6, 4), changed("p", 6, 4), changed("p", 5, 3), changed("p", 8, 5))
	req := fc.read(realtime.OpReplay)
	if req.Seq == nil || *req.Seq != 6 || req.Epoch != "e1" || req.Room != "p" {
		t.Fatalf("replay %+v, want from seq 6 of e1 in p", req)
	}
	fc.send(changed("p", 9, 5)) // live, still past the gap: no second replay while one is pending
	fc.ok(req, map[string]any{"seq": 8, "count": 2})
	fc.send(changed("p", 7, 4), changed("p", 8, 5), changed("p", 9, 5), changed("p", 10, 6))
	if got, want := seqs(t, r, 5), []int64{6, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if p := r.Position(); p.Seq != 10 || p.Rev != 6 {
		t.Errorf("position %+v, want seq 10 rev 6", p)
	}
}

// TestHeldBySnapshot: a change whose rev the snapshot holds is skipped.
func TestHeldBySnapshot(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{}) // snapshot at seq 5, rev 3
	fc.send(changed("p", 6, 3), changed("p", 7, 3), changed("p", 8, 4))
	if got := seqs(t, r, 1); got[0] != 8 {
		t.Errorf("first delivered seq %d, want 8 (6 and 7 are rev 3, in the snapshot)", got[0])
	}
}

// TestBeaconAhead: a beacon past the position sends replay.
func TestBeaconAhead(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	fc.send(realtime.Message{Type: realtime.TypeBeacon, Room: "p", Seq: 5, Epoch: "e1"}) // at the position: nothing
	fc.send(realtime.Message{Type: realtime.TypeBeacon, Room: "p", Seq: 6, Epoch: "e1"})
	req := fc.read(realtime.OpReplay)
	if *req.Seq != 5 {
		t.Fatalf("replay from %d, want 5", *req.Seq)
	}
	fc.ok(req, map[string]any{"seq": 6, "count": 1})
	fc.send(changed("p", 6, 4))
	if got := seqs(t, r, 1); got[0] != 6 {
		t.Errorf("delivered %v, want [6]", got)
	}
}

// TestResyncMessage: a resync message joins again without seq and hands
// the application a new snapshot.
func TestResyncMessage(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	fc.send(realtime.Message{Type: realtime.TypeResync, Room: "p"})
	req := fc.read(realtime.OpJoin)
	if req.Seq != nil || req.Epoch != "" {
		t.Fatalf("join after resync %+v, want no position", req)
	}
	fc.snapshot(req, "e2", 1, 9)
	ev := next(t, r)
	if ev.Snapshot == nil || ev.Snapshot.Epoch != "e2" || ev.Snapshot.Rev != 9 {
		t.Fatalf("event %+v, want the snapshot of e2 at rev 9", ev)
	}
	fc.send(realtime.Message{Type: realtime.TypeTaskChanged, Room: "p", Seq: 2, Epoch: "e2", Rev: 10})
	if got := seqs(t, r, 1); got[0] != 2 {
		t.Errorf("delivered %v, want [2]", got)
	}
}

// TestCloseCodes: what the client does after each close code.
func TestCloseCodes(t *testing.T) {
	tests := []struct {
		code     int // 1006: the connection is cut
		withSeq  bool
		longer   bool
		forGood  bool
		newToken bool
	}{
		{code: 1012, withSeq: true},
		{code: realtime.CloseSlow, withSeq: true},
		{code: 1006, withSeq: true},
		{code: realtime.CloseUnauthorized, withSeq: true, newToken: true},
		{code: realtime.CloseResync},
		{code: realtime.CloseRateLimited, withSeq: true, longer: true},
		{code: realtime.CloseForbidden, forGood: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			f := newFake(t)
			c, r, fc := dialFake(t, f, Options{})
			fc.send(changed("p", 6, 4))
			seqs(t, r, 1)
			tokens := f.tokenCount()
			if tt.code == 1006 {
				f.cut()
			} else {
				fc.close(tt.code)
			}
			if tt.forGood {
				for s := range c.Status() {
					if s.State == Closed {
						if s.Code != tt.code {
							t.Errorf("closed with code %d, want %d", s.Code, tt.code)
						}
						break
					}
				}
				if _, ok := <-r.Events(); ok {
					t.Error("the room's events are still open")
				}
				if _, err := r.Patch(t.Context(), "A", map[string]any{"name": "x"}, nil); !errors.Is(err, ErrClosed) {
					t.Errorf("an edit after 4403: got %v, want ErrClosed", err)
				}
				select {
				case <-f.conns:
					t.Error("the client connected again after 4403")
				case <-time.After(100 * time.Millisecond):
				}
				return
			}
			for s := range c.Status() {
				if s.State != Reconnecting {
					continue
				}
				if s.Code != tt.code {
					t.Errorf("reconnecting after code %d, want %d", s.Code, tt.code)
				}
				if w := fastBackoff.Window(4); tt.longer && s.Delay < w/2 {
					t.Errorf("delay %v after 4429, want at least %v", s.Delay, w/2)
				}
				break
			}
			fc2 := f.next()
			if got := f.tokenCount(); got != tokens+1 {
				t.Errorf("Token called %d times for the new connection, want once", got-tokens)
			}
			req := fc2.read(realtime.OpJoin)
			switch {
			case tt.withSeq && (req.Seq == nil || *req.Seq != 6 || req.Epoch != "e1"):
				t.Fatalf("join %+v, want from seq 6 of e1", req)
			case !tt.withSeq && req.Seq != nil:
				t.Fatalf("join from seq %d, want without", *req.Seq)
			}
			if tt.withSeq {
				fc2.replayed(req, "e1", 7, 4, 1)
				if ev := next(t, r); ev.Presence == nil || ev.Snapshot != nil {
					t.Errorf("event after a replay join %+v, want the presence", ev)
				}
				fc2.send(changed("p", 6, 4), changed("p", 7, 5))
				if got := seqs(t, r, 1); got[0] != 7 {
					t.Errorf("delivered %v after the join, want [7]", got)
				}
				return
			}
			fc2.snapshot(req, "e1", 40, 30)
			if ev := next(t, r); ev.Snapshot == nil || ev.Snapshot.Seq != 40 {
				t.Errorf("event %+v, want the snapshot at seq 40", ev)
			}
		})
	}
}

// TestEditLostReply: an edit whose reply is lost with the connection is
// sent again on the next with the same command id, after the rooms are
// joined, and its answer (the store's duplicate) returned.
func TestEditLostReply(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	type result struct {
		out *store.Outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := r.Patch(t.Context(), "A", map[string]any{"name": "x"}, nil)
		done <- result{out, err}
	}()
	first := fc.read(realtime.OpPatch)
	if first.Command == "" || first.Base != 3 || string(first.Fields["name"]) != `"x"` {
		t.Fatalf("patch %+v, want a command id, base 3, name x", first)
	}
	f.cut()
	fc2 := f.next()
	join := fc2.read(realtime.OpJoin)
	fc2.replayed(join, "e1", 5, 3, 0)
	again := fc2.read(realtime.OpPatch)
	if again.Command != first.Command {
		t.Fatalf("retry command %q, want %q", again.Command, first.Command)
	}
	fc2.ok(again, store.Outcome{Revision: 4, Duplicate: true})
	res := <-done
	if res.err != nil || res.out.Revision != 4 || !res.out.Duplicate {
		t.Fatalf("Patch = %+v, %v; want revision 4, duplicate", res.out, res.err)
	}
}

// TestEditRetryable: rate_limited is retried after retry_after_ms,
// unavailable after a back-off, with the same command id; a conflict
// comes back as the store's ConflictError.
func TestEditRetryable(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	done := make(chan error, 1)
	go func() {
		_, err := r.Patch(t.Context(), "A", map[string]any{"duration": 480}, &Versions{Fields: map[string]int64{"duration": 2}})
		done <- err
	}()
	req := fc.read(realtime.OpPatch)
	if req.Bases["duration"] != 2 {
		t.Errorf("bases %v, want duration 2", req.Bases)
	}
	fc.refuse(req, realtime.ErrorData{Code: realtime.CodeRateLimited, Retry: true, RetryAfterMS: 50})
	start := time.Now()
	again := fc.read(realtime.OpPatch)
	if waited := time.Since(start); waited < 40*time.Millisecond {
		t.Errorf("retried after %v, want after retry_after_ms (50 ms)", waited)
	}
	fc.refuse(again, realtime.ErrorData{Code: realtime.CodeUnavailable, Retry: true})
	third := fc.read(realtime.OpPatch)
	if again.Command != req.Command || third.Command != req.Command {
		t.Fatalf("commands %q, %q, %q: want one", req.Command, again.Command, third.Command)
	}
	conflict := store.Conflict{Task: "A", Field: "duration", Current: []byte("960"), Version: 4, By: "u2"}
	fc.refuse(third, realtime.ErrorData{Code: realtime.CodeConflict, Conflicts: []store.Conflict{conflict}})
	err := <-done
	ce, ok := errors.AsType[*store.ConflictError](err)
	if !ok || len(ce.Conflicts) != 1 || ce.Conflicts[0].By != "u2" || string(ce.Conflicts[0].Current) != "960" {
		t.Fatalf("got %v, want a *store.ConflictError with u2's 960", err)
	}
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("errors.Is(%v, store.ErrConflict) = false", err)
	}
	if e, ok := errors.AsType[*Error](err); !ok || e.Code != realtime.CodeConflict || e.Room != "p" {
		t.Errorf("got %v, want an *Error with code conflict in p", err)
	}
}

// TestOfflineQueueFlush: edits made while the server is down wait and
// are sent, in the order they were made, once the rooms are joined again.
func TestOfflineQueueFlush(t *testing.T) {
	f := newFake(t)
	c, r, _ := dialFake(t, f, Options{OfflineQueue: 3})
	f.setDown(true)
	f.cut()
	for s := range c.Status() {
		if s.State == Reconnecting {
			break
		}
	}
	errs := make(chan error, 3)
	for i := range 3 {
		go func() {
			_, err := r.Patch(t.Context(), "A", map[string]any{"name": i}, nil)
			errs <- err
		}()
		for c.Queued() < i+1 {
			time.Sleep(time.Millisecond) // in the order made: each waits before the next
		}
	}
	if _, err := r.Patch(t.Context(), "A", map[string]any{"name": 3}, nil); !errors.Is(err, ErrQueueFull) {
		t.Errorf("a fourth edit: got %v, want ErrQueueFull", err)
	}
	f.setDown(false)
	fc := f.next()
	join := fc.read(realtime.OpJoin)
	fc.replayed(join, "e1", 5, 3, 0)
	for i := range 3 {
		req := fc.read(realtime.OpPatch)
		if got := string(req.Fields["name"]); got != fmt.Sprint(i) {
			t.Errorf("edit %d sent with name %s, want %d", i, got, i)
		}
		fc.ok(req, store.Outcome{Revision: int64(4 + i)})
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := c.Queued(); n != 0 {
		t.Errorf("%d edits left", n)
	}
}

// TestHeldWhileJoining: a beacon (or a message) that comes before the
// join's answer is judged against the answer's position, not the old
// one: no replay is asked for.
func TestHeldWhileJoining(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	fc.close(realtime.CloseRestart)
	fc2 := f.next()
	req := fc2.read(realtime.OpJoin) // from seq 5; the history does not reach back
	fc2.send(realtime.Message{Type: realtime.TypeBeacon, Room: "p", Seq: 41, Epoch: "e1"}, changed("p", 41, 20))
	fc2.snapshot(req, "e1", 41, 20)
	fc2.quiet(100 * time.Millisecond)
	if ev := next(t, r); ev.Snapshot == nil || ev.Snapshot.Seq != 41 {
		t.Fatalf("event %+v, want the snapshot at 41", ev)
	}
	fc2.send(changed("p", 42, 21))
	if got := seqs(t, r, 1); got[0] != 42 {
		t.Errorf("delivered %v, want [42]", got)
	}
}

// TestStaleReplayAnswer: a replay asked from a position a snapshot has
// since replaced is answered resync: the client keeps the snapshot's
// position rather than joining again.
func TestStaleReplayAnswer(t *testing.T) {
	f := newFake(t)
	_, r, fc := dialFake(t, f, Options{})
	fc.send(changed("p", 8, 5))
	replay := fc.read(realtime.OpReplay)
	fc.send(realtime.Message{Type: realtime.TypeResync, Room: "p"})
	join := fc.read(realtime.OpJoin)
	if join.Seq != nil {
		t.Fatalf("join after resync from seq %d, want none", *join.Seq)
	}
	fc.snapshot(join, "e2", 50, 30)
	if ev := next(t, r); ev.Snapshot == nil || ev.Snapshot.Seq != 50 {
		t.Fatalf("event %+v, want the snapshot at 50", ev)
	}
	fc.refuse(replay, realtime.ErrorData{Code: realtime.CodeResync})
	fc.quiet(100 * time.Millisecond)
	fc.send(realtime.Message{Type: realtime.TypeTaskChanged, Room: "p", Seq: 51, Epoch: "e2", Rev: 31})
	if got := seqs(t, r, 1); got[0] != 51 {
		t.Errorf("delivered %v, want [51]", got)
	}
}
