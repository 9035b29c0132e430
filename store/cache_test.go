package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

func TestLRUConformance(t *testing.T) {
	storetest.RunCache(t, func(t *testing.T) store.Cache { return store.NewLRU(32 << 20) })
}

// lruModel is the LRU as plainly as it can be said: entries in order of
// use, the most recent last, evicted from the front.
type lruModel struct {
	max     int64
	entries []modelEntry
}

type modelEntry struct {
	key   string
	value string
}

func (m *lruModel) size() int64 {
	var n int64
	for _, e := range m.entries {
		n += int64(len(e.key) + len(e.value))
	}
	return n
}

func (m *lruModel) get(key string) (string, bool) {
	i := slices.IndexFunc(m.entries, func(e modelEntry) bool { return e.key == key })
	if i < 0 {
		return "", false
	}
	e := m.entries[i]
	m.entries = append(slices.Delete(m.entries, i, i+1), e)
	return e.value, true
}

func (m *lruModel) set(key, value string) {
	m.entries = slices.DeleteFunc(m.entries, func(e modelEntry) bool { return e.key == key })
	if int64(len(key)+len(value)) > m.max {
		return
	}
	m.entries = append(m.entries, modelEntry{key, value})
	for m.size() > m.max {
		m.entries = m.entries[1:]
	}
}

// TestLRUModel runs random sequences of gets and sets on an LRU and on
// lruModel and compares every answer, the count and the bytes kept, and
// what is kept after each step.
func TestLRUModel(t *testing.T) {
	ctx := t.Context()
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		max := int64(rng.IntN(200))
		c := store.NewLRU(max)
		m := &lruModel{max: max}
		keys := make([]string, 1+rng.IntN(20))
		for i := range keys {
			keys[i] = fmt.Sprintf("k%d%s", i, strings.Repeat("-", rng.IntN(8)))
		}
		var trace []string
		for step := range 300 {
			key := keys[rng.IntN(len(keys))]
			if rng.IntN(2) == 0 {
				value := strings.Repeat("v", rng.IntN(int(max/2)+10))
				trace = append(trace, fmt.Sprintf("set %s %d", key, len(value)))
				if err := c.Set(ctx, key, []byte(value)); err != nil {
					t.Fatalf("seed %d step %d: Set: %v", seed, step, err)
				}
				m.set(key, value)
			} else {
				trace = append(trace, "get "+key)
				got, ok, err := c.Get(ctx, key)
				want, wantOK := m.get(key)
				if err != nil || ok != wantOK || string(got) != want {
					t.Fatalf("seed %d step %d (max %d): Get(%q) = %d bytes, %v, %v; want %d bytes, %v\n%s",
						seed, step, max, key, len(got), ok, err, len(want), wantOK, strings.Join(trace, "\n"))
				}
			}
			if c.Len() != len(m.entries) || c.Size() != m.size() || c.Size() > max {
				t.Fatalf("seed %d step %d (max %d): %d entries of %d bytes; want %d of %d\n%s",
					seed, step, max, c.Len(), c.Size(), len(m.entries), m.size(), strings.Join(trace, "\n"))
			}
			// Reading every kept key from the least recently used on
			// leaves the order of use as it was, in both.
			for _, e := range slices.Clone(m.entries) {
				got, ok, _ := c.Get(ctx, e.key)
				m.get(e.key)
				if !ok || string(got) != e.value {
					t.Fatalf("seed %d step %d (max %d): %q not kept as the model keeps it\n%s",
						seed, step, max, e.key, strings.Join(trace, "\n"))
				}
			}
		}
	}
}

func TestLRUBound(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name    string
		max     int64
		sets    [][2]string // key, value
		kept    []string
		notKept []string
	}{
		{"fits exactly", 10, [][2]string{{"k", "123456789"}}, []string{"k"}, nil},
		{"one byte over", 10, [][2]string{{"k", "1234567890"}}, nil, []string{"k"}},
		{"too large drops the old value", 10, [][2]string{{"k", "1"}, {"k", "1234567890"}}, nil, []string{"k"}},
		{"nothing when zero", 0, [][2]string{{"", ""}, {"k", ""}}, nil, []string{"", "k"}},
		{"oldest goes first", 6, [][2]string{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}}, []string{"b", "c", "d"}, []string{"a"}},
		{"as many go as must", 6, [][2]string{{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1234"}}, []string{"d"}, []string{"a", "b", "c"}},
		{"overwrite resizes", 6, [][2]string{{"a", "1"}, {"b", "1"}, {"b", "12"}, {"a", "1"}}, []string{"a", "b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := store.NewLRU(tt.max)
			for _, kv := range tt.sets {
				if err := c.Set(ctx, kv[0], []byte(kv[1])); err != nil {
					t.Fatal(err)
				}
			}
			for _, k := range tt.kept {
				if _, ok, _ := c.Get(ctx, k); !ok {
					t.Errorf("%q not kept", k)
				}
			}
			for _, k := range tt.notKept {
				if v, ok, _ := c.Get(ctx, k); ok {
					t.Errorf("%q kept (%q)", k, v)
				}
			}
			if c.Size() > tt.max || c.Size() < 0 {
				t.Errorf("Size() = %d, bound %d", c.Size(), tt.max)
			}
		})
	}
}

var key1 = store.Key{Project: "tower", Revision: 7, Kind: "schedule"}

// startGets starts n Gets of key1, the i-th with ctx(i), all with
// compute; the function it returns waits for them and returns what each
// returned.
func startGets(r *store.Results, n int, ctx func(i int) context.Context, compute func(context.Context) ([]byte, error)) (results func() ([][]byte, []error)) {
	vals := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { vals[i], errs[i] = r.Get(ctx(i), key1, compute) })
	}
	return func() ([][]byte, []error) { wg.Wait(); return vals, errs }
}

func background(int) context.Context { return context.Background() }

func TestResultsHitAndMiss(t *testing.T) {
	ctx := t.Context()
	c := store.NewLRU(1 << 20)
	r := store.NewResults(c, nil)
	calls := 0
	compute := func(context.Context) ([]byte, error) { calls++; return []byte("rev 7"), nil }
	for i, want := range []store.ResultsStats{
		{Misses: 1, Computes: 1},
		{Hits: 1, Misses: 1, Computes: 1},
		{Hits: 2, Misses: 1, Computes: 1},
	} {
		got, err := r.Get(ctx, key1, compute)
		if err != nil || string(got) != "rev 7" {
			t.Fatalf("Get %d = %q, %v; want %q", i, got, err, "rev 7")
		}
		if s := r.Stats(); s != want {
			t.Errorf("after Get %d: Stats() = %+v, want %+v", i, s, want)
		}
	}
	if calls != 1 {
		t.Errorf("compute called %d times, want 1", calls)
	}
	if v, ok, _ := c.Get(ctx, key1.String()); !ok || string(v) != "rev 7" {
		t.Errorf("the Cache holds %q, %v under the key; want %q", v, ok, "rev 7")
	}
	// Another revision is another key.
	next := key1
	next.Revision++
	if _, err := r.Get(ctx, next, func(context.Context) ([]byte, error) { return []byte("rev 8"), nil }); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Computes != 2 {
		t.Errorf("revision 8 computed %d times in all, want 2", s.Computes)
	}
}

func TestResultsSingleflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 50
		r := store.NewResults(store.NewLRU(1<<20), nil)
		release := make(chan struct{})
		calls := 0
		results := startGets(r, n, background, func(context.Context) ([]byte, error) {
			calls++
			<-release
			return []byte("shared"), nil
		})
		synctest.Wait() // every Get is waiting
		if s := r.Stats(); calls != 1 || s.Computes != 1 || s.Misses != n {
			t.Fatalf("with %d Gets waiting: compute called %d times, Stats() = %+v; want once, %d misses", n, calls, s, n)
		}
		close(release)
		vals, errs := results()
		for i := range n {
			if errs[i] != nil || string(vals[i]) != "shared" {
				t.Errorf("Get %d = %q, %v; want %q", i, vals[i], errs[i], "shared")
			}
		}
		if _, err := r.Get(t.Context(), key1, nil); err != nil { // a hit: compute is not called
			t.Fatal(err)
		}
		if s := r.Stats(); s.Hits != 1 || calls != 1 {
			t.Errorf("after: Stats() = %+v, compute called %d times; want 1 hit, once", s, calls)
		}
	})
}

// TestResultsFailures: an error or a panic in compute reaches every Get
// waiting for it, and nothing is kept, so the next Get computes again.
func TestResultsFailures(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		compute func() ([]byte, error)
		check   func(error) bool
	}{
		{"error", func() ([]byte, error) { return nil, boom }, func(err error) bool { return errors.Is(err, boom) }},
		{"panic", func() ([]byte, error) { panic("kaboom") }, func(err error) bool {
			pe, ok := errors.AsType[*store.PanicError](err)
			return ok && pe.Value == "kaboom" && pe.Key == key1 && len(pe.Stack) > 0
		}},
		{"panic with an error", func() ([]byte, error) { panic(boom) }, func(err error) bool {
			_, ok := errors.AsType[*store.PanicError](err)
			return ok && errors.Is(err, boom)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const n = 10
				c := store.NewLRU(1 << 20)
				r := store.NewResults(c, nil)
				release := make(chan struct{})
				results := startGets(r, n, background, func(context.Context) ([]byte, error) {
					<-release
					return tt.compute()
				})
				synctest.Wait()
				close(release)
				_, errs := results()
				for i, err := range errs {
					if !tt.check(err) {
						t.Errorf("Get %d: err = %v", i, err)
					}
				}
				if c.Len() != 0 {
					t.Errorf("the failure was kept: %d entries", c.Len())
				}
				got, err := r.Get(t.Context(), key1, func(context.Context) ([]byte, error) { return []byte("ok"), nil })
				if err != nil || string(got) != "ok" {
					t.Errorf("Get after the failure = %q, %v; want a fresh computation", got, err)
				}
				if s := r.Stats(); s.Computes != 2 || s.Failures != 1 || s.Misses != n+1 {
					t.Errorf("Stats() = %+v; want 2 computes, 1 failure, %d misses", s, n+1)
				}
			})
		})
	}
}

// TestResultsCancel: a Get whose context ends returns at once while the
// others go on waiting; when every Get has gone, the computation's
// context ends and nothing is kept.
func TestResultsCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := store.NewLRU(1 << 20)
		r := store.NewResults(c, nil)
		ctxs := make([]context.Context, 3)
		cancels := make([]context.CancelFunc, 3)
		for i := range ctxs {
			ctxs[i], cancels[i] = context.WithCancel(context.Background())
		}
		started := make(chan struct{})
		ended := make(chan error, 1)
		results := startGets(r, 2, func(i int) context.Context { return ctxs[i] }, func(ctx context.Context) ([]byte, error) {
			close(started)
			<-ctx.Done()
			ended <- ctx.Err()
			return nil, ctx.Err()
		})
		<-started
		synctest.Wait()

		// A third Get, alone in its goroutine, returns when its context ends.
		third := make(chan error)
		go func() {
			_, err := r.Get(ctxs[2], key1, nil)
			third <- err
		}()
		synctest.Wait()
		cancels[2]()
		if err := <-third; !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled Get returned %v, want context.Canceled", err)
		}
		synctest.Wait()
		select {
		case err := <-ended:
			t.Fatalf("the computation ended (%v) with two Gets still waiting", err)
		default:
		}

		cancels[0]()
		cancels[1]()
		_, errs := results()
		for i, err := range errs {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Get %d returned %v, want context.Canceled", i, err)
			}
		}
		if err := <-ended; !errors.Is(err, context.Canceled) {
			t.Errorf("the computation's context ended with %v, want context.Canceled", err)
		}
		synctest.Wait()
		if c.Len() != 0 {
			t.Errorf("a cancelled computation was kept")
		}
		got, err := r.Get(t.Context(), key1, func(context.Context) ([]byte, error) { return []byte("again"), nil })
		if err != nil || string(got) != "again" {
			t.Errorf("Get after all gave up = %q, %v; want a fresh computation", got, err)
		}
	})
}

// TestResultsCancelKeepsLateResult: a computation that finishes after
// every Get gave up, without heeding its context, is kept all the same.
func TestResultsCancelKeepsLateResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := store.NewLRU(1 << 20)
		r := store.NewResults(c, nil)
		ctx, cancel := context.WithCancel(context.Background())
		release := make(chan struct{})
		results := startGets(r, 1, func(int) context.Context { return ctx }, func(context.Context) ([]byte, error) {
			<-release
			return []byte("late"), nil
		})
		synctest.Wait()
		cancel()
		if _, errs := results(); !errors.Is(errs[0], context.Canceled) {
			t.Fatalf("Get returned %v, want context.Canceled", errs[0])
		}
		close(release)
		synctest.Wait()
		if v, ok, _ := c.Get(context.Background(), key1.String()); !ok || string(v) != "late" {
			t.Errorf("the Cache holds %q, %v; want %q", v, ok, "late")
		}
	})
}

// brokenCache fails every Get and Set.
type brokenCache struct{}

func (brokenCache) Get(context.Context, string) ([]byte, bool, error) {
	return nil, false, errors.New("cache down")
}
func (brokenCache) Set(context.Context, string, []byte) error { return errors.New("cache down") }

func TestResultsCacheErrors(t *testing.T) {
	r := store.NewResults(brokenCache{}, nil)
	for range 2 {
		got, err := r.Get(t.Context(), key1, func(context.Context) ([]byte, error) { return []byte("computed"), nil })
		if err != nil || string(got) != "computed" {
			t.Fatalf("Get = %q, %v; want the computed result", got, err)
		}
	}
	want := store.ResultsStats{Misses: 2, Computes: 2, CacheErrors: 4}
	if s := r.Stats(); s != want {
		t.Errorf("Stats() = %+v, want %+v", s, want)
	}
}

func TestResultsWarm(t *testing.T) {
	ctx := t.Context()
	for _, workers := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			c := store.NewLRU(1 << 20)
			r := store.NewResults(c, &store.ResultsOptions{Workers: workers})
			keys := make([]store.Key, 6)
			for i := range keys {
				keys[i] = store.Key{Project: fmt.Sprintf("p%d", i), Revision: int64(10 + i), Kind: "schedule"}
			}
			if err := c.Set(ctx, keys[0].String(), []byte("cached")); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var computed []string
			err := r.Warm(ctx, keys, func(_ context.Context, k store.Key) ([]byte, error) {
				mu.Lock()
				computed = append(computed, k.Project)
				mu.Unlock()
				if k.Project == "p2" || k.Project == "p4" {
					return nil, fmt.Errorf("no schedule for %s", k.Project)
				}
				return fmt.Appendf(nil, "%s@%d", k.Project, k.Revision), nil
			})
			if err == nil || !strings.Contains(err.Error(), "no schedule for p2") || !strings.Contains(err.Error(), "no schedule for p4") ||
				strings.Index(err.Error(), "p2") > strings.Index(err.Error(), "p4") {
				t.Errorf("Warm: %v; want the failures of p2 and p4, in order", err)
			}
			slices.Sort(computed)
			if want := []string{"p1", "p2", "p3", "p4", "p5"}; !slices.Equal(computed, want) {
				t.Errorf("computed %v, want %v", computed, want)
			}
			for i, k := range keys {
				v, ok, _ := c.Get(ctx, k.String())
				want := fmt.Sprintf("p%d@%d", i, 10+i)
				switch i {
				case 0:
					want = "cached"
				case 2, 4:
					if ok {
						t.Errorf("%s kept after failing: %q", k, v)
					}
					continue
				}
				if !ok || string(v) != want {
					t.Errorf("%s: %q, %v; want %q", k, v, ok, want)
				}
			}
		})
	}
}

func TestResultsWarmCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := store.NewResults(nil, nil)
	keys := []store.Key{{Project: "a"}, {Project: "b"}, {Project: "c"}}
	calls := 0
	err := r.Warm(ctx, keys, func(context.Context, store.Key) ([]byte, error) {
		calls++
		cancel()
		return []byte("x"), nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("Warm = %v after %d computations; want context.Canceled after 1", err, calls)
	}
}

func TestCachedReadsUnderEdits(t *testing.T) {
	storetest.RunCachedReads(t,
		func(*testing.T) store.Backend { return store.NewMemory() },
		func(*testing.T) store.Cache { return store.NewLRU(1 << 20) })
}

// gatedCache is a Cache whose Gets wait, after reading, for getGate to
// close, and whose Sets wait for setGate, when they are not nil.
type gatedCache struct {
	store.Cache
	getGate, setGate chan struct{}
}

func (g *gatedCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := g.Cache.Get(ctx, key)
	if g.getGate != nil {
		<-g.getGate
	}
	return v, ok, err
}

func (g *gatedCache) Set(ctx context.Context, key string, value []byte) error {
	if g.setGate != nil {
		<-g.setGate
	}
	return g.Cache.Set(ctx, key, value)
}

// TestResultsKeptWhileReading: a Get that missed the Cache just before a
// computation of its key was kept, and finds that computation over, reads
// the Cache again rather than compute the key a second time.
func TestResultsKeptWhileReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &gatedCache{Cache: store.NewLRU(1 << 20), setGate: make(chan struct{})}
		r := store.NewResults(g, nil)
		calls := 0
		compute := func(context.Context) ([]byte, error) { calls++; return []byte("v"), nil }
		get := func() chan []byte {
			got := make(chan []byte, 1)
			go func() {
				v, err := r.Get(context.Background(), key1, compute)
				if err != nil {
					t.Error(err)
				}
				got <- v
			}()
			return got
		}
		first := get()
		synctest.Wait() // computed; keeping it waits for setGate
		g.getGate = make(chan struct{})
		second := get()
		synctest.Wait() // the second Get has read the Cache: nothing
		close(g.setGate)
		if v := <-first; string(v) != "v" { // kept, and its computation over
			t.Errorf("first Get = %q, want %q", v, "v")
		}
		synctest.Wait()
		close(g.getGate)
		if v := <-second; string(v) != "v" {
			t.Errorf("second Get = %q, want %q", v, "v")
		}
		if s := r.Stats(); calls != 1 || s.Computes != 1 || s.Hits != 1 {
			t.Errorf("compute called %d times, Stats() = %+v; want once, and the second Get a hit", calls, s)
		}
	})
}
