package webpush

import (
	"cmp"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/notify"
)

// name is the provider's name in receipts and errors.
const name = "webpush"

// DefaultHosts are the push services of the browsers: Chrome, Edge's
// older builds, Opera and Samsung Internet on FCM; Firefox; Safari; Edge
// on Windows Push Notification Services.
var DefaultHosts = []string{"fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", ".notify.windows.com"}

// Config sets up a Provider. VAPIDPrivateKey and Subject are required.
type Config struct {
	// VAPIDPrivateKey is the application server's P-256 private key:
	// its 32-byte scalar in base64url, as web-push libraries print it
	// (the public key is the applicationServerKey the browser
	// subscribed with).
	VAPIDPrivateKey string
	// Subject is a way to reach the sender, "mailto:…" or an https URL,
	// the VAPID token's sub; Apple's push service requires one.
	Subject string
	// TTL is how long the push service keeps a message for a device
	// that is offline; default 24 hours. Zero is not a choice here: a
	// message then is dropped unless the device is online.
	TTL time.Duration
	// Urgency is very-low, low, normal or high (RFC 8030 §5.3); default
	// normal.
	Urgency string
	// MaxPayload bounds the payload before encryption; default 3,000
	// bytes, which every push service takes with room to spare (RFC
	// 8291 guarantees 3,993).
	MaxPayload int
	// Hosts are the hosts an endpoint may be on, a leading dot for any
	// subdomain of one; default DefaultHosts. Subscriptions come from
	// browsers, so an endpoint elsewhere is refused rather than
	// requested (a forged one could point at the server's own network).
	Hosts []string
	// HTTPClient makes the requests; default one with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock VAPID tokens are issued by and Retry-After dates
	// are read against; default time.Now.
	Now func() time.Time
}

// Provider sends Web Push messages.
type Provider struct {
	cfg   Config
	vapid *vapid
}

var _ notify.Provider = (*Provider)(nil)

// New returns a Provider, or an error naming the field of cfg that is
// missing or does not parse.
func New(cfg Config) (*Provider, error) {
	v, err := newVAPID(cfg.VAPIDPrivateKey, cfg.Subject)
	if err != nil {
		return nil, fmt.Errorf("webpush: Config.VAPIDPrivateKey: %w", err)
	}
	if !strings.HasPrefix(cfg.Subject, "mailto:") && !strings.HasPrefix(cfg.Subject, "https://") {
		return nil, fmt.Errorf("webpush: Config.Subject %q: a mailto: or https: URL is required", cfg.Subject)
	}
	cfg.TTL = cmp.Or(cfg.TTL, 24*time.Hour)
	if cfg.TTL < time.Second {
		return nil, fmt.Errorf("webpush: Config.TTL %v: at least a second", cfg.TTL)
	}
	cfg.Urgency = cmp.Or(cfg.Urgency, "normal")
	switch cfg.Urgency {
	case "very-low", "low", "normal", "high":
	default:
		return nil, fmt.Errorf("webpush: Config.Urgency %q: very-low, low, normal or high", cfg.Urgency)
	}
	cfg.MaxPayload = cmp.Or(cfg.MaxPayload, 3000)
	if cfg.MaxPayload < 0 || cfg.MaxPayload+overhead > recordSize {
		return nil, fmt.Errorf("webpush: Config.MaxPayload %d: at most %d", cfg.MaxPayload, recordSize-overhead)
	}
	if cfg.Hosts == nil {
		cfg.Hosts = DefaultHosts
	}
	_, cfg.HTTPClient, cfg.Now = httpsend.Defaults("", "", cfg.HTTPClient, cfg.Now)
	return &Provider{cfg: cfg, vapid: v}, nil
}

// Name returns "webpush".
func (p *Provider) Name() string { return name }

// Subscription is a browser's push subscription, as
// PushSubscription.toJSON() writes it: the message's To.
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256DH string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// subscription is a Subscription read and checked.
type subscription struct {
	endpoint *url.URL
	ua       *ecdh.PublicKey
	auth     []byte
}

// decode reads base64url, with or without padding; standard base64
// too, which some clients write.
func decode(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	return base64.RawURLEncoding.DecodeString(s)
}

// parse reads and checks a subscription: an https endpoint on one of
// hosts, a P-256 public key and a 16-byte auth secret.
func parse(to string, hosts []string) (*subscription, error) {
	var s Subscription
	if err := json.Unmarshal([]byte(to), &s); err != nil {
		return nil, fmt.Errorf("a subscription that does not parse: %v", err)
	}
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q is not an https URL", s.Endpoint)
	}
	if !allowed(u.Hostname(), hosts) {
		return nil, fmt.Errorf("endpoint %q is on %s, not a push service configured", s.Endpoint, u.Hostname())
	}
	raw, err := decode(s.Keys.P256DH)
	if err != nil {
		return nil, fmt.Errorf("keys.p256dh: %v", err)
	}
	ua, err := ecdh.P256().NewPublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("keys.p256dh: %v", err)
	}
	auth, err := decode(s.Keys.Auth)
	if err != nil || len(auth) != authSize {
		return nil, fmt.Errorf("keys.auth: %d bytes, not 16 (%v)", len(auth), err)
	}
	return &subscription{endpoint: u, ua: ua, auth: auth}, nil
}

// allowed reports whether host is one of hosts, or a subdomain of one
// written with a leading dot.
func allowed(host string, hosts []string) bool {
	host = strings.ToLower(host)
	for _, h := range hosts {
		h = strings.ToLower(h)
		if host == h || (strings.HasPrefix(h, ".") && strings.HasSuffix(host, h)) {
			return true
		}
	}
	return false
}

// Payload is what a message carries, as JSON, to the service worker:
// the notification's title and body, its data, and the message's key,
// which the worker can use as the notification's tag, so that a message
// delivered twice replaces itself rather than showing twice.
type Payload struct {
	Title string            `json:"title,omitempty"`
	Body  string            `json:"body,omitempty"`
	Data  map[string]string `json:"data,omitempty"`
	Key   string            `json:"key,omitempty"`
}

// Topic returns the Topic header for a message's key (RFC 8030 §5.4): 32
// base64url characters of its SHA-256, so that a push service holding an
// undelivered message with the same key replaces it with the new one
// rather than delivering both; "" for no key.
func Topic(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:32]
}

// prepare checks m and returns its subscription and payload.
func (p *Provider) prepare(m *notify.Message) (*subscription, []byte, error) {
	if m.Channel != notify.Push && m.Channel != "" {
		return nil, nil, httpsend.Invalid(name, "a message on channel %q, not push", m.Channel)
	}
	sub, err := parse(m.To, p.cfg.Hosts)
	if err != nil {
		return nil, nil, httpsend.Invalid(name, "%v", err)
	}
	if m.Title == "" && m.Text == "" && len(m.Data) == 0 {
		return nil, nil, httpsend.Invalid(name, "no title, text or data")
	}
	payload, err := json.Marshal(Payload{Title: m.Title, Body: m.Text, Data: m.Data, Key: m.Key})
	if err != nil {
		return nil, nil, httpsend.Invalid(name, "%v", err)
	}
	if len(payload) > p.cfg.MaxPayload {
		return nil, nil, httpsend.Invalid(name, "a payload of %d bytes, over %d", len(payload), p.cfg.MaxPayload)
	}
	return sub, payload, nil
}

// Send implements notify.Provider.
func (p *Provider) Send(ctx context.Context, m *notify.Message) (notify.Receipt, error) {
	sub, payload, err := p.prepare(m)
	if err != nil {
		return notify.Receipt{}, err
	}
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return notify.Receipt{}, &notify.SendError{Provider: name, Class: notify.Retryable, Err: err}
	}
	salt := make([]byte, saltSize)
	rand.Read(salt)
	body, err := encrypt(payload, sub.ua, sub.auth, as, salt)
	if err != nil {
		return notify.Receipt{}, &notify.SendError{Provider: name, Class: notify.Permanent, Err: err}
	}
	now := p.cfg.Now()
	auth, err := p.vapid.authorization(sub.endpoint, now)
	if err != nil {
		return notify.Receipt{}, &notify.SendError{Provider: name, Class: notify.Retryable, Err: err}
	}
	h := http.Header{
		"Authorization":    {auth},
		"Content-Encoding": {"aes128gcm"},
		"Content-Type":     {"application/octet-stream"},
		"Ttl":              {strconv.FormatInt(int64(p.cfg.TTL/time.Second), 10)},
		"Urgency":          {p.cfg.Urgency},
	}
	if t := Topic(m.Key); t != "" {
		h.Set("Topic", t)
	}
	a, err := httpsend.Post(ctx, p.cfg.HTTPClient, name, sub.endpoint.String(), body, h)
	if err != nil {
		return notify.Receipt{}, err
	}
	return classify(a, p.cfg.Now())
}

// classify reads the push service's answer: 2xx accepted (201 Created,
// the message's URL in Location); 404 and 410 a subscription gone for
// good; other statuses by themselves.
func classify(a *httpsend.Answer, now time.Time) (notify.Receipt, error) {
	if a.Status >= 200 && a.Status <= 299 {
		return notify.Receipt{Provider: name, ID: a.Header.Get("Location")}, nil
	}
	reason := errors.New(cmp.Or(httpsend.Snippet(a.Body), http.StatusText(a.Status)))
	if a.Status == http.StatusNotFound || a.Status == http.StatusGone {
		se := httpsend.Failure(name, a, notify.Permanent, "", fmt.Errorf("the subscription is gone: %w", reason), now)
		se.DeadAddress = true
		return notify.Receipt{}, se
	}
	return notify.Receipt{}, httpsend.Failure(name, a, httpsend.ByStatus(a.Status), "", reason, now)
}
