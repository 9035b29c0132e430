package fcm

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "fcm"

const (
	// maxPayload is FCM's limit on a message's payload, keys and values.
	maxPayload = 4096
	// maxToken bounds a registration token (they are some 160 bytes).
	maxToken = 4096
	// quotaWait is the least wait after QUOTA_EXCEEDED without a
	// Retry-After: FCM asks for a minute.
	quotaWait = time.Minute
)

// Config sets up a Provider. ServiceAccount is required.
type Config struct {
	// ServiceAccount is the service account's JSON key, as the Firebase
	// console or Google Cloud gives it; the account needs the Firebase
	// Cloud Messaging API Admin role (cloudmessaging.messages.create).
	ServiceAccount []byte
	// ProjectID is the Firebase project; default the key's project_id.
	ProjectID string
	// BaseURL is FCM's root; default "https://fcm.googleapis.com".
	BaseURL string
	// TokenURL is the OAuth token endpoint; default the key's token_uri,
	// else "https://oauth2.googleapis.com/token".
	TokenURL string
	// HTTPClient makes the requests, to FCM and to the token endpoint;
	// default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock tokens are issued and expire by and Retry-After
	// dates are read against; default time.Now.
	Now func() time.Time
}

// Provider sends push notifications through FCM.
type Provider struct {
	cfg      Config
	endpoint string
	tokens   *tokens
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing or does not parse.
func New(cfg Config) (*Provider, error) {
	var sa serviceAccount
	if err := json.Unmarshal(cfg.ServiceAccount, &sa); err != nil {
		return nil, fmt.Errorf("fcm: Config.ServiceAccount: %w", err)
	}
	if sa.Type != "service_account" {
		return nil, fmt.Errorf("fcm: Config.ServiceAccount: type %q, not a service_account key", sa.Type)
	}
	if sa.ClientEmail == "" {
		return nil, errors.New("fcm: Config.ServiceAccount has no client_email")
	}
	key, err := parseKey(sa.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("fcm: Config.ServiceAccount's private_key: %w", err)
	}
	cfg.ProjectID = cmp.Or(cfg.ProjectID, sa.ProjectID)
	if cfg.ProjectID == "" {
		return nil, errors.New("fcm: Config.ProjectID is required (the key has no project_id)")
	}
	cfg.BaseURL, cfg.HTTPClient, cfg.Now = httpsend.Defaults(cfg.BaseURL, "https://fcm.googleapis.com", cfg.HTTPClient, cfg.Now)
	cfg.TokenURL = cmp.Or(cfg.TokenURL, sa.TokenURI, "https://oauth2.googleapis.com/token")
	return &Provider{
		cfg:      cfg,
		endpoint: cfg.BaseURL + "/v1/projects/" + url.PathEscape(cfg.ProjectID) + "/messages:send",
		tokens: &tokens{
			key: key, keyID: sa.PrivateKeyID, email: sa.ClientEmail, tokenURL: cfg.TokenURL,
			client: cfg.HTTPClient, now: cfg.Now, lock: make(chan struct{}, 1),
		},
	}, nil
}

// Name returns "fcm".
func (p *Provider) Name() string { return name }

type notification struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

// request is the body of messages:send.
type request struct {
	Message struct {
		Token        string            `json:"token"`
		Notification *notification     `json:"notification,omitempty"`
		Data         map[string]string `json:"data,omitempty"`
	} `json:"message"`
}

// reserved reports whether FCM keeps a data key for itself.
func reserved(key string) bool {
	return key == "from" || key == "message_type" || strings.HasPrefix(key, "google") || strings.HasPrefix(key, "gcm")
}

// body checks m and builds the request's body.
func body(m *notify.Message) ([]byte, error) {
	if m.Channel != notify.Push && m.Channel != "" {
		return nil, httpsend.Invalid(name, "a message on channel %q, not push", m.Channel)
	}
	if m.To == "" || len(m.To) > maxToken {
		return nil, httpsend.Invalid(name, "a registration token of %d bytes", len(m.To))
	}
	for _, c := range []byte(m.To) {
		if c <= ' ' || c > '~' {
			return nil, httpsend.Invalid(name, "a registration token with %q", c)
		}
	}
	if m.Title == "" && m.Text == "" && len(m.Data) == 0 {
		return nil, httpsend.Invalid(name, "no title, text or data")
	}
	size := len(m.Title) + len(m.Text)
	for k, v := range m.Data {
		if reserved(k) {
			return nil, httpsend.Invalid(name, "data key %q is FCM's", k)
		}
		size += len(k) + len(v)
	}
	if size > maxPayload {
		return nil, httpsend.Invalid(name, "a payload of %d bytes, over FCM's %d", size, maxPayload)
	}
	var r request
	r.Message.Token = m.To
	if m.Title != "" || m.Text != "" {
		r.Message.Notification = &notification{Title: m.Title, Body: m.Text}
	}
	r.Message.Data = m.Data
	return json.Marshal(r)
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	b, err := body(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	for attempt := 0; ; attempt++ {
		token, err := p.tokens.get(ctx)
		if err != nil {
			return notify.Receipt{}, err
		}
		a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, p.endpoint, b,
			http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + token}, "Content-Type": {"application/json; charset=utf-8"}})
		if err != nil {
			return notify.Receipt{}, err
		}
		r, err := classify(a, p.cfg.Now())
		if se, ok := errors.AsType[*notify.SendError](err); ok && se.Status == http.StatusUnauthorized && se.Code != "THIRD_PARTY_AUTH_ERROR" {
			// The token was refused: it was revoked, or the clocks
			// disagree. A new one, once.
			p.tokens.drop(token)
			if attempt == 0 {
				continue
			}
		}
		return r, err
	}
}

// answer is FCM's answer: a message's name, or a google.rpc.Status.
type answer struct {
	Name  string `json:"name"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			ErrorCode       string `json:"errorCode"`
			FieldViolations []struct {
				Field       string `json:"field"`
				Description string `json:"description"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// classify reads FCM's answer.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	var r answer
	jsonErr := json.Unmarshal(a.Body, &r)
	if a.Status >= 200 && a.Status <= 299 {
		switch {
		case jsonErr != nil:
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Unknown, "", fmt.Errorf("an answer that does not parse: %w", jsonErr), now)
		case r.Name == "":
			return notify.Receipt{}, httpsend.Failure(name, a, notify.Unknown, "", errors.New("an answer without a name: "+httpsend.Snippet(a.Body)), now)
		}
		return notify.Receipt{Provider: name, ID: r.Name}, nil
	}
	class := httpsend.ByStatus(a.Status)
	if jsonErr != nil || r.Error == nil {
		reason := cmp.Or(httpsend.Snippet(a.Body), http.StatusText(a.Status))
		return notify.Receipt{}, httpsend.Failure(name, a, class, "", errors.New(reason), now)
	}
	e := r.Error
	code, tokenAtFault := "", false
	for _, d := range e.Details {
		if d.ErrorCode != "" && code == "" {
			code = d.ErrorCode
		}
		for _, v := range d.FieldViolations {
			tokenAtFault = tokenAtFault || v.Field == "message.token"
		}
	}
	dead := false
	switch code {
	case "UNREGISTERED", "SENDER_ID_MISMATCH":
		class, dead = notify.Permanent, true
	case "INVALID_ARGUMENT":
		class = notify.Permanent
		dead = tokenAtFault || strings.Contains(strings.ToLower(e.Message), "registration token")
	case "QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL":
		class = notify.Retryable
	case "THIRD_PARTY_AUTH_ERROR":
		class = notify.Permanent
	}
	se := httpsend.Failure(name, a, class, cmp.Or(code, e.Status), errors.New(cmp.Or(e.Message, http.StatusText(a.Status))), now)
	se.DeadAddress = dead
	if code == "QUOTA_EXCEEDED" && se.RetryAfter == 0 {
		se.RetryAfter = quotaWait
	}
	return notify.Receipt{}, se
}
