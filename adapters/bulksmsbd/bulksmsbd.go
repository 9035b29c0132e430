package bulksmsbd

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/phone"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "bulksmsbd"

// accepted is the response_code of a message the gateway took.
const accepted = 202

// Config sets up a Provider. APIKey and SenderID are required.
type Config struct {
	// APIKey is the account's API key.
	APIKey string
	// SenderID is the approved sender id: a masking name or a number
	// (880…).
	SenderID string
	// Type is the form's type; default "text", as the published API has
	// it.
	Type string
	// BaseURL is the API's root; default "https://bulksmsbd.net".
	BaseURL string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock Retry-After dates are read against; default
	// time.Now.
	Now func() time.Time
}

// Provider sends SMS through BulkSMSBD.
type Provider struct {
	cfg Config
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing.
func New(cfg Config) (*Provider, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("bulksmsbd: Config.APIKey is required")
	}
	if cfg.SenderID == "" {
		return nil, errors.New("bulksmsbd: Config.SenderID is required")
	}
	cfg.Type = cmp.Or(cfg.Type, "text")
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://bulksmsbd.net", cfg.HTTPClient, cfg.Now)
	return &Provider{cfg: cfg}, nil
}

// Name returns "bulksmsbd".
func (p *Provider) Name() string { return name }

// form checks m and builds the request's form.
func (p *Provider) form(m *notify.Message) (url.Values, error) {
	if m.Channel != notify.SMS && m.Channel != "" {
		return nil, httpsend.Invalid(name, "a message on channel %q, not sms", m.Channel)
	}
	number, err := phone.Bangladesh(m.To)
	if err != nil {
		return nil, httpsend.Invalid(name, "%v", err)
	}
	if m.Text == "" {
		return nil, httpsend.Invalid(name, "no text")
	}
	return url.Values{
		"api_key":  {p.cfg.APIKey},
		"type":     {p.cfg.Type},
		"number":   {number},
		"senderid": {p.cfg.SenderID},
		"message":  {m.Text},
	}, nil
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	f, err := p.form(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.cfg.BaseURL+"/api/smsapi", []byte(f.Encode()),
		http.Header{"Accept": {"application/json"}, "Content-Type": {"application/x-www-form-urlencoded"}})
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// codes are the failure codes BulkSMSBD publishes (and 1001, which
// integrators report), with their meaning.
var codes = map[int]string{
	1001: "invalid number",
	1002: "sender id not correct or disabled",
	1003: "a required field is missing",
	1005: "internal error",
	1006: "balance validity not available",
	1007: "balance insufficient",
	1011: "user id not found",
	1012: "masking SMS must be sent in Bengali",
	1013: "sender id has no gateway by this API key",
	1014: "sender type name not found for this sender by this API key",
	1015: "sender id has no valid gateway by this API key",
	1016: "no active price for this sender id's type",
	1017: "no price for this sender id's type",
	1018: "the account is disabled",
	1019: "the account's price for this sender type is disabled",
	1020: "the account's parent is not found",
	1021: "the parent's active price for this sender type is not found",
}

// answer is the gateway's answer. Its numbers are read raw so that ones
// written as strings are taken too.
type answer struct {
	ResponseCode   json.RawMessage `json:"response_code"`
	MessageID      json.RawMessage `json:"message_id"`
	SuccessMessage string          `json:"success_message"`
	ErrorMessage   string          `json:"error_message"`
}

// number reads a JSON number or a string of digits; false when raw is
// neither.
func number(raw []byte) (int, bool) {
	n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(string(raw)), `"`))
	return n, err == nil
}

// classify reads the gateway's answer.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	var r answer
	jsonErr := json.Unmarshal(a.Body, &r)
	if a.Status == http.StatusTooManyRequests || a.Status >= 500 {
		reason := cmp.Or(r.ErrorMessage, httpsend.Snippet(a.Body), http.StatusText(a.Status))
		return notify.Receipt{}, httpsend.Failure(name, a, notify.Retryable, "", errors.New(reason), now)
	}
	code, ok := number(r.ResponseCode)
	if jsonErr != nil || r.ResponseCode == nil {
		// A bare number is the code alone.
		code, ok = number(a.Body)
	}
	if !ok {
		reason := errors.New("an answer without a response_code: " + httpsend.Snippet(a.Body))
		if jsonErr != nil {
			reason = fmt.Errorf("an answer that does not parse: %w", jsonErr)
		}
		class := notify.Unknown
		if a.Status < 200 || a.Status > 299 {
			class = httpsend.ByStatus(a.Status)
		}
		return notify.Receipt{}, httpsend.Failure(name, a, class, "", reason, now)
	}
	if code == accepted {
		if a.Status < 200 || a.Status > 299 {
			return notify.Receipt{}, httpsend.Failure(name, a, httpsend.ByStatus(a.Status), strconv.Itoa(code),
				fmt.Errorf("response_code 202 with HTTP %d", a.Status), now)
		}
		id := strings.Trim(string(r.MessageID), `"`)
		if id == "null" {
			id = ""
		}
		return notify.Receipt{Provider: name, ID: id}, nil
	}
	meaning, known := codes[code]
	class := notify.Permanent
	if !known || code == 1005 {
		class = notify.Retryable
	}
	reason := cmp.Or(r.ErrorMessage, meaning, "no reason given")
	return notify.Receipt{}, httpsend.Failure(name, a, class, strconv.Itoa(code), errors.New(reason), now)
}
