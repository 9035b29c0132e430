package notifytest

import (
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
)

// OpenInbox returns a fresh, empty inbox for one test.
type OpenInbox func(t *testing.T) notify.Inbox

func sameItem(a, b notify.Item) bool {
	return a.ID == b.ID && a.User == b.User && a.Title == b.Title && a.Body == b.Body &&
		maps.Equal(a.Data, b.Data) && a.Created.Equal(b.Created) && a.ReadAt.Equal(b.ReadAt)
}

func add(t *testing.T, in notify.Inbox, it notify.Item) {
	t.Helper()
	if err := in.Add(t.Context(), it); err != nil {
		t.Fatalf("Add(%+v): %v", it, err)
	}
}

// addN adds n items to user's inbox, m00 the oldest, one a minute.
func addN(t *testing.T, in notify.Inbox, user string, n int) {
	t.Helper()
	for i := range n {
		add(t, in, notify.Item{ID: fmt.Sprintf("m%03d", i), User: user, Title: fmt.Sprint(i), Created: minute(i)})
	}
}

func list(t *testing.T, in notify.Inbox, user string, p notify.Page) notify.Items {
	t.Helper()
	items, err := in.List(t.Context(), user, p)
	if err != nil {
		t.Fatalf("List(%q, %+v): %v", user, p, err)
	}
	return items
}

// all lists user's inbox page by page, returning the IDs and the number
// of pages.
func all(t *testing.T, in notify.Inbox, user string, p notify.Page) (ids []string, pages int) {
	t.Helper()
	for {
		items := list(t, in, user, p)
		pages++
		for _, it := range items.Items {
			ids = append(ids, it.ID)
		}
		if items.Next == "" {
			return ids, pages
		}
		if pages > 1000 {
			t.Fatalf("List never ends: %d pages", pages)
		}
		p.After = items.Next
	}
}

func unread(t *testing.T, in notify.Inbox, user string) int {
	t.Helper()
	n, err := in.Unread(t.Context(), user)
	if err != nil {
		t.Fatalf("Unread(%q): %v", user, err)
	}
	return n
}

func markRead(t *testing.T, in notify.Inbox, user string, ids []string, when time.Time) int {
	t.Helper()
	n, err := in.MarkRead(t.Context(), user, ids, when)
	if err != nil {
		t.Fatalf("MarkRead(%q, %v): %v", user, ids, err)
	}
	return n
}

// ids spells m<from> down to m<to>, newest first.
func ids(from, to int) []string {
	var out []string
	for i := from; i >= to; i-- {
		out = append(out, fmt.Sprintf("m%03d", i))
	}
	return out
}

// RunInbox runs the conformance suite of notify.Inbox.
func RunInbox(t *testing.T, open OpenInbox) {
	t.Run("Empty", func(t *testing.T) {
		in := open(t)
		items := list(t, in, "rahim", notify.Page{})
		if items.Items == nil || len(items.Items) != 0 || items.Next != "" || items.Unread != 0 {
			t.Errorf("an empty inbox lists %+v, want no items (not nil), no next page, 0 unread", items)
		}
		if n := unread(t, in, "rahim"); n != 0 {
			t.Errorf("Unread = %d, want 0", n)
		}
	})
	t.Run("ItemRoundTrip", func(t *testing.T) {
		in := open(t)
		it := notify.Item{ID: "k/rahim/inapp", User: "rahim", Title: "কাজ দেওয়া হয়েছে", Body: "Slab casting, level 4",
			Data: map[string]string{"task": "T-12", "project": "tower"}, Created: minute(0)}
		read := notify.Item{ID: "old", User: "rahim", Title: "read already", Created: minute(1), ReadAt: minute(2)}
		add(t, in, it)
		add(t, in, read)
		got := list(t, in, "rahim", notify.Page{})
		if len(got.Items) != 2 || !sameItem(got.Items[0], read) || !sameItem(got.Items[1], it) {
			t.Errorf("listed\n got %+v\nwant %+v", got.Items, []notify.Item{read, it})
		}
		if got.Unread != 1 {
			t.Errorf("an item added read counts as unread: %d unread, want 1", got.Unread)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		in := open(t)
		for _, it := range []notify.Item{{User: "rahim", Title: "no id"}, {ID: "k", Title: "no user"}} {
			if err := in.Add(t.Context(), it); !errors.Is(err, notify.ErrInvalid) {
				t.Errorf("Add(%+v) = %v, want notify.ErrInvalid", it, err)
			}
		}
		if n := unread(t, in, "rahim"); n != 0 {
			t.Errorf("a refused item was kept: %d unread", n)
		}
	})
	t.Run("AddAgainChangesNothing", func(t *testing.T) {
		in := open(t)
		first := notify.Item{ID: "k", User: "rahim", Title: "first", Created: minute(0)}
		add(t, in, first)
		add(t, in, notify.Item{ID: "k", User: "rahim", Title: "second", Created: minute(1)})
		markRead(t, in, "rahim", nil, minute(2))
		add(t, in, notify.Item{ID: "k", User: "rahim", Title: "third", Created: minute(3)})
		got := list(t, in, "rahim", notify.Page{})
		first.ReadAt = minute(2)
		if len(got.Items) != 1 || !sameItem(got.Items[0], first) || got.Unread != 0 {
			t.Errorf("after adding the same ID thrice: %+v, want only %+v", got, first)
		}
		// The same ID in another person's inbox is another item.
		add(t, in, notify.Item{ID: "k", User: "karim", Title: "karim's", Created: minute(4)})
		if n := unread(t, in, "karim"); n != 1 {
			t.Errorf("karim's unread %d, want 1", n)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		in := open(t)
		addN(t, in, "rahim", 45)
		add(t, in, notify.Item{ID: "x", User: "karim", Title: "other", Created: minute(50)})
		for _, c := range []struct {
			limit, pages int
		}{{20, 3}, {15, 3}, {45, 1}, {44, 2}, {1, 45}, {0, 3}, {-5, 3}} {
			got, pages := all(t, in, "rahim", notify.Page{Limit: c.limit})
			if pages != c.pages || fmt.Sprint(got) != fmt.Sprint(ids(44, 0)) {
				t.Errorf("limit %d: %d pages of %v; want %d pages, newest first", c.limit, pages, got, c.pages)
			}
		}
		first := list(t, in, "rahim", notify.Page{Limit: 20})
		if len(first.Items) != 20 || first.Next == "" || first.Unread != 45 {
			t.Errorf("first page: %d items, next %q, %d unread", len(first.Items), first.Next, first.Unread)
		}
		karim := list(t, in, "karim", notify.Page{})
		if len(karim.Items) != 1 || karim.Items[0].ID != "x" || karim.Unread != 1 {
			t.Errorf("karim's inbox: %+v", karim)
		}
	})
	t.Run("LimitAtMost100", func(t *testing.T) {
		in := open(t)
		addN(t, in, "rahim", 105)
		if got := list(t, in, "rahim", notify.Page{Limit: 1000}); len(got.Items) != 100 || got.Next == "" {
			t.Errorf("limit 1000: %d items, next %q; want 100 and a next page", len(got.Items), got.Next)
		}
		if got := list(t, in, "rahim", notify.Page{}); len(got.Items) != 20 {
			t.Errorf("no limit: %d items, want 20", len(got.Items))
		}
	})
	t.Run("AddBetweenPages", func(t *testing.T) {
		// An item added while a person pages is not on the later pages,
		// and no item is listed twice or skipped.
		in := open(t)
		addN(t, in, "rahim", 10)
		p1 := list(t, in, "rahim", notify.Page{Limit: 4})
		add(t, in, notify.Item{ID: "new", User: "rahim", Title: "new", Created: minute(60)})
		p2 := list(t, in, "rahim", notify.Page{Limit: 4, After: p1.Next})
		p3 := list(t, in, "rahim", notify.Page{Limit: 4, After: p2.Next})
		var got []string
		for _, p := range []notify.Items{p1, p2, p3} {
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(ids(9, 0)) || p3.Next != "" || p3.Unread != 11 {
			t.Errorf("pages %v, last next %q, %d unread", got, p3.Next, p3.Unread)
		}
	})
	t.Run("MarkRead", func(t *testing.T) {
		in := open(t)
		addN(t, in, "rahim", 45)
		add(t, in, notify.Item{ID: "m044", User: "karim", Title: "karim's", Created: minute(0)})
		if n := markRead(t, in, "rahim", []string{"m044", "m043", "nope", "m044"}, minute(100)); n != 2 {
			t.Errorf("marked %d, want 2", n)
		}
		if n := markRead(t, in, "rahim", []string{"m044"}, minute(101)); n != 0 {
			t.Errorf("marked a read item again: %d", n)
		}
		if n := unread(t, in, "rahim"); n != 43 {
			t.Errorf("unread %d, want 43", n)
		}
		if n := unread(t, in, "karim"); n != 1 {
			t.Errorf("rahim's MarkRead read karim's item: karim's unread %d, want 1", n)
		}
		top := list(t, in, "rahim", notify.Page{Limit: 1})
		if len(top.Items) != 1 || !top.Items[0].ReadAt.Equal(minute(100)) {
			t.Errorf("m044 read at %v, want %v (the first marking)", top.Items, minute(100))
		}
		got, pages := all(t, in, "rahim", notify.Page{Unread: true, Limit: 5})
		if fmt.Sprint(got) != fmt.Sprint(ids(42, 0)) || pages != 9 {
			t.Errorf("unread pages: %d of %v", pages, got)
		}
		p := list(t, in, "rahim", notify.Page{Unread: true, Limit: 5})
		if p.Unread != 43 || p.Items[0].ID != "m042" {
			t.Errorf("first unread page: %d unread, %v", p.Unread, p.Items)
		}
		if n := markRead(t, in, "rahim", nil, minute(102)); n != 43 {
			t.Errorf("mark all: %d, want 43", n)
		}
		if n := unread(t, in, "rahim"); n != 0 {
			t.Errorf("unread after marking all: %d", n)
		}
		if got := list(t, in, "rahim", notify.Page{Unread: true}); len(got.Items) != 0 || got.Next != "" {
			t.Errorf("unread page after marking all: %+v", got)
		}
		if n := unread(t, in, "karim"); n != 1 {
			t.Errorf("rahim's mark all read karim's item: karim's unread %d", n)
		}
	})
	t.Run("BadCursor", func(t *testing.T) {
		in := open(t)
		addN(t, in, "rahim", 3)
		for _, c := range []string{"zz", "0", "-1", "99999", "1.5"} {
			if _, err := in.List(t.Context(), "rahim", notify.Page{After: c}); !errors.Is(err, notify.ErrBadCursor) {
				t.Errorf("cursor %q: %v, want notify.ErrBadCursor", c, err)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		in := open(t)
		const workers, each = 4, 10
		errs := make(chan error, workers*each)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					// Every worker adds the same items: each is kept once.
					errs <- in.Add(t.Context(), notify.Item{ID: fmt.Sprintf("m%d", i), User: "rahim", Title: fmt.Sprint(w), Created: minute(i)})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := unread(t, in, "rahim"); n != each {
			t.Errorf("unread %d, want %d", n, each)
		}
	})
}
