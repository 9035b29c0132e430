package kinds

import (
	"errors"
	"strings"
	"testing"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// levelTower runs a leveling job on the tower and returns the proposal
// it announced.
func levelTower(t *testing.T, f *fixture) Proposal {
	t.Helper()
	if err := f.run(t, LevelingArgs{Project: "tower", Order: "id"}, nil); err != nil {
		t.Fatal(err)
	}
	var p Proposal
	if kind := f.ann.last(t, &p); kind != KindLeveling {
		t.Fatalf("announced a %q", kind)
	}
	return p
}

func TestLevelingProposal(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	prop := levelTower(t, f)

	// What leveling itself says, on the same project.
	want, err := leveling.Level(t.Context(), dhaka(t), leveling.LevelOptions{Order: leveling.ByID})
	if err != nil {
		t.Fatal(err)
	}
	if prop.ID == "" || prop.Status != StatusPending || prop.Revision != 1 || len(prop.Delays) != len(want.Delays) || len(prop.Delays) == 0 {
		t.Fatalf("proposal %q, %s, revision %d, %d delays; want pending at revision 1 with leveling's %d", prop.ID, prop.Status, prop.Revision, len(prop.Delays), len(want.Delays))
	}
	for k, d := range prop.Delays {
		w := want.Delays[k]
		if d.Task != w.Task || !d.To.Equal(w.To) || d.Resource != w.Resource || d.Winner != w.Winner || d.Rule != w.Rule {
			t.Errorf("delay %d: %+v, want %+v", k, d, w)
		}
		if !strings.Contains(d.Reason, d.Resource) || !strings.Contains(d.Reason, d.Winner) || d.Name == "" {
			t.Errorf("delay %d: reason %q does not name the resource %s and the task that kept its place, %s", k, d.Reason, d.Resource, d.Winner)
		}
	}
	if !prop.FinishAfter.Equal(want.Result.Finish()) || !prop.FinishAfter.After(prop.FinishBefore) {
		t.Errorf("finish %v → %v, want → %v, later", prop.FinishBefore, prop.FinishAfter, want.Result.Finish())
	}
	if len(prop.Ops) != len(want.Plan()) {
		t.Errorf("%d ops, want one per move of the plan, %d", len(prop.Ops), len(want.Plan()))
	}

	// Never applied without a user: the project is as it was.
	if _, rev, _ := f.store.Project(t.Context(), "tower"); rev != 1 {
		t.Fatalf("the project is at revision %d after leveling; want 1, untouched", rev)
	}

	// Run again: the same proposal, not a second one.
	again := levelTower(t, f)
	if again.ID != prop.ID || len(f.deps.Proposals.(*MemoryProposals).List("tower")) != 1 {
		t.Errorf("a second run made proposal %q beside %q", again.ID, prop.ID)
	}

	// Accepted: the change is the leveled schedule.
	out, err := Accept(t.Context(), f.deps, prop.ID, "pm")
	if err != nil {
		t.Fatal(err)
	}
	p, rev, err := f.store.Project(t.Context(), "tower")
	if err != nil {
		t.Fatal(err)
	}
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	if rev != 2 || out.Revision != 2 || !r.Finish().Equal(prop.FinishAfter) {
		t.Errorf("accepted: revision %d, finish %v; want 2, %v", rev, r.Finish(), prop.FinishAfter)
	}
	for _, d := range prop.Delays {
		if tr, _ := r.Lookup(d.Task); tr.Start.Before(d.To) && !d.Split {
			t.Errorf("%s starts %v, before its delay to %v", d.Task, tr.Start, d.To)
		}
	}
	got, _ := f.deps.Proposals.Proposal(t.Context(), prop.ID)
	if got.Status != StatusAccepted || got.Decision == nil || got.Decision.By != "pm" || got.Decision.Revision != 2 {
		t.Errorf("after accepting: %s, decision %+v", got.Status, got.Decision)
	}
	if _, err := Accept(t.Context(), f.deps, prop.ID, "pm"); !errors.Is(err, ErrDecided) {
		t.Errorf("accepted twice: %v, want ErrDecided", err)
	}
}

// TestAcceptStale: a proposal the schedule moved under is refused and
// marked stale, while edits of descriptive fields leave it acceptable.
func TestAcceptStale(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  store.Op
		stale bool
	}{
		{"renamed", store.Set("D1", "name", "Soil investigation (8 boreholes)"), false},
		{"custom field", store.Set("D1", "fields.Outdoor", "yes"), false},
		{"duration", store.Set("PIL3", "duration", schedule.Days(50)), true},
		{"constraint of a delayed task", store.Set("D5", "constraint", schedule.Constraint{}), true},
		{"link removed", store.RemoveLink("x", schedule.Link{Pred: "D2", Succ: "D3"}), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil, "tower", dhaka(t))
			prop := levelTower(t, f)
			f.apply(t, "tower", 1, c.edit)
			out, err := Accept(t.Context(), f.deps, prop.ID, "pm")
			got, _ := f.deps.Proposals.Proposal(t.Context(), prop.ID)
			if !c.stale {
				if err != nil || out.Revision != 3 || got.Status != StatusAccepted {
					t.Errorf("got %v, %s; want accepted at revision 3", err, got.Status)
				}
				return
			}
			serr, ok := errors.AsType[*StaleError](err)
			if !ok || serr.Changes[0].Seq != 2 || got.Status != StatusStale {
				t.Fatalf("got %v (%s), want a StaleError naming revision 2 and the proposal stale", err, got.Status)
			}
			if _, rev, _ := f.store.Project(t.Context(), "tower"); rev != 2 {
				t.Errorf("the project is at revision %d; want 2, the stale proposal not applied", rev)
			}
		})
	}
}

// TestAcceptAfterCrash: the change of an acceptance was applied, but the
// decision not recorded (a crash between the two); accepting again
// applies nothing twice and records the decision.
func TestAcceptAfterCrash(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	prop := levelTower(t, f)
	if _, err := f.store.Apply(t.Context(), "tower", store.Change{Actor: "pm", Command: "proposal:" + prop.ID, Base: 1, Ops: prop.Ops}); err != nil {
		t.Fatal(err)
	}
	out, err := Accept(t.Context(), f.deps, prop.ID, "pm")
	if err != nil || !out.Duplicate || out.Revision != 2 {
		t.Fatalf("got %+v, %v; want the first answer again, revision 2", out, err)
	}
	if _, rev, _ := f.store.Project(t.Context(), "tower"); rev != 2 {
		t.Errorf("revision %d, want 2: applied twice", rev)
	}
}

func TestRejectLeveling(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	prop := levelTower(t, f)
	if err := Reject(t.Context(), f.deps, prop.ID, "pm", "the crane hire is extended instead"); err != nil {
		t.Fatal(err)
	}
	if _, err := Accept(t.Context(), f.deps, prop.ID, "pm"); !errors.Is(err, ErrDecided) {
		t.Errorf("accepting a rejected proposal: %v, want ErrDecided", err)
	}
	got, _ := f.deps.Proposals.Proposal(t.Context(), prop.ID)
	if got.Status != StatusRejected || got.Decision.Reason == "" {
		t.Errorf("%s, %+v", got.Status, got.Decision)
	}
	if _, err := Accept(t.Context(), f.deps, "no-such", "pm"); !errors.Is(err, ErrNoProposal) {
		t.Errorf("accepting what is not there: %v", err)
	}
}

func TestLevelingBadOrder(t *testing.T) {
	f := newFixture(t, nil, "tower", dhaka(t))
	if err := f.run(t, LevelingArgs{Project: "tower", Order: "loudest"}, nil); !jobs.IsPermanent(err) {
		t.Errorf("got %v, want a permanent failure", err)
	}
}

// TestLevelingNothingToDo: a project without over-allocation is announced
// with no delays and stores no proposal.
func TestLevelingNothingToDo(t *testing.T) {
	p := dhaka(t)
	p.Assignments = nil
	f := newFixture(t, nil, "tower", p)
	prop := levelTower(t, f)
	if prop.ID != "" || len(prop.Delays) != 0 || len(f.deps.Proposals.(*MemoryProposals).List("tower")) != 0 {
		t.Errorf("proposal %q with %d delays stored; want none", prop.ID, len(prop.Delays))
	}
}
