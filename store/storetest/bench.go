package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// BenchTasks is the size of the benchmarks' project.
const BenchTasks = 10_000

// benchProject stores a random project of BenchTasks tasks (every link
// type) as "bench" and returns it as the store holds it.
func benchProject(b *testing.B, s *store.Store) *schedule.Project {
	p := randnet.Project(randnet.Config{Tasks: BenchTasks, Seed: 1, LinkTypes: true})
	if _, err := s.Create(b.Context(), "bench", p, "bench"); err != nil {
		b.Fatal(err)
	}
	p, _, err := s.Project(b.Context(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// durationEdit returns a change setting a random task's duration to a
// value it does not have, with its command id.
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

// BenchApply applies one duration edit at a time, each with its command
// id, to a BenchTasks-task project on be, and reports the median and the
// 99th percentile of the time Apply takes (p50-ms, p99-ms) and of the
// backend's Append within it (append-p50-ms, append-p99-ms). It closes
// be.
func BenchApply(b *testing.B, be store.Backend) {
	timed := &timedAppends{Backend: be}
	defer timed.Close()
	s := store.New(timed, store.Config{})
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
	ReportLatency(b, "", took)
	ReportLatency(b, "append-", timed.took[1:]) // not the creation's
}

// ReportLatency reports the 50th and 99th percentiles of took, in
// milliseconds, as prefix+"p50-ms" and prefix+"p99-ms".
func ReportLatency(b *testing.B, prefix string, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), prefix+"p50-ms")
	b.ReportMetric(at(0.99), prefix+"p99-ms")
}

// PrepareLoad stores a BenchTasks-task project on be and applies edits
// changes to it (a snapshot every 100, the rest to replay), returning the
// revision a load must reach.
func PrepareLoad(b *testing.B, be store.Backend, edits int) int64 {
	s := store.New(be, store.Config{})
	defer s.Close() // waits for the snapshots in flight
	p := benchProject(b, s)
	rng := rand.New(rand.NewPCG(1, 3))
	rev := int64(1)
	for n := range edits {
		out, err := s.Apply(b.Context(), "bench", durationEdit(p, rng, rev, n))
		if err != nil {
			b.Fatal(err)
		}
		rev = out.Revision
	}
	return rev
}

// Load loads the project PrepareLoad stored into a new store, as a server
// does on the first request for a project after a start, and checks it
// is at revision rev.
func Load(b *testing.B, be store.Backend, rev int64) {
	s := store.New(be, store.Config{})
	defer s.Close()
	_, got, err := s.Project(b.Context(), "bench")
	if err != nil || got != rev {
		b.Fatalf("loaded at revision %d, %v; want %d", got, err, rev)
	}
}
