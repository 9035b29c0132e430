package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// RunCache runs the conformance suite every store.Cache passes: values
// kept and read back byte for byte, overwritten, missing, empty and large
// (4 MiB), copied when set, keys with odd characters kept apart, and
// concurrent use. Each call of open gives a fresh, empty cache that holds
// at least 16 MiB and is not shared with the cache of another call.
func RunCache(t *testing.T, open func(t *testing.T) store.Cache) {
	t.Run("Missing", func(t *testing.T) { testCacheMissing(t, open(t)) })
	t.Run("SetGet", func(t *testing.T) { testCacheSetGet(t, open(t)) })
	t.Run("Overwrite", func(t *testing.T) { testCacheOverwrite(t, open(t)) })
	t.Run("Empty", func(t *testing.T) { testCacheEmpty(t, open(t)) })
	t.Run("Large", func(t *testing.T) { testCacheLarge(t, open(t)) })
	t.Run("Copied", func(t *testing.T) { testCacheCopied(t, open(t)) })
	t.Run("OddKeys", func(t *testing.T) { testCacheOddKeys(t, open(t)) })
	t.Run("Fresh", func(t *testing.T) { testCacheFresh(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testCacheConcurrent(t, open(t)) })
}

func mustGet(t *testing.T, c store.Cache, key string) ([]byte, bool) {
	t.Helper()
	v, ok, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return v, ok
}

func mustSet(t *testing.T, c store.Cache, key string, value []byte) {
	t.Helper()
	if err := c.Set(t.Context(), key, value); err != nil {
		t.Fatalf("Set(%q, %d bytes): %v", key, len(value), err)
	}
}

func testCacheMissing(t *testing.T, c store.Cache) {
	mustSet(t, c, "present", []byte("x"))
	for _, key := range []string{"absent", "presen", "present ", "Present", ""} {
		if v, ok := mustGet(t, c, key); ok {
			t.Errorf("Get(%q) = %q, true; want nothing", key, v)
		}
	}
}

func testCacheSetGet(t *testing.T, c store.Cache) {
	values := map[string][]byte{
		"a":     []byte("alpha"),
		"b":     []byte("beta"),
		"bytes": {0, 1, 2, 0xff, 0xfe, '\r', '\n', 0},
		"utf8":  []byte("ঢাকা টাওয়ার"),
		"json":  []byte(`{"tasks":[{"id":"T1","start":"2027-01-03T08:00:00+06:00"}]}`),
	}
	for k, v := range values {
		mustSet(t, c, k, v)
	}
	for k, want := range values {
		got, ok := mustGet(t, c, k)
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("Get(%q) = %q, %v; want %q, true", k, got, ok, want)
		}
	}
}

func testCacheOverwrite(t *testing.T, c store.Cache) {
	for i, v := range []string{"first", "second, longer than the first", "3"} {
		mustSet(t, c, "key", []byte(v))
		got, ok := mustGet(t, c, "key")
		if !ok || string(got) != v {
			t.Errorf("after set %d: Get = %q, %v; want %q, true", i, got, ok, v)
		}
	}
}

func testCacheEmpty(t *testing.T, c store.Cache) {
	mustSet(t, c, "empty", []byte{})
	got, ok := mustGet(t, c, "empty")
	if !ok || len(got) != 0 {
		t.Errorf("Get(empty) = %q, %v; want an empty value, true", got, ok)
	}
}

func testCacheLarge(t *testing.T, c store.Cache) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1 << 10, 1 << 20, 4 << 20} {
		v := make([]byte, n)
		for i := range v {
			v[i] = byte(rng.Uint32())
		}
		key := fmt.Sprintf("large/%d", n)
		mustSet(t, c, key, v)
		got, ok := mustGet(t, c, key)
		if !ok || !bytes.Equal(got, v) {
			t.Errorf("Get(%q): %d bytes, %v; want the %d bytes set", key, len(got), ok, n)
		}
	}
}

func testCacheCopied(t *testing.T, c store.Cache) {
	v := []byte("original")
	mustSet(t, c, "k", v)
	copy(v, "modified")
	got, ok := mustGet(t, c, "k")
	if !ok || string(got) != "original" {
		t.Errorf("after the caller changed its slice: Get = %q, %v; want %q, true", got, ok, "original")
	}
}

// oddKeys are keys that a careless adapter would confuse, truncate or
// reject: separators, escapes, patterns, spaces, control bytes, bytes
// that are not UTF-8, prefixes of each other, a long key, and keys that
// store.Key spells.
func oddKeys() []string {
	keys := []string{
		"", " ", "  ", "a b", "a\tb", "a\nb", "a\r\nb", "a\x00b", "\x00", "\xff\xfe",
		":", "::", "a:b", "a::b", `a\:b`, `a\\:b`, `\`, "*", "?", "[a-z]", "{tag}", "a*",
		"%s", "%00", "'", `"`, "ক", "ঢাকা:টাওয়ার", "😀",
		"prefix", "prefix:", "prefix:x", strings.Repeat("k", 1000),
	}
	for _, k := range []store.Key{
		{Project: "p", Revision: 1, Kind: "schedule"},
		{Project: "p", Revision: 12, Kind: "schedule"},
		{Project: "p:1", Revision: 2, Kind: "schedule"},
		{Project: "p", Revision: 12, Kind: "schedule", Options: "profile=p6:level=true"},
		{Project: `p\`, Revision: 12, Kind: "schedule"},
	} {
		keys = append(keys, k.String())
	}
	return keys
}

func testCacheOddKeys(t *testing.T, c store.Cache) {
	keys := oddKeys()
	for i, k := range keys {
		mustSet(t, c, k, fmt.Appendf(nil, "value %d", i))
	}
	for i, k := range keys {
		got, ok := mustGet(t, c, k)
		if want := fmt.Sprintf("value %d", i); !ok || string(got) != want {
			t.Errorf("Get(%q) = %q, %v; want %q, true", k, got, ok, want)
		}
	}
}

func testCacheFresh(t *testing.T, open func(t *testing.T) store.Cache) {
	a := open(t)
	mustSet(t, a, "shared?", []byte("a"))
	b := open(t)
	if v, ok := mustGet(t, b, "shared?"); ok {
		t.Errorf("a second cache has the first one's key: %q", v)
	}
}

// testCacheConcurrent sets and gets a few keys from several goroutines;
// every value read must be one that was set for its key, whole.
func testCacheConcurrent(t *testing.T, c store.Cache) {
	const goroutines, ops, keys = 8, 300, 5
	value := func(key, g, i int) []byte {
		return fmt.Appendf(nil, "key %d from %d at %d %s", key, g, i, strings.Repeat("x", (g*ops+i)%97))
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for i := range ops {
				key := rng.IntN(keys)
				name := fmt.Sprintf("concurrent/%d", key)
				if rng.IntN(2) == 0 {
					if err := c.Set(ctx, name, value(key, g, i)); err != nil {
						errs <- fmt.Errorf("Set(%q): %w", name, err)
						return
					}
					continue
				}
				v, ok, err := c.Get(ctx, name)
				if err != nil {
					errs <- fmt.Errorf("Get(%q): %w", name, err)
					return
				}
				var k2, g2, i2 int
				if ok {
					if _, err := fmt.Sscanf(string(v), "key %d from %d at %d", &k2, &g2, &i2); err != nil || k2 != key || !bytes.Equal(v, value(k2, g2, i2)) {
						errs <- fmt.Errorf("Get(%q) = %q: not a value set for it", name, v)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// errMoved: the project moved past the revision a result was asked at
// before it was computed; the result is not computed, nor kept.
var errMoved = errors.New("the project moved on")

// cachedResult is what RunCachedReads caches: a project's durations and
// the revision they were read at.
type cachedResult struct {
	Revision  int64              `json:"revision"`
	Durations map[string]float64 `json:"durations"` // days, by task
}

// RunCachedReads hammers one project of a Store on a fresh backend (from
// open) with edits from 4 goroutines, each reading after each of its
// edits, while 4 others read on and on: each read gets a result of the
// project through store.Results over a fresh cache (from cache), at the
// revision it has just read from the Store. A result carries the
// revision it was computed at; every read must get exactly the revision
// it asked for, with the durations the accepted edits had given the
// project at that revision — never an older result, nor a newer one kept
// under an older key.
func RunCachedReads(t *testing.T, open Open, cache func(t *testing.T) store.Cache) {
	const writers, edits, readers = 4, 40, 4
	ctx := t.Context()
	s, _ := newStore(t, open, store.Config{})
	project := Sample()
	mustCreate(t, s, "p", project)
	results := store.NewResults(cache(t), nil)

	// compute reads the project and refuses when it is no longer at the
	// revision asked for.
	compute := func(key store.Key) func(ctx context.Context) ([]byte, error) {
		return func(ctx context.Context) ([]byte, error) {
			p, rev, err := s.Project(ctx, key.Project)
			if err != nil {
				return nil, err
			}
			if rev != key.Revision {
				return nil, fmt.Errorf("asked for revision %d, at %d: %w", key.Revision, rev, errMoved)
			}
			r := cachedResult{Revision: rev, Durations: map[string]float64{}}
			for _, task := range p.Tasks {
				r.Durations[task.ID] = task.Duration.Amount
			}
			return json.Marshal(r)
		}
	}
	read := func(ctx context.Context) (cachedResult, error) {
		_, rev, err := s.Project(ctx, "p")
		if err != nil {
			return cachedResult{}, err
		}
		key := store.Key{Project: "p", Revision: rev, Kind: "durations"}
		v, err := results.Get(ctx, key, compute(key))
		if err != nil {
			return cachedResult{}, err
		}
		var r cachedResult
		if err := json.Unmarshal(v, &r); err != nil {
			return cachedResult{}, fmt.Errorf("revision %d: %w", rev, err)
		}
		if r.Revision != rev {
			return r, fmt.Errorf("asked for revision %d, got a result of revision %d", rev, r.Revision)
		}
		return r, nil
	}

	type write struct {
		task string
		days float64
	}
	var mu sync.Mutex
	written := map[int64]write{} // by the revision the edit made
	var seen []cachedResult
	moved := 0

	readOnce := func() {
		r, err := read(ctx)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, errMoved):
			moved++
		case err != nil:
			t.Error(err)
		default:
			seen = append(seen, r)
		}
	}

	var writing, reading sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		writing.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := range edits {
				task := project.Tasks[rng.IntN(len(project.Tasks))].ID
				days := float64(1 + w*edits + i) // each edit's own value
				for {
					_, base, err := s.Project(ctx, "p")
					if err != nil {
						t.Error(err)
						return
					}
					out, err := s.Apply(ctx, "p", store.Change{Actor: fmt.Sprint("writer", w), Base: base, Ops: []store.Op{store.Set(task, "duration", schedule.Days(days))}})
					if errors.Is(err, store.ErrConflict) {
						continue // another writer changed it since base
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					written[out.Revision] = write{task, days}
					mu.Unlock()
					break
				}
				readOnce()
			}
		})
	}
	for range readers {
		reading.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				readOnce()
			}
		})
	}
	writing.Wait()
	close(done)
	reading.Wait()
	// Read the final revision twice: the second read is a hit.
	for range 2 {
		r, err := read(ctx)
		if err != nil {
			t.Fatalf("reading after the edits: %v", err)
		}
		seen = append(seen, r)
	}

	// The durations at each revision, from the accepted edits.
	final := int64(1 + len(written))
	if want := slices.Collect(func(yield func(int64) bool) {
		for rev := int64(2); rev <= final; rev++ {
			if !yield(rev) {
				return
			}
		}
	}); !slices.Equal(slices.Sorted(maps.Keys(written)), want) {
		t.Fatalf("the accepted edits made revisions %v, want 2 to %d", slices.Sorted(maps.Keys(written)), final)
	}
	at := make([]map[string]float64, final+1)
	at[1] = map[string]float64{}
	for _, task := range project.Tasks {
		at[1][task.ID] = task.Duration.Amount
	}
	for rev := int64(2); rev <= final; rev++ {
		at[rev] = maps.Clone(at[rev-1])
		at[rev][written[rev].task] = written[rev].days
	}
	for _, r := range seen {
		if r.Revision < 1 || r.Revision > final {
			t.Errorf("a read got revision %d; the project has 1 to %d", r.Revision, final)
			continue
		}
		if !maps.Equal(r.Durations, at[r.Revision]) {
			t.Errorf("a read at revision %d got durations %v, want %v", r.Revision, r.Durations, at[r.Revision])
		}
	}
	st := results.Stats()
	t.Logf("%d edits; %d reads checked, %d refused as moved on; %+v", len(written), len(seen), moved, st)
	if st.Hits == 0 {
		t.Errorf("no read was a hit: %+v", st)
	}
}
