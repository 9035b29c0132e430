package notifytest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
)

// OpenDigests returns fresh, empty Digests for one test.
type OpenDigests func(t *testing.T) notify.Digests

func sameDigestItem(a, b notify.DigestItem) bool {
	ta, tb := a.At, b.At
	a.At, b.At = time.Time{}, time.Time{}
	return a == b && ta.Equal(tb)
}

func keep(t *testing.T, d notify.Digests, it notify.DigestItem) {
	t.Helper()
	if err := d.Add(t.Context(), it); err != nil {
		t.Fatalf("Add(%+v): %v", it, err)
	}
}

func pending(t *testing.T, d notify.Digests, project, user string, upTo time.Time) []notify.DigestItem {
	t.Helper()
	items, err := d.Pending(t.Context(), project, user, upTo)
	if err != nil {
		t.Fatalf("Pending(%q, %q): %v", project, user, err)
	}
	return items
}

func remove(t *testing.T, d notify.Digests, project, user string, keys []string) {
	t.Helper()
	if err := d.Remove(t.Context(), project, user, keys); err != nil {
		t.Fatalf("Remove(%q, %q, %v): %v", project, user, keys, err)
	}
}

func keys(items []notify.DigestItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Key)
	}
	return out
}

// digestItem is item i of user's digest of project, at minute i.
func digestItem(project, user string, i int) notify.DigestItem {
	return notify.DigestItem{Key: fmt.Sprintf("n%d/%s", i, user), Project: project, ProjectName: "Tower " + project,
		User: user, Kind: notify.MilestoneCompleted, Line: fmt.Sprintf("line %d", i), At: minute(i)}
}

// RunDigests runs the conformance suite of notify.Digests.
func RunDigests(t *testing.T, open OpenDigests) {
	t.Run("Empty", func(t *testing.T) {
		d := open(t)
		if got := pending(t, d, "tower", "rahim", minute(1000)); len(got) != 0 {
			t.Errorf("empty digests have %+v", got)
		}
		remove(t, d, "tower", "rahim", []string{"nothing"})
	})
	t.Run("RoundTripOldestFirst", func(t *testing.T) {
		d := open(t)
		var want []notify.DigestItem
		for i := range 5 {
			it := digestItem("tower", "rahim", i)
			keep(t, d, it)
			want = append(want, it)
		}
		got := pending(t, d, "tower", "rahim", minute(10))
		if len(got) != len(want) {
			t.Fatalf("pending %+v, want %+v", got, want)
		}
		for i := range got {
			if !sameDigestItem(got[i], want[i]) {
				t.Errorf("item %d\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
	})
	t.Run("UpTo", func(t *testing.T) {
		d := open(t)
		for i := range 5 {
			keep(t, d, digestItem("tower", "rahim", i))
		}
		for _, c := range []struct {
			upTo time.Time
			want string
		}{
			{minute(2), "[n0/rahim n1/rahim n2/rahim]"}, // at upTo is included
			{minute(2).Add(-time.Microsecond), "[n0/rahim n1/rahim]"},
			{minute(-1), "[]"},
			{minute(4), "[n0/rahim n1/rahim n2/rahim n3/rahim n4/rahim]"},
		} {
			if got := fmt.Sprint(keys(pending(t, d, "tower", "rahim", c.upTo))); got != c.want {
				t.Errorf("up to %v: %s, want %s", c.upTo, got, c.want)
			}
		}
	})
	t.Run("AddAgainChangesNothing", func(t *testing.T) {
		d := open(t)
		it := digestItem("tower", "rahim", 0)
		keep(t, d, it)
		again := it
		again.Line, again.At = "changed", minute(-5)
		keep(t, d, again)
		got := pending(t, d, "tower", "rahim", minute(10))
		if len(got) != 1 || !sameDigestItem(got[0], it) {
			t.Errorf("after adding a key twice: %+v, want only %+v", got, it)
		}
	})
	t.Run("ProjectsAndUsersApart", func(t *testing.T) {
		d := open(t)
		keep(t, d, digestItem("tower", "rahim", 0))
		keep(t, d, digestItem("tower", "karim", 1))
		keep(t, d, digestItem("bridge", "rahim", 2))
		// The same key in another project's digest is another item.
		other := digestItem("bridge", "rahim", 0)
		keep(t, d, other)
		for _, c := range []struct{ project, user, want string }{
			{"tower", "rahim", "[n0/rahim]"},
			{"tower", "karim", "[n1/karim]"},
			{"bridge", "rahim", "[n2/rahim n0/rahim]"},
			{"bridge", "karim", "[]"},
		} {
			if got := fmt.Sprint(keys(pending(t, d, c.project, c.user, minute(10)))); got != c.want {
				t.Errorf("%s/%s: %s, want %s", c.project, c.user, got, c.want)
			}
		}
		// Removing rahim's n0 from the tower leaves the bridge's.
		remove(t, d, "tower", "rahim", []string{"n0/rahim"})
		if got := fmt.Sprint(keys(pending(t, d, "bridge", "rahim", minute(10)))); got != "[n2/rahim n0/rahim]" {
			t.Errorf("bridge after removing from tower: %s", got)
		}
		if got := pending(t, d, "tower", "rahim", minute(10)); len(got) != 0 {
			t.Errorf("tower after remove: %+v", got)
		}
	})
	t.Run("Remove", func(t *testing.T) {
		d := open(t)
		for i := range 5 {
			keep(t, d, digestItem("tower", "rahim", i))
		}
		remove(t, d, "tower", "rahim", nil)
		if got := fmt.Sprint(keys(pending(t, d, "tower", "rahim", minute(10)))); got != "[n0/rahim n1/rahim n2/rahim n3/rahim n4/rahim]" {
			t.Errorf("removing no keys removed some: %s", got)
		}
		remove(t, d, "tower", "rahim", []string{"n1/rahim", "n3/rahim", "nope"})
		if got := fmt.Sprint(keys(pending(t, d, "tower", "rahim", minute(10)))); got != "[n0/rahim n2/rahim n4/rahim]" {
			t.Errorf("after removing n1, n3: %s", got)
		}
		// A removed key added again waits for the next digest.
		keep(t, d, digestItem("tower", "rahim", 1))
		if got := fmt.Sprint(keys(pending(t, d, "tower", "rahim", minute(10)))); got != "[n0/rahim n2/rahim n4/rahim n1/rahim]" {
			t.Errorf("after adding n1 again: %s", got)
		}
		remove(t, d, "tower", "rahim", []string{"n0/rahim", "n1/rahim", "n2/rahim", "n4/rahim"})
		if got := pending(t, d, "tower", "rahim", minute(10)); len(got) != 0 {
			t.Errorf("after removing all: %+v", got)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		d := open(t)
		const workers, each = 4, 10
		errs := make(chan error, workers*each)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := range each {
					errs <- d.Add(t.Context(), digestItem("tower", "rahim", i))
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
		if got := pending(t, d, "tower", "rahim", minute(100)); len(got) != each {
			t.Errorf("%d items, want %d", len(got), each)
		}
	})
}
