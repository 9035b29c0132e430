package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/demo"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// mapCache is a store.Cache in a map, counting its reads and writes; a
// failing one fails every call.
type mapCache struct {
	mu         sync.Mutex
	m          map[string][]byte
	gets, sets int
	failing    bool
}

func (c *mapCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	if c.failing {
		return nil, false, errors.New("cache down")
	}
	b, ok := c.m[key]
	return b, ok, nil
}

func (c *mapCache) Set(ctx context.Context, key string, value []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sets++
	if c.failing {
		return errors.New("cache down")
	}
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = value
	return nil
}

// announcement is one call of an Announcer.
type announcement struct {
	project, kind string
	payload       []byte
}

// recorder is an Announcer that keeps what it is told; with fail set it
// fails instead.
type recorder struct {
	mu   sync.Mutex
	got  []announcement
	fail error
}

func (r *recorder) Announce(ctx context.Context, project, kind string, payload []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, announcement{project, kind, payload})
	return nil
}

func (r *recorder) all() []announcement {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]announcement(nil), r.got...)
}

// last decodes the last announcement into v and returns its kind.
func (r *recorder) last(t *testing.T, v any) string {
	t.Helper()
	got := r.all()
	if len(got) == 0 {
		t.Fatal("nothing was announced")
	}
	a := got[len(got)-1]
	if err := json.Unmarshal(a.payload, v); err != nil {
		t.Fatalf("announcement of kind %s: %v", a.kind, err)
	}
	return a.kind
}

// dhaka reads the Dhaka Tower example project.
func dhaka(t testing.TB) *schedule.Project {
	t.Helper()
	return demo.Project(t, "dhaka-tower.json")
}

// fixture is a store holding projects, and the Deps of the kinds on it.
type fixture struct {
	store *store.Store
	cache *mapCache
	ann   *recorder
	deps  Deps
	mux   *jobs.Mux
}

// newFixture creates a store with the projects given (id, project, …)
// and registers the kinds with in-memory dependencies; change is called
// on the Deps before Register.
func newFixture(t *testing.T, change func(*Deps), projects ...any) *fixture {
	t.Helper()
	s := store.New(store.NewMemory(), store.Config{})
	t.Cleanup(func() { s.Close() })
	for k := 0; k < len(projects); k += 2 {
		if _, err := s.Create(t.Context(), projects[k].(string), projects[k+1].(*schedule.Project), "planner"); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{store: s, cache: &mapCache{}, ann: &recorder{}}
	f.deps = Deps{Projects: s, Cache: f.cache, Announcer: f.ann, Proposals: NewMemoryProposals(),
		Now: func() time.Time { return time.Date(2027, 7, 11, 10, 0, 0, 0, time.FixedZone("+06", 6*3600)) }}
	if change != nil {
		change(&f.deps)
	}
	f.mux = jobs.NewMux()
	if err := Register(f.mux, f.deps); err != nil {
		t.Fatal(err)
	}
	return f
}

// run makes a job of a and runs it through the Mux, as a queue would.
func (f *fixture) run(t *testing.T, a Args, p jobs.Progress) error {
	t.Helper()
	return f.runCtx(t.Context(), t, a, p)
}

func (f *fixture) runCtx(ctx context.Context, t *testing.T, a Args, p jobs.Progress) error {
	t.Helper()
	j, err := NewJob("default", a)
	if err != nil {
		t.Fatal(err)
	}
	j.ID = "job-1"
	if p == nil {
		p = func(float64, string) {}
	}
	return f.mux.Work(ctx, &j, p)
}

// runRaw runs a job of kind with a raw payload.
func (f *fixture) runRaw(t *testing.T, kind, payload string) error {
	t.Helper()
	j := jobs.Job{ID: "job-raw", Queue: "default", Kind: kind, Payload: json.RawMessage(payload)}
	return f.mux.Work(t.Context(), &j, func(float64, string) {})
}

// apply applies a change to a project or fails the test.
func (f *fixture) apply(t *testing.T, project string, base int64, ops ...store.Op) int64 {
	t.Helper()
	out, err := f.store.Apply(t.Context(), project, store.Change{Actor: "site-engineer", Base: base, Ops: ops})
	if err != nil {
		t.Fatal(err)
	}
	return out.Revision
}
