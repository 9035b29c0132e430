package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/critpath/critpath/jobs"
)

// The kinds of the jobs the Dispatcher enqueues; Register routes them to
// its handlers.
const (
	// JobDeliver delivers one message through its channel's providers.
	JobDeliver = "notify.deliver"
	// JobEscalate sends a message on another channel when the first has
	// not been delivered in time.
	JobEscalate = "notify.escalate"
	// JobDigest sends a person the digest of a project's low-severity
	// notifications.
	JobDigest = "notify.digest"
)

// dedupeTTL is how long an idempotency key is remembered.
const dedupeTTL = 24 * time.Hour

// Config tunes a Dispatcher. The zero value works, with no providers:
// every message is then refused for want of one.
type Config struct {
	// Providers are each channel's providers in the order they are
	// tried: the first that accepts a message delivers it (SSL Wireless,
	// then BulkSMSBD, then Twilio, say). A provider may serve several
	// channels; it has one breaker and one rate limit whatever the
	// channel.
	Providers map[Channel][]Provider
	// Options are the providers' options, by Name.
	Options map[string]ProviderOptions
	// Inbox, when set, is the in-app channel's provider (an
	// InboxProvider) if Providers names none for InApp.
	Inbox  Inbox
	Policy DeliveryPolicy
	// Templates default to DefaultTemplates.
	Templates *Templates
	// Ledger records attempts and how each message ended; a
	// MemoryLedger when nil (lost with the process: give a durable one
	// in production).
	Ledger Ledger
	// Digests keeps the low-severity notifications waiting for a digest;
	// a MemoryDigests when nil.
	Digests Digests
	// Queue is the outbox queue the jobs go to; default "notify".
	Queue string
	// Now tells the time; time.Now when nil. Rand draws the retries'
	// jitter; seeded from the runtime when nil.
	Now  func() time.Time
	Rand *rand.Rand
	// Logger reports refusals, dead letters and passing failures; silent
	// when nil.
	Logger *slog.Logger
}

// ProviderOptions tune one provider. The zero value works: no rate
// limit; the payload limit and idempotency the provider declares
// (PayloadLimiter, KeyTaker) or, for the adapters under adapters/ that
// declare neither, what their services do — FCMPayloadLimit for "fcm",
// WebPushPayloadLimit for "webpush"; our key taken by "resend" (its
// Idempotency-Key) and "sslwireless" (its csms_id); no price.
type ProviderOptions struct {
	Limit Limit `json:"limit,omitzero"`
	// MaxPayload bounds a push message's payload, in bytes.
	MaxPayload int `json:"max_payload,omitempty"`
	// TakesKey, when set, says whether the provider honours our
	// idempotency key.
	TakesKey *bool `json:"takes_key,omitempty"`
	// SegmentPrice is the price of one SMS segment in GSM-7, and
	// UnicodePrice of one in UCS-2 (default SegmentPrice), in the
	// provider's currency.
	SegmentPrice float64 `json:"segment_price,omitempty"`
	UnicodePrice float64 `json:"unicode_price,omitempty"`
}

// DeliveryPolicy says how hard the Dispatcher tries. The zero value
// works; each field's default is given.
type DeliveryPolicy struct {
	// BackoffBase and BackoffMax shape the wait before a message whose
	// providers all failed is tried again: BackoffBase doubled for each
	// failed try before, at most BackoffMax, jittered into [d/2, d].
	// Defaults 30 s and 10 minutes.
	BackoffBase, BackoffMax time.Duration
	// MaxAttempts bounds the tries in which providers were called and
	// failed (tries that waited for an open breaker or a rate limit do
	// not count); default 20. MaxAge bounds the time from the
	// notification to the last try; default 24 hours. A message past
	// either is dead, with the reason.
	MaxAttempts int
	MaxAge      time.Duration
	// SendTimeout bounds one provider call; default 30 s.
	SendTimeout time.Duration
	Breaker     BreakerConfig
	// MaxSegments is the most SMS segments a message should take: a text
	// over it is replaced by its template's shorter variant, when that
	// is shorter. Default 3.
	MaxSegments int
	// Escalations are sent when a channel has not delivered in time; nil
	// means DefaultEscalations, an empty list none.
	Escalations []Escalation
	// ResendUnknown, when set, sends a message whose outcome is unknown
	// (a timeout, a worker that stopped mid-call) again even through a
	// provider that takes no idempotency key, marking it and its record
	// DuplicatePossible. When not set such a message is recorded
	// Unconfirmed and not sent again. Either way a provider that takes
	// the key gets it again with the same key.
	ResendUnknown bool
	// DigestTimes are the times of day, on each person's clock, digests
	// go out; default 09:00 and 17:00.
	DigestTimes []TimeOfDay
}

// Escalation sends a message on channel To when its channel From has not
// delivered it After the message was due, for notifications of
// MinSeverity or more.
type Escalation struct {
	From, To    Channel
	After       time.Duration
	MinSeverity Severity
}

// DefaultEscalations: a push message of high or critical severity not
// delivered within 10 minutes goes by SMS too.
var DefaultEscalations = []Escalation{{From: Push, To: SMS, After: 10 * time.Minute, MinSeverity: High}}

func (p DeliveryPolicy) withDefaults() DeliveryPolicy {
	p.BackoffBase = cmp.Or(p.BackoffBase, 30*time.Second)
	p.BackoffMax = max(cmp.Or(p.BackoffMax, 10*time.Minute), p.BackoffBase)
	p.MaxAttempts = max(cmp.Or(p.MaxAttempts, 20), 1)
	p.MaxAge = cmp.Or(p.MaxAge, 24*time.Hour)
	p.SendTimeout = cmp.Or(p.SendTimeout, 30*time.Second)
	p.Breaker = p.Breaker.withDefaults()
	p.MaxSegments = max(cmp.Or(p.MaxSegments, 3), 1)
	if p.Escalations == nil {
		p.Escalations = DefaultEscalations
	}
	if len(p.DigestTimes) == 0 {
		p.DigestTimes = []TimeOfDay{Clock(9, 0), Clock(17, 0)}
	}
	return p
}

// Dispatcher sends notifications: it reads each recipient's preferences,
// renders the templates, checks the addresses and puts one job per
// message in the outbox, whose handlers (Register) deliver them through
// each channel's providers under the delivery policy, recording every
// attempt in the Ledger. It is safe for concurrent use.
type Dispatcher struct {
	dir     Directory
	out     jobs.Enqueuer
	ts      *Templates
	ledger  Ledger
	digests Digests
	policy  DeliveryPolicy
	queue   string
	now     func() time.Time
	log     *slog.Logger
	chains  map[Channel][]*route
	routes  map[string]*route

	randMu sync.Mutex
	rand   *rand.Rand
}

// route is one provider with what the policy keeps of it.
type route struct {
	p          Provider
	name       string
	takesKey   bool
	maxPayload int
	opts       ProviderOptions
	breaker    *breaker
	limiter    *limiter
}

// New returns a Dispatcher sending to the people of dir through the
// outbox out: a jobs queue (jobs.NewMemory in process, adapters/redis
// for many machines) whose consumer of Queue() runs the handlers
// Register routes. Each message is a job, run at least once and retried
// as its handler asks, kept across crashes by a durable queue; the
// queue's unique keys (jobs.ErrDuplicate within their time to live)
// are the 24-hour deduplication by idempotency key. New refuses a nil
// directory or outbox, a nil provider, and two providers of one name.
func New(dir Directory, out jobs.Enqueuer, cfg Config) (*Dispatcher, error) {
	switch {
	case dir == nil:
		return nil, errors.New("notify: New: no Directory")
	case out == nil:
		return nil, errors.New("notify: New: no outbox")
	}
	d := &Dispatcher{
		dir: dir, out: out, ts: cfg.Templates, ledger: cfg.Ledger, digests: cfg.Digests,
		policy: cfg.Policy.withDefaults(), queue: cmp.Or(cfg.Queue, "notify"), now: cfg.Now, log: cfg.Logger,
		chains: map[Channel][]*route{}, routes: map[string]*route{}, rand: cfg.Rand,
	}
	if d.ts == nil {
		d.ts = DefaultTemplates()
	}
	if d.ledger == nil {
		d.ledger = NewMemoryLedger()
	}
	if d.digests == nil {
		d.digests = NewMemoryDigests()
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.rand == nil {
		d.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	providers := cfg.Providers
	if len(providers[InApp]) == 0 && cfg.Inbox != nil {
		providers = make(map[Channel][]Provider, len(cfg.Providers)+1)
		maps.Copy(providers, cfg.Providers)
		providers[InApp] = []Provider{&InboxProvider{Inbox: cfg.Inbox, Now: d.now}}
	}
	for ch, ps := range providers {
		for i, p := range ps {
			if p == nil {
				return nil, fmt.Errorf("notify: New: Providers[%s][%d] is nil", ch, i)
			}
			r, ok := d.routes[p.Name()]
			switch {
			case ok && r.p != p:
				return nil, fmt.Errorf("notify: New: two providers named %q", p.Name())
			case !ok:
				r = newRoute(p, cfg.Options[p.Name()], d.policy.Breaker)
				d.routes[r.name] = r
			}
			d.chains[ch] = append(d.chains[ch], r)
		}
	}
	return d, nil
}

func newRoute(p Provider, o ProviderOptions, b BreakerConfig) *route {
	r := &route{p: p, name: p.Name(), opts: o, breaker: newBreaker(b), limiter: newLimiter(o.Limit)}
	if kt, ok := p.(KeyTaker); ok {
		r.takesKey = kt.TakesKey()
	} else {
		r.takesKey = r.name == "resend" || r.name == "sslwireless"
	}
	if o.TakesKey != nil {
		r.takesKey = *o.TakesKey
	}
	switch {
	case o.MaxPayload > 0:
		r.maxPayload = o.MaxPayload
	case r.name == "fcm":
		r.maxPayload = FCMPayloadLimit
	case r.name == "webpush":
		r.maxPayload = WebPushPayloadLimit
	}
	if pl, ok := p.(PayloadLimiter); ok && o.MaxPayload == 0 {
		r.maxPayload = pl.MaxPayload()
	}
	return r
}

// price returns what an SMS of info costs through r.
func (r *route) price(info SMSInfo) float64 {
	per := r.opts.SegmentPrice
	if info.Encoding == UCS2 && r.opts.UnicodePrice != 0 {
		per = r.opts.UnicodePrice
	}
	return per * float64(info.Segments)
}

// jitter returns a number in [0, 1).
func (d *Dispatcher) jitter() float64 {
	d.randMu.Lock()
	defer d.randMu.Unlock()
	return d.rand.Float64()
}

// Register routes the Dispatcher's jobs (JobDeliver, JobEscalate,
// JobDigest) on m. Consume the Dispatcher's queue (Queue) with m.
func (d *Dispatcher) Register(m *jobs.Mux) {
	m.Handle(JobDeliver, jobs.HandlerFunc(func(ctx context.Context, job *jobs.Job, _ jobs.Progress) error {
		var j deliveryJob
		if err := decode(job, &j); err != nil {
			return err
		}
		return d.deliver(ctx, j, job.Attempt)
	}))
	m.Handle(JobEscalate, jobs.HandlerFunc(func(ctx context.Context, job *jobs.Job, _ jobs.Progress) error {
		var j escalationJob
		if err := decode(job, &j); err != nil {
			return err
		}
		return d.escalate(ctx, j)
	}))
	m.Handle(JobDigest, jobs.HandlerFunc(func(ctx context.Context, job *jobs.Job, _ jobs.Progress) error {
		var j digestJob
		if err := decode(job, &j); err != nil {
			return err
		}
		return d.digest(ctx, j)
	}))
}

// decode reads a job's payload; one that does not decode fails the job
// for good.
func decode(job *jobs.Job, v any) error {
	if err := json.Unmarshal(job.Payload, v); err != nil {
		return jobs.Permanent(fmt.Errorf("notify: job %s of kind %q: payload: %w", job.ID, job.Kind, err))
	}
	return nil
}

// Queue returns the name of the outbox queue the Dispatcher's jobs go to.
func (d *Dispatcher) Queue() string { return d.queue }

// Breakers returns the state of each provider's breaker, by name.
func (d *Dispatcher) Breakers() map[string]BreakerState {
	now := d.now()
	out := make(map[string]BreakerState, len(d.routes))
	for name, r := range d.routes {
		out[name] = r.breaker.state(now)
	}
	return out
}
