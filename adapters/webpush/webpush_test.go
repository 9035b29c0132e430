package webpush

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/httpsend/httpsendtest"
	"github.com/critpath/critpath/notify"
)

var now = time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)

// browser is a subscribed browser: its keys, and the subscription it
// would hand the application.
type browser struct {
	key  *ecdh.PrivateKey
	auth []byte
	sub  string
}

func newBrowser(t *testing.T, endpoint string) *browser {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	var s Subscription
	s.Endpoint = endpoint
	s.Keys.P256DH = base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes())
	s.Keys.Auth = base64.RawURLEncoding.EncodeToString(auth)
	b, _ := json.Marshal(s)
	return &browser{key: key, auth: auth, sub: string(b)}
}

type setup struct {
	srv     *httpsendtest.Server
	p       *Provider
	b       *browser
	vapid   *ecdsa.PublicKey
	subject string
}

func newSetup(t *testing.T, answer func(httpsendtest.Request) httpsendtest.Reply) *setup {
	srv := httpsendtest.New(t, true, answer)
	private, pub := newVAPIDKey(t)
	c := srv.Client()
	c.Timeout = 2 * time.Second
	p, err := New(Config{VAPIDPrivateKey: private, Subject: "mailto:ops@critpath.example", Hosts: []string{"127.0.0.1"},
		HTTPClient: c, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return &setup{srv: srv, p: p, b: newBrowser(t, srv.URL+"/wpush/v2/gAAAAABmX3k"), vapid: pub, subject: "mailto:ops@critpath.example"}
}

func (s *setup) message() *notify.Message {
	return &notify.Message{
		Key: "deadline/dhaka-tower/task-17", Channel: notify.Push, To: s.b.sub,
		Title: "সময়সীমা আসন্ন", Text: "৩য় তলার ছাদ ঢালাই: ২ কর্মদিবস বাকি",
		Data: map[string]string{"project": "dhaka-tower", "task": "17"},
	}
}

func created(httpsendtest.Request) httpsendtest.Reply {
	return httpsendtest.Reply{Status: 201, Header: map[string]string{"Location": "https://push.example.net/message/qDIYHNcfAIPP_5ITvURr-d6BGtYnTRnk"}}
}

func TestSend(t *testing.T) {
	s := newSetup(t, created)
	r, err := s.p.Send(t.Context(), s.message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "webpush", ID: "https://push.example.net/message/qDIYHNcfAIPP_5ITvURr-d6BGtYnTRnk"}) {
		t.Errorf("receipt %+v", r)
	}
	q := s.srv.Requests()[0]
	if q.Method != "POST" || q.Path != "/wpush/v2/gAAAAABmX3k" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	for k, want := range map[string]string{
		"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
		"TTL": "86400", "Urgency": "normal", "Topic": Topic("deadline/dhaka-tower/task-17"),
	} {
		if got := q.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if err := checkVAPID(q.Header.Get("Authorization"), s.vapid, s.srv.URL, now, s.subject); err != nil {
		t.Error(err)
	}
	// The browser reads the payload back with its own key.
	plain, err := decrypt(q.Body, s.b.key, s.b.auth)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"title":"সময়সীমা আসন্ন","body":"৩য় তলার ছাদ ঢালাই: ২ কর্মদিবস বাকি","data":{"project":"dhaka-tower","task":"17"},"key":"deadline/dhaka-tower/task-17"}`
	if string(plain) != want {
		t.Errorf("payload\n got %s\nwant %s", plain, want)
	}
	if q.Body[20] != 65 || len(q.Body) != headerSize+len(want)+overhead {
		t.Errorf("a body of %d bytes, idlen %d", len(q.Body), q.Body[20])
	}
}

// TestSendFresh: each message has its own sender key and salt.
func TestSendFresh(t *testing.T) {
	s := newSetup(t, created)
	for range 2 {
		if _, err := s.p.Send(t.Context(), s.message()); err != nil {
			t.Fatal(err)
		}
	}
	a, b := s.srv.Requests()[0].Body, s.srv.Requests()[1].Body
	if string(a[:16]) == string(b[:16]) || string(a[21:86]) == string(b[21:86]) {
		t.Error("two messages share a salt or a sender key")
	}
}

func TestTopic(t *testing.T) {
	// The first 32 characters of the base64url SHA-256, worked out
	// apart from the code (printf %s key | sha256sum, then base64url).
	if got := Topic("deadline/dhaka-tower/task-17"); got != "vzUQ-VrSLNgOk9ysI4x_0xUH-nkPsB0c" {
		t.Errorf("Topic = %q", got)
	}
	if Topic("") != "" {
		t.Error("a topic for no key")
	}
}

func TestSendFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  httpsendtest.Reply
		class  notify.Class
		dead   bool
		wait   time.Duration
		reason string
	}{
		{"gone", httpsendtest.Reply{Status: 410, Body: "push subscription has unsubscribed or expired."}, notify.Permanent, true, 0, "unsubscribed or expired"},
		{"not found", httpsendtest.Reply{Status: 404}, notify.Permanent, true, 0, "Not Found"},
		{"too large", httpsendtest.Reply{Status: 413, Body: "Payload Too Large"}, notify.Permanent, false, 0, "Too Large"},
		{"bad request", httpsendtest.Reply{Status: 400, Body: "Invalid request"}, notify.Permanent, false, 0, "Invalid request"},
		{"VAPID refused", httpsendtest.Reply{Status: 403, Body: "the key in the authorization header does not correspond to the sender ID used to subscribe this user"}, notify.Permanent, false, 0, "authorization header"},
		{"unauthorized", httpsendtest.Reply{Status: 401}, notify.Permanent, false, 0, "Unauthorized"},
		{"rate limited", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "90"}}, notify.Retryable, false, 90 * time.Second, "Too Many Requests"},
		{"server error", httpsendtest.Reply{Status: 500}, notify.Retryable, false, 0, "Internal Server Error"},
		{"unavailable", httpsendtest.Reply{Status: 503, Header: map[string]string{"Retry-After": "Sun, 11 Jul 2027 09:05:00 GMT"}}, notify.Retryable, false, 5 * time.Minute, "Service Unavailable"},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, false, 0, ""},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, false, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSetup(t, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			s.p.cfg.HTTPClient.Timeout = 300 * time.Millisecond
			_, err := s.p.Send(t.Context(), s.message())
			se, ok := errors.AsType[*notify.SendError](err)
			if !ok {
				t.Fatalf("%v is not a SendError", err)
			}
			if se.Class != c.class || se.DeadAddress != c.dead || se.RetryAfter != c.wait {
				t.Errorf("got %v (dead %v, wait %v), want %v (dead %v, wait %v)", se, se.DeadAddress, se.RetryAfter, c.class, c.dead, c.wait)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("%q does not say %q", err, c.reason)
			}
		})
	}
}

func TestSendInvalid(t *testing.T) {
	s := newSetup(t, created)
	sub := func(endpoint, p256dh, auth string) string {
		return fmt.Sprintf(`{"endpoint":%q,"expirationTime":null,"keys":{"p256dh":%q,"auth":%q}}`, endpoint, p256dh, auth)
	}
	var good Subscription
	json.Unmarshal([]byte(s.b.sub), &good)
	httpsendtest.RefusesInvalid(t, s.p, s.message, []httpsendtest.Invalid{
		{Name: "not JSON", Edit: func(m *notify.Message) { m.To = "https://fcm.googleapis.com/fcm/send/x" }},
		{Name: "http endpoint", Edit: func(m *notify.Message) {
			m.To = sub(strings.Replace(good.Endpoint, "https:", "http:", 1), good.Keys.P256DH, good.Keys.Auth)
		}},
		{Name: "endpoint off the push services", Edit: func(m *notify.Message) {
			m.To = sub("https://169.254.169.254/latest/meta-data", good.Keys.P256DH, good.Keys.Auth)
		}},
		{Name: "endpoint with credentials", Edit: func(m *notify.Message) {
			m.To = sub(strings.Replace(good.Endpoint, "https://", "https://u:p@", 1), good.Keys.P256DH, good.Keys.Auth)
		}},
		{Name: "key not on the curve", Edit: func(m *notify.Message) {
			m.To = sub(good.Endpoint, base64.RawURLEncoding.EncodeToString(append([]byte{4}, make([]byte, 64)...)), good.Keys.Auth)
		}},
		{Name: "compressed key", Edit: func(m *notify.Message) {
			m.To = sub(good.Endpoint, base64.RawURLEncoding.EncodeToString(s.b.key.PublicKey().Bytes()[:33]), good.Keys.Auth)
		}},
		{Name: "auth of 15 bytes", Edit: func(m *notify.Message) {
			m.To = sub(good.Endpoint, good.Keys.P256DH, base64.RawURLEncoding.EncodeToString(make([]byte, 15)))
		}},
		{Name: "no keys", Edit: func(m *notify.Message) { m.To = fmt.Sprintf(`{"endpoint":%q}`, good.Endpoint) }},
		{Name: "nothing to show", Edit: func(m *notify.Message) { m.Title, m.Text, m.Data = "", "", nil }},
		// 1,000 Bangla letters are 3,000 bytes: with the rest, over.
		{Name: "over 3,000 bytes", Edit: func(m *notify.Message) { m.Text = strings.Repeat("ক", 1000) }},
		{Name: "email channel", Edit: func(m *notify.Message) { m.Channel = notify.Email }},
	})
	if n := len(s.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
	// Padded and standard base64 keys, as some clients write them, are
	// taken.
	m := s.message()
	m.To = sub(good.Endpoint, base64.StdEncoding.EncodeToString(s.b.key.PublicKey().Bytes()), base64.URLEncoding.EncodeToString(s.b.auth))
	if _, err := s.p.Send(t.Context(), m); err != nil {
		t.Errorf("padded keys: %v", err)
	}
}

func TestAllowed(t *testing.T) {
	for _, c := range []struct {
		host string
		want bool
	}{
		{"fcm.googleapis.com", true},
		{"FCM.googleapis.com", true},
		{"updates.push.services.mozilla.com", true},
		{"web.push.apple.com", true},
		{"wns2-par02p.notify.windows.com", true},
		{"notify.windows.com.evil.example", false},
		{"evilnotify.windows.com", false},
		{"googleapis.com", false},
		{"localhost", false},
		{"10.0.0.1", false},
	} {
		if got := allowed(c.host, DefaultHosts); got != c.want {
			t.Errorf("allowed(%q) = %v, want %v", c.host, got, c.want)
		}
	}
}

func TestNew(t *testing.T) {
	private, _ := newVAPIDKey(t)
	for _, c := range []struct {
		cfg   Config
		field string
	}{
		{Config{Subject: "mailto:a@example.com"}, "VAPIDPrivateKey"},
		{Config{VAPIDPrivateKey: private}, "Subject"},
		{Config{VAPIDPrivateKey: private, Subject: "ops@example.com"}, "Subject"},
		{Config{VAPIDPrivateKey: private, Subject: "mailto:a@example.com", Urgency: "urgent"}, "Urgency"},
		{Config{VAPIDPrivateKey: private, Subject: "mailto:a@example.com", TTL: time.Millisecond}, "TTL"},
		{Config{VAPIDPrivateKey: private, Subject: "mailto:a@example.com", MaxPayload: 4080}, "MaxPayload"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), "Config."+c.field) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(201, "", "")
	f.Add(410, "gone", "")
	f.Add(429, "", "12")
	f.Add(503, "<html>", "Sun, 11 Jul 2027 09:05:00 GMT")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{"Retry-After": {retryAfter}}, Body: []byte(body)}
		_, err := classify(a, now)
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("%d: %v", status, err)
			}
			return
		}
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
		if se.DeadAddress != (status == 404 || status == 410) {
			t.Fatalf("%d: DeadAddress %v", status, se.DeadAddress)
		}
	})
}

// FuzzSubscription: any text as a subscription is refused or gives an
// https endpoint on a host allowed, a point on P-256 and a 16-byte
// secret — never a panic.
func FuzzSubscription(f *testing.F) {
	f.Add(`{"endpoint":"https://fcm.googleapis.com/fcm/send/x","keys":{"p256dh":"` + rfcUAPublic + `","auth":"` + rfcAuth + `"}}`)
	f.Add(`{"endpoint":"https://fcm.googleapis.com:99999/","keys":{}}`)
	f.Add(`{"endpoint":"https://[::1]/","keys":{"p256dh":"BA","auth":"=="}}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, to string) {
		s, err := parse(to, DefaultHosts)
		if err != nil {
			return
		}
		if s.endpoint.Scheme != "https" || !allowed(s.endpoint.Hostname(), DefaultHosts) || len(s.auth) != 16 || len(s.ua.Bytes()) != 65 {
			t.Fatalf("%q taken as %+v", to, s)
		}
	})
}
