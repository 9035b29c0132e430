package kinds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/leveling"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// LevelingArgs asks for a project's resources leveled, as a proposal.
type LevelingArgs struct {
	Project string `json:"project"`
	// Order is who keeps their place when tasks compete for a resource:
	// "standard" (the default: less float first), "priority", "id",
	// "latest_finish" or "latest_start".
	Order string `json:"order,omitempty"`
	// WithinFloat delays tasks only within their total float; Split lets
	// leveling split remaining work; From and To bound the conflicts
	// resolved (see leveling.LevelOptions).
	WithinFloat bool      `json:"within_float,omitempty"`
	Split       bool      `json:"split,omitempty"`
	From        time.Time `json:"from,omitzero"`
	To          time.Time `json:"to,omitzero"`
}

// Kind implements Args.
func (LevelingArgs) Kind() string { return KindLeveling }

func (a LevelingArgs) project() string { return a.Project }

// options coalesces a project's leveling requests: the latest wins.
func (a LevelingArgs) options(j *jobs.Job) { j.CoalesceKey = KindLeveling + ":" + a.Project }

var orders = map[string]leveling.Order{
	"": leveling.Standard, "standard": leveling.Standard, "priority": leveling.ByPriority, "id": leveling.ByID,
	"latest_finish": leveling.LatestFinish, "latest_start": leveling.LatestStart,
}

// ProposedDelay is one delay of a leveling proposal, with its reason:
// Resource was over-allocated over [ConflictFrom, ConflictTo), Winner
// kept its place by Rule, and Task waits from From until To (or, when
// Split, pauses its remaining work until then). Reason says it in words.
type ProposedDelay struct {
	Task         string    `json:"task"`
	Name         string    `json:"name"`
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	Split        bool      `json:"split,omitempty"`
	Resource     string    `json:"resource"`
	ConflictFrom time.Time `json:"conflict_from"`
	ConflictTo   time.Time `json:"conflict_to"`
	Winner       string    `json:"winner"`
	Rule         string    `json:"rule"`
	Reason       string    `json:"reason"`
}

// levelingProposal levels a project's resources and stores the result as
// a proposal — the delays, each with its reason, the over-allocations
// left and the change that accepting it applies (start-no-earlier-than
// constraints and splits) — for a user to accept (Accept) or reject; it
// never changes the project itself. The proposal is announced. Its ID is
// made of the project, the revision and the options, so a job run again
// finds it and announces it as it is, decided or not. A leveling that
// moves nothing is announced, not stored.
type levelingProposal struct{ *worker }

func (h *levelingProposal) Work(ctx context.Context, a LevelingArgs, _ jobs.Progress) error {
	order, ok := orders[a.Order]
	if !ok {
		return jobs.Permanent(fmt.Errorf("kinds: leveling: order %q: want standard, priority, id, latest_finish or latest_start", a.Order))
	}
	p, rev, err := h.project(ctx, KindLeveling, a.Project)
	if err != nil {
		return err
	}
	id := fmt.Sprintf("leveling-%s-%d-%s", a.Project, rev, digest(a))
	if old, err := h.d.Proposals.Proposal(ctx, id); err == nil {
		return h.announceProposal(ctx, old)
	} else if !errors.Is(err, ErrNoProposal) {
		return err
	}
	before, err := schedule.Run(p)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: leveling: project %q at revision %d: %w", a.Project, rev, err))
	}
	names := make(map[string]string, len(p.Tasks))
	for _, t := range p.Tasks {
		names[t.ID] = t.Name
	}
	lv, err := leveling.Level(ctx, p, leveling.LevelOptions{Order: order, WithinFloat: a.WithinFloat, Split: a.Split, From: a.From, To: a.To})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return jobs.Permanent(fmt.Errorf("kinds: leveling: project %q at revision %d: %w", a.Project, rev, err))
	}
	prop := Proposal{ID: id, Project: a.Project, Kind: KindLeveling, Revision: rev, Created: h.d.Now(), Status: StatusPending,
		FinishBefore: before.Finish(), FinishAfter: lv.Result.Finish(), Unresolved: lv.Unresolved}
	for _, d := range lv.Delays {
		prop.Delays = append(prop.Delays, ProposedDelay{Task: d.Task, Name: names[d.Task], From: d.From, To: d.To, Split: d.Split,
			Resource: d.Resource, ConflictFrom: d.ConflictFrom, ConflictTo: d.ConflictTo, Winner: d.Winner, Rule: d.Rule, Reason: reason(d)})
	}
	for _, m := range lv.Plan() {
		switch e := m.Edit.(type) {
		case schedule.SetConstraint:
			prop.Ops = append(prop.Ops, store.Set(e.Task, "constraint", e.Constraint))
		case schedule.SetSplits:
			prop.Ops = append(prop.Ops, store.Set(e.Task, "splits", e.Splits))
		default:
			return jobs.Permanent(fmt.Errorf("kinds: leveling: project %q: a move of task %q the store cannot make (%T)", a.Project, m.Why.Task, m.Edit))
		}
	}
	if len(prop.Ops) == 0 {
		prop.ID, prop.Status = "", ""
		return h.announceProposal(ctx, prop)
	}
	if err := h.d.Proposals.Add(ctx, prop); errors.Is(err, ErrProposalExists) {
		if prop, err = h.d.Proposals.Proposal(ctx, id); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("kinds: leveling: project %q: %w", a.Project, err)
	}
	return h.announceProposal(ctx, prop)
}

func (h *levelingProposal) announceProposal(ctx context.Context, p Proposal) error {
	b, err := encode(KindLeveling, p)
	if err != nil {
		return err
	}
	return h.announce(ctx, p.Project, KindLeveling, b)
}

// reason says a delay in words, as the command line's level does.
func reason(d leveling.Delay) string {
	const layout = "Mon 2006-01-02 15:04"
	what := "starts no earlier than " + d.To.Format(layout)
	if d.Split {
		what = "pauses its remaining work until " + d.To.Format(layout)
	}
	return fmt.Sprintf("%s %s (it was at %s): %s over-allocated %s to %s; %s kept its place (%s)",
		d.Task, what, d.From.Format(layout), d.Resource, d.ConflictFrom.Format(layout), d.ConflictTo.Format(layout), d.Winner, d.Rule)
}
