package schedule_test

import (
	"cmp"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

// TestNetworkLinks checks the links a network keeps in short and makes
// whole when first asked for: each of the project's links once, with its
// type, lag, overlap and rework cost, and the same array on every call
// (Drivers and Conflicts point into it).
func TestNetworkLinks(t *testing.T) {
	byEnds := func(a, b schedule.Link) int {
		return cmp.Or(cmp.Compare(a.Succ, b.Succ), cmp.Compare(a.Pred, b.Pred), cmp.Compare(a.Type, b.Type))
	}
	overlaps := 0
	for seed := range uint64(30) {
		p := randnet.Project(randnet.Config{Tasks: 60, Mixed: true, Seed: seed})
		n, err := schedule.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, want := slices.Clone(n.LinkList()), slices.Clone(p.Links)
		slices.SortFunc(got, byEnds)
		slices.SortFunc(want, byEnds)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: the network's links\n%v\nwant\n%v", seed, got, want)
		}
		if len(got) > 0 && &n.LinkList()[0] != &n.LinkList()[0] {
			t.Fatalf("seed %d: the links are made again", seed)
		}
		for _, l := range got {
			if !l.Overlap.IsZero() {
				overlaps++
			}
		}
	}
	if overlaps == 0 {
		t.Error("no link with an overlap was checked")
	}
}

// TestCompiledSizes holds the bytes a network takes per task and per
// link, on which a large project's memory rests (benchmarks/README.md,
// "Large and hostile files").
func TestCompiledSizes(t *testing.T) {
	if task, link := schedule.Sizes(); task > 72 || link > 24 {
		t.Errorf("a compiled task takes %d bytes, want at most 72; a kept link %d, want at most 24", task, link)
	}
}

// TestNetworkLinksShared asks for a shared network's links from several
// goroutines at once, each through a Result of its own, as a Network
// from Compile allows: they are made once, and every goroutine's drivers
// point into the same array (the race detector, which CI runs, checks
// the making).
func TestNetworkLinksShared(t *testing.T) {
	n, err := schedule.Compile(randnet.Project(randnet.Config{Tasks: 200, LinkTypes: true, Seed: 7}))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	first := make([]*schedule.Link, 4) // each goroutine's first driving link
	for g := range first {
		wg.Go(func() {
			r := n.NewResult()
			r.Run()
			r.Conflicts()
			for i := range n.Len() {
				for _, d := range r.Drivers(i) {
					if d.Link != nil && first[g] == nil {
						first[g] = d.Link
					}
				}
			}
		})
	}
	wg.Wait()
	for g := range first {
		if first[g] == nil || first[g] != first[0] {
			t.Errorf("goroutine %d: first driving link %p, goroutine 0's %p", g, first[g], first[0])
		}
	}
}
