package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestMemoryInbox(t *testing.T) {
	ctx := context.Background()
	in := NewMemoryInbox()
	t0 := simStart
	for i := range 45 {
		if err := in.Add(ctx, Item{ID: fmt.Sprintf("m%02d", i), User: "rahim", Title: fmt.Sprint(i), Created: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	in.Add(ctx, Item{ID: "m00", User: "rahim", Title: "again"}) // nothing changes
	in.Add(ctx, Item{ID: "x", User: "karim", Title: "other"})
	if n, _ := in.Unread(ctx, "rahim"); n != 45 {
		t.Fatalf("unread %d, want 45", n)
	}
	// Pages of 20, newest first, until Next is empty.
	var got []string
	var p Page
	p.Limit = 20
	pages := 0
	for {
		items, err := in.List(ctx, "rahim", p)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, it := range items.Items {
			got = append(got, it.ID)
		}
		if items.Next == "" {
			break
		}
		p.After = items.Next
	}
	if pages != 3 || len(got) != 45 || got[0] != "m44" || got[44] != "m00" {
		t.Fatalf("%d pages: %v", pages, got)
	}
	// Mark some read; the unread filter and count follow.
	if n, _ := in.MarkRead(ctx, "rahim", []string{"m44", "m43", "nope"}, t0); n != 2 {
		t.Errorf("marked %d, want 2", n)
	}
	if n, _ := in.MarkRead(ctx, "rahim", []string{"m44"}, t0); n != 0 {
		t.Errorf("marked again: %d", n)
	}
	items, _ := in.List(ctx, "rahim", Page{Unread: true, Limit: 5})
	if items.Unread != 43 || items.Items[0].ID != "m42" || len(items.Items) != 5 {
		t.Errorf("unread page: %d unread, %v", items.Unread, items.Items)
	}
	next, _ := in.List(ctx, "rahim", Page{Unread: true, Limit: 5, After: items.Next})
	if next.Items[0].ID != "m37" {
		t.Errorf("second unread page starts at %s, want m37", next.Items[0].ID)
	}
	if n, _ := in.MarkRead(ctx, "rahim", nil, t0); n != 43 {
		t.Errorf("mark all: %d, want 43", n)
	}
	if n, _ := in.Unread(ctx, "karim"); n != 1 {
		t.Errorf("karim's unread %d", n)
	}
	if _, err := in.List(ctx, "rahim", Page{After: "zz"}); !errors.Is(err, ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestInboxProvider(t *testing.T) {
	ctx := context.Background()
	in := NewMemoryInbox()
	var announced []string
	p := &InboxProvider{Inbox: in, Now: func() time.Time { return simStart }, Announce: func(_ context.Context, it Item) { announced = append(announced, it.ID) }}
	m := &Message{Key: "k/rahim/inapp", Channel: InApp, To: "rahim", Title: "t", Text: "b"}
	for range 2 {
		if _, err := p.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := in.Unread(ctx, "rahim"); n != 1 {
		t.Errorf("a message sent twice is %d items", n)
	}
	if _, err := p.Send(ctx, &Message{Key: "k"}); ClassOf(err) != Permanent {
		t.Errorf("an item without a user: %v", err)
	}
	if len(announced) != 2 {
		t.Errorf("announced %v", announced)
	}
}

func TestBreaker(t *testing.T) {
	b := newBreaker(BreakerConfig{})
	t0 := simStart
	for i := range 4 {
		if ok, _ := b.allow(t0); !ok {
			t.Fatalf("closed breaker refused send %d", i)
		}
		b.failure(t0)
	}
	b.success()
	for range 5 {
		b.failure(t0)
	}
	if ok, until := b.allow(t0.Add(29 * time.Second)); ok || !until.Equal(t0.Add(30*time.Second)) {
		t.Errorf("open breaker: %v until %v", ok, until)
	}
	// Half-open: one probe, the next waits.
	if ok, _ := b.allow(t0.Add(30 * time.Second)); !ok {
		t.Fatal("no probe after the cooldown")
	}
	if ok, _ := b.allow(t0.Add(31 * time.Second)); ok {
		t.Error("a second probe while the first is out")
	}
	b.failure(t0.Add(31 * time.Second)) // the probe failed: open for 60 s
	if ok, until := b.allow(t0.Add(90 * time.Second)); ok || !until.Equal(t0.Add(91*time.Second)) {
		t.Errorf("after a failed probe: %v until %v", ok, until)
	}
	if ok, _ := b.allow(t0.Add(91 * time.Second)); !ok {
		t.Fatal("no second probe")
	}
	b.success()
	if s := b.state(t0.Add(91 * time.Second)); s.Open || s.Failures != 0 || s.Opened != 2 {
		t.Errorf("closed again: %+v", s)
	}
	// Cooldowns double up to MaxCooldown.
	b = newBreaker(BreakerConfig{Failures: 1, Cooldown: time.Minute, MaxCooldown: 3 * time.Minute})
	at := t0
	b.failure(at)
	var gaps []time.Duration
	for range 4 {
		_, until := b.allow(at)
		gaps = append(gaps, until.Sub(at))
		at = until
		b.allow(at)
		b.failure(at)
	}
	if fmt.Sprint(gaps) != "[1m0s 2m0s 3m0s 3m0s]" {
		t.Errorf("cooldowns %v", gaps)
	}
}

func TestLimiter(t *testing.T) {
	t0 := simStart
	l := newLimiter(Limit{N: 10, Per: time.Second})
	// Ten keys at once get slots 100 ms apart, each its own.
	for i := range 10 {
		if got := l.reserve(fmt.Sprint(i), t0); !got.Equal(t0.Add(time.Duration(i) * 100 * time.Millisecond)) {
			t.Errorf("key %d: slot %v", i, got.Sub(t0))
		}
	}
	// Key 5 comes back at its slot and goes; early, it is told its slot.
	if got := l.reserve("5", t0.Add(400*time.Millisecond)); !got.Equal(t0.Add(500 * time.Millisecond)) {
		t.Errorf("early: %v", got.Sub(t0))
	}
	if got := l.reserve("5", t0.Add(500*time.Millisecond)); !got.Equal(t0.Add(500 * time.Millisecond)) {
		t.Errorf("on time: %v", got.Sub(t0))
	}
	// A hint holds everyone, slots included, until it ends.
	l.holdUntil(t0.Add(5 * time.Second))
	if got := l.reserve("9", t0.Add(900*time.Millisecond)); got.Before(t0.Add(5 * time.Second)) {
		t.Errorf("slot %v inside the hold", got.Sub(t0))
	}
	if got := l.reserve("new", t0.Add(time.Second)); got.Before(t0.Add(5 * time.Second)) {
		t.Errorf("new key %v inside the hold", got.Sub(t0))
	}
	// No limit: only the hold.
	u := newLimiter(Limit{})
	if got := u.reserve("a", t0); !got.Equal(t0) {
		t.Errorf("unlimited: %v", got)
	}
	u.holdUntil(t0.Add(time.Minute))
	if got := u.reserve("a", t0); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("unlimited, held: %v", got)
	}
}
