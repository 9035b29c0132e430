package kinds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// projectAt returns a project as it was at revision rev (0: its latest)
// and the revision. The latest is the store's copy; an older one is
// rebuilt from the log — the project's creation and its changes up to
// rev, applied again in order in a scratch in-memory store under the
// same rules, which decide each op as they did the first time. A
// revision the project has not reached fails permanently.
func projectAt(ctx context.Context, ps Projects, kind, id string, rev int64) (*schedule.Project, int64, error) {
	w := &worker{Deps{Projects: ps}}
	p, cur, err := w.project(ctx, kind, id)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case rev == 0 || rev == cur:
		return p, cur, nil
	case rev < 0 || rev > cur:
		return nil, 0, jobs.Permanent(fmt.Errorf("kinds: %s: project %q has no revision %d (it is at %d)", kind, id, rev, cur))
	}
	scratch := store.New(store.NewMemory(), store.Config{MaxEdits: math.MaxInt32, MaxBytes: math.MaxInt32, SnapshotEvery: math.MaxInt32})
	defer scratch.Close()
	for after := int64(0); after < rev; {
		evs, err := ps.Events(ctx, id, after, int(min(1000, rev-after)))
		if err != nil {
			return nil, 0, fmt.Errorf("kinds: %s: project %q: events after %d: %w", kind, id, after, err)
		}
		if len(evs) == 0 {
			return nil, 0, fmt.Errorf("kinds: %s: project %q: the log ends at %d, before revision %d", kind, id, after, rev)
		}
		for _, ev := range evs {
			if err := replay(ctx, scratch, ev); err != nil {
				return nil, 0, jobs.Permanent(fmt.Errorf("kinds: %s: project %q: rebuilding revision %d: event %d: %w", kind, id, rev, ev.Seq, err))
			}
			after = ev.Seq
		}
	}
	p, got, err := scratch.Project(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if got != rev {
		return nil, 0, jobs.Permanent(fmt.Errorf("kinds: %s: project %q: rebuilt revision %d, not %d", kind, id, got, rev))
	}
	return p, rev, nil
}

// replay applies one event of a log to the scratch store.
func replay(ctx context.Context, s *store.Store, ev store.Event) error {
	switch ev.Kind {
	case store.KindCreate:
		p, err := schedule.ReadJSON(bytes.NewReader(ev.Body))
		if err != nil {
			return err
		}
		_, err = s.Create(ctx, ev.Project, p, ev.Actor)
		return err
	case store.KindChange:
		var ch store.Change
		if err := json.Unmarshal(ev.Body, &ch); err != nil {
			return err
		}
		ch.Command = "" // applied once here: no answer to keep
		if ch.Actor == "" {
			ch.Actor = ev.Actor
		}
		_, err := s.Apply(ctx, ev.Project, ch)
		return err
	}
	return errors.New("an event of kind " + ev.Kind)
}
