package resend

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "resend"

const (
	// maxSize is Resend's limit on an email, attachments included.
	maxSize = 40 << 20
	// maxKey is the longest Idempotency-Key Resend takes.
	maxKey = 256
)

// Config sets up a Provider. APIKey and From are required.
type Config struct {
	// APIKey is a Resend API key (re_…) allowed to send.
	APIKey string
	// From is the sender, "Name <address>" or an address, on a domain
	// verified with Resend.
	From string
	// ReplyTo, when set, is where replies go.
	ReplyTo string
	// BaseURL is the API's root; default "https://api.resend.com".
	BaseURL string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock Retry-After dates are read against; default
	// time.Now.
	Now func() time.Time
}

// Provider sends email through Resend.
type Provider struct {
	cfg Config
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing or does not parse.
func New(cfg Config) (*Provider, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("resend: Config.APIKey is required")
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("resend: Config.From %q: %w", cfg.From, err)
	}
	if cfg.ReplyTo != "" {
		if _, err := mail.ParseAddress(cfg.ReplyTo); err != nil {
			return nil, fmt.Errorf("resend: Config.ReplyTo %q: %w", cfg.ReplyTo, err)
		}
	}
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://api.resend.com", cfg.HTTPClient, cfg.Now)
	return &Provider{cfg: cfg}, nil
}

// Name returns "resend".
func (p *Provider) Name() string { return name }

// request is the body of POST /emails.
type request struct {
	From    string   `json:"from"`
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	HTML    string   `json:"html,omitempty"`
	Text    string   `json:"text,omitempty"`
	ReplyTo string   `json:"reply_to,omitempty"`
}

// body checks m and builds the request's body. The recipient goes as
// the bare address: a display name would need RFC 2047 encoding, which
// the API does not document.
func (p *Provider) body(m *notify.Message) ([]byte, error) {
	if m.Channel != notify.Email && m.Channel != "" {
		return nil, httpsend.Invalid(name, "a message on channel %q, not email", m.Channel)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, httpsend.Invalid(name, "to %q: %v", m.To, err)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return nil, httpsend.Invalid(name, "no subject")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, httpsend.Invalid(name, "a subject with a line break")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, httpsend.Invalid(name, "neither text nor HTML")
	}
	if n := len(m.Subject) + len(m.Text) + len(m.HTML); n > maxSize {
		return nil, httpsend.Invalid(name, "%d bytes, over Resend's %d", n, maxSize)
	}
	return json.Marshal(request{From: p.cfg.From, To: []string{to.Address}, Subject: m.Subject, HTML: m.HTML, Text: m.Text, ReplyTo: p.cfg.ReplyTo})
}

// IdempotencyKey returns the Idempotency-Key sent for a message's key:
// the key itself when Resend takes it (1 to 256 characters), else
// "sha256:" and its SHA-256 in hex; "" for no key.
func IdempotencyKey(key string) string {
	if len(key) <= maxKey {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	body, err := p.body(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	h := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + p.cfg.APIKey}, "Content-Type": {"application/json"}}
	if k := IdempotencyKey(m.Key); k != "" {
		h.Set("Idempotency-Key", k)
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.cfg.BaseURL+"/emails", body, h)
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// answer is Resend's answer: an id, or an error.
type answer struct {
	ID         string `json:"id"`
	StatusCode int    `json:"statusCode"`
	Name       string `json:"name"`
	Message    string `json:"message"`
}

// classes are the error names whose class their status does not tell.
var classes = map[string]notify.Class{
	"rate_limit_exceeded":            notify.Retryable,
	"daily_quota_exceeded":           notify.Retryable,
	"monthly_quota_exceeded":         notify.Permanent,
	"concurrent_idempotent_requests": notify.Retryable,
	"invalid_idempotent_request":     notify.Permanent,
	"application_error":              notify.Retryable,
	"internal_server_error":          notify.Retryable,
}

// classify reads Resend's answer.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	var r answer
	jsonErr := json.Unmarshal(a.Body, &r)
	if a.Status >= 200 && a.Status <= 299 {
		if jsonErr != nil || r.ID == "" {
			reason := errors.New("an answer without an id: " + httpsend.Snippet(a.Body))
			if jsonErr != nil {
				reason = fmt.Errorf("an answer that does not parse: %w", jsonErr)
			}
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Unknown, "", reason, now)
		}
		return notify.Receipt{Provider: name, ID: r.ID}, nil
	}
	class, ok := classes[r.Name]
	if !ok {
		class = httpsend.ByStatus(a.Status)
	}
	reason := r.Message
	if jsonErr != nil || reason == "" {
		reason = cmp.Or(httpsend.Snippet(a.Body), http.StatusText(a.Status))
	}
	return notify.Receipt{}, httpsend.Failure(name, a, class, r.Name, errors.New(reason), now, "ratelimit-reset")
}
