package sendgrid

import (
	"cmp"
	"context"
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
const name = "sendgrid"

// maxSize is SendGrid's limit on a message, attachments included.
const maxSize = 30 << 20

// Config sets up a Provider. APIKey and From are required.
type Config struct {
	// APIKey is a SendGrid API key with the Mail Send permission.
	APIKey string
	// From is the sender, "Name <address>" or an address, on a domain or
	// address verified with SendGrid.
	From string
	// ReplyTo, when set, is where replies go.
	ReplyTo string
	// BaseURL is the API's root; default "https://api.sendgrid.com"
	// ("https://api.eu.sendgrid.com" for EU subusers).
	BaseURL string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock that Retry-After dates and rate-limit resets are
	// read against; default time.Now.
	Now func() time.Time
}

// Provider sends email through SendGrid.
type Provider struct {
	cfg     Config
	from    *mail.Address
	replyTo *mail.Address
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing or does not parse.
func New(cfg Config) (*Provider, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("sendgrid: Config.APIKey is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("sendgrid: Config.From %q: %w", cfg.From, err)
	}
	p := &Provider{from: from}
	if cfg.ReplyTo != "" {
		if p.replyTo, err = mail.ParseAddress(cfg.ReplyTo); err != nil {
			return nil, fmt.Errorf("sendgrid: Config.ReplyTo %q: %w", cfg.ReplyTo, err)
		}
	}
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://api.sendgrid.com", cfg.HTTPClient, cfg.Now)
	p.cfg = cfg
	return p, nil
}

// Name returns "sendgrid".
func (p *Provider) Name() string { return name }

// address is an email address as the API writes one.
type address struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

func addressOf(a *mail.Address) *address { return &address{Email: a.Address, Name: a.Name} }

type personalization struct {
	To []address `json:"to"`
}

type content struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// request is the body of POST /v3/mail/send.
type request struct {
	Personalizations []personalization `json:"personalizations"`
	From             *address          `json:"from"`
	ReplyTo          *address          `json:"reply_to,omitempty"`
	Subject          string            `json:"subject"`
	Content          []content         `json:"content"`
	CustomArgs       map[string]string `json:"custom_args,omitempty"`
}

// body checks m and builds the request's body.
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
		return nil, httpsend.Invalid(name, "%d bytes, over SendGrid's %d", n, maxSize)
	}
	r := request{
		Personalizations: []personalization{{To: []address{*addressOf(to)}}},
		From:             addressOf(p.from),
		Subject:          m.Subject,
	}
	if p.replyTo != nil {
		r.ReplyTo = addressOf(p.replyTo)
	}
	// text/plain first, then text/html: the order the API requires.
	if m.Text != "" {
		r.Content = append(r.Content, content{"text/plain", m.Text})
	}
	if m.HTML != "" {
		r.Content = append(r.Content, content{"text/html", m.HTML})
	}
	if m.Key != "" {
		r.CustomArgs = map[string]string{"critpath_key": m.Key}
	}
	return json.Marshal(r)
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	body, err := p.body(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.cfg.BaseURL+"/v3/mail/send", body,
		http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + p.cfg.APIKey}, "Content-Type": {"application/json"}})
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// errorBody is SendGrid's answer to a failed request.
type errorBody struct {
	Errors []struct {
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"errors"`
}

// classify reads SendGrid's answer: 2xx accepted (202, or 200 in the
// sandbox mode); anything else a SendError by its status, with the
// errors the body lists.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	if a.Status >= 200 && a.Status <= 299 {
		return notify.Receipt{Provider: name, ID: a.Header.Get("X-Message-Id")}, nil
	}
	var eb errorBody
	var reasons []string
	if json.Unmarshal(a.Body, &eb) == nil {
		for _, e := range eb.Errors {
			if e.Field != "" {
				reasons = append(reasons, e.Field+": "+e.Message)
			} else {
				reasons = append(reasons, e.Message)
			}
		}
	}
	reason := strings.Join(reasons, "; ")
	if reason == "" {
		reason = cmp.Or(httpsend.Snippet(a.Body), http.StatusText(a.Status))
	}
	return notify.Receipt{}, httpsend.Failure(name, a, httpsend.ByStatus(a.Status), "", errors.New(reason), now, "X-RateLimit-Reset")
}
