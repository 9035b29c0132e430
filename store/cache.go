package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// LRU is the in-process Cache: it keeps the most recently used entries
// whose sizes (key plus value, in bytes) add up to at most a bound, and
// drops the least recently used ones to make room. Get and Set take
// constant time. An LRU is safe for concurrent use.
type LRU struct {
	max int64

	mu      sync.Mutex
	entries map[string]*lruEntry
	// root is the sentinel of a ring of entries in order of use:
	// root.next is the most recently used, root.prev the least.
	root lruEntry
	size int64
}

var _ Cache = (*LRU)(nil)

// lruEntry is one entry of an LRU, linked into its ring of use.
type lruEntry struct {
	key        string
	value      []byte
	prev, next *lruEntry
}

// NewLRU returns an empty LRU bounded at maxBytes, counted as the lengths
// of keys and values. An entry larger than the bound is not kept; a bound
// of zero or less keeps nothing.
func NewLRU(maxBytes int64) *LRU {
	c := &LRU{max: maxBytes, entries: make(map[string]*lruEntry)}
	c.root.prev, c.root.next = &c.root, &c.root
	return c
}

// Get returns the value kept for key and marks it the most recently
// used. The bytes are the cache's own: the caller must not modify them.
// Get never fails.
func (c *LRU) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false, nil
	}
	c.unlink(e)
	c.pushFront(e)
	return e.value, true, nil
}

// Set keeps a copy of value for key, replacing what was kept for it, and
// drops the least recently used entries until the cache is within its
// bound again. A value whose entry is larger than the bound is not kept,
// and the key's previous value is dropped. Set never fails.
func (c *LRU) Set(_ context.Context, key string, value []byte) error {
	n := int64(len(key)) + int64(len(value))
	var e *lruEntry
	if n <= c.max && c.max > 0 {
		e = &lruEntry{key: key, value: bytes.Clone(value)}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.remove(old)
	}
	if e == nil {
		return nil
	}
	for c.size+n > c.max {
		c.remove(c.root.prev)
	}
	c.entries[key] = e
	c.pushFront(e)
	c.size += n
	return nil
}

// Len returns the number of entries kept.
func (c *LRU) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Size returns the bytes kept: the lengths of the keys and values.
func (c *LRU) Size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// remove drops e from the cache; c.mu is held.
func (c *LRU) remove(e *lruEntry) {
	c.unlink(e)
	delete(c.entries, e.key)
	c.size -= int64(len(e.key)) + int64(len(e.value))
}

// unlink takes e out of the ring of use; c.mu is held.
func (c *LRU) unlink(e *lruEntry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

// pushFront puts e first in the ring of use; c.mu is held.
func (c *LRU) pushFront(e *lruEntry) {
	e.prev = &c.root
	e.next = c.root.next
	c.root.next.prev = e
	c.root.next = e
}

// DefaultResultsBytes bounds the LRU that NewResults makes when it is
// given no Cache: 64 MiB.
const DefaultResultsBytes = 64 << 20

// Results computes results through a Cache: a result found under its Key
// is returned as it is; one not found is computed, kept and returned,
// and callers that miss the same key at the same time share one
// computation. A Results is safe for concurrent use.
type Results struct {
	cache   Cache
	log     *slog.Logger
	workers int

	mu    sync.Mutex
	calls map[string]*call // computations under way, by key
	// kept counts the results computed and kept in the Cache.
	kept atomic.Uint64

	hits, misses, computes, failures, cacheErrors atomic.Int64
}

// ResultsOptions tunes a Results. The zero value, and a nil
// *ResultsOptions, mean the defaults.
type ResultsOptions struct {
	// Logger is told of the Cache's errors; nil is silent.
	Logger *slog.Logger
	// Workers is how many keys Warm computes at once (default 1).
	Workers int
}

// ResultsStats counts what a Results did since it was made, for metrics.
type ResultsStats struct {
	// Hits counts the Gets answered from the Cache.
	Hits int64
	// Misses counts the Gets not answered from the Cache: each was
	// computed, or waited for another Get's computation of its key.
	Misses int64
	// Computes counts the calls of compute functions; Misses less
	// Computes is the work that sharing saved.
	Computes int64
	// Failures counts the computations that failed or panicked.
	Failures int64
	// CacheErrors counts the Cache's failed Gets and Sets; each failed Get
	// was computed as a miss.
	CacheErrors int64
}

// call is one computation of a key, shared by the Gets that wait for it.
type call struct {
	done chan struct{} // closed when val and err are set
	val  []byte
	err  error

	refs   int                // Gets waiting for it; under Results.mu
	cancel context.CancelFunc // ends the computation's context
}

// NewResults returns a Results over c; a nil c means an LRU of
// DefaultResultsBytes.
func NewResults(c Cache, opts *ResultsOptions) *Results {
	if c == nil {
		c = NewLRU(DefaultResultsBytes)
	}
	if opts == nil {
		opts = &ResultsOptions{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Results{
		cache:   c,
		log:     log,
		workers: max(opts.Workers, 1),
		calls:   make(map[string]*call),
	}
}

// Get returns the result kept under key, or computes it with compute,
// keeps it and returns it. While one Get computes a key, the other Gets
// of that key wait for its result rather than compute it again. The
// computation runs in a goroutine of its own, with a context that keeps
// the first caller's values but ends only when every Get waiting for it
// has given up; a Get whose ctx ends returns ctx's error at once. An error
// from compute, or a panic in it (as a *PanicError), is returned to every
// Get waiting for it and nothing is kept. When the Cache fails, the
// failure is counted and logged and the result computed as if missing.
//
// The bytes returned may be shared with other callers and with the
// Cache: the caller must not modify them.
func (r *Results) Get(ctx context.Context, key Key, compute func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	k := key.String()
	var c *call
	for reread := 0; c == nil; reread++ {
		kept := r.kept.Load()
		v, ok, err := r.cache.Get(ctx, k)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			r.cacheErrors.Add(1)
			r.log.WarnContext(ctx, "store: cache get failed; computing", "key", k, "err", err)
			reread = maxRereads // it would fail again
		case ok:
			r.hits.Add(1)
			return v, nil
		}
		c = r.join(ctx, k, key, compute, kept, reread < maxRereads)
	}
	r.misses.Add(1)
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		select {
		case <-c.done: // both ready: the result is worth more
			return c.val, c.err
		default:
		}
		r.leave(k, c)
		return nil, ctx.Err()
	}
}

// maxRereads bounds how often a Get reads the Cache again because results
// were kept while it read (see join).
const maxRereads = 3

// join returns the computation of k under way, counting one more Get
// waiting for it, or starts one. But when results were kept since the
// Get read kept and reread allows, it returns nil: k's may have been kept
// while the Get read the Cache, and its computation ended since, so the
// Get reads the Cache again rather than compute k twice.
func (r *Results) join(ctx context.Context, k string, key Key, compute func(ctx context.Context) ([]byte, error), kept uint64, reread bool) *call {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.calls[k]; ok {
		c.refs++
		return c
	}
	if reread && r.kept.Load() != kept {
		return nil
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &call{done: make(chan struct{}), refs: 1, cancel: cancel}
	r.calls[k] = c
	r.computes.Add(1)
	go r.run(cctx, k, key, c, compute)
	return c
}

// leave counts one Get fewer waiting for c; when none is left, c's
// context ends and a later Get of k starts afresh.
func (r *Results) leave(k string, c *call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.refs--
	if c.refs > 0 {
		return
	}
	c.cancel()
	if r.calls[k] == c {
		delete(r.calls, k)
	}
}

// run computes c, hands the result to the Gets waiting for it and keeps
// it in the Cache.
func (r *Results) run(ctx context.Context, k string, key Key, c *call, compute func(ctx context.Context) ([]byte, error)) {
	defer c.cancel()
	c.val, c.err = protect(ctx, key, compute)
	if c.err != nil {
		r.failures.Add(1)
	} else {
		// Kept before the Gets have it, so that a Get after one that
		// returned is a hit; the Gets may all have gone, and the result
		// is kept all the same.
		if err := r.cache.Set(context.WithoutCancel(ctx), k, c.val); err != nil {
			r.cacheErrors.Add(1)
			r.log.Warn("store: cache set failed", "key", k, "err", err)
		} else {
			r.kept.Add(1) // before c leaves calls: see join
		}
	}
	close(c.done)
	// Until now a Get of k that missed the Cache found c and its result.
	r.mu.Lock()
	if r.calls[k] == c {
		delete(r.calls, k)
	}
	r.mu.Unlock()
}

// protect calls compute, turning a panic into a *PanicError.
func protect(ctx context.Context, key Key, compute func(ctx context.Context) ([]byte, error)) (v []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, &PanicError{Key: key, Value: p, Stack: debug.Stack()}
		}
	}()
	return compute(ctx)
}

// Warm computes and keeps the results of keys not in the Cache yet, so
// that the first reads after a start are hits; the caller picks the keys
// (the most recently active projects, from Log.Projects). It computes
// ResultsOptions.Workers keys at once, sharing computations with
// concurrent Gets, and goes on past failures: it returns them joined, in
// the order of keys, or ctx's error when ctx ended first.
func (r *Results) Warm(ctx context.Context, keys []Key, compute func(ctx context.Context, key Key) ([]byte, error)) error {
	errs := make([]error, len(keys))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(r.workers, len(keys)) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue // the feeding stops too
				}
				val, err := r.Get(ctx, keys[i], func(ctx context.Context) ([]byte, error) {
					return compute(ctx, keys[i])
				})
				if err == nil {
					// Get keeps a result after handing it over; Warm returns
					// with every result kept, so it keeps each itself too.
					if err = r.cache.Set(ctx, keys[i].String(), val); err != nil {
						r.cacheErrors.Add(1)
					}
				}
				if err != nil {
					errs[i] = fmt.Errorf("store: warming %s: %w", keys[i], err)
				}
			}
		})
	}
feed:
	for i := range keys {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: warming stopped: %w", err)
	}
	return errors.Join(errs...)
}

// Stats returns the counts so far.
func (r *Results) Stats() ResultsStats {
	return ResultsStats{
		Hits:        r.hits.Load(),
		Misses:      r.misses.Load(),
		Computes:    r.computes.Load(),
		Failures:    r.failures.Load(),
		CacheErrors: r.cacheErrors.Load(),
	}
}

// PanicError reports a compute function that panicked: the key it was
// computing, the value it panicked with and the goroutine's stack.
type PanicError struct {
	Key   Key
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("store: computing %s panicked: %v", e.Key, e.Value)
}

// Unwrap returns the value panicked with when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
