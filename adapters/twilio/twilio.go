package twilio

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/phone"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "twilio"

// maxBody is Twilio's limit on a message's text, in characters.
const maxBody = 1600

// Config sets up a Provider. AccountSID, AuthToken (or APIKeySID and
// APIKeySecret) and From (or MessagingServiceSID) are required.
type Config struct {
	// AccountSID is the account's SID, AC followed by 32 hex digits.
	AccountSID string
	// AuthToken is the account's auth token; or
	AuthToken string
	// APIKeySID and APIKeySecret are an API key's (SK…), used instead
	// of the auth token when set.
	APIKeySID, APIKeySecret string
	// From is the sending number in E.164 or an alphanumeric sender ID;
	// or
	From string
	// MessagingServiceSID (MG…) picks the sender from a Messaging
	// Service, used instead of From when set.
	MessagingServiceSID string
	// StatusCallback, when set, is the URL Twilio posts delivery
	// statuses to.
	StatusCallback string
	// BaseURL is the API's root; default "https://api.twilio.com".
	BaseURL string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock Retry-After dates are read against; default
	// time.Now.
	Now func() time.Time
}

// Provider sends SMS through Twilio.
type Provider struct {
	cfg        Config
	user, pass string
	endpoint   string
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing.
func New(cfg Config) (*Provider, error) {
	if !strings.HasPrefix(cfg.AccountSID, "AC") {
		return nil, fmt.Errorf("twilio: Config.AccountSID %q: an account SID starts with AC", cfg.AccountSID)
	}
	p := &Provider{user: cfg.AccountSID, pass: cfg.AuthToken}
	switch {
	case cfg.APIKeySID != "" || cfg.APIKeySecret != "":
		if cfg.APIKeySID == "" || cfg.APIKeySecret == "" {
			return nil, errors.New("twilio: Config.APIKeySID and Config.APIKeySecret go together")
		}
		p.user, p.pass = cfg.APIKeySID, cfg.APIKeySecret
	case cfg.AuthToken == "":
		return nil, errors.New("twilio: Config.AuthToken (or Config.APIKeySID and Config.APIKeySecret) is required")
	}
	if cfg.From == "" && cfg.MessagingServiceSID == "" {
		return nil, errors.New("twilio: Config.From or Config.MessagingServiceSID is required")
	}
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://api.twilio.com", cfg.HTTPClient, cfg.Now)
	p.cfg = cfg
	p.endpoint = cfg.BaseURL + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	return p, nil
}

// Name returns "twilio".
func (p *Provider) Name() string { return name }

// form checks m and builds the request's form.
func (p *Provider) form(m *notify.Message) (url.Values, error) {
	if m.Channel != notify.SMS && m.Channel != "" {
		return nil, httpsend.Invalid(name, "a message on channel %q, not sms", m.Channel)
	}
	if _, err := phone.E164(m.To); err != nil {
		return nil, httpsend.Invalid(name, "%v", err)
	}
	if m.Text == "" {
		return nil, httpsend.Invalid(name, "no text")
	}
	if n := len(utf16.Encode([]rune(m.Text))); n > maxBody {
		return nil, httpsend.Invalid(name, "%d characters, over Twilio's %d", n, maxBody)
	}
	f := url.Values{"To": {m.To}, "Body": {m.Text}}
	if p.cfg.MessagingServiceSID != "" {
		f.Set("MessagingServiceSid", p.cfg.MessagingServiceSID)
	} else {
		f.Set("From", p.cfg.From)
	}
	if p.cfg.StatusCallback != "" {
		f.Set("StatusCallback", p.cfg.StatusCallback)
	}
	return f, nil
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	f, err := p.form(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.endpoint, []byte(f.Encode()), http.Header{
		"Accept":        {"application/json"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass))},
		"Content-Type":  {"application/x-www-form-urlencoded"}})
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// answer is a Message resource, or an error. Codes are numbers; null
// where there is none.
type answer struct {
	SID          string `json:"sid"`
	Status       any    `json:"status"` // a string in a resource, a number in an error
	ErrorCode    *int   `json:"error_code"`
	ErrorMessage string `json:"error_message"`
	Code         *int   `json:"code"`
	Message      string `json:"message"`
}

// retryable are the error codes that a 4xx answer comes with and that
// trying again later may cure.
var retryable = map[int]bool{
	20429: true, // too many requests
	21611: true, // the From number's queue is full
}

// classify reads Twilio's answer.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	var r answer
	jsonErr := json.Unmarshal(a.Body, &r)
	if a.Status >= 200 && a.Status <= 299 {
		switch {
		case jsonErr != nil:
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Unknown, "", fmt.Errorf("an answer that does not parse: %w", jsonErr), now)
		case r.SID == "":
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Unknown, "", errors.New("an answer without a sid: "+httpsend.Snippet(a.Body)), now)
		case r.Status == "failed" || r.Status == "undelivered":
			code := ""
			if r.ErrorCode != nil {
				code = strconv.Itoa(*r.ErrorCode)
			}
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Permanent, code,
				fmt.Errorf("message %s %s: %s", r.SID, r.Status, cmp.Or(r.ErrorMessage, "no reason given")), now)
		}
		return notify.Receipt{Provider: name, ID: r.SID}, nil
	}
	class := httpsend.ByStatus(a.Status)
	code := ""
	if r.Code != nil {
		code = strconv.Itoa(*r.Code)
		if retryable[*r.Code] {
			class = notify.Retryable
		}
	}
	reason := r.Message
	if jsonErr != nil || reason == "" {
		reason = cmp.Or(httpsend.Snippet(a.Body), http.StatusText(a.Status))
	}
	return notify.Receipt{}, httpsend.Failure(name, a, class, code, errors.New(reason), now)
}
