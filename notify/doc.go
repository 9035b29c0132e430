// Package notify tells people what matters in their projects — a task
// assigned, a deadline near, a resource conflict, a milestone reached, a
// permit's status changed, a weather alert — by e-mail, SMS, push and in
// the app, in English and Bangla, at a decent hour, and never loses or
// sends twice a message when a provider fails.
//
// # From an event to a message
//
// A Notification (its Kind, project, recipients, data, Severity and
// idempotency key) is given to a Dispatcher's Send, which for each
// recipient reads their User from a Directory and their Preferences —
// the channels of each kind (DefaultChannels otherwise; a bare phone
// number or e-mail address is a recipient on that channel alone), the
// language (English or Bangla, Bengali digits, dates in the Bangla
// calendar), the time zone (Asia/Dhaka by default) and quiet hours
// (22:00–07:00 by default) — renders the kind's Templates for each
// channel, checks each address, and puts one job per message in the
// outbox, a jobs queue (jobs.NewMemory, adapters/redis). Register
// routes the queue's jobs to the Dispatcher's handlers, which deliver
// each message through its channel's Providers, recording every attempt
// in a Ledger.
//
// The functions Assignments, Milestones, Deadlines, Conflicts, Permits
// and Weather make notifications of what the engine reports (a store
// change and its delta, a schedule, leveling's conflicts, a weather
// check), keyed by what they are about. The Dispatcher is the notify
// job's kinds.Notifier too (Notify, FromJob).
//
// # Templates and SMS
//
// DefaultTemplates has every kind in English and Bangla, for every
// channel: an e-mail's subject, text and HTML, an SMS and a shorter
// SMS, a push title and body, an in-app title and body. Preview shows
// them all, with the SMS's segments and the push payload's size. A
// variable a kind needs but the data lacks is a *TemplateError before
// anything is sent.
//
// CountSMS counts an SMS exactly: GSM-7 when every character is in the
// GSM 03.38 alphabet (its extension characters two septets each), else
// UCS-2 in UTF-16 units (an emoji two); 160 septets or 70 units in one
// segment, 153 or 67 in each of several, never splitting an escape from
// its character or a surrogate pair. Each planned SMS carries its
// segments and cost (ProviderOptions' prices) in the Report; one over
// DeliveryPolicy.MaxSegments is replaced by its template's shorter
// variant.
//
// # Refused before sending
//
// A phone number is a Bangladeshi mobile number normalised to
// +8801[3-9]XXXXXXXX (NormalizePhone) or refused with the reason; an
// e-mail address must parse (ParseEmail); a push payload must fit its
// provider's limit (FCM 4,096 bytes, Web Push 3,000). Such refusals are
// errors wrapping ErrInvalid — an *AddressError, a *PayloadError — and
// dead letters in the Ledger; the recipient's other messages go.
//
// # Delivery policy
//
// Each channel has a chain of providers, tried in order (SSL Wireless,
// then BulkSMSBD, then Twilio): a provider is passed over while its
// circuit breaker is open (BreakerConfig: 5 consecutive failures open it
// for 30 s, then one probe, doubling to 5 minutes) or while it has asked
// us to wait (a 429's or a 503's reset hint: no call to it before then),
// and paced to its rate limit (Limit; a message waiting for the pace is
// given its own slot). A provider's answer is classified by the adapter
// (SendError's Class): a permanent refusal moves to the next provider
// and a dead address is forgotten (AddressRemover); a retryable failure
// moves to the next provider, and when all failed the message is tried
// again from the outbox after an exponential backoff with jitter
// (DeliveryPolicy.BackoffBase, BackoffMax), until MaxAttempts tries that
// called providers or MaxAge. An outcome unknown (a timeout, a worker
// stopped between the call and its record) is sent again only to the
// same provider and only if it takes our idempotency key (KeyTaker);
// otherwise the message is recorded Unconfirmed, or, with
// DeliveryPolicy.ResendUnknown, sent again and marked DuplicatePossible.
//
// Every message ends in the Ledger (Delivery): Delivered, Dead with the
// reason (refused by every provider, its retries used up, refused before
// sending) or Unconfirmed — never dropped without a trace. The same
// idempotency key sent again within 24 hours sends nothing (the outbox's
// unique keys; a job run twice finds its message settled).
//
// SMS and push messages wait for the end of the recipient's quiet hours
// unless Critical (weather, safety, a refused permit). A Low one goes
// to the in-app inbox at once and into the recipient's digest of the
// project (Digests), sent at DeliveryPolicy.DigestTimes on their clock.
// An Escalation sends a message on another channel when the first has
// not delivered in time (DefaultEscalations: a high or critical push not
// delivered within 10 minutes goes by SMS too).
//
// # Providers
//
// A Provider sends rendered messages on one channel; the adapters under
// adapters/ speak each service's HTTP API. In this package: InboxProvider,
// the in-app channel, on an Inbox (unread count, mark read, pages;
// MemoryInbox in memory), and LogProvider, for development.
//
// # Storage
//
// The Ledger, the Inbox and the Digests have memory implementations
// here (MemoryLedger, MemoryInbox, MemoryDigests), lost with the
// process, and durable ones in the project's store — its SQLite file
// or its PostgreSQL database (adapters/sqlite, adapters/postgres:
// NewLedger, NewInbox, NewDigests) — which survive a restart, so that
// a message is neither lost nor sent twice to a provider that takes our
// key. Package notifytest is the conformance suite all of them pass.
//
// # Time
//
// The Dispatcher reads its clock from Config.Now and its jitter from
// Config.Rand, so its timing is tested on a simulated clock, never by
// sleeping.
//
// # Concurrency
//
// A Dispatcher, the memory implementations (MemoryDirectory,
// MemoryLedger, MemoryDigests, MemoryInbox) and Templates are safe for
// concurrent use. Breakers and rate limits are per process: on several
// machines each keeps its own.
package notify
