package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Memory is the in-process Backend: for tests and for embedding where
// nothing needs to outlive the process. It keeps copies of what it is
// given, so a caller may reuse its buffers. It is safe for concurrent use.
type Memory struct {
	mu       sync.Mutex
	projects map[string]*memProject
	answers  map[[2]string]Answer
	outbox   []EventID // pending, in the order appended
	order    int64     // a counter for Projects' recency
	closed   bool
}

type memProject struct {
	events  []Event
	snap    Snapshot
	changed time.Time
	order   int64
}

var _ Backend = (*Memory)(nil)

// NewMemory returns an empty in-process backend.
func NewMemory() *Memory {
	return &Memory{projects: map[string]*memProject{}, answers: map[[2]string]Answer{}}
}

func (m *Memory) lock() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// Create implements Log.
func (m *Memory) Create(ctx context.Context, first Event, snap Snapshot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if first.Seq != 1 || snap.Revision != 1 || snap.Project != first.Project {
		return fmt.Errorf("store: project %q: a project starts with event 1 and its snapshot at revision 1", first.Project)
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if _, ok := m.projects[first.Project]; ok {
		return fmt.Errorf("store: project %q: %w", first.Project, ErrExists)
	}
	m.order++
	m.projects[first.Project] = &memProject{events: []Event{cloneEvent(first)}, snap: cloneSnapshot(snap), changed: first.Time, order: m.order}
	m.outbox = append(m.outbox, first.ID())
	return nil
}

// Append implements Log.
func (m *Memory) Append(ctx context.Context, ev Event, cmd *Answer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	p, ok := m.projects[ev.Project]
	if !ok {
		return fmt.Errorf("store: project %q: %w", ev.Project, ErrNotFound)
	}
	if last := int64(len(p.events)); ev.Seq != last+1 {
		return fmt.Errorf("store: project %q: event %d after %d: %w", ev.Project, ev.Seq, last, ErrStale)
	}
	p.events = append(p.events, cloneEvent(ev))
	m.order++
	p.changed, p.order = ev.Time, m.order
	if cmd != nil {
		a := *cmd
		a.Body = slices.Clone(a.Body)
		m.answers[[2]string{a.Project, a.Command}] = a
	}
	m.outbox = append(m.outbox, ev.ID())
	return nil
}

// Events implements Log.
func (m *Memory) Events(ctx context.Context, project string, after int64, limit int) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	p, ok := m.projects[project]
	if !ok {
		return nil, fmt.Errorf("store: project %q: %w", project, ErrNotFound)
	}
	from := min(max(after, 0), int64(len(p.events)))
	to := min(from+int64(max(limit, 0)), int64(len(p.events)))
	out := make([]Event, 0, to-from)
	for _, ev := range p.events[from:to] {
		out = append(out, cloneEvent(ev))
	}
	return out, nil
}

// Projects implements Log.
func (m *Memory) Projects(ctx context.Context, limit int) ([]ProjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	type entry struct {
		info  ProjectInfo
		order int64
	}
	all := make([]entry, 0, len(m.projects))
	for id, p := range m.projects {
		all = append(all, entry{ProjectInfo{ID: id, Revision: int64(len(p.events)), Changed: p.changed}, p.order})
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Compare(b.order, a.order) })
	out := make([]ProjectInfo, 0, min(len(all), max(limit, 0)))
	for _, e := range all[:min(len(all), max(limit, 0))] {
		out = append(out, e.info)
	}
	return out, nil
}

// SaveSnapshot implements Snapshots.
func (m *Memory) SaveSnapshot(ctx context.Context, snap Snapshot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	p, ok := m.projects[snap.Project]
	if !ok {
		return fmt.Errorf("store: project %q: %w", snap.Project, ErrNotFound)
	}
	if snap.Revision > int64(len(p.events)) {
		return fmt.Errorf("store: project %q: snapshot at revision %d after the last event, %d", snap.Project, snap.Revision, len(p.events))
	}
	if snap.Revision > p.snap.Revision {
		p.snap = cloneSnapshot(snap)
	}
	return nil
}

// Snapshot implements Snapshots.
func (m *Memory) Snapshot(ctx context.Context, project string) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, err
	}
	if err := m.lock(); err != nil {
		return Snapshot{}, err
	}
	defer m.mu.Unlock()
	p, ok := m.projects[project]
	if !ok {
		return Snapshot{}, fmt.Errorf("store: project %q: %w", project, ErrNotFound)
	}
	return cloneSnapshot(p.snap), nil
}

// Answer implements Commands.
func (m *Memory) Answer(ctx context.Context, project, command string, since time.Time) (Answer, bool, error) {
	if err := ctx.Err(); err != nil {
		return Answer{}, false, err
	}
	if err := m.lock(); err != nil {
		return Answer{}, false, err
	}
	defer m.mu.Unlock()
	a, ok := m.answers[[2]string{project, command}]
	if !ok || a.Time.Before(since) {
		return Answer{}, false, nil
	}
	a.Body = slices.Clone(a.Body)
	return a, true, nil
}

// ForgetAnswers implements Commands.
func (m *Memory) ForgetAnswers(ctx context.Context, before time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	for k, a := range m.answers {
		if a.Time.Before(before) {
			delete(m.answers, k)
		}
	}
	return nil
}

// Pending implements Outbox.
func (m *Memory) Pending(ctx context.Context, limit int) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.lock(); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	n := min(len(m.outbox), max(limit, 0))
	out := make([]Event, 0, n)
	for _, id := range m.outbox[:n] {
		out = append(out, cloneEvent(m.projects[id.Project].events[id.Seq-1]))
	}
	return out, nil
}

// Delivered implements Outbox.
func (m *Memory) Delivered(ctx context.Context, events []EventID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	done := make(map[EventID]bool, len(events))
	for _, id := range events {
		done[id] = true
	}
	m.outbox = slices.DeleteFunc(m.outbox, func(id EventID) bool { return done[id] })
	return nil
}

// Close implements Backend: every later call fails.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

func cloneEvent(ev Event) Event {
	ev.Body = slices.Clone(ev.Body)
	return ev
}

func cloneSnapshot(s Snapshot) Snapshot {
	s.Data = slices.Clone(s.Data)
	return s
}
