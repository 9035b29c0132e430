package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/critpath/critpath/schedule"
)

// Config tunes a Store. The zero value works.
type Config struct {
	// Now is the clock, time.Now when nil. Times are kept to the
	// microsecond, in UTC.
	Now func() time.Time
	// SnapshotEvery is how many events a project's log may grow by before
	// the store snapshots it again, so that a load replays at most that
	// many; default 100.
	SnapshotEvery int
	// MaxEdits bounds the ops of one change; default 10,000.
	MaxEdits int
	// MaxBytes bounds a change's JSON encoding; default 8 MiB.
	MaxBytes int
	// MaxProjects bounds the projects a store keeps loaded in memory; the
	// least recently used idle one is let go past it (loaded again from
	// its snapshot when next used). Default 256.
	MaxProjects int
	// AnswerTTL is how long a command's answer is kept for its command id
	// sent again; default 24 hours.
	AnswerTTL time.Duration
	// Projector, when set, is given each changed project, debounced by
	// Debounce (default 1 s).
	Projector Projector
	Debounce  time.Duration
	// Logger reports what fails in the background (snapshots,
	// projections); silent when nil.
	Logger *slog.Logger
}

// Store keeps live projects on a Backend: it applies changes through the
// engine's incremental editor under the field rules, persists each with
// its event in one transaction, and answers with the new revision and
// what moved. Several stores (on several machines) may share a backend:
// a store whose copy of a project is behind catches up from the log
// before it applies a change there.
//
// A Store is safe for concurrent use; changes to one project are applied
// one at a time, to different projects in parallel.
type Store struct {
	b   Backend
	cfg Config

	mu       sync.Mutex
	projects map[string]*live
	clock    int64                    // counts uses, for letting the least recently used project go
	loading  map[string]chan struct{} // projects being loaded: closed when done

	bg      sync.WaitGroup // snapshots and projections in flight
	project *debouncer
	wake    chan struct{} // an event was appended: the relay looks
	deltas  deltas        // what recent events moved, for the relay
	closed  bool
}

// New returns a store on b.
func New(b Backend, cfg Config) *Store {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.SnapshotEvery = cmp.Or(cfg.SnapshotEvery, 100)
	cfg.MaxEdits = cmp.Or(cfg.MaxEdits, 10_000)
	cfg.MaxBytes = cmp.Or(cfg.MaxBytes, 8<<20)
	cfg.MaxProjects = max(cmp.Or(cfg.MaxProjects, 256), 1)
	cfg.AnswerTTL = cmp.Or(cfg.AnswerTTL, 24*time.Hour)
	cfg.Debounce = cmp.Or(cfg.Debounce, time.Second)
	s := &Store{b: b, cfg: cfg, projects: map[string]*live{}, loading: map[string]chan struct{}{}, wake: make(chan struct{}, 1)}
	if cfg.Projector != nil {
		s.project = newDebouncer(cfg.Debounce, s.projectNow)
	}
	return s
}

func (s *Store) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// Create stores a new project at revision 1. The project is checked as
// Compile checks it; an existing id fails with ErrExists.
func (s *Store) Create(ctx context.Context, id string, p *schedule.Project, actor string) (int64, error) {
	if id == "" {
		return 0, &InputError{Project: id, Op: -1, Err: fmt.Errorf("a project needs an id: %w", ErrBadValue)}
	}
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return 0, &InputError{Project: id, Op: -1, Err: err}
	}
	l := &live{id: id, ed: ed, rev: 1, ver: map[string]stamp{}, ops: map[string]stamp{}, snap: 1}
	var body bytes.Buffer
	if err := schedule.WriteJSON(&body, ed.Project()); err != nil {
		return 0, &InputError{Project: id, Op: -1, Err: err}
	}
	now := s.now()
	first := Event{Project: id, Seq: 1, Time: now, Actor: actor, Kind: KindCreate, Body: body.Bytes()}
	first.Hash = first.Sum()
	l.hash = first.Hash
	snap, err := l.freeze().encode()
	if err != nil {
		return 0, err
	}
	if err := s.b.Create(ctx, first, snap); err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.clock++
	l.used = s.clock
	s.projects[id] = l
	s.evict()
	s.mu.Unlock()
	s.notify()
	return 1, nil
}

// Apply applies a change to a project: all its ops or none. It answers
// with the new revision and what moved, or fails with an *InputError
// (nothing written: an unknown task, field or resource, a bad value, a
// computed field, a loop, a change over the limits, a base from the
// future), a *ConflictError (a stale write of a field that moves the
// schedule), ErrNotFound or the backend's error. A command id answered
// within AnswerTTL is answered again, with Duplicate set, and nothing
// applied.
func (s *Store) Apply(ctx context.Context, project string, ch Change) (*Outcome, error) {
	if len(ch.Ops) > s.cfg.MaxEdits {
		return nil, &InputError{Project: project, Op: -1, Err: fmt.Errorf("%d ops, over the limit of %d: %w", len(ch.Ops), s.cfg.MaxEdits, ErrTooLarge)}
	}
	if ch.Actor == "" {
		return nil, &InputError{Project: project, Op: -1, Field: "actor", Err: fmt.Errorf("a change needs its actor: %w", ErrBadValue)}
	}
	if size := encodedSize(ch); size > s.cfg.MaxBytes {
		return nil, &InputError{Project: project, Op: -1, Err: fmt.Errorf("%d bytes, over the limit of %d: %w", size, s.cfg.MaxBytes, ErrTooLarge)}
	}
	for attempt := 0; ; attempt++ {
		l, err := s.live(ctx, project)
		if err != nil {
			return nil, err
		}
		out, err := s.apply(ctx, l, &ch)
		if !errors.Is(err, ErrStale) || attempt == 8 {
			return out, err
		}
		// Another store appended first: this copy was dropped; load it
		// again from the log and try again.
	}
}

func (s *Store) apply(ctx context.Context, l *live, ch *Change) (*Outcome, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ed == nil {
		return nil, ErrStale // dropped by a failed append meanwhile
	}
	now := s.now()
	if ch.Command != "" {
		a, ok, err := s.b.Answer(ctx, l.id, ch.Command, now.Add(-s.cfg.AnswerTTL))
		if err != nil {
			return nil, err
		}
		if ok {
			var out Outcome
			if err := json.Unmarshal(a.Body, &out); err != nil {
				return nil, fmt.Errorf("store: project %q: the answer to command %q: %w", l.id, ch.Command, err)
			}
			out.Duplicate = true
			return &out, nil
		}
	}
	if err := s.catchUp(ctx, l); err != nil {
		return nil, err
	}
	if ch.Base > l.rev {
		return nil, &InputError{Project: l.id, Op: -1, Field: "base", Err: fmt.Errorf("base %d, the project is at revision %d: %w", ch.Base, l.rev, ErrFuture)}
	}
	for k, op := range ch.Ops {
		if op.Base > l.rev {
			return nil, &InputError{Project: l.id, Op: k, Task: op.Task, Field: "base", Err: fmt.Errorf("base %d, the project is at revision %d: %w", op.Base, l.rev, ErrFuture)}
		}
	}
	stampNow := stamp{Rev: l.rev + 1, By: ch.Actor, At: now}
	p, err := l.plan(ch, false, stampNow)
	if err != nil {
		return nil, err
	}
	delta, err := l.ed.Apply(p.edits...)
	if err != nil {
		return nil, l.engineError(ch, err)
	}
	body, err := json.Marshal(eventBody{Actor: ch.Actor, Command: ch.Command, Base: ch.Base, Ops: p.effective, Resolutions: p.resolutions, Skipped: p.skipped})
	if err != nil {
		s.drop(l)
		return nil, fmt.Errorf("store: project %q: %w", l.id, err)
	}
	ev := Event{Project: l.id, Seq: l.rev + 1, Time: now, Actor: ch.Actor, Command: ch.Command, Kind: KindChange, Body: body, Prev: l.hash}
	ev.Hash = ev.Sum()
	out := &Outcome{Revision: ev.Seq, Delta: delta, Resolutions: p.resolutions, Skipped: p.skipped}
	var ans *Answer
	if ch.Command != "" {
		b, err := answerBody(out)
		if err != nil {
			s.drop(l)
			return nil, fmt.Errorf("store: project %q: %w", l.id, err)
		}
		ans = &Answer{Project: l.id, Command: ch.Command, Seq: ev.Seq, Time: now, Body: b}
	}
	if err := s.b.Append(ctx, ev, ans); err != nil {
		// The editor holds the change the log refused: drop this copy;
		// the next call loads the project again.
		s.drop(l)
		return nil, err
	}
	l.accept(p, stampNow)
	l.rev, l.hash = ev.Seq, ev.Hash
	s.deltas.keep(ev.ID(), delta)
	if l.rev-l.snap >= int64(s.cfg.SnapshotEvery) {
		s.snapshot(l, now)
	}
	if s.project != nil {
		s.project.touch(l.id)
	}
	s.notify()
	return out, nil
}

// maxAnswer bounds the answer kept for a command: a change that moves
// most of a large project has a delta of megabytes, not worth keeping
// for a retry that the client can answer by reading the schedule.
const maxAnswer = 64 << 10

// answerBody encodes an outcome to keep for its command, without its
// delta's changes when they are over maxAnswer.
func answerBody(out *Outcome) ([]byte, error) {
	if len(out.Delta.Changes) <= maxAnswer/1024 { // a change encodes to ~700 bytes: no need to encode more to know
		b, err := json.Marshal(out)
		if err != nil || len(b) <= maxAnswer {
			return b, err
		}
	}
	short := *out
	short.Delta.Changes, short.DeltaOmitted = nil, true
	return json.Marshal(short)
}

// encodedSize is the size of a change's JSON encoding.
func encodedSize(ch Change) int {
	var n countWriter
	if err := json.NewEncoder(&n).Encode(ch); err != nil {
		return 0 // a value JSON cannot hold: the ops report it
	}
	return int(n)
}

type countWriter int

func (c *countWriter) Write(b []byte) (int, error) { *c += countWriter(len(b)); return len(b), nil }

// evict lets the least recently used idle projects go while the store
// holds more than MaxProjects; s.mu is held. A project in use (its lock
// held) stays; a caller that found an evicted project before it went
// sees its editor gone and loads it again.
func (s *Store) evict() {
	for len(s.projects) > s.cfg.MaxProjects {
		var victim *live
		for _, l := range s.projects {
			if victim == nil || l.used < victim.used {
				victim = l
			}
		}
		if !victim.mu.TryLock() {
			return // in use: the store runs over its bound until a later load
		}
		victim.ed = nil
		delete(s.projects, victim.id)
		victim.mu.Unlock()
	}
}

// drop forgets a live project whose editor went out of step with the log.
func (s *Store) drop(l *live) {
	l.ed = nil
	s.mu.Lock()
	if s.projects[l.id] == l {
		delete(s.projects, l.id)
	}
	s.mu.Unlock()
}

// snapshot saves the project's state in the background: copied now,
// under the project's lock, encoded and written outside it.
func (s *Store) snapshot(l *live, now time.Time) {
	l.forgetOps(now, s.cfg.AnswerTTL)
	f := l.freeze()
	l.snap = l.rev
	s.bg.Go(func() {
		snap, err := f.encode()
		if err == nil {
			err = s.b.SaveSnapshot(context.Background(), snap)
		}
		if err != nil && s.cfg.Logger != nil {
			s.cfg.Logger.Error("store: snapshot", "project", f.id, "revision", f.data.Revision, "err", err)
		}
	})
}

// live returns the project as this store holds it, loading it from its
// latest snapshot and the events after it the first time.
func (s *Store) live(ctx context.Context, id string) (*live, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, ErrClosed
		}
		if l, ok := s.projects[id]; ok {
			s.clock++
			l.used = s.clock
			s.mu.Unlock()
			return l, nil
		}
		if wait, ok := s.loading[id]; ok {
			s.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		s.loading[id] = done
		s.mu.Unlock()
		l, err := s.load(ctx, id)
		s.mu.Lock()
		delete(s.loading, id)
		if err == nil {
			s.clock++
			l.used = s.clock
			s.projects[id] = l
			s.evict()
		}
		s.mu.Unlock()
		close(done)
		return l, err
	}
}

func (s *Store) load(ctx context.Context, id string) (*live, error) {
	snap, err := s.b.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	l, err := thaw(snap)
	if err != nil {
		return nil, err
	}
	return l, s.catchUp(ctx, l)
}

// catchUp replays the events of the log after the live project's
// revision: those other stores appended. Each must chain to the one
// before and hash to its own hash.
func (s *Store) catchUp(ctx context.Context, l *live) error {
	return s.eachEvent(ctx, l.id, l.rev, func(ev Event) error {
		if err := chains(ev, l.rev, l.hash); err != nil {
			return err
		}
		delta, err := l.replay(ev)
		if err == nil {
			s.deltas.keep(ev.ID(), delta)
		}
		return err
	})
}

// eventPage is how many events the store reads from its backend at once.
const eventPage = 1000

// eachEvent calls fn for each event of a project after sequence number
// after, in order, a page at a time, until fn fails.
func (s *Store) eachEvent(ctx context.Context, project string, after int64, fn func(Event) error) error {
	for {
		evs, err := s.b.Events(ctx, project, after, eventPage)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := fn(ev); err != nil {
				return err
			}
			after = ev.Seq
		}
		if len(evs) < eventPage {
			return nil
		}
	}
}

// Revision returns a project's latest revision (ErrNotFound for no such
// project), without copying it: a cheap check that a project exists.
func (s *Store) Revision(ctx context.Context, id string) (int64, error) {
	l, err := s.current(ctx, id)
	if err != nil {
		return 0, err
	}
	defer l.mu.Unlock()
	return l.rev, nil
}

// Project returns a copy of a project as of its latest revision, and the
// revision.
func (s *Store) Project(ctx context.Context, id string) (*schedule.Project, int64, error) {
	l, err := s.current(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	defer l.mu.Unlock()
	return copyProject(l.ed.Project()), l.rev, nil
}

// Schedule returns the project's schedule as of its latest revision — a
// result of its own, which later changes do not touch — and the revision.
func (s *Store) Schedule(ctx context.Context, id string) (*schedule.Result, int64, error) {
	p, rev, err := s.Project(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	r, err := schedule.Run(p)
	if err != nil {
		return nil, 0, fmt.Errorf("store: project %q at revision %d: %w", id, rev, err)
	}
	return r, rev, nil
}

// current returns the live project, caught up with the log and locked.
func (s *Store) current(ctx context.Context, id string) (*live, error) {
	for {
		l, err := s.live(ctx, id)
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.ed == nil {
			l.mu.Unlock()
			continue
		}
		if err := s.catchUp(ctx, l); err != nil {
			l.mu.Unlock()
			s.drop(l)
			return nil, err
		}
		return l, nil
	}
}

// Events returns up to limit events of a project after sequence number
// after, for a client catching up.
func (s *Store) Events(ctx context.Context, project string, after int64, limit int) ([]Event, error) {
	return s.b.Events(ctx, project, after, limit)
}

// Replay builds a project from its whole log — its creation and every
// change, no snapshot, each event checked to chain and hash as Verify
// checks it — as a check of what the store holds.
func (s *Store) Replay(ctx context.Context, id string) (*schedule.Project, error) {
	evs, err := s.b.Events(ctx, id, 0, 1)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 || evs[0].Kind != KindCreate {
		return nil, &ChainError{Project: id, Seq: 1, Reason: "the log does not start with the project's creation"}
	}
	p, err := schedule.ReadJSON(bytes.NewReader(evs[0].Body))
	if err != nil {
		return nil, fmt.Errorf("store: project %q: event 1: %w", id, err)
	}
	ed, err := schedule.NewEditor(p)
	if err != nil {
		return nil, fmt.Errorf("store: project %q: event 1: %w", id, err)
	}
	l := &live{id: id, ed: ed, rev: 1, hash: evs[0].Hash, ver: map[string]stamp{}, ops: map[string]stamp{}}
	if err := s.catchUp(ctx, l); err != nil {
		return nil, err
	}
	return copyProject(l.ed.Project()), nil
}

// Close waits for the snapshots and projections in flight and makes
// later calls fail with ErrClosed. It does not close the backend.
func (s *Store) Close() error {
	if s.project != nil {
		s.project.stop() // projects what is pending first
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.bg.Wait()
	return nil
}

// notify wakes the relay.
func (s *Store) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// projectNow hands a project to the projector.
func (s *Store) projectNow(id string) {
	p, rev, err := s.Project(context.Background(), id)
	if err == nil {
		err = s.cfg.Projector.Project(context.Background(), id, rev, p)
	}
	if err != nil && s.cfg.Logger != nil {
		s.cfg.Logger.Error("store: projection", "project", id, "err", err)
	}
}

// Sum returns the event's hash: SHA-256 over its predecessor's hash and
// its fields, each length-prefixed, in hex.
func (e Event) Sum() string {
	h := sha256.New()
	put := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put([]byte(e.Prev))
	put([]byte(e.Project))
	put(binary.BigEndian.AppendUint64(nil, uint64(e.Seq)))
	put([]byte(e.Time.UTC().Format(time.RFC3339Nano)))
	put([]byte(e.Actor))
	put([]byte(e.Command))
	put([]byte(e.Kind))
	put(e.Body)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainError reports the first event of a log that does not chain: out
// of sequence, not pointing at the hash of the event before, or not
// hashing to its own hash — rewritten after it was written.
type ChainError struct {
	Project string
	Seq     int64
	Reason  string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("store: project %q: event %d does not chain: %s", e.Project, e.Seq, e.Reason)
}

// Verify reads a project's whole log and reports the first event that
// does not chain (a *ChainError), or nil.
func (s *Store) Verify(ctx context.Context, project string) error {
	prev, seq := "", int64(0)
	return s.eachEvent(ctx, project, 0, func(ev Event) error {
		if err := chains(ev, seq, prev); err != nil {
			return err
		}
		prev, seq = ev.Hash, ev.Seq
		return nil
	})
}

// chains reports, as a *ChainError, an event that does not follow the
// event seq of hash prev, or does not hash to its own hash.
func chains(ev Event, seq int64, prev string) error {
	switch {
	case ev.Seq != seq+1:
		return &ChainError{Project: ev.Project, Seq: ev.Seq, Reason: fmt.Sprintf("it follows event %d", seq)}
	case ev.Prev != prev:
		return &ChainError{Project: ev.Project, Seq: ev.Seq, Reason: "its prev is not the hash of the event before"}
	case ev.Sum() != ev.Hash:
		return &ChainError{Project: ev.Project, Seq: ev.Seq, Reason: "its content does not hash to its hash"}
	}
	return nil
}
