package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

const benchTasks = 10_000

// benchBackends are the backends the benchmarks compare: SQLite, and the
// in-process Memory as the baseline of the store's own work.
func benchBackends(b *testing.B) []struct {
	name string
	open func(b *testing.B) store.Backend
} {
	return []struct {
		name string
		open func(b *testing.B) store.Backend
	}{
		{"backend=sqlite", func(b *testing.B) store.Backend {
			be, err := Open(filepath.Join(b.TempDir(), "bench.db"), Config{})
			if err != nil {
				b.Fatal(err)
			}
			return be
		}},
		{"backend=memory", func(b *testing.B) store.Backend { return store.NewMemory() }},
	}
}

// benchProject stores a random project of benchTasks tasks as "bench"
// and returns it as the store holds it.
func benchProject(b *testing.B, s *store.Store) *schedule.Project {
	p := randnet.Project(randnet.Config{Tasks: benchTasks, Seed: 1, LinkTypes: true})
	if _, err := s.Create(b.Context(), "bench", p, "bench"); err != nil {
		b.Fatal(err)
	}
	p, _, err := s.Project(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// durationEdit returns a change setting task i's duration to a value it
// does not have.
func durationEdit(p *schedule.Project, rng *rand.Rand, base int64, n int) store.Change {
	t := &p.Tasks[rng.IntN(len(p.Tasks))]
	d := t.Duration
	for d == t.Duration {
		d = schedule.Days(float64(1 + rng.IntN(20)))
	}
	t.Duration = d
	return store.Change{Actor: "bench", Command: fmt.Sprintf("bench-%d", n), Base: base, Ops: []store.Op{store.Set(t.ID, "duration", d)}}
}

// timedAppends is a backend that times its Appends.
type timedAppends struct {
	store.Backend
	took []time.Duration
}

func (t *timedAppends) Append(ctx context.Context, ev store.Event, cmd *store.Answer) error {
	start := time.Now()
	err := t.Backend.Append(ctx, ev, cmd)
	t.took = append(t.took, time.Since(start))
	return err
}

// BenchmarkApply applies one duration edit at a time to a 10,000-task
// project, each with its command id, and reports the median and the 99th
// percentile of the time Apply takes (p50-ms, p99-ms) beside ns/op, and
// of the backend's Append within it (append-p50-ms, append-p99-ms): with
// SQLite, the transaction of the event and the answer (which holds the
// change's delta) and its fsync, waiting behind the snapshot the store
// writes every 100 changes if it must.
func BenchmarkApply(b *testing.B) {
	for _, c := range benchBackends(b) {
		b.Run(c.name+fmt.Sprintf("/tasks=%d", benchTasks), func(b *testing.B) {
			be := &timedAppends{Backend: c.open(b)}
			defer be.Close()
			s := store.New(be, store.Config{})
			defer s.Close()
			p := benchProject(b, s)
			rng := rand.New(rand.NewPCG(1, 2))
			rev := int64(1)
			var took []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				ch := durationEdit(p, rng, rev, len(took))
				start := time.Now()
				out, err := s.Apply(b.Context(), "bench", ch)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				rev = out.Revision
			}
			reportPercentiles(b, "", took)
			reportPercentiles(b, "append-", be.took[1:]) // not the creation's
		})
	}
}

// reportPercentiles reports the 50th and 99th percentiles of took, in
// milliseconds, as prefix+"p50-ms" and prefix+"p99-ms".
func reportPercentiles(b *testing.B, prefix string, took []time.Duration) {
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), prefix+"p50-ms")
	b.ReportMetric(at(0.99), prefix+"p99-ms")
}

// BenchmarkLoad loads a 10,000-task project, at 150 changes past its
// creation (so from a snapshot and the events after it), into a store
// that does not hold it yet: what a server does on the first request
// for a project after a start. backend=sqlite/open also opens the file.
func BenchmarkLoad(b *testing.B) {
	for _, c := range benchBackends(b) {
		be := c.open(b)
		s := store.New(be, store.Config{})
		p := benchProject(b, s)
		rng := rand.New(rand.NewPCG(1, 3))
		rev := int64(1)
		for n := range 150 {
			out, err := s.Apply(b.Context(), "bench", durationEdit(p, rng, rev, n))
			if err != nil {
				b.Fatal(err)
			}
			rev = out.Revision
		}
		s.Close() // waits for the snapshot at revision 101
		load := func(b *testing.B, be store.Backend) {
			s := store.New(be, store.Config{})
			defer s.Close()
			_, got, err := s.Project(b.Context(), "bench")
			if err != nil || got != rev {
				b.Fatalf("loaded at revision %d, %v; want %d", got, err, rev)
			}
		}
		b.Run(c.name+fmt.Sprintf("/tasks=%d", benchTasks), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, be)
			}
		})
		sq, ok := be.(*Backend)
		if !ok {
			be.Close()
			continue
		}
		path := sq.path
		be.Close()
		b.Run(c.name+fmt.Sprintf("/open/tasks=%d", benchTasks), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				be, err := Open(path, Config{})
				if err != nil {
					b.Fatal(err)
				}
				load(b, be)
				be.Close()
			}
		})
	}
}
