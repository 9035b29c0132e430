package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// Sample is a small project for the suite: a foundation, a frame on it,
// walls and finishes, two crews.
func Sample() *schedule.Project {
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))
	return &schedule.Project{
		Name: "Sample", Start: start,
		Tasks: []schedule.Task{
			{ID: "F", Name: "Foundation", Duration: schedule.Days(10)},
			{ID: "S", Name: "Frame", Duration: schedule.Days(20)},
			{ID: "W", Name: "Walls", Duration: schedule.Days(8)},
			{ID: "E", Name: "Electrical", Duration: schedule.Days(6)},
			{ID: "X", Name: "Finishes", Duration: schedule.Days(5)},
		},
		Links: []schedule.Link{{Pred: "F", Succ: "S"}, {Pred: "S", Succ: "W"}, {Pred: "S", Succ: "E"}, {Pred: "W", Succ: "X"}, {Pred: "E", Succ: "X"}},
		Resources: []schedule.Resource{
			{ID: "mason", Name: "Masons", MaxUnits: 4},
			{ID: "elec", Name: "Electricians", MaxUnits: 2},
		},
		Assignments: []schedule.Assignment{{Task: "W", Resource: "mason", Units: 2}},
	}
}

// clock is a test clock that moves a second at each reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newStore(t *testing.T, open Open, cfg store.Config) (*store.Store, store.Backend) {
	b := open(t)
	t.Cleanup(func() { b.Close() })
	if cfg.Now == nil {
		c := &clock{t: at}
		cfg.Now = c.now
	}
	s := store.New(b, cfg)
	t.Cleanup(func() { s.Close() })
	return s, b
}

func mustCreate(t *testing.T, s *store.Store, id string, p *schedule.Project) {
	t.Helper()
	if rev, err := s.Create(t.Context(), id, p, "planner"); err != nil || rev != 1 {
		t.Fatalf("Create(%s) = %d, %v", id, rev, err)
	}
}

func mustApply(t *testing.T, s *store.Store, project string, ch store.Change) *store.Outcome {
	t.Helper()
	out, err := s.Apply(t.Context(), project, ch)
	if err != nil {
		t.Fatalf("Apply(%+v): %v", ch, err)
	}
	return out
}

func taskOf(t *testing.T, s *store.Store, project, id string) schedule.Task {
	t.Helper()
	p, _, err := s.Project(t.Context(), project)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range p.Tasks {
		if task.ID == id {
			return task
		}
	}
	t.Fatalf("no task %s", id)
	return schedule.Task{}
}

// RunStore runs the conformance suite of the Store on a backend.
func RunStore(t *testing.T, open Open) {
	t.Run("ApplyAnswersDeltaAndRevision", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		out := mustApply(t, s, "p", store.Change{Actor: "karim", Base: 1, Ops: []store.Op{store.Set("S", "duration", schedule.Days(25))}})
		if out.Revision != 2 {
			t.Errorf("revision %d, want 2", out.Revision)
		}
		moved := map[string]bool{}
		for _, c := range out.Delta.Changes {
			moved[c.ID] = true
		}
		for _, id := range []string{"S", "W", "E", "X"} {
			if !moved[id] {
				t.Errorf("delta lacks %s: %v", id, moved)
			}
		}
		if moved["F"] {
			t.Error("delta has F, which did not move")
		}
		if !out.Delta.Finish[1].After(out.Delta.Finish[0]) {
			t.Errorf("finish %v → %v: five days longer should move it", out.Delta.Finish[0], out.Delta.Finish[1])
		}
		r, rev, err := s.Schedule(t.Context(), "p")
		if err != nil || rev != 2 || !r.Finish().Equal(out.Delta.Finish[1]) {
			t.Errorf("Schedule = revision %d finish %v, %v; want 2, %v", rev, r.Finish(), err, out.Delta.Finish[1])
		}
	})
	t.Run("ScheduleFieldsConflict", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		mustApply(t, s, "p", store.Change{Actor: "karim", Base: 1, Ops: []store.Op{store.Set("S", "duration", schedule.Days(25))}})
		for _, op := range []store.Op{
			store.Set("S", "duration", schedule.Days(30)),
		} {
			_, err := s.Apply(t.Context(), "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{op}})
			cerr, ok := errors.AsType[*store.ConflictError](err)
			if !ok || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("stale %s: %v, want a ConflictError", op.Field, err)
			}
			c := cerr.Conflicts[0]
			if c.Task != "S" || c.Field != op.Field || c.Version != 2 || c.By != "karim" || string(c.Current) != `"25d"` || c.Base != 1 {
				t.Errorf("conflict = %+v", c)
			}
		}
		if d := taskOf(t, s, "p", "S").Duration; d != schedule.Days(25) {
			t.Errorf("after the refused write the duration is %v, want 25d", d)
		}
		// A fresh write, and a stale write of another field, go through.
		mustApply(t, s, "p", store.Change{Actor: "nadia", Base: 2, Ops: []store.Op{store.Set("S", "duration", schedule.Days(30))}})
		mustApply(t, s, "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{store.Set("S", "constraint", schedule.Constraint{Type: schedule.SNET, Date: at})}})
	})
	t.Run("DescriptiveFieldsLastWriterWins", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		mustApply(t, s, "p", store.Change{Actor: "karim", Base: 1, Ops: []store.Op{store.Set("W", "name", "Brick walls")}})
		out := mustApply(t, s, "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{store.Set("W", "name", "Block walls"), store.Set("W", "notes", "AAC blocks")}})
		if len(out.Resolutions) != 1 {
			t.Fatalf("resolutions = %+v, want one (the name)", out.Resolutions)
		}
		r := out.Resolutions[0]
		if r.Field != "name" || string(r.Value) != `"Block walls"` || string(r.Lost) != `"Brick walls"` || r.LostBy != "karim" || r.Version != 2 {
			t.Errorf("resolution = %+v", r)
		}
		if got := taskOf(t, s, "p", "W"); got.Name != "Block walls" || got.Notes != "AAC blocks" {
			t.Errorf("task W = %q / %q", got.Name, got.Notes)
		}
	})
	t.Run("DerivedAndUnknownRefused", func(t *testing.T) {
		s, b := newStore(t, open, store.Config{MaxEdits: 50, MaxBytes: 4096})
		mustCreate(t, s, "p", Sample())
		cases := []struct {
			name  string
			ch    store.Change
			want  error
			field string
		}{
			{"derived", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "total_float", 3)}}, store.ErrDerived, "total_float"},
			{"derived date", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "early_start", at)}}, store.ErrDerived, "early_start"},
			{"unknown field", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "colour_of_sky", "blue")}}, store.ErrUnknownField, "colour_of_sky"},
			{"unknown task", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("Q", "duration", schedule.Days(1))}}, schedule.ErrUnknownTask, ""},
			{"wrong type", store.Change{Actor: "a", Base: 1, Ops: []store.Op{{Op: store.OpSet, Task: "S", Field: "duration", Value: json.RawMessage(`{"days":3}`)}}}, store.ErrBadValue, "duration"},
			{"negative", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "duration", schedule.Days(-3))}}, store.ErrBadValue, "duration"},
			{"percent", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "percent_complete", 140)}}, store.ErrBadValue, "percent_complete"},
			{"unknown resource", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Assign("o1", schedule.Assignment{Task: "S", Resource: "crane", Units: 1})}}, schedule.ErrUnknownResource, "assignments"},
			{"future", store.Change{Actor: "a", Base: 7, Ops: []store.Op{store.Set("S", "name", "x")}}, store.ErrFuture, "base"},
			{"no actor", store.Change{Base: 1, Ops: []store.Op{store.Set("S", "name", "x")}}, store.ErrBadValue, "actor"},
			{"bad op", store.Change{Actor: "a", Base: 1, Ops: []store.Op{{Op: "rename_everything"}}}, store.ErrBadValue, ""},
			{"too many", store.Change{Actor: "a", Base: 1, Ops: make([]store.Op, 51)}, store.ErrTooLarge, ""},
			{"too big", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "notes", strings.Repeat("x", 5000))}}, store.ErrTooLarge, ""},
			{"all or none", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "duration", schedule.Days(2)), store.Set("Q", "duration", schedule.Days(1))}}, schedule.ErrUnknownTask, ""},
		}
		for _, c := range cases {
			_, err := s.Apply(t.Context(), "p", c.ch)
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
				continue
			}
			if in, ok := errors.AsType[*store.InputError](err); !ok || in.Project != "p" || in.Field != c.field {
				t.Errorf("%s: %v: want an InputError naming project p and field %q", c.name, err, c.field)
			}
		}
		if _, err := s.Apply(t.Context(), "nowhere", store.Change{Actor: "a", Ops: []store.Op{store.Set("S", "name", "x")}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown project: %v, want ErrNotFound", err)
		}
		evs, _ := b.Events(t.Context(), "p", 0, 100)
		if len(evs) != 1 {
			t.Errorf("%d events after refused changes, want 1 (nothing written)", len(evs))
		}
		if d := taskOf(t, s, "p", "S").Duration; d != schedule.Days(20) {
			t.Errorf("S's duration %v after refused changes, want 20d", d)
		}
	})
	t.Run("ResourceFields", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		mustApply(t, s, "p", store.Change{Actor: "karim", Base: 1, Ops: []store.Op{store.SetResource("mason", "max_units", 6), store.SetResource("mason", "name", "Masons (Mirpur)")}})
		_, err := s.Apply(t.Context(), "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{store.SetResource("mason", "max_units", 3)}})
		if c, ok := errors.AsType[*store.ConflictError](err); !ok || c.Conflicts[0].Resource != "mason" || string(c.Conflicts[0].Current) != "6" {
			t.Errorf("a stale write of a resource's units: %v, want a conflict carrying 6", err)
		}
		out := mustApply(t, s, "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{store.SetResource("mason", "name", "Masons")}})
		if len(out.Resolutions) != 1 || out.Resolutions[0].Resource != "mason" || string(out.Resolutions[0].Lost) != `"Masons (Mirpur)"` {
			t.Errorf("resolutions = %+v", out.Resolutions)
		}
		for _, bad := range []store.Op{store.SetResource("crane", "name", "x"), store.SetResource("mason", "max_units", -1), store.SetResource("mason", "hue", "red")} {
			if _, err := s.Apply(t.Context(), "p", store.Change{Actor: "a", Base: 3, Ops: []store.Op{bad}}); err == nil {
				t.Errorf("%s %s = %s accepted", bad.Resource, bad.Field, bad.Value)
			}
		}
		p, _, _ := s.Project(t.Context(), "p")
		if r := p.Resources[0]; r.MaxUnits != 6 || r.Name != "Masons" {
			t.Errorf("mason = %+v", r)
		}
	})
	t.Run("Calendars", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		monsoon := schedule.SundayThursdayCalendar()
		monsoon.Name = "Monsoon"
		monsoon.Exceptions = []schedule.Exception{{Name: "rain", From: schedule.DateOf(at), To: schedule.DateOf(at.AddDate(0, 0, 3))}}
		out := mustApply(t, s, "p", store.Change{Actor: "karim", Base: 1, Ops: []store.Op{store.SetCalendar(monsoon), store.Set("F", "calendar", "Monsoon")}})
		p, rev, _ := s.Project(t.Context(), "p")
		if i := slices.IndexFunc(p.Calendars, func(c schedule.Calendar) bool { return c.Name == "Monsoon" }); i < 0 || len(p.Calendars[i].Exceptions) != 1 || p.Tasks[0].Calendar != "Monsoon" {
			t.Errorf("after set_calendar: calendars %+v, F on %q", p.Calendars, p.Tasks[0].Calendar)
		}
		if out.Revision != rev {
			t.Errorf("revision %d, want %d", out.Revision, rev)
		}
		_, err := s.Apply(t.Context(), "p", store.Change{Actor: "nadia", Base: 1, Ops: []store.Op{store.SetCalendar(schedule.Calendar{Name: "Monsoon", Base: "Standard"})}})
		if c, ok := errors.AsType[*store.ConflictError](err); !ok || c.Conflicts[0].Calendar != "Monsoon" {
			t.Errorf("a stale calendar change: %v, want a conflict naming the calendar", err)
		}
		if _, err := s.Apply(t.Context(), "p", store.Change{Actor: "nadia", Base: rev, Ops: []store.Op{store.SetCalendar(schedule.Calendar{Name: "Loop", Base: "Loop"})}}); err == nil {
			t.Error("a calendar based on itself was accepted")
		}
		replayed, err := s.Replay(t.Context(), "p")
		if err != nil {
			t.Fatal(err)
		}
		sameSchedule(t, s, "p", replayed)
	})
	t.Run("LinksCommuteAndLoopsRefused", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		add := store.AddLink("op-1", schedule.Link{Pred: "F", Succ: "E", Lag: schedule.Days(2)})
		mustApply(t, s, "p", store.Change{Actor: "a", Base: 1, Ops: []store.Op{add}})
		out := mustApply(t, s, "p", store.Change{Actor: "a", Base: 1, Ops: []store.Op{add}})
		if len(out.Skipped) != 1 {
			t.Errorf("the same op id again: skipped %+v, want it skipped", out.Skipped)
		}
		// A remove made from revision 1, before the add: the add wins.
		out = mustApply(t, s, "p", store.Change{Actor: "b", Base: 1, Ops: []store.Op{store.RemoveLink("op-2", schedule.Link{Pred: "F", Succ: "E"})}})
		if len(out.Skipped) != 1 {
			t.Errorf("a remove of a link added after its base: skipped %+v", out.Skipped)
		}
		p, rev, _ := s.Project(t.Context(), "p")
		if n := countLinks(p, "F", "E"); n != 1 {
			t.Errorf("F→E links = %d, want 1", n)
		}
		mustApply(t, s, "p", store.Change{Actor: "b", Base: rev, Ops: []store.Op{store.RemoveLink("op-3", schedule.Link{Pred: "F", Succ: "E"})}})
		p, _, _ = s.Project(t.Context(), "p")
		if n := countLinks(p, "F", "E"); n != 0 {
			t.Errorf("F→E links after a seen remove = %d, want 0", n)
		}
		_, err := s.Apply(t.Context(), "p", store.Change{Actor: "c", Base: rev, Ops: []store.Op{store.AddLink("op-4", schedule.Link{Pred: "X", Succ: "F"})}})
		if _, ok := errors.AsType[*schedule.CycleError](err); !ok {
			t.Errorf("a link closing a loop: %v, want the loop", err)
		}
	})
	t.Run("IdempotentCommands", func(t *testing.T) {
		s, b := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		ch := store.Change{Actor: "a", Command: "cmd-42", Base: 1, Ops: []store.Op{store.Set("F", "duration", schedule.Days(12))}}
		first := mustApply(t, s, "p", ch)
		again := mustApply(t, s, "p", ch)
		if !again.Duplicate || again.Revision != first.Revision || len(again.Delta.Changes) != len(first.Delta.Changes) {
			t.Errorf("the command again = %+v, want the first answer (revision %d) marked duplicate", again, first.Revision)
		}
		evs, _ := b.Events(t.Context(), "p", 0, 100)
		if len(evs) != 2 {
			t.Errorf("%d events after a command sent twice, want 2", len(evs))
		}
	})
	t.Run("EventsChainAndCatchUp", func(t *testing.T) {
		s, b := newStore(t, open, store.Config{SnapshotEvery: 3})
		mustCreate(t, s, "p", Sample())
		for i := range 10 {
			mustApply(t, s, "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("F", "duration", schedule.Days(float64(5+i)))}})
		}
		if err := s.Verify(t.Context(), "p"); err != nil {
			t.Errorf("Verify: %v", err)
		}
		hist, err := s.History(t.Context(), "p", "F", "duration")
		if err != nil || len(hist) != 10 || hist[9].Seq != 11 || string(hist[9].Value) != `"14d"` || hist[9].Actor != "a" {
			t.Errorf("History of F's duration = %+v, %v", hist, err)
		}
		evs, _ := s.Events(t.Context(), "p", 8, 100)
		if len(evs) != 3 || evs[0].Seq != 9 {
			t.Errorf("events after 8 = %d from %d", len(evs), evs[0].Seq)
		}
		// A second store on the same backend (another machine) sees the
		// project as of the latest revision and can change it.
		other := store.New(b, store.Config{})
		defer other.Close()
		p, rev, err := other.Project(t.Context(), "p")
		if err != nil || rev != 11 || p.Tasks[0].Duration != schedule.Days(14) {
			t.Fatalf("other store: revision %d, F %v, %v", rev, p.Tasks[0].Duration, err)
		}
		mustApply(t, other, "p", store.Change{Actor: "b", Base: 11, Ops: []store.Op{store.Set("F", "duration", schedule.Days(3))}})
		out := mustApply(t, s, "p", store.Change{Actor: "a", Base: 12, Ops: []store.Op{store.Set("S", "duration", schedule.Days(3))}})
		if out.Revision != 13 {
			t.Errorf("the first store appended at revision %d, want 13 (after catching up)", out.Revision)
		}
		if d := taskOf(t, s, "p", "F").Duration; d != schedule.Days(3) {
			t.Errorf("the first store's F = %v, want the other store's 3d", d)
		}
		replayed, err := s.Replay(t.Context(), "p")
		if err != nil {
			t.Fatal(err)
		}
		sameSchedule(t, s, "p", replayed)
	})
	t.Run("TamperedLogFound", func(t *testing.T) {
		b := &tamper{Backend: open(t), at: 4}
		defer b.Close()
		s := store.New(b, store.Config{})
		defer s.Close()
		mustCreate(t, s, "p", Sample())
		for i := range 6 {
			mustApply(t, s, "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("X", "name", fmt.Sprint("v", i))}})
		}
		b.on = true
		err := s.Verify(t.Context(), "p")
		if cerr, ok := errors.AsType[*store.ChainError](err); !ok || cerr.Seq != 4 {
			t.Errorf("Verify of a log rewritten at event 4: %v", err)
		}
	})
	t.Run("Outbox", func(t *testing.T) {
		s, _ := newStore(t, open, store.Config{})
		mustCreate(t, s, "p", Sample())
		for i := range 4 {
			mustApply(t, s, "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("X", "name", fmt.Sprint("v", i))}})
		}
		got := make(chan store.Event, 10)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		fail := true
		go func() {
			done <- s.Relay(ctx, store.PublisherFunc(func(_ context.Context, ev store.Event) error {
				if ev.Seq == 3 && fail { // the first try of event 3 fails: handed again, in order
					fail = false
					return errors.New("broker away")
				}
				got <- ev
				if ev.Seq == 5 {
					cancel()
				}
				return nil
			}), time.Millisecond)
		}()
		<-done
		close(got)
		var seqs []int64
		for ev := range got {
			seqs = append(seqs, ev.Seq)
		}
		if fmt.Sprint(seqs) != "[1 2 3 4 5]" {
			t.Errorf("published %v, want [1 2 3 4 5], each once, in order", seqs)
		}
	})
	t.Run("OutboxCarriesDeltas", func(t *testing.T) { outboxDeltas(t, open) })
	t.Run("ConcurrentEditsLoseNothing", func(t *testing.T) { concurrentEdits(t, open) })
}

// outboxDeltas checks that the relay hands each change with what it
// moved — the delta Apply answered — and, from a store started on the
// same backend, with the deltas of the events after the latest snapshot
// (the ones before it have none: the publisher asks for a reload).
func outboxDeltas(t *testing.T, open Open) {
	b := open(t)
	defer b.Close()
	s := store.New(b, store.Config{SnapshotEvery: 4})
	mustCreate(t, s, "p", Sample())
	answered := map[int64]string{}
	for i := range 5 {
		out := mustApply(t, s, "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("F", "duration", schedule.Days(float64(4+i)))}})
		d, _ := json.Marshal(out.Delta)
		answered[out.Revision] = string(d)
	}
	relayed := func(s *store.Store) map[int64]string {
		got := map[int64]string{}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := make(chan error)
		go func() {
			done <- s.Relay(ctx, store.PublisherFunc(func(_ context.Context, ev store.Event) error {
				if ev.Delta != nil {
					d, _ := json.Marshal(ev.Delta)
					got[ev.Seq] = string(d)
				} else {
					got[ev.Seq] = ""
				}
				if ev.Seq == 6 {
					cancel()
				}
				return nil
			}), time.Millisecond)
		}()
		<-done
		return got
	}
	// A second store on the backend, before the first relays: it loads the
	// project from its latest snapshot (at 4 or 5: one every 4 events) and
	// replays the rest, keeping their deltas.
	s.Close() // its snapshots written
	snap, err := b.Snapshot(t.Context(), "p")
	if err != nil || snap.Revision >= 6 {
		t.Fatalf("the latest snapshot: revision %d, %v; want one before 6", snap.Revision, err)
	}
	fresh := store.New(b, store.Config{SnapshotEvery: 4})
	defer fresh.Close()
	got := relayed(fresh)
	for seq := int64(2); seq <= 6; seq++ {
		d := got[seq]
		switch {
		case seq > snap.Revision && d != answered[seq]:
			t.Errorf("event %d, after the snapshot at %d, relayed by a fresh store with another delta than Apply answered (%d bytes, not %d)", seq, snap.Revision, len(d), len(answered[seq]))
		case d != "" && d != answered[seq]:
			t.Errorf("event %d relayed by a fresh store with another delta than Apply answered (%d bytes, not %d)", seq, len(d), len(answered[seq]))
		}
	}
	if got[1] != "" {
		t.Errorf("the creation relayed with a delta %s", got[1])
	}
	// Nothing is pending now; apply again and relay from the first store's
	// successor: the deltas it applied are handed exactly.
	s2 := store.New(b, store.Config{})
	defer s2.Close()
	for i := range 3 {
		out := mustApply(t, s2, "p", store.Change{Actor: "a", Base: int64(6 + i), Ops: []store.Op{store.Set("F", "duration", schedule.Days(float64(9+i)))}})
		d, _ := json.Marshal(out.Delta)
		answered[out.Revision] = string(d)
	}
	got = map[int64]string{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		done <- s2.Relay(ctx, store.PublisherFunc(func(_ context.Context, ev store.Event) error {
			d, _ := json.Marshal(ev.Delta)
			got[ev.Seq] = string(d)
			if ev.Seq == 9 {
				cancel()
			}
			return nil
		}), time.Millisecond)
	}()
	<-done
	for seq := int64(7); seq <= 9; seq++ {
		if got[seq] != answered[seq] || got[seq] == "null" {
			t.Errorf("event %d relayed with delta %.40q…, not the one Apply answered (%d bytes)", seq, got[seq], len(answered[seq]))
		}
	}
}

func countLinks(p *schedule.Project, pred, succ string) int {
	n := 0
	for _, l := range p.Links {
		if l.Pred == pred && l.Succ == succ {
			n++
		}
	}
	return n
}

// sameSchedule checks that the store's schedule of a project is a fresh
// schedule of want.
func sameSchedule(t *testing.T, s *store.Store, project string, want *schedule.Project) {
	t.Helper()
	got, _, err := s.Schedule(t.Context(), project)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := schedule.Run(want)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(fresh)
	if string(a) != string(b) {
		t.Errorf("the store's schedule differs from a fresh schedule of the replayed log")
	}
}

// tamper rewrites the body of one event as it is read, once on.
type tamper struct {
	store.Backend
	at int64
	on bool
}

func (b *tamper) Events(ctx context.Context, project string, after int64, limit int) ([]store.Event, error) {
	evs, err := b.Backend.Events(ctx, project, after, limit)
	for i := range evs {
		if b.on && evs[i].Seq == b.at {
			evs[i].Body = []byte(strings.Replace(string(evs[i].Body), "v2", "v9", 1))
		}
	}
	return evs, err
}

// concurrentEdits runs 20 goroutines changing the same tasks from stale
// and fresh bases, and checks that every accepted change of a field that
// moves the schedule is in the final state or was followed by a later
// accepted change of that field (never overwritten unseen), and every
// overwritten descriptive value was reported.
func concurrentEdits(t *testing.T, open Open) {
	s, _ := newStore(t, open, store.Config{})
	mustCreate(t, s, "p", Sample())
	type accepted struct {
		rev   int64
		base  int64
		task  string
		field string
		value string
		resol []store.Resolution
	}
	var mu sync.Mutex
	var log []accepted
	tasks := []string{"F", "S", "W"}
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := range 15 {
				_, rev, err := s.Project(context.Background(), "p")
				if err != nil {
					t.Error(err)
					return
				}
				base := rev - int64(rng.IntN(3)) // stale now and then
				task := tasks[rng.IntN(len(tasks))]
				var op store.Op
				var value string
				if rng.IntN(2) == 0 {
					d := schedule.Days(float64(1 + rng.IntN(30)))
					op, value = store.Set(task, "duration", d), d.String()
				} else {
					value = fmt.Sprintf("g%d-%d", g, i)
					op = store.Set(task, "name", value)
				}
				out, err := s.Apply(context.Background(), "p", store.Change{Actor: fmt.Sprint("user", g), Base: max(base, 1), Ops: []store.Op{op}})
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				log = append(log, accepted{out.Revision, max(base, 1), task, op.Field, value, out.Resolutions})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	p, _, _ := s.Project(t.Context(), "p")
	final := map[string]schedule.Task{}
	for _, task := range p.Tasks {
		final[task.ID] = task
	}
	last := map[[2]string]accepted{}
	for _, a := range log {
		k := [2]string{a.task, a.field}
		if a.rev > last[k].rev {
			last[k] = a
		}
	}
	for k, a := range last {
		got := final[k[0]].Name
		if k[1] == "duration" {
			got = final[k[0]].Duration.String()
		}
		if got != a.value {
			t.Errorf("task %s %s = %s; the last accepted change (revision %d) set %s", k[0], k[1], got, a.rev, a.value)
		}
	}
	// No scheduling change was accepted from a base older than the one
	// before it of the same field: each was seen by the next.
	for _, a := range log {
		if a.field != "duration" {
			continue
		}
		for _, b := range log {
			if b.task == a.task && b.field == a.field && b.rev > a.rev && b.base < a.rev {
				t.Errorf("duration of %s set at revision %d from base %d overwrote, unseen, the one set at %d", a.task, b.rev, b.base, a.rev)
			}
		}
	}
	// Every descriptive overwrite from a stale base was reported.
	for _, a := range log {
		if a.field != "name" {
			continue
		}
		for _, b := range log {
			if b.task == a.task && b.field == "name" && b.rev > a.rev && b.base < a.rev {
				reported := false
				for _, r := range b.resol {
					reported = reported || r.Task == a.task && r.Field == "name"
				}
				if !reported {
					t.Errorf("name of %s set at %d from base %d overwrote revision %d's unreported", a.task, b.rev, b.base, a.rev)
				}
			}
		}
	}
	if len(log) < 50 {
		t.Errorf("only %d changes accepted of 300", len(log))
	}
}
