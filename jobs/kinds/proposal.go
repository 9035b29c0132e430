package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/store"
)

// Proposal is a change worked out in the background for a user to
// accept or reject — never applied without them: a leveling (its delays,
// each with its reason, and the change that makes them) or a weather
// update (its alerts and the calendar change they suggest).
type Proposal struct {
	ID      string `json:"id"`
	Project string `json:"project"`
	// Kind is KindLeveling or KindWeather.
	Kind string `json:"kind"`
	// Revision is the project's revision the proposal was worked out at.
	Revision int64     `json:"revision"`
	Created  time.Time `json:"created"`
	Status   Status    `json:"status"`
	// Decision says who decided, when and why; nil while pending.
	Decision *Decision `json:"decision,omitempty"`
	// FinishBefore is the project's finish as it stands, FinishAfter
	// with the proposal made.
	FinishBefore time.Time `json:"finish_before"`
	FinishAfter  time.Time `json:"finish_after"`
	// Delays are a leveling's delays in the order they were made, and
	// Unresolved the over-allocations it leaves.
	Delays     []ProposedDelay     `json:"delays,omitempty"`
	Unresolved []leveling.Conflict `json:"unresolved,omitempty"`
	// Ops are the change accepting it applies: a leveling's delays, a
	// weather proposal's calendars.
	Ops []store.Op `json:"ops,omitempty"`
	// Weather is a weather update's report (a weather proposal's).
	Weather *WeatherReport `json:"weather,omitempty"`
}

// Status is where a proposal stands.
type Status string

// The statuses of a proposal. Stale: the project changed under it, so
// it can no longer be accepted; a new one is worked out instead.
const (
	StatusPending  Status = "pending"
	StatusAccepted Status = "accepted"
	StatusRejected Status = "rejected"
	StatusStale    Status = "stale"
)

// Decision is what became of a proposal.
type Decision struct {
	Status Status    `json:"status"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	// Revision is the revision accepting the proposal made.
	Revision int64 `json:"revision,omitempty"`
}

// Proposals keeps proposals until they are decided, and after. The
// leveling and weather kinds add to it; Accept and Reject decide. It must
// be safe for concurrent use; MemoryProposals is the in-process one.
type Proposals interface {
	// Add stores p under its ID. When a proposal has that ID already
	// (the same work done again) it keeps that one and returns
	// ErrProposalExists.
	Add(ctx context.Context, p Proposal) error
	// Proposal returns the proposal of that ID, or ErrNoProposal.
	Proposal(ctx context.Context, id string) (Proposal, error)
	// Decide records a decision on a pending proposal and returns it as
	// decided; one decided already is returned as it is, with
	// ErrDecided.
	Decide(ctx context.Context, id string, d Decision) (Proposal, error)
}

// Errors of Proposals, Accept and Reject.
var (
	ErrProposalExists = errors.New("kinds: a proposal with this ID exists")
	ErrNoProposal     = errors.New("kinds: no such proposal")
	ErrDecided        = errors.New("kinds: the proposal is decided already")
)

// StaleError refuses to accept a proposal the project has changed under:
// since the revision it was worked out at, edits that move the schedule
// (Changes) were made, so its delays may no longer be the ones needed.
// The proposal is marked stale.
type StaleError struct {
	Proposal string
	Revision int64 // the revision it was worked out at
	Changes  []StaleChange
}

// StaleChange is one edit made under a proposal.
type StaleChange struct {
	Seq   int64  `json:"seq"`
	Actor string `json:"actor"`
	Op    string `json:"op"`
	Task  string `json:"task,omitempty"`
	Field string `json:"field,omitempty"`
}

func (e *StaleError) Error() string {
	c := e.Changes[0]
	what := c.Op
	if c.Field != "" {
		what += " " + c.Field
	}
	if c.Task != "" {
		what += fmt.Sprintf(" of task %q", c.Task)
	}
	more := ""
	if len(e.Changes) > 1 {
		more = fmt.Sprintf(" (and %d more edits)", len(e.Changes)-1)
	}
	return fmt.Sprintf("kinds: proposal %q was worked out at revision %d; the schedule has changed since: revision %d, %s by %s%s",
		e.Proposal, e.Revision, c.Seq, what, c.Actor, more)
}

// Accept applies a pending leveling proposal as a change by actor
// through the store and records the decision. The change is made against
// the revision the proposal was worked out at: it is refused, and the
// proposal marked stale, when edits that move the schedule were made
// since (a *StaleError) or when the fields it sets were changed since (the
// store's *store.ConflictError). It carries the command id
// "proposal:ID", so accepting again — after a crash between the change
// and the decision, or by two users at once — applies nothing twice and
// answers as the first time. (An edit that lands between the check of
// the log and the change is caught only when it sets a field the change
// sets: the store's conflict rule.) A weather proposal's change is its
// calendars: the days off added, tasks moved to an outdoor calendar. A
// decided one fails with ErrDecided.
func Accept(ctx context.Context, d Deps, id, actor string) (*store.Outcome, error) {
	if d.Projects == nil || d.Proposals == nil {
		return nil, errors.New("kinds: Accept needs Deps.Projects and Deps.Proposals")
	}
	p, err := d.Proposals.Proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusPending {
		return nil, fmt.Errorf("kinds: proposal %q is %s: %w", id, p.Status, ErrDecided)
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	command := "proposal:" + id
	changes, err := movedSince(ctx, d.Projects, p.Project, p.Revision, command)
	if err != nil {
		return nil, err
	}
	if len(changes) > 0 {
		serr := &StaleError{Proposal: id, Revision: p.Revision, Changes: changes}
		if _, err := d.Proposals.Decide(ctx, id, Decision{Status: StatusStale, By: actor, At: now(), Reason: serr.Error()}); err != nil && !errors.Is(err, ErrDecided) {
			return nil, errors.Join(serr, err)
		}
		return nil, serr
	}
	out, err := d.Projects.Apply(ctx, p.Project, store.Change{Actor: actor, Command: command, Base: p.Revision, Ops: p.Ops})
	if errors.Is(err, store.ErrConflict) {
		if _, derr := d.Proposals.Decide(ctx, id, Decision{Status: StatusStale, By: actor, At: now(), Reason: err.Error()}); derr != nil && !errors.Is(derr, ErrDecided) {
			return nil, errors.Join(err, derr)
		}
		return nil, fmt.Errorf("kinds: proposal %q: %w", id, err)
	}
	if err != nil {
		return nil, fmt.Errorf("kinds: proposal %q: %w", id, err)
	}
	got, err := d.Proposals.Decide(ctx, id, Decision{Status: StatusAccepted, By: actor, At: now(), Revision: out.Revision})
	if errors.Is(err, ErrDecided) && got.Status == StatusAccepted {
		return out, nil // accepted by another at the same time: one change
	}
	if err != nil {
		return out, fmt.Errorf("kinds: proposal %q: applied at revision %d, but: %w", id, out.Revision, err)
	}
	return out, nil
}

// Reject records that actor rejected a pending proposal, and why.
func Reject(ctx context.Context, d Deps, id, actor, reason string) error {
	if d.Proposals == nil {
		return errors.New("kinds: Reject needs Deps.Proposals")
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	_, err := d.Proposals.Decide(ctx, id, Decision{Status: StatusRejected, By: actor, At: now(), Reason: reason})
	return err
}

// movedSince lists the edits after revision rev that move the schedule:
// every op but a set of a descriptive field, leaving out the change of
// the command given (a proposal's own, applied before a crash).
func movedSince(ctx context.Context, ps Projects, project string, rev int64, command string) ([]StaleChange, error) {
	descriptive, _ := store.Fields()
	var out []StaleChange
	for after := rev; ; {
		evs, err := ps.Events(ctx, project, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("kinds: project %q: events after %d: %w", project, after, err)
		}
		for _, ev := range evs {
			after = ev.Seq
			if ev.Kind != store.KindChange || ev.Command == command {
				continue
			}
			var ch store.Change
			if err := json.Unmarshal(ev.Body, &ch); err != nil {
				return nil, fmt.Errorf("kinds: project %q: event %d: %w", project, ev.Seq, err)
			}
			for _, op := range ch.Ops {
				if op.Op == store.OpSet && (slices.Contains(descriptive, op.Field) || strings.HasPrefix(op.Field, "fields.")) {
					continue
				}
				out = append(out, StaleChange{Seq: ev.Seq, Actor: ev.Actor, Op: op.Op, Task: op.Task, Field: op.Field})
			}
		}
		if len(evs) < 1000 {
			return out, nil
		}
	}
}

// MemoryProposals keeps proposals in memory, each as its JSON (so what
// is read back is a copy). It is safe for concurrent use.
type MemoryProposals struct {
	mu    sync.Mutex
	byID  map[string][]byte
	order []string
}

var _ Proposals = (*MemoryProposals)(nil)

// NewMemoryProposals returns an empty MemoryProposals.
func NewMemoryProposals() *MemoryProposals {
	return &MemoryProposals{byID: map[string][]byte{}}
}

// Add implements Proposals.
func (m *MemoryProposals) Add(ctx context.Context, p Proposal) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("kinds: proposal %q: %w", p.ID, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byID[p.ID]; ok {
		return fmt.Errorf("kinds: proposal %q: %w", p.ID, ErrProposalExists)
	}
	m.byID[p.ID] = b
	m.order = append(m.order, p.ID)
	return nil
}

// Proposal implements Proposals.
func (m *MemoryProposals) Proposal(ctx context.Context, id string) (Proposal, error) {
	m.mu.Lock()
	b, ok := m.byID[id]
	m.mu.Unlock()
	if !ok {
		return Proposal{}, fmt.Errorf("kinds: proposal %q: %w", id, ErrNoProposal)
	}
	var p Proposal
	if err := json.Unmarshal(b, &p); err != nil {
		return Proposal{}, fmt.Errorf("kinds: proposal %q: %w", id, err)
	}
	return p, nil
}

// Decide implements Proposals.
func (m *MemoryProposals) Decide(ctx context.Context, id string, d Decision) (Proposal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.byID[id]
	if !ok {
		return Proposal{}, fmt.Errorf("kinds: proposal %q: %w", id, ErrNoProposal)
	}
	var p Proposal
	if err := json.Unmarshal(b, &p); err != nil {
		return Proposal{}, err
	}
	if p.Status != StatusPending {
		return p, fmt.Errorf("kinds: proposal %q is %s: %w", id, p.Status, ErrDecided)
	}
	p.Status, p.Decision = d.Status, &d
	b, err := json.Marshal(p)
	if err != nil {
		return Proposal{}, err
	}
	m.byID[id] = b
	return p, nil
}

// List returns a project's proposals in the order they were added.
func (m *MemoryProposals) List(project string) []Proposal {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Proposal
	for _, id := range m.order {
		var p Proposal
		if json.Unmarshal(m.byID[id], &p) == nil && p.Project == project {
			out = append(out, p)
		}
	}
	return out
}
