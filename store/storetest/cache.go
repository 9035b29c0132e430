package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

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
