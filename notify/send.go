package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/critpath/critpath/jobs"
)

// PlanState says what Send did with one message.
type PlanState uint8

// The plan states.
const (
	// Queued: in the outbox, to go at once.
	Queued PlanState = iota + 1
	// Deferred: in the outbox, to go when the recipient's quiet hours
	// end (At).
	Deferred
	// Digested: waiting for the recipient's next digest (At).
	Digested
	// Duplicate: its key was sent within 24 hours; nothing more done.
	Duplicate
	// Escalating: a check at At that sends the message on its channel
	// unless the channel escalated from has delivered by then.
	Escalating
)

func (s PlanState) String() string {
	switch s {
	case Queued:
		return "queued"
	case Deferred:
		return "deferred"
	case Digested:
		return "digested"
	case Duplicate:
		return "duplicate"
	case Escalating:
		return "escalating"
	}
	return fmt.Sprintf("plan(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s PlanState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Planned is one message of a notification as Send left it.
type Planned struct {
	Key     string    `json:"key"`
	User    string    `json:"user"`
	Channel Channel   `json:"channel"`
	To      string    `json:"to,omitempty"`
	State   PlanState `json:"state"`
	At      time.Time `json:"at"`
	// SMS is an SMS's encoding, segments and cost through the first
	// provider of its chain, worked out before sending; Short is true
	// when the template's shorter variant was chosen.
	SMS   *SMSInfo `json:"sms,omitempty"`
	Short bool     `json:"short,omitempty"`
}

// Refusal is a recipient or channel Send sent nothing to, and why.
type Refusal struct {
	User    string  `json:"user"`
	Channel Channel `json:"channel,omitempty"`
	Reason  string  `json:"reason"`
	// Err is the error, for Refused: an *AddressError, a *PayloadError,
	// ErrUnknownUser … each wrapping ErrInvalid or ErrUnknownUser.
	Err error `json:"-"`
}

// Report is what Send did with a notification.
type Report struct {
	Key      string    `json:"key"`
	Messages []Planned `json:"messages"`
	// Skipped are the channels a recipient has nothing on (no e-mail
	// address, no push device, no provider for the channel): not errors.
	Skipped []Refusal `json:"skipped,omitempty"`
	// Refused are the recipients and messages refused before sending:
	// each is recorded dead in the Ledger, and Send's error joins them.
	Refused []Refusal `json:"refused,omitempty"`
}

// Duplicate reports whether the notification was sent before (every
// message's key within 24 hours) and nothing more was done.
func (r *Report) Duplicate() bool {
	if len(r.Messages) == 0 {
		return false
	}
	for _, m := range r.Messages {
		if m.State != Duplicate {
			return false
		}
	}
	return true
}

// deliveryJob is a JobDeliver's payload: a rendered message and whom it
// is for.
type deliveryJob struct {
	Message  Message   `json:"message"`
	User     string    `json:"user,omitempty"`
	Project  string    `json:"project,omitempty"`
	Kind     Kind      `json:"kind"`
	Severity Severity  `json:"severity,omitzero"`
	Created  time.Time `json:"created"`
	// Via, when set, is the only provider that may carry it (a push
	// device's).
	Via string `json:"via,omitempty"`
}

// step is something Send does once every message is planned: a job to
// enqueue, or a digest item to keep (and its digest's job).
type step struct {
	planned int
	job     jobs.Job
	item    *DigestItem
}

// Send sends a notification: for each recipient, the channels their
// preferences give its kind, the templates rendered in their language,
// the addresses checked, then a job per message in the outbox — at once,
// after their quiet hours (SMS and push, unless Critical), or in their
// next digest (Low, but for the in-app inbox) — and escalations. It
// returns what it did.
//
// Nothing is enqueued when the notification is invalid (no key, no
// recipients, a kind without templates, data its templates lack: an
// error wrapping ErrInvalid, a *TemplateError). A recipient the
// Directory does not know, an address that does not parse and a push
// payload over its provider's limit are refused — recorded dead in the
// Ledger with the reason — while the rest is sent; the error then joins
// the refusals. Any other error (the Directory's, the outbox's) may
// pass: Send may be called again with the notification, and what was
// enqueued before is not enqueued twice. The same key sent again within
// 24 hours sends nothing (Report.Duplicate).
func (d *Dispatcher) Send(ctx context.Context, n Notification) (*Report, error) {
	switch {
	case n.Key == "":
		return nil, fmt.Errorf("notify: a notification of kind %q without a key: %w", n.Kind, ErrInvalid)
	case len(n.To) == 0:
		return nil, fmt.Errorf("notify: notification %q: no recipients: %w", n.Key, ErrInvalid)
	case d.ts.kinds[n.Kind] == nil:
		return nil, &TemplateError{Kind: n.Kind, Err: errors.New("no templates for this kind")}
	}
	now := d.now()
	rep := &Report{Key: n.Key}
	var steps []step
	for _, to := range n.To {
		u, adhoc, err := d.recipient(ctx, to)
		if errors.Is(err, ErrUnknownUser) {
			rep.Refused = append(rep.Refused, Refusal{User: to, Reason: err.Error(), Err: err})
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("notify: notification %q: recipient %q: %w", n.Key, to, err)
		}
		s, err := d.plan(rep, n, u, adhoc, now)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s...)
	}
	for _, s := range steps {
		if s.item != nil {
			if err := d.digests.Add(ctx, *s.item); err != nil {
				return rep, fmt.Errorf("notify: notification %q: digest: %w", n.Key, err)
			}
		}
		if _, err := d.out.Enqueue(ctx, s.job); errors.Is(err, jobs.ErrDuplicate) {
			if s.item == nil {
				rep.Messages[s.planned].State = Duplicate
			}
		} else if err != nil {
			return rep, fmt.Errorf("notify: notification %q: outbox: %w", n.Key, err)
		}
	}
	var errs []error
	for _, r := range rep.Refused {
		key := n.Key + "/" + r.User
		if r.Channel != "" {
			key += "/" + string(r.Channel)
		}
		err := d.ledger.Settle(ctx, Delivery{Key: key, User: r.User, Project: n.Project, Kind: n.Kind, Severity: n.Severity,
			Channel: r.Channel, State: Dead, Reason: "refused before sending: " + r.Reason, At: now})
		if err != nil {
			return rep, fmt.Errorf("notify: notification %q: ledger: %w", n.Key, err)
		}
		d.log.Warn("notify: refused", "key", key, "reason", r.Reason)
		errs = append(errs, r.Err)
	}
	return rep, errors.Join(errs...)
}

// recipient returns the user a recipient names: "user:ID" or an ID
// from the Directory; a bare e-mail address or phone number as a user
// reached on that channel alone (adhoc).
func (d *Dispatcher) recipient(ctx context.Context, to string) (User, Channel, error) {
	if id, ok := strings.CutPrefix(to, "user:"); ok {
		u, err := d.dir.User(ctx, id)
		return u, "", err
	}
	if strings.Contains(to, "@") {
		return User{ID: to, Email: to}, Email, nil
	}
	if r := []rune(strings.TrimSpace(to)); len(r) > 0 && (r[0] == '+' || r[0] == '(' || unicode.IsDigit(r[0])) {
		return User{ID: to, Phone: to}, SMS, nil
	}
	u, err := d.dir.User(ctx, to)
	return u, "", err
}

// address is where one message goes, and through which provider alone
// (a push device's), if any.
type address struct{ to, via string }

// addresses returns u's addresses on ch; none, with the reason, when u
// has none; an error when one is invalid.
func (d *Dispatcher) addresses(u User, ch Channel) ([]address, string, error) {
	switch ch {
	case Email:
		if u.Email == "" {
			return nil, "no e-mail address", nil
		}
		a, err := ParseEmail(u.Email)
		return []address{{to: a}}, "", err
	case SMS:
		if u.Phone == "" {
			return nil, "no phone number", nil
		}
		p, err := NormalizePhone(u.Phone)
		return []address{{to: p}}, "", err
	case Push:
		var out []address
		for _, dv := range u.Devices {
			if dv.Token == "" {
				continue
			}
			if dv.Provider != "" && !slices.ContainsFunc(d.chains[Push], func(r *route) bool { return r.name == dv.Provider }) {
				return nil, "", &AddressError{Channel: Push, Input: dv.Provider, Reason: "no push provider of that name"}
			}
			out = append(out, address{to: dv.Token, via: dv.Provider})
		}
		if len(out) == 0 {
			return nil, "no push device", nil
		}
		return out, "", nil
	case InApp:
		return []address{{to: u.ID}}, "", nil
	}
	return nil, fmt.Sprintf("no channel %q", ch), nil
}

// plan works out u's messages of n: it adds them to rep and returns the
// steps that send them. Only a template's error is returned.
func (d *Dispatcher) plan(rep *Report, n Notification, u User, adhoc Channel, now time.Time) ([]step, error) {
	prefs := u.Prefs
	f := prefs.Format()
	data := make(map[string]string, len(n.Data)+2)
	maps.Copy(data, n.Data)
	if data["project"] == "" {
		data["project"] = n.Project
	}
	data["name"] = u.Name
	chans := prefs.ChannelsFor(n.Kind, n.Severity)
	if adhoc != "" {
		chans = []Channel{adhoc}
	}
	var steps []step
	due := map[Channel][]int{} // the delivery plans of each channel, by index in rep.Messages
	digested := false
	skip := func(ch Channel, reason string) {
		rep.Skipped = append(rep.Skipped, Refusal{User: u.ID, Channel: ch, Reason: reason})
	}
	refuse := func(ch Channel, err error) {
		rep.Refused = append(rep.Refused, Refusal{User: u.ID, Channel: ch, Reason: err.Error(), Err: err})
	}
	for _, ch := range chans {
		if len(d.chains[ch]) == 0 {
			skip(ch, "no provider for the channel")
			continue
		}
		r, err := d.ts.Render(n.Kind, ch, data, f)
		if err != nil {
			return nil, err
		}
		addrs, none, err := d.addresses(u, ch)
		switch {
		case err != nil:
			refuse(ch, err)
			continue
		case len(addrs) == 0:
			skip(ch, none)
			continue
		}
		if n.Severity == Low && ch != InApp {
			if !digested {
				s, err := d.planDigest(rep, n, u, data, now)
				if err != nil {
					return nil, err
				}
				steps, digested = append(steps, s), true
			}
			continue
		}
		for _, a := range addrs {
			j, p, err := d.message(n, u, ch, r, a, now)
			if err != nil {
				refuse(ch, err)
				continue
			}
			rep.Messages = append(rep.Messages, p)
			due[ch] = append(due[ch], len(rep.Messages)-1)
			steps = append(steps, step{planned: len(rep.Messages) - 1, job: d.deliveryJob(j, p.At, now)})
		}
	}
	if n.Severity == Low {
		return steps, nil
	}
	for _, e := range d.policy.Escalations {
		if !n.Severity.AtLeast(e.MinSeverity) || !slices.Contains(chans, e.From) || slices.Contains(chans, e.To) || len(d.chains[e.To]) == 0 {
			continue
		}
		s, err := d.planEscalation(rep, n, u, data, e, due[e.From], now)
		if err != nil {
			return nil, err
		}
		steps = append(steps, s...)
	}
	return steps, nil
}

// message makes the delivery of n to u on ch at a: its job's payload and
// its plan; an error refuses it (a push payload over its limit).
func (d *Dispatcher) message(n Notification, u User, ch Channel, r Rendered, a address, now time.Time) (deliveryJob, Planned, error) {
	key := n.Key + "/" + u.ID + "/" + string(ch)
	if ch == Push {
		h := fnv.New32a()
		h.Write([]byte(a.to))
		key += fmt.Sprintf("/%08x", h.Sum32())
	}
	m := Message{Key: key, Channel: ch, To: a.to}
	p := Planned{Key: key, User: u.ID, Channel: ch, To: a.to, State: Queued, At: now}
	switch ch {
	case Email:
		m.Subject, m.Text, m.HTML = r.Subject, r.Text, r.HTML
	case SMS:
		m.Text = r.Text
		info := CountSMS(r.Text)
		if info.Segments > d.policy.MaxSegments && r.Short != "" {
			if short := CountSMS(r.Short); short.Segments < info.Segments {
				m.Text, info, p.Short = r.Short, short, true
			}
		}
		info.Cost = d.chains[SMS][0].price(info)
		p.SMS = &info
	case Push:
		m.Title, m.Text = r.Title, r.Text
		m.Data = map[string]string{"key": key, "kind": string(n.Kind), "project": n.Project}
		size := PayloadSize(&m)
		for _, rt := range d.chains[Push] {
			if (a.via == "" || rt.name == a.via) && rt.maxPayload > 0 && size > rt.maxPayload {
				return deliveryJob{}, p, &PayloadError{Provider: rt.name, Size: size, Limit: rt.maxPayload}
			}
		}
	case InApp:
		m.Title, m.Text = r.Title, r.Text
		m.Data = maps.Clone(n.Data)
		if m.Data == nil {
			m.Data = map[string]string{}
		}
		m.Data["kind"], m.Data["project"] = string(n.Kind), n.Project
	}
	if (ch == SMS || ch == Push) && n.Severity != Critical {
		if end, quiet := u.Prefs.QuietHours().Release(now, u.Prefs.Location()); quiet {
			p.State, p.At = Deferred, end
		}
	}
	return deliveryJob{Message: m, User: u.ID, Project: n.Project, Kind: n.Kind, Severity: n.Severity, Created: now, Via: a.via}, p, nil
}

// deliveryJob returns the outbox job of a delivery due at at.
func (d *Dispatcher) deliveryJob(j deliveryJob, at, now time.Time) jobs.Job {
	return d.job(JobDeliver, "notify:"+j.Message.Key, j, at, now)
}

func (d *Dispatcher) job(kind, unique string, payload any, at, now time.Time) jobs.Job {
	raw, _ := json.Marshal(payload) // plain structs of strings, times and maps: always encode
	j := jobs.Job{
		Queue: d.queue, Kind: kind, Payload: raw, UniqueKey: unique, UniqueTTL: dedupeTTL,
		// The policy decides when a message is dead (MaxAttempts counts
		// only the tries that called providers); the queue's own count
		// must not end it first.
		MaxAttempts: 1 << 20,
		Timeout:     d.policy.SendTimeout*time.Duration(len(d.routes)+1) + time.Minute,
	}
	if at.After(now) {
		j.RunAt = at
	}
	return j
}
