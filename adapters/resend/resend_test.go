package resend

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/httpsend/httpsendtest"
	"github.com/critpath/critpath/notify"
)

var now = time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)

func newProvider(t *testing.T, srv *httpsendtest.Server) *Provider {
	t.Helper()
	c := srv.Client()
	c.Timeout = 2 * time.Second
	p, err := New(Config{
		APIKey: "re_test_key", From: "Critpath <notify@critpath.example>",
		BaseURL: srv.URL, HTTPClient: c, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func message() *notify.Message {
	return &notify.Message{
		Key: "permit/dhaka-tower/rajuk-1/approved/rahim", Channel: notify.Email, To: "Rahim Uddin <rahim@example.com.bd>",
		Subject: "রাজউক অনুমোদন পাওয়া গেছে", Text: "ঢাকা টাওয়ার: নকশা অনুমোদন ১২ জুলাই ২০২৭", HTML: "<p>ঢাকা টাওয়ার: নকশা অনুমোদন</p>",
	}
}

func TestSend(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply {
		return httpsendtest.JSON(200, `{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}`)
	})
	p := newProvider(t, srv)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "resend", ID: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}) {
		t.Errorf("receipt %+v", r)
	}
	q := srv.Requests()[0]
	if q.Method != "POST" || q.Path != "/emails" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	for k, want := range map[string]string{
		"Authorization": "Bearer re_test_key", "Content-Type": "application/json",
		"Idempotency-Key": "permit/dhaka-tower/rajuk-1/approved/rahim",
	} {
		if got := q.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	want := `{"from":"Critpath \u003cnotify@critpath.example\u003e","to":["rahim@example.com.bd"],` +
		`"subject":"রাজউক অনুমোদন পাওয়া গেছে","html":"\u003cp\u003eঢাকা টাওয়ার: নকশা অনুমোদন\u003c/p\u003e",` +
		`"text":"ঢাকা টাওয়ার: নকশা অনুমোদন ১২ জুলাই ২০২৭"}`
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
	}
}

func TestIdempotencyKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"a", "a"},
		{strings.Repeat("k", 256), strings.Repeat("k", 256)},
		// sha256sum of 257 k's, worked out apart from the code.
		{strings.Repeat("k", 257), "sha256:a5de0e3c93b4322bf1d2e6cc13119219d665142374de7f2b06bae237759c73e2"},
	} {
		if got := IdempotencyKey(c.in); got != c.want {
			t.Errorf("IdempotencyKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// idempotent is a fake Resend that keeps its promise: the first request
// with a key is sent and its answer kept; later ones with the same key
// and body get that answer and send nothing; the same key with another
// body is refused.
type idempotent struct {
	mu    sync.Mutex
	seen  map[string]httpsendtest.Request
	sent  int
	reset bool // drop the connection after the first send is done
}

func (f *idempotent) answer(q httpsendtest.Request) httpsendtest.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := q.Header.Get("Idempotency-Key")
	if first, ok := f.seen[key]; ok {
		if !bytes.Equal(first.Body, q.Body) {
			return httpsendtest.JSON(409, `{"statusCode":409,"name":"invalid_idempotent_request","message":"Same idempotency key used with a different request payload."}`)
		}
		return httpsendtest.JSON(200, fmt.Sprintf(`{"id":"email-%s"}`, key))
	}
	f.seen[key] = q
	f.sent++
	if f.reset {
		f.reset = false
		return httpsendtest.Reply{Reset: true} // sent, but the answer is lost
	}
	return httpsendtest.JSON(200, fmt.Sprintf(`{"id":"email-%s"}`, key))
}

// TestSendAgainAfterLostAnswer is the crash of the issue: Resend accepted
// the message and the answer was lost; the send, tried again with the
// same key, gets the first id and Resend sends nothing twice.
func TestSendAgainAfterLostAnswer(t *testing.T) {
	f := &idempotent{seen: map[string]httpsendtest.Request{}, reset: true}
	srv := httpsendtest.New(t, false, f.answer)
	p := newProvider(t, srv)
	_, err := p.Send(t.Context(), message())
	if notify.ClassOf(err) != notify.Unknown {
		t.Fatalf("%v: want outcome unknown", err)
	}
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "email-permit/dhaka-tower/rajuk-1/approved/rahim" || f.sent != 1 {
		t.Errorf("receipt %+v, %d sent", r, f.sent)
	}
	m := message()
	m.Text = "another text under the same key"
	_, err = p.Send(t.Context(), m)
	if se, _ := errors.AsType[*notify.SendError](err); se == nil || se.Class != notify.Permanent || se.Code != "invalid_idempotent_request" {
		t.Errorf("%v: want a permanent invalid_idempotent_request", err)
	}
	if f.sent != 1 {
		t.Errorf("%d sent", f.sent)
	}
}

func TestSendFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  httpsendtest.Reply
		class  notify.Class
		code   string
		wait   time.Duration
		reason string
	}{
		{"validation", httpsendtest.JSON(422, `{"statusCode":422,"name":"validation_error","message":"Invalid `+"`to`"+` field."}`), notify.Permanent, "validation_error", 0, "Invalid `to` field."},
		{"missing field", httpsendtest.JSON(422, `{"statusCode":422,"name":"missing_required_field","message":"Missing `+"`subject`"+` field."}`), notify.Permanent, "missing_required_field", 0, "subject"},
		{"unverified domain", httpsendtest.JSON(403, `{"statusCode":403,"name":"validation_error","message":"The critpath.example domain is not verified."}`), notify.Permanent, "validation_error", 0, "not verified"},
		{"missing key", httpsendtest.JSON(401, `{"statusCode":401,"name":"missing_api_key","message":"Missing API key in the authorization header."}`), notify.Permanent, "missing_api_key", 0, "Missing API key"},
		{"invalid key", httpsendtest.JSON(403, `{"statusCode":403,"name":"invalid_api_key","message":"API key is invalid."}`), notify.Permanent, "invalid_api_key", 0, "invalid"},
		{"bad idempotency key", httpsendtest.JSON(400, `{"statusCode":400,"name":"invalid_idempotency_key","message":"The key must be between 1-256 chars."}`), notify.Permanent, "invalid_idempotency_key", 0, "1-256"},
		{"concurrent", httpsendtest.JSON(409, `{"statusCode":409,"name":"concurrent_idempotent_requests","message":"Same idempotency key used while original request is still in progress."}`), notify.Retryable, "concurrent_idempotent_requests", 0, "in progress"},
		{"rate limit", httpsendtest.Reply{Status: 429, Header: map[string]string{"Content-Type": "application/json", "ratelimit-limit": "2", "ratelimit-remaining": "0", "ratelimit-reset": "1", "retry-after": "1"},
			Body: `{"statusCode":429,"name":"rate_limit_exceeded","message":"Too many requests. You can only make 2 requests per second."}`}, notify.Retryable, "rate_limit_exceeded", time.Second, "2 requests per second"},
		{"rate limit, reset only", httpsendtest.Reply{Status: 429, Header: map[string]string{"ratelimit-reset": "4"},
			Body: `{"statusCode":429,"name":"rate_limit_exceeded","message":"Too many requests."}`}, notify.Retryable, "rate_limit_exceeded", 4 * time.Second, "Too many"},
		{"daily quota", httpsendtest.Reply{Status: 429, Header: map[string]string{"retry-after": "3600"},
			Body: `{"statusCode":429,"name":"daily_quota_exceeded","message":"You have reached your daily email sending quota."}`}, notify.Retryable, "daily_quota_exceeded", time.Hour, "daily"},
		{"monthly quota", httpsendtest.JSON(429, `{"statusCode":429,"name":"monthly_quota_exceeded","message":"You have reached your monthly email sending quota."}`), notify.Permanent, "monthly_quota_exceeded", 0, "monthly"},
		{"application error", httpsendtest.JSON(500, `{"statusCode":500,"name":"application_error","message":"An unexpected error occurred."}`), notify.Retryable, "application_error", 0, "unexpected"},
		{"gateway page", httpsendtest.Reply{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}, notify.Retryable, "", 0, "502 Bad Gateway"},
		{"unknown name, by status", httpsendtest.JSON(418, `{"statusCode":418,"name":"teapot","message":"short and stout"}`), notify.Permanent, "teapot", 0, "short and stout"},
		{"200 without an id", httpsendtest.JSON(200, `{}`), notify.Unknown, "", 0, "without an id"},
		{"200 that does not parse", httpsendtest.Reply{Status: 200, Body: "<html>ok</html>"}, notify.Unknown, "", 0, "does not parse"},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, "", 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			p := newProvider(t, srv)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			_, err := p.Send(t.Context(), message())
			httpsendtest.FailsAs(t, err, c.class, c.code, c.wait, c.reason)
		})
	}
}

func TestSendInvalid(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(200, `{"id":"x"}`) })
	p := newProvider(t, srv)
	httpsendtest.RefusesInvalid(t, p, message, []httpsendtest.Invalid{
		{Name: "address without @", Edit: func(m *notify.Message) { m.To = "rahim.example.com" }},
		{Name: "two addresses", Edit: func(m *notify.Message) { m.To = "a@example.com, b@example.com" }},
		{Name: "phone number", Edit: func(m *notify.Message) { m.To = "+8801712345678" }},
		{Name: "no subject", Edit: func(m *notify.Message) { m.Subject = "" }},
		{Name: "subject with a line break", Edit: func(m *notify.Message) { m.Subject = "a\nb" }},
		{Name: "no body", Edit: func(m *notify.Message) { m.Text, m.HTML = "", "" }},
		{Name: "over 40 MB", Edit: func(m *notify.Message) { m.Text = strings.Repeat("x", 40<<20) }},
		{Name: "push", Edit: func(m *notify.Message) { m.Channel = notify.Push }},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		cfg   Config
		field string
	}{
		{Config{From: "a@example.com"}, "APIKey"},
		{Config{APIKey: "k", From: "nope"}, "From"},
		{Config{APIKey: "k", From: "a@example.com", ReplyTo: "nope"}, "ReplyTo"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), "Config."+c.field) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(200, `{"id":"x"}`, "", "")
	f.Add(200, `{}`, "", "")
	f.Add(429, `{"statusCode":429,"name":"rate_limit_exceeded","message":"m"}`, "1", "2")
	f.Add(409, `{"statusCode":409,"name":"concurrent_idempotent_requests"}`, "", "")
	f.Add(500, `{"statusCode":"500"}`, "x", "1.5")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter, reset string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{"Retry-After": {retryAfter}, "Ratelimit-Reset": {reset}}, Body: []byte(body)}
		r, err := classify(a, now)
		if err == nil {
			if status < 200 || status > 299 || r.ID == "" || r.Provider != "resend" {
				t.Fatalf("%d %q: receipt %+v", status, body, r)
			}
			return
		}
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
		if status >= 200 && status <= 299 && se.Class != notify.Unknown {
			t.Fatalf("%d %q: a 2xx without a receipt is %v", status, body, se.Class)
		}
	})
}
