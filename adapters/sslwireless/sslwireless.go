package sslwireless

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/phone"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "sslwireless"

// maxCSMSID is the longest csms_id sent.
const maxCSMSID = 20

// Config sets up a Provider. APIToken and SID are required.
type Config struct {
	// APIToken is the API token SSL Wireless issues.
	APIToken string
	// SID is the stakeholder id, which names the approved sender (the
	// masking or the number) messages go from.
	SID string
	// BaseURL is the API's root; default
	// "https://smsplus.sslwireless.com".
	BaseURL string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock Retry-After dates are read against; default
	// time.Now.
	Now func() time.Time
}

// Provider sends SMS through SSL Wireless.
type Provider struct {
	cfg Config
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing.
func New(cfg Config) (*Provider, error) {
	if cfg.APIToken == "" {
		return nil, errors.New("sslwireless: Config.APIToken is required")
	}
	if cfg.SID == "" {
		return nil, errors.New("sslwireless: Config.SID is required")
	}
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://smsplus.sslwireless.com", cfg.HTTPClient, cfg.Now)
	return &Provider{cfg: cfg}, nil
}

// Name returns "sslwireless".
func (p *Provider) Name() string { return name }

// CSMSID returns the csms_id sent for a message's key: the key when it
// is 1 to 20 letters, digits, _ or -, else the first 20 hex digits of
// its SHA-256; "" for no key.
func CSMSID(key string) string {
	if key == "" {
		return ""
	}
	plain := len(key) <= maxCSMSID
	for _, c := range []byte(key) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			plain = false
			break
		}
	}
	if plain {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:maxCSMSID]
}

// request is the body of POST /api/v3/send-sms.
type request struct {
	APIToken string `json:"api_token"`
	SID      string `json:"sid"`
	MSISDN   string `json:"msisdn"`
	SMS      string `json:"sms"`
	CSMSID   string `json:"csms_id"`
}

// body checks m and builds the request's body.
func (p *Provider) body(m *notify.Message) ([]byte, error) {
	if m.Channel != notify.SMS && m.Channel != "" {
		return nil, httpsend.Invalid(name, "a message on channel %q, not sms", m.Channel)
	}
	msisdn, err := phone.Bangladesh(m.To)
	if err != nil {
		return nil, httpsend.Invalid(name, "%v", err)
	}
	if m.Text == "" {
		return nil, httpsend.Invalid(name, "no text")
	}
	id := CSMSID(m.Key)
	if id == "" {
		id = rand.Text()[:maxCSMSID]
	}
	return json.Marshal(request{APIToken: p.cfg.APIToken, SID: p.cfg.SID, MSISDN: msisdn, SMS: m.Text, CSMSID: id})
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	body, err := p.body(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.cfg.BaseURL+"/api/v3/send-sms", body,
		http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}})
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// answer is the gateway's answer. status_code is a number; read as raw
// so that one written as a string is taken too.
type answer struct {
	Status       string          `json:"status"`
	StatusCode   json.RawMessage `json:"status_code"`
	ErrorMessage string          `json:"error_message"`
	SMSInfo      []struct {
		SMSStatus     string `json:"sms_status"`
		StatusMessage string `json:"status_message"`
		MSISDN        string `json:"msisdn"`
		CSMSID        string `json:"csms_id"`
		ReferenceID   string `json:"reference_id"`
	} `json:"smsinfo"`
}

// code reads status_code, a number or a string of digits; -1 when it is
// neither.
func (r *answer) code() int {
	s := strings.Trim(string(r.StatusCode), `"`)
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// classify reads the gateway's answer.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	var r answer
	jsonErr := json.Unmarshal(a.Body, &r)
	if a.Status == http.StatusTooManyRequests || a.Status >= 500 {
		reason := cmp.Or(r.ErrorMessage, httpsend.Snippet(a.Body), http.StatusText(a.Status))
		return notify.Receipt{}, httpsend.Failure(name, a, notify.Retryable, "", errors.New(reason), now)
	}
	ok2xx := a.Status >= 200 && a.Status <= 299
	if jsonErr != nil || (r.Status != "SUCCESS" && r.Status != "FAILED") || (r.Status == "SUCCESS" && !ok2xx) {
		reason := errors.New("an answer saying neither SUCCESS nor FAILED: " + httpsend.Snippet(a.Body))
		if r.Status == "SUCCESS" {
			reason = errors.New("SUCCESS with HTTP " + strconv.Itoa(a.Status))
		}
		if jsonErr != nil {
			reason = fmt.Errorf("an answer that does not parse: %w", jsonErr)
		}
		class := notify.Unknown
		if !ok2xx {
			class = httpsend.ByStatus(a.Status)
		}
		return notify.Receipt{}, httpsend.Failure(name, a, class, "", reason, now)
	}
	code := r.code()
	codeText := ""
	if code >= 0 {
		codeText = strconv.Itoa(code)
	}
	if r.Status == "SUCCESS" {
		if len(r.SMSInfo) == 0 {
			return notify.Receipt{Provider: name}, nil
		}
		info := r.SMSInfo[0]
		if !strings.EqualFold(info.SMSStatus, "SUCCESS") {
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Permanent, codeText,
				fmt.Errorf("sms_status %q: %s", info.SMSStatus, cmp.Or(info.StatusMessage, "no reason given")), now)
		}
		return notify.Receipt{Provider: name, ID: info.ReferenceID}, nil
	}
	reason := cmp.Or(r.ErrorMessage, "no reason given")
	if strings.Contains(strings.ToLower(reason), "duplicate") {
		return notify.Receipt{Provider: name}, nil
	}
	class := notify.Retryable
	if code >= 4000 && code <= 4999 {
		class = notify.Permanent
	}
	return notify.Receipt{}, httpsend.Failure(name, a, class, codeText, errors.New(reason), now)
}
