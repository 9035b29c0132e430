package store_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// FuzzApply decodes changes as a client would send them and applies
// them: never a panic; a refused change writes nothing; an accepted one
// leaves the store's project equal to a replay of its log.
func FuzzApply(f *testing.F) {
	for _, ch := range []store.Change{
		{Actor: "a", Base: 1, Ops: []store.Op{store.Set("S", "duration", schedule.Days(3))}},
		{Actor: "a", Base: 1, Ops: []store.Op{store.Set("W", "name", "x"), store.AddLink("l", schedule.Link{Pred: "F", Succ: "W"})}},
		{Actor: "a", Base: 1, Ops: []store.Op{store.AddTask(schedule.Task{ID: "N", Duration: schedule.Days(2), Parent: "S"}), store.RemoveTask("X")}},
		{Actor: "a", Base: 1, Ops: []store.Op{store.Assign("o", schedule.Assignment{Task: "E", Resource: "elec", Units: 2}), store.SetResource("elec", "max_units", 1)}},
		{Actor: "a", Base: 1, Ops: []store.Op{store.Set("F", "splits", []schedule.Split{{At: schedule.Days(1), Gap: schedule.Days(2)}}), store.Set("F", "constraint", schedule.Constraint{Type: schedule.ALAP})}},
	} {
		b, _ := json.Marshal(ch)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ch store.Change
		if json.Unmarshal(data, &ch) != nil {
			return
		}
		b := store.NewMemory()
		s := store.New(b, store.Config{MaxEdits: 100, MaxBytes: 1 << 16})
		defer s.Close()
		if _, err := s.Create(t.Context(), "p", storetest.Sample(), "planner"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Apply(t.Context(), "p", ch)
		evs, _ := b.Events(t.Context(), "p", 0, 10)
		if err != nil {
			if len(evs) != 1 {
				t.Fatalf("a refused change (%v) wrote %d events", err, len(evs)-1)
			}
			return
		}
		live, _, err := s.Project(t.Context(), "p")
		if err != nil {
			t.Fatal(err)
		}
		replayed, err := s.Replay(t.Context(), "p")
		if err != nil {
			t.Fatalf("replaying an accepted change: %v", err)
		}
		var x, y bytes.Buffer
		if schedule.WriteJSON(&x, live) != nil || schedule.WriteJSON(&y, replayed) != nil || x.String() != y.String() {
			t.Fatalf("the live project differs from its replay\nlive   %s\nreplay %s", x.String(), y.String())
		}
	})
}
