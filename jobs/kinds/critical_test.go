package kinds

import (
	"errors"
	"slices"
	"testing"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

func TestCriticalPathAfterEdits(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	if err := f.run(t, CriticalPathArgs{Project: "tower"}, nil); err != nil {
		t.Fatal(err)
	}
	var first CriticalPathResult
	f.ann.last(t, &first)
	r, err := schedule.Run(dhaka(t))
	if err != nil {
		t.Fatal(err)
	}
	if first.Revision != 1 || !first.Finish.Equal(r.Finish()) || !slices.Equal(first.LongestPath, r.LongestPath()) || len(first.Critical) == 0 {
		t.Fatalf("revision %d, finish %v, longest path %v; want 1, %v, %v", first.Revision, first.Finish, first.LongestPath, r.Finish(), r.LongestPath())
	}
	if !slices.Contains(first.LongestPath, "PIL3") {
		t.Errorf("the piling (PIL3) is not on the longest path %v", first.LongestPath)
	}

	// Piling takes 20 working days more: the finish moves with it.
	rev := f.apply(t, "tower", 1, store.Set("PIL3", "duration", schedule.Days(65)))
	if err := f.run(t, CriticalPathArgs{Project: "tower"}, nil); err != nil {
		t.Fatal(err)
	}
	var second CriticalPathResult
	f.ann.last(t, &second)
	if second.Revision != rev || !second.Finish.After(first.Finish) {
		t.Errorf("after the edit: revision %d, finish %v; want %d, after %v", second.Revision, second.Finish, rev, first.Finish)
	}
	for _, k := range []int64{1, rev} {
		if _, ok, _ := f.cache.Get(t.Context(), store.Key{Project: "tower", Revision: k, Kind: KindCriticalPath}.String()); !ok {
			t.Errorf("no result cached for revision %d", k)
		}
	}
}

// TestCriticalPathAnnounceFails: an announcement that fails fails the
// try (to be tried again); the result is cached, so the retry announces
// it without working it out again.
func TestCriticalPathAnnounceFails(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	f.ann.fail = errors.New("hub away")
	err := f.run(t, CriticalPathArgs{Project: "tower"}, nil)
	if err == nil || jobs.IsPermanent(err) {
		t.Fatalf("got %v, want an error to try again", err)
	}
	f.ann.fail = nil
	sets := f.cache.sets
	if err := f.run(t, CriticalPathArgs{Project: "tower"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(f.ann.all()) != 1 || f.cache.sets != sets {
		t.Errorf("%d announcements, %d new cache writes; want 1 from the cache", len(f.ann.all()), f.cache.sets-sets)
	}
}
