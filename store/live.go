package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/critpath/critpath/schedule"
)

// live is a project as this store holds it in memory: its editor (the
// project and its schedule), its revision and last hash, and its version
// table. Its mutex serialises the changes of the project made here.
type live struct {
	mu   sync.Mutex
	id   string
	ed   *schedule.Editor
	rev  int64
	hash string
	ver  map[string]stamp // see taskKey, fieldKey, linkKey, assignKey
	ops  map[string]stamp // the op IDs of set ops applied, for idempotency
	snap int64            // the revision of the latest snapshot
	used int64            // when last used, by Store.clock (under Store.mu)
}

// index returns the position of a task in the editor's project.
func (l *live) index(id string) (int, bool) {
	i := slices.IndexFunc(l.ed.Project().Tasks, func(t schedule.Task) bool { return t.ID == id })
	return i, i >= 0
}

// link returns the project's link of l's ends and type, or nil.
func (l *live) link(k *schedule.Link) *schedule.Link {
	links := l.ed.Project().Links
	if i := slices.IndexFunc(links, func(x schedule.Link) bool { return x.Pred == k.Pred && x.Succ == k.Succ && x.Type == k.Type }); i >= 0 {
		x := links[i]
		return &x
	}
	return nil
}

// assignment returns the project's assignment of a resource to a task,
// or nil.
func (l *live) assignment(task, resource string) *schedule.Assignment {
	as := l.ed.Project().Assignments
	if i := slices.IndexFunc(as, func(a schedule.Assignment) bool { return a.Task == task && a.Resource == resource }); i >= 0 {
		a := as[i]
		return &a
	}
	return nil
}

// accept records a plan's versions and op IDs once its change is applied.
func (l *live) accept(p *plan, now stamp) {
	for k, s := range p.stamps {
		if s.Rev == 0 {
			delete(l.ver, k)
		} else {
			l.ver[k] = s
		}
	}
	for _, id := range p.opIDs {
		l.ops[id] = now
	}
}

// eventBody is what a change event holds: the change as accepted — the
// ops that took effect — with what it reported.
type eventBody struct {
	Actor       string       `json:"actor"`
	Command     string       `json:"command,omitempty"`
	Base        int64        `json:"base"`
	Ops         []Op         `json:"ops"`
	Resolutions []Resolution `json:"resolutions,omitempty"`
	Skipped     []Skip       `json:"skipped,omitempty"`
}

// replay applies an event of the log to the live project, as it was
// applied the first time.
func (l *live) replay(ev Event) (schedule.Delta, error) {
	if ev.Seq != l.rev+1 {
		return schedule.Delta{}, fmt.Errorf("store: project %q: event %d follows revision %d", l.id, ev.Seq, l.rev)
	}
	if ev.Kind != KindChange {
		return schedule.Delta{}, fmt.Errorf("store: project %q: event %d is a %q event, not a change", l.id, ev.Seq, ev.Kind)
	}
	var body eventBody
	if err := json.Unmarshal(ev.Body, &body); err != nil {
		return schedule.Delta{}, fmt.Errorf("store: project %q: event %d: %w", l.id, ev.Seq, err)
	}
	ch := Change{Actor: body.Actor, Command: body.Command, Base: body.Base, Ops: body.Ops}
	now := stamp{Rev: ev.Seq, By: ev.Actor, At: ev.Time}
	p, err := l.plan(&ch, true, now)
	if err != nil {
		return schedule.Delta{}, fmt.Errorf("store: project %q: event %d: %w", l.id, ev.Seq, err)
	}
	delta, err := l.ed.Apply(p.edits...)
	if err != nil {
		return schedule.Delta{}, fmt.Errorf("store: project %q: event %d: %w", l.id, ev.Seq, l.engineError(&ch, err))
	}
	l.accept(p, now)
	l.rev, l.hash = ev.Seq, ev.Hash
	return delta, nil
}

// snapshotData is a snapshot's encoding.
type snapshotData struct {
	Revision int64            `json:"revision"`
	Hash     string           `json:"hash"`
	Project  json.RawMessage  `json:"project"`
	Versions map[string]stamp `json:"versions"`
	Ops      map[string]stamp `json:"ops,omitempty"`
}

// frozen is a live project's state copied under its lock, to be encoded
// as a snapshot outside it.
type frozen struct {
	id   string
	data snapshotData
	p    *schedule.Project
}

// forgetOps drops the op IDs older than ttl at now: only a live change
// consults them (replay does not), and none comes back after that long.
func (l *live) forgetOps(now time.Time, ttl time.Duration) {
	for id, s := range l.ops {
		if now.Sub(s.At) > ttl {
			delete(l.ops, id)
		}
	}
}

// freeze copies what a snapshot needs.
func (l *live) freeze() frozen {
	// The lists are copied, not each task's map and slices: the editor
	// replaces those when it changes them, never writes into them (and
	// the store's working copies are clones), so the copy holds still
	// while it is encoded outside the lock — and copying 10,000 tasks
	// deeply under the lock cost a few milliseconds an edit waited for.
	src := l.ed.Project()
	p := *src
	p.Calendars, p.Tasks, p.Links = slices.Clone(src.Calendars), slices.Clone(src.Tasks), slices.Clone(src.Links)
	p.Resources, p.Assignments = slices.Clone(src.Resources), slices.Clone(src.Assignments)
	p.Baselines, p.CustomFields = slices.Clone(src.Baselines), slices.Clone(src.CustomFields)
	return frozen{id: l.id, p: &p, data: snapshotData{Revision: l.rev, Hash: l.hash,
		Versions: maps.Clone(l.ver), Ops: maps.Clone(l.ops)}}
}

func (f frozen) encode() (Snapshot, error) {
	var buf bytes.Buffer
	if err := schedule.WriteJSON(&buf, f.p); err != nil {
		return Snapshot{}, fmt.Errorf("store: project %q: snapshot at revision %d: %w", f.id, f.data.Revision, err)
	}
	f.data.Project = buf.Bytes()
	data, err := json.Marshal(f.data)
	if err != nil {
		return Snapshot{}, fmt.Errorf("store: project %q: snapshot at revision %d: %w", f.id, f.data.Revision, err)
	}
	return Snapshot{Project: f.id, Revision: f.data.Revision, Data: data}, nil
}

// thaw makes a live project of a snapshot.
func thaw(snap Snapshot) (*live, error) {
	var d snapshotData
	if err := json.Unmarshal(snap.Data, &d); err != nil {
		return nil, fmt.Errorf("store: project %q: snapshot at revision %d: %w", snap.Project, snap.Revision, err)
	}
	p, err := schedule.ReadJSON(bytes.NewReader(d.Project))
	if err != nil {
		return nil, fmt.Errorf("store: project %q: snapshot at revision %d: %w", snap.Project, snap.Revision, err)
	}
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, fmt.Errorf("store: project %q: snapshot at revision %d: %w", snap.Project, snap.Revision, err)
	}
	l := &live{id: snap.Project, ed: ed, rev: d.Revision, hash: d.Hash, ver: d.Versions, ops: d.Ops, snap: d.Revision}
	if l.ver == nil {
		l.ver = map[string]stamp{}
	}
	if l.ops == nil {
		l.ops = map[string]stamp{}
	}
	return l, nil
}

// copyProject copies a project deeply enough that the editor's later
// edits do not reach the copy.
func copyProject(p *schedule.Project) *schedule.Project {
	q := *p
	q.Calendars = slices.Clone(p.Calendars)
	q.Tasks = make([]schedule.Task, len(p.Tasks))
	for i, t := range p.Tasks {
		q.Tasks[i] = t.Clone()
	}
	q.Links = slices.Clone(p.Links)
	q.Resources = slices.Clone(p.Resources)
	q.Assignments = slices.Clone(p.Assignments)
	q.Baselines = slices.Clone(p.Baselines)
	q.CustomFields = slices.Clone(p.CustomFields)
	return &q
}
