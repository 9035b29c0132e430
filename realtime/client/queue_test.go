package client

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestOfflineQueueBound: while disconnected, edits wait up to
// OfflineQueue; the next fails at once with ErrQueueFull, and one that
// gives up (its ctx) makes room.
func TestOfflineQueueBound(t *testing.T) {
	synctest.Test(t, testOfflineQueueBound)
}

func testOfflineQueueBound(t *testing.T) {
	c, err := newClient("ws://unused", Options{Token: func(context.Context) (string, error) { return "t", nil }, OfflineQueue: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer c.cancel()
	r := &Room{c: c, name: "p", events: make(chan Event, 1), gone: make(chan struct{}), ready: make(chan struct{})}
	r.cursor = newThrottle(time.Second/20, r.sendEphemeral)
	r.typing = newThrottle(time.Second/20, r.sendEphemeral)
	c.rooms["p"] = r

	ctx, cancel := context.WithCancel(t.Context())
	errs := make(chan error, 3)
	for i := range 3 {
		go func() {
			_, err := r.Patch(ctx, "A", map[string]any{"name": i}, nil)
			errs <- err
		}()
	}
	synctest.Wait() // all three wait
	if n := c.Queued(); n != 3 {
		t.Fatalf("%d edits waiting, want 3", n)
	}
	if _, err := r.Patch(t.Context(), "A", map[string]any{"name": "x"}, nil); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("a fourth edit: got %v, want ErrQueueFull", err)
	}
	cancel()
	for range 3 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("a waiting edit whose ctx ended: got %v, want context.Canceled", err)
		}
	}
	if n := c.Queued(); n != 0 {
		t.Errorf("%d edits left waiting, want 0", n)
	}

	c.opts.OfflineQueue = -1
	if _, err := r.Patch(t.Context(), "A", map[string]any{"name": "x"}, nil); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("no offline queue: got %v, want ErrQueueFull", err)
	}
}
