package notify

import (
	"context"
	"errors"
	"time"

	"github.com/critpath/critpath/jobs"
)

// escalationJob is a JobEscalate's payload: the messages to watch, and
// the one to send if none of them was delivered.
type escalationJob struct {
	Watch    []string    `json:"watch"`
	Delivery deliveryJob `json:"delivery"`
	// Quiet and TimeZone are the recipient's, for a delivery that is
	// not critical.
	Quiet    QuietHours `json:"quiet"`
	TimeZone string     `json:"time_zone,omitempty"`
}

// planEscalation plans e for u: the message on e.To, sent when the
// messages of e.From (due, indices in rep.Messages) are not delivered
// e.After they were due — or at once when e.From had nothing to send to
// (no push device).
func (d *Dispatcher) planEscalation(rep *Report, n Notification, u User, data map[string]string, e Escalation, due []int, now time.Time) ([]step, error) {
	r, err := d.ts.Render(n.Kind, e.To, data, u.Prefs.Format())
	if err != nil {
		return nil, err
	}
	addrs, none, err := d.addresses(u, e.To)
	switch {
	case err != nil:
		rep.Refused = append(rep.Refused, Refusal{User: u.ID, Channel: e.To, Reason: "escalation: " + err.Error(), Err: err})
		return nil, nil
	case len(addrs) == 0:
		rep.Skipped = append(rep.Skipped, Refusal{User: u.ID, Channel: e.To, Reason: "escalation: " + none})
		return nil, nil
	}
	j, p, err := d.message(n, u, e.To, r, addrs[0], now)
	if err != nil {
		rep.Refused = append(rep.Refused, Refusal{User: u.ID, Channel: e.To, Reason: "escalation: " + err.Error(), Err: err})
		return nil, nil
	}
	if len(due) == 0 {
		rep.Messages = append(rep.Messages, p)
		return []step{{planned: len(rep.Messages) - 1, job: d.deliveryJob(j, p.At, now)}}, nil
	}
	ej := escalationJob{Delivery: j, Quiet: u.Prefs.QuietHours(), TimeZone: u.Prefs.TimeZone}
	var at time.Time
	for _, i := range due {
		ej.Watch = append(ej.Watch, rep.Messages[i].Key)
		at = later(at, rep.Messages[i].At)
	}
	p.State, p.At = Escalating, at.Add(e.After)
	rep.Messages = append(rep.Messages, p)
	return []step{{planned: len(rep.Messages) - 1, job: d.job(JobEscalate, "notify.escalate:"+p.Key, ej, p.At, now)}}, nil
}

// escalate sends an escalation's message unless one of the messages it
// watches was delivered.
func (d *Dispatcher) escalate(ctx context.Context, j escalationJob) error {
	for _, k := range j.Watch {
		rec, err := d.ledger.Lookup(ctx, k)
		if err != nil {
			return err
		}
		if delivered(rec) {
			return nil
		}
	}
	now := d.now()
	at := now
	if j.Delivery.Severity != Critical {
		if end, quiet := j.Quiet.Release(now, Preferences{TimeZone: j.TimeZone}.Location()); quiet {
			at = end
		}
	}
	_, err := d.out.Enqueue(ctx, d.deliveryJob(j.Delivery, at, now))
	if errors.Is(err, jobs.ErrDuplicate) {
		return nil
	}
	return err
}

// delivered reports whether a message's record says a provider accepted
// it.
func delivered(rec Record) bool {
	if rec.Delivery != nil {
		return rec.Delivery.State == Delivered
	}
	for _, a := range rec.Attempts {
		if a.Accepted {
			return true
		}
	}
	return false
}
