package store_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

// counting records the lowest sequence number a load read events after.
type counting struct {
	store.Backend
	mu    sync.Mutex
	after []int64
}

func (c *counting) Events(ctx context.Context, project string, after int64, limit int) ([]store.Event, error) {
	c.mu.Lock()
	c.after = append(c.after, after)
	c.mu.Unlock()
	return c.Backend.Events(ctx, project, after, limit)
}

func TestLoadReplaysOnlyAfterTheSnapshot(t *testing.T) {
	b := &counting{Backend: store.NewMemory()}
	s := store.New(b, store.Config{SnapshotEvery: 10})
	if _, err := s.Create(t.Context(), "p", storetest.Sample(), "planner"); err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if _, err := s.Apply(t.Context(), "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("F", "duration", schedule.Days(float64(1+i)))}}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close() // waits for the snapshots in flight
	b.after = nil
	again := store.New(b, store.Config{})
	defer again.Close()
	p, rev, err := again.Project(t.Context(), "p")
	if err != nil || rev != 26 || p.Tasks[0].Duration != schedule.Days(25) {
		t.Fatalf("reloaded: revision %d, F %v, %v", rev, p.Tasks[0].Duration, err)
	}
	if len(b.after) == 0 || b.after[0] < 20 {
		t.Errorf("the load read events after %v; want after the snapshot at revision 21", b.after)
	}
}

func TestProjectorDebounced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var got []int64
		proj := store.ProjectorFunc(func(_ context.Context, id string, rev int64, p *schedule.Project) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, rev)
			return nil
		})
		s := store.New(store.NewMemory(), store.Config{Projector: proj, Debounce: time.Second})
		defer s.Close()
		if _, err := s.Create(t.Context(), "p", storetest.Sample(), "planner"); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := s.Apply(t.Context(), "p", store.Change{Actor: "a", Base: int64(i + 1), Ops: []store.Op{store.Set("X", "name", "x")}}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(999 * time.Millisecond)
		synctest.Wait()
		mu.Lock()
		if len(got) != 0 {
			t.Errorf("projected %v before the debounce interval", got)
		}
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || got[0] != 6 {
			t.Errorf("projected %v, want once at revision 6", got)
		}
	})
}

// TestLargeAnswerKeptShort: a command whose change moves most of a large
// project keeps a short answer; its duplicate says the delta was left out.
func TestLargeAnswerKeptShort(t *testing.T) {
	p := randnet.Loaded(2000, 1)
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	if _, err := s.Create(t.Context(), "p", p, "planner"); err != nil {
		t.Fatal(err)
	}
	r, _, _ := s.Schedule(t.Context(), "p")
	first := r.LongestPath()[0]
	ch := store.Change{Actor: "a", Command: "big", Base: 1, Ops: []store.Op{store.Set(first, "duration", schedule.Days(90))}}
	out, err := s.Apply(t.Context(), "p", ch)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Delta.Changes) < 500 {
		t.Fatalf("moving the first critical task moved only %d tasks", len(out.Delta.Changes))
	}
	again, err := s.Apply(t.Context(), "p", ch)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || !again.DeltaOmitted || len(again.Delta.Changes) != 0 || again.Revision != out.Revision || !again.Delta.Finish[1].Equal(out.Delta.Finish[1]) {
		t.Errorf("duplicate = revision %d, omitted %v, %d changes, finish %v", again.Revision, again.DeltaOmitted, len(again.Delta.Changes), again.Delta.Finish)
	}
}

// TestWarmRecent warms the cache with the most recently changed projects'
// schedules: afterwards reading them is a hit.
func TestWarmRecent(t *testing.T) {
	s := store.New(store.NewMemory(), store.Config{})
	defer s.Close()
	for _, id := range []string{"old", "mid", "new"} {
		if _, err := s.Create(t.Context(), id, storetest.Sample(), "planner"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(t.Context(), "old", store.Change{Actor: "a", Base: 1, Ops: []store.Op{store.Set("F", "duration", schedule.Days(3))}}); err != nil {
		t.Fatal(err)
	}
	r := store.NewResults(store.NewLRU(1<<20), nil)
	var mu sync.Mutex
	computed := map[string]int64{}
	compute := func(_ context.Context, k store.Key) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		computed[k.Project] = k.Revision
		return []byte(k.String()), nil
	}
	if err := s.WarmRecent(t.Context(), r, 2, []store.Key{{Kind: "schedule"}}, compute); err != nil {
		t.Fatal(err)
	}
	if len(computed) != 2 || computed["old"] != 2 || computed["new"] != 1 {
		t.Errorf("warmed %v, want old at revision 2 and new at 1", computed)
	}
	before := r.Stats().Hits
	if _, err := r.Get(t.Context(), store.Key{Project: "old", Revision: 2, Kind: "schedule"}, func(context.Context) ([]byte, error) {
		t.Error("a warmed key was computed again")
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if r.Stats().Hits != before+1 {
		t.Error("reading a warmed key was not a hit")
	}
}

// TestMaxProjects: a store bounded to two projects in memory serves five,
// from several goroutines at once, letting the idle ones go and loading
// them again; every change lands on its project.
func TestMaxProjects(t *testing.T) {
	s := store.New(store.NewMemory(), store.Config{MaxProjects: 2, SnapshotEvery: 3})
	defer s.Close()
	ids := []string{"a", "b", "c", "d", "e"}
	for _, id := range ids {
		if _, err := s.Create(t.Context(), id, storetest.Sample(), "planner"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g, id := range ids {
		wg.Go(func() {
			for i := range 12 {
				_, rev, err := s.Project(context.Background(), id)
				if err != nil {
					t.Error(err)
					return
				}
				d := schedule.Days(float64(1 + g + i))
				if _, err := s.Apply(context.Background(), id, store.Change{Actor: id, Base: rev, Ops: []store.Op{store.Set("F", "duration", d)}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for g, id := range ids {
		p, rev, err := s.Project(t.Context(), id)
		if err != nil || rev != 13 || p.Tasks[0].Duration != schedule.Days(float64(12+g)) {
			t.Errorf("%s: revision %d, F %v, %v; want 13, %vd", id, rev, p.Tasks[0].Duration, err, 12+g)
		}
	}
}
