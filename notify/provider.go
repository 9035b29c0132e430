package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Channel is how a message reaches a person.
type Channel string

// The channels.
const (
	Email Channel = "email"
	SMS   Channel = "sms"
	Push  Channel = "push"
	InApp Channel = "inapp"
)

// Message is one message to one address on one channel, rendered and
// ready for a provider.
type Message struct {
	// Key is the idempotency key: the same key is sent once within 24
	// hours, and passed to providers that accept one (Resend's
	// Idempotency-Key, SSL Wireless's csms_id).
	Key     string  `json:"key"`
	Channel Channel `json:"channel"`
	// To is the address: an email address, a phone number in E.164
	// (+8801…), a device token or Web Push subscription, a user id.
	To string `json:"to"`
	// Subject, Text and HTML are an email's; Text is an SMS's; Title and
	// Text a push notification's (Data its key–value payload).
	Subject string            `json:"subject,omitempty"`
	Text    string            `json:"text,omitempty"`
	HTML    string            `json:"html,omitempty"`
	Title   string            `json:"title,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
}

// Receipt is a provider's acknowledgement of a message it accepted.
type Receipt struct {
	Provider string `json:"provider"`
	// ID is the provider's id for the message, when it gives one.
	ID string `json:"id,omitempty"`
}

// Provider sends messages on one channel through one service: SendGrid,
// Resend, Twilio, SSL Wireless, BulkSMSBD, Firebase Cloud Messaging, Web
// Push, a log. Send returns a Receipt when the provider accepted the
// message, or an error: a *SendError classifying the failure (retryable,
// permanent or outcome unknown), or ctx's error. Adapters live under
// adapters/; each is safe for concurrent use.
type Provider interface {
	Name() string
	Send(ctx context.Context, m *Message) (Receipt, error)
}

// KeyTaker is implemented by a Provider that passes Message.Key to its
// service as an idempotency key the service honours (Resend's
// Idempotency-Key, SSL Wireless's csms_id), so that a message sent twice
// is delivered once. TakesKey may depend on configuration. The delivery
// policy sends a message whose outcome is unknown again only to such a
// provider; ProviderOptions.TakesKey overrides what it says.
type KeyTaker interface {
	TakesKey() bool
}

// PayloadLimiter is implemented by a push Provider that knows the most
// bytes its service takes in a message's payload (as PayloadSize counts
// them); a message over it is refused before sending.
// ProviderOptions.MaxPayload overrides it.
type PayloadLimiter interface {
	MaxPayload() int
}

// Class says what a failed send means for trying again.
type Class uint8

const (
	// Retryable: not delivered; trying again (after RetryAfter, when
	// given) may succeed — a 5xx, a 429, a network error before the
	// request was sent.
	Retryable Class = iota + 1
	// Permanent: not delivered, and never will be as it stands — a bad
	// address, a refused credential, a message over the provider's
	// limits, a device token the provider no longer knows.
	Permanent
	// Unknown: the provider may or may not have accepted it — a timeout
	// after the request was sent, a body that does not parse. Sending
	// again may send twice, unless the provider took our idempotency key.
	Unknown
)

func (c Class) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case Permanent:
		return "permanent"
	case Unknown:
		return "outcome unknown"
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// SendError is a failed send, classified from the provider's answer
// (its status, its headers and its body: some gateways answer failures
// with HTTP 200).
type SendError struct {
	Provider string
	Class    Class
	// RetryAfter is the wait the provider asked for (Retry-After, a rate
	// limit's reset), zero when it asked for none.
	RetryAfter time.Duration
	// Status is the HTTP status, Code the provider's own error code.
	Status int
	Code   string
	// DeadAddress is true when the address is gone for good (FCM
	// UNREGISTERED, Web Push 404 or 410): the caller removes it.
	DeadAddress bool
	Err         error
}

func (e *SendError) Error() string {
	s := fmt.Sprintf("notify: %s: %s", e.Provider, e.Class)
	if e.Status != 0 {
		s += fmt.Sprintf(", HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += ", code " + e.Code
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(", retry after %v", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// ClassOf returns how err, from a Provider's Send, should be treated: a
// SendError's class; Permanent for ErrInvalid (refused before sending);
// Unknown for a context's deadline (the request may
// have gone out) and anything else unclassified.
func ClassOf(err error) Class {
	if se, ok := errors.AsType[*SendError](err); ok {
		return se.Class
	}
	if errors.Is(err, ErrInvalid) { // refused before anything was sent
		return Permanent
	}
	return Unknown
}

// ErrInvalid is wrapped by the errors that refuse a message before any
// provider is called: an address that does not parse, a template missing
// a variable, a payload over a provider's limit.
var ErrInvalid = errors.New("notify: invalid message")
