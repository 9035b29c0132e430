package protocoltest_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/internal/protocoltest"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Requests built from realtime.Request and the schedule types, as a Go
// client sends them, validate.
func TestGoRequestsValidate(t *testing.T) {
	v := validator(t)
	seq := int64(41)
	x, y := 312.5, 88.0
	task := schedule.Task{ID: "C", Name: "Curing", Duration: schedule.ElapsedDays(7),
		Constraint: schedule.Constraint{Type: schedule.SNET, Date: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		Remaining:  new(schedule.Days(2)), ActualCost: new(120.5), Fields: map[string]string{"Zone": "North"},
		Splits: []schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(2)}}, Crash: &schedule.Crash{Duration: schedule.Days(5), Cost: 900}}
	link := schedule.Link{Pred: "A", Succ: "B", Type: schedule.SS, Lag: schedule.PercentOf(50)}
	asg := schedule.Assignment{Task: "A", Resource: "crew-1", Units: 2, Work: schedule.Hours(80)}
	raw := func(v any) json.RawMessage { return marshal(t, v) }
	tests := []realtime.Request{
		{ID: "1", Op: realtime.OpHello, Token: "tok"},
		{ID: "2", Op: realtime.OpJoin, Room: "tower-b"},
		{ID: "3", Op: realtime.OpJoin, Room: "tower-b", Seq: &seq, Epoch: "e1"},
		{ID: "4", Op: realtime.OpLeave, Room: "tower-b"},
		{ID: "5", Op: realtime.OpReplay, Room: "tower-b", Seq: &seq, Epoch: "e1"},
		{ID: "6", Op: realtime.OpPatch, Room: "tower-b", Task: "A", Base: 12, Bases: map[string]int64{"duration": 9}, Command: "c-6",
			Fields: map[string]json.RawMessage{
				"name": raw("Pour slab"), "notes": raw("n"), "wbs": raw("1.2"), "color": raw("#f00"), "fields.Zone": raw("North"),
				"calendar": raw("Site"), "duration": raw(schedule.Days(4)), "work": raw(schedule.Hours(32)),
				"constraint":       raw(schedule.Constraint{Type: schedule.MFO, Date: time.Date(2026, 4, 1, 17, 0, 0, 0, time.UTC)}),
				"percent_complete": raw(40.0), "actual_start": raw(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)),
				"actual_finish": raw(time.Time{}), "deadline": raw(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)),
				"manual_start": raw(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)), "remaining": raw((*schedule.Duration)(nil)),
				"splits": raw([]schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(1)}}), "priority": raw(700),
				"manual": raw(true), "effort_driven": raw(false), "type": raw(schedule.FixedWork), "fixed_cost": raw(1500.0),
			}},
		{ID: "7", Op: realtime.OpTaskCreate, Room: "tower-b", New: &task, Base: 13, Command: "c-7"},
		{ID: "8", Op: realtime.OpTaskDelete, Room: "tower-b", Task: "C", Base: 14, Command: "c-8"},
		{ID: "9", Op: realtime.OpLinkAdd, Room: "tower-b", Link: &link, OpID: "l-9", Base: 14, Command: "c-9"},
		{ID: "10", Op: realtime.OpLinkRemove, Room: "tower-b", Link: &link, OpID: "l-10", Base: 15, Command: "c-10"},
		{ID: "11", Op: realtime.OpAssignAdd, Room: "tower-b", Assignment: &asg, OpID: "a-11", Base: 15, Command: "c-11"},
		{ID: "12", Op: realtime.OpAssignRemove, Room: "tower-b", Assignment: &schedule.Assignment{Task: "A", Resource: "crew-1"}, OpID: "a-12", Base: 16, Command: "c-12"},
		{ID: "13", Op: realtime.OpProgress, Room: "tower-b", Task: "A", Base: 16, Bases: map[string]int64{"percent_complete": 11}, Command: "c-13",
			Fields: map[string]json.RawMessage{"percent_complete": raw(100.0), "actual_finish": raw(time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)), "remaining": raw(schedule.Days(0))}},
		{ID: "14", Op: realtime.OpPresence, Room: "tower-b", Task: "A", Field: "duration", State: "editing"},
		{ID: "15", Op: realtime.OpPresence, Room: "tower-b"},
		{Op: realtime.OpCursor, Room: "tower-b", Task: "A", X: &x, Y: &y},
		{Op: realtime.OpCursor, Room: "tower-b"},
		{Op: realtime.OpTyping, Room: "tower-b", Task: "A", Field: "notes"},
		{ID: "16", Op: realtime.OpPing},
	}
	ops := map[string]bool{}
	for _, r := range tests {
		ops[r.Op] = true
		if err := v.Validate(protocoltest.KindRequest, marshal(t, r)); err != nil {
			t.Errorf("%s: %v", marshal(t, r), err)
		}
	}
	for _, op := range v.Ops() {
		if !ops[op] {
			t.Errorf("no Go request of op %q checked", op)
		}
	}
}

// Messages built from the store's real events and answers, through
// realtime.Messages and a Memory broker (which numbers them), and the
// other message types from their Go types, validate.
func TestGoMessagesValidate(t *testing.T) {
	v := validator(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.FixedZone("+06", 6*3600))
	p := &schedule.Project{Name: "Tower B", Start: start,
		Tasks: []schedule.Task{
			{ID: "A", Name: "Piling", Duration: schedule.Days(10)},
			{ID: "B", Name: "Raft", Duration: schedule.Days(6)},
			{ID: "D", Name: "Walls", Duration: schedule.Days(4)},
		},
		Links:     []schedule.Link{{Pred: "A", Succ: "B"}},
		Resources: []schedule.Resource{{ID: "crew-1", Name: "Crew", MaxUnits: 2}},
	}
	if _, err := s.Create(ctx, "tower-b", p, "u-7"); err != nil {
		t.Fatal(err)
	}
	var replies [][]byte // reply messages, as frames
	reply := func(re string, data any, e *realtime.ErrorData) {
		r := realtime.Reply{OK: e == nil, Error: e}
		if e == nil {
			r.Data = marshal(t, data)
		}
		m := realtime.Message{Type: realtime.TypeReply, Re: re, Time: now, Data: marshal(t, r)}
		replies = append(replies, marshal(t, []realtime.Message{m}))
	}
	deltas := map[int64]*schedule.Delta{}
	apply := func(base int64, ops ...store.Op) *store.Outcome {
		t.Helper()
		out, err := s.Apply(ctx, "tower-b", store.Change{Actor: "u-7", Command: "c-" + strconv.Itoa(len(deltas)), Base: base, Ops: ops})
		if err != nil {
			t.Fatal(err)
		}
		deltas[out.Revision] = &out.Delta
		reply("r", out, nil)
		return out
	}
	cal := schedule.StandardCalendar()
	cal.Name = "Site"
	cal.Exceptions = append(cal.Exceptions, schedule.Exception{Name: "Eid", From: schedule.Date{Year: 2026, Month: 3, Day: 20}, To: schedule.Date{Year: 2026, Month: 3, Day: 22}})
	apply(1, store.Set("A", "duration", schedule.Days(12)), store.Set("B", "name", "Raft foundation"))                    // change
	apply(2, store.Set("A", "name", "Piles"))                                                                             // task.changed
	apply(3, store.AddTask(schedule.Task{ID: "C", Name: "Curing", Duration: schedule.ElapsedDays(7)}))                    // task.created
	apply(4, store.AddLink("l-1", schedule.Link{Pred: "B", Succ: "C", Lag: schedule.Days(1)}))                            // link.added
	apply(5, store.Assign("a-1", schedule.Assignment{Task: "A", Resource: "crew-1", Units: 2}))                           // assignment.added
	apply(6, store.SetResource("crew-1", "max_units", 3))                                                                 // resource.changed
	apply(7, store.SetCalendar(cal))                                                                                      // calendar.changed
	apply(8, store.Set("A", "percent_complete", 40), store.Set("A", "actual_start", start))                               // progress
	apply(9, store.Unassign("a-2", "A", "crew-1"))                                                                        // assignment.removed
	apply(10, store.RemoveLink("l-2", schedule.Link{Pred: "B", Succ: "C"}))                                               // link.removed
	apply(11, store.RemoveTask("D"))                                                                                      // task.deleted
	apply(12, store.RemoveLink("l-3", schedule.Link{Pred: "A", Succ: "D"}), store.Set("B", "notes", "late"))              // task.changed, with a skip
	apply(13, store.AddLink("l-4", schedule.Link{Pred: "A", Succ: "C", Type: schedule.SS}), store.Set("C", "notes", "n")) // change
	out := apply(1, store.Set("B", "name", "Raft (mat)"))                                                                 // a resolution
	if len(out.Resolutions) == 0 {
		t.Error("no resolution to check")
	}
	if dup, err := s.Apply(ctx, "tower-b", store.Change{Actor: "u-7", Command: "c-0", Base: 1, Ops: []store.Op{store.Set("A", "duration", schedule.Days(12))}}); err != nil || !dup.Duplicate {
		t.Errorf("a duplicate: %v, %v", dup, err)
	} else {
		reply("dup", dup, nil)
	}
	_, err := s.Apply(ctx, "tower-b", store.Change{Actor: "u-3", Command: "x", Base: 1, Ops: []store.Op{store.Set("A", "duration", schedule.Days(2))}})
	ce, ok := errors.AsType[*store.ConflictError](err)
	if !ok {
		t.Fatalf("a stale write: %v, want a conflict", err)
	}
	reply("c", nil, &realtime.ErrorData{Code: realtime.CodeConflict, Message: err.Error(), Conflicts: ce.Conflicts})

	// The log through the relay's messages and the broker.
	b := realtime.NewMemory(realtime.MemoryConfig{})
	evs, err := s.Events(ctx, "tower-b", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for i, ev := range evs {
		if i%2 == 0 { // half with the engine's delta, half without (full)
			ev.Delta = deltas[ev.Seq]
		}
		ms, err := realtime.Messages(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Publish(ctx, "tower-b", ms...); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := b.Range(ctx, "tower-b", 0, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		types[m.Type] = true
	}
	check := func(frame []byte) {
		t.Helper()
		if err := v.Validate(protocoltest.KindFrame, frame); err != nil {
			t.Errorf("%.300s…: %v", frame, err)
		}
		var parsed []struct{ Type string }
		json.Unmarshal(frame, &parsed)
		for _, m := range parsed {
			types[m.Type] = true
		}
	}
	for _, m := range ms {
		check(marshal(t, []realtime.Message{m}))
	}
	check(marshal(t, ms)) // one frame of them all
	for _, r := range replies {
		check(r)
	}

	// Replies of each kind, and each error code.
	proj, rev, err := s.Project(ctx, "tower-b")
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := s.Schedule(ctx, "tower-b")
	if err != nil {
		t.Fatal(err)
	}
	last, _, epoch, err := b.Last(ctx, "tower-b")
	if err != nil {
		t.Fatal(err)
	}
	pres := []realtime.Presence{{User: "u-7", Name: "Nasrin", Conn: "c1", Node: "n1", Role: realtime.RolePlanner, Task: "A", Field: "duration", State: "editing", Since: now}, {User: "u-9", Conn: "c2", Node: "n2", Since: now}}
	reply("join", map[string]any{"room": "tower-b", "role": realtime.RolePlanner, "mode": "snapshot", "epoch": epoch, "seq": last, "rev": rev,
		"project": proj, "schedule": res, "presence": pres}, nil)
	reply("join2", map[string]any{"room": "tower-b", "role": realtime.RoleViewer, "mode": "replay", "epoch": epoch, "seq": 3, "rev": 2, "presence": pres, "count": last - 3}, nil)
	reply("replay", map[string]any{"seq": 3, "count": last - 3}, nil)
	reply("ping", map[string]any{"time": now}, nil)
	reply("leave", struct{}{}, nil)
	for _, code := range []string{realtime.CodeBadRequest, realtime.CodeUnauthorized, realtime.CodeForbidden, realtime.CodeNotFound,
		realtime.CodeNotJoined, realtime.CodeResync, realtime.CodeTooMany, realtime.CodeTooLarge, realtime.CodeCycle,
		realtime.CodeFuture, realtime.CodeUnknownField} {
		reply("e", nil, &realtime.ErrorData{Code: code, Message: code, Where: "fields"})
	}
	reply("e", nil, &realtime.ErrorData{Code: realtime.CodeRateLimited, Message: "slow down", Retry: true, RetryAfterMS: 200})
	reply("e", nil, &realtime.ErrorData{Code: realtime.CodeUnavailable, Message: "broker", Retry: true})
	reply("e", nil, &realtime.ErrorData{Code: realtime.CodeInternal, Message: "oops", Retry: true})
	for _, r := range replies[len(replies)-19:] {
		check(r)
	}

	// The other types.
	x, y := 1.5, 2.0
	others := []realtime.Message{
		{Type: realtime.TypeJob, Room: "tower-b", Seq: last + 1, Epoch: epoch, Time: now, Data: marshal(t, jobs.Event{Kind: jobs.EventQueued, Queue: "q", JobID: "j", JobKind: "risk", Time: now, Coalesced: true})},
		{Type: realtime.TypeJob, Room: "tower-b", Seq: last + 2, Epoch: epoch, Time: now, Data: marshal(t, jobs.Event{Kind: jobs.EventRetried, Queue: "q", JobID: "j", Attempt: 1, Time: now, Err: "timeout", RetryAt: now.Add(time.Minute), Missed: 2})},
		{Type: realtime.TypeNotification, Room: "user:u-7", Seq: 1, Epoch: "e9", Time: now, Data: marshal(t, notify.Item{ID: "n", User: "u-7", Title: "Late", Body: "b", Data: map[string]string{"project": "tower-b"}, Created: now, ReadAt: now})},
		{Type: realtime.TypePresence, Room: "tower-b", Time: now, Data: marshal(t, realtime.PresenceDiff{Joined: pres[:1], Changed: pres[1:], Left: pres})},
		{Type: realtime.TypePresence, Room: "tower-b", Time: now, Data: marshal(t, realtime.PresenceDiff{})},
		{Type: realtime.TypeCursor, Room: "tower-b", Time: now, Data: marshal(t, realtime.CursorData{Cursors: []realtime.Cursor{{User: "u", Conn: "c", Task: "A", Field: "f", X: &x, Y: &y}, {User: "v", Conn: "d"}}})},
		{Type: realtime.TypeTyping, Room: "tower-b", Time: now, Data: marshal(t, realtime.Cursor{User: "u", Conn: "c", Task: "A", Field: "notes"})},
		{Type: realtime.TypeBeacon, Room: "tower-b", Seq: last, Epoch: epoch, Time: now},
		{Type: realtime.TypeResync, Room: "tower-b", Time: now},
		{Type: realtime.TypeExpiring, Time: now, Data: marshal(t, map[string]time.Time{"expires": now.Add(30 * time.Second)})},
	}
	check(marshal(t, others))
	for _, typ := range v.Types() {
		if !types[typ] {
			t.Errorf("no Go message of type %q checked", typ)
		}
	}
}
