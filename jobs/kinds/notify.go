package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/critpath/critpath/jobs"
)

// Notifier sends a notification to its recipients: by e-mail, SMS, push
// or the in-app inbox, as the notification package decides. It is
// declared here, where it is used; the notify package implements it.
// The same notification may be given twice (a job is run at least once):
// a Notifier sends a notification ID once. An error wrapping
// ErrUndeliverable says that trying again cannot help; an error made
// with jobs.RetryAfter asks for a try after that time (a provider's rate
// limit); any other is tried again after the queue's backoff.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// ErrUndeliverable marks a notification that can never be delivered as
// it stands (no such recipient, a message a provider refuses).
var ErrUndeliverable = errors.New("kinds: undeliverable notification")

// Notification is a message to people about a project.
type Notification struct {
	// ID identifies the notification for the Notifier to send it once.
	ID      string `json:"id"`
	Project string `json:"project,omitempty"`
	// Topic says what it is about ("weather_alert", "proposal",
	// "report_ready" …), for the recipients' preferences.
	Topic string `json:"topic"`
	// To are the recipients, as the Notifier reads them (user IDs,
	// addresses, phone numbers).
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Text    string   `json:"text"`
	// Data is what a rich message or an app needs beyond the text.
	Data json.RawMessage `json:"data,omitempty"`
}

// NotifyArgs asks for a notification sent.
type NotifyArgs struct {
	Notification
}

// Kind implements Args.
func (NotifyArgs) Kind() string { return KindNotify }

func (a NotifyArgs) project() string { return a.Project }

// options makes a notification's ID unique in its queue for a day, so
// that one enqueued twice is refused (jobs.ErrDuplicate).
func (a NotifyArgs) options(j *jobs.Job) {
	if a.ID != "" {
		j.UniqueKey, j.UniqueTTL = KindNotify+":"+a.ID, 24*time.Hour
	}
}

// notify hands a notification to the Notifier. One without an ID,
// recipients or text, and one the Notifier finds undeliverable, fails
// permanently.
type notify struct{ *worker }

func (h *notify) Work(ctx context.Context, a NotifyArgs, _ jobs.Progress) error {
	n := a.Notification
	switch {
	case n.ID == "":
		return jobs.Permanent(errors.New("kinds: notify: the notification has no ID"))
	case len(n.To) == 0:
		return jobs.Permanent(fmt.Errorf("kinds: notify: notification %q: no recipients", n.ID))
	case n.Subject == "" && n.Text == "":
		return jobs.Permanent(fmt.Errorf("kinds: notify: notification %q: no subject or text", n.ID))
	}
	err := h.d.Notifier.Notify(ctx, n)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrUndeliverable):
		return jobs.Permanent(fmt.Errorf("kinds: notify: notification %q: %w", n.ID, err))
	default:
		return fmt.Errorf("kinds: notify: notification %q: %w", n.ID, err)
	}
}
