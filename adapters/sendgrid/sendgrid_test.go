package sendgrid

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
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
		APIKey: "SG.test-key", From: "Critpath <notify@critpath.example>", ReplyTo: "site-office@critpath.example",
		BaseURL: srv.URL, HTTPClient: c, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func message() *notify.Message {
	return &notify.Message{
		Key: "task-assigned/dhaka-tower/42/rahim", Channel: notify.Email, To: "Rahim Uddin <rahim@example.com.bd>",
		Subject: "কাজ বরাদ্দ: ভিত্তি ঢালাই", Text: "আপনাকে \"ভিত্তি ঢালাই\" কাজটি দেওয়া হয়েছে।", HTML: "<p>আপনাকে <b>ভিত্তি ঢালাই</b> কাজটি দেওয়া হয়েছে।</p>",
	}
}

func TestSend(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply {
		return httpsendtest.Reply{Status: http.StatusAccepted, Header: map[string]string{"X-Message-Id": "W2nT4xq5Q0mJbSz1vC7m1A"}}
	})
	p := newProvider(t, srv)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "sendgrid", ID: "W2nT4xq5Q0mJbSz1vC7m1A"}) {
		t.Errorf("receipt %+v", r)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	q := reqs[0]
	if q.Method != "POST" || q.Path != "/v3/mail/send" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	for k, want := range map[string]string{"Authorization": "Bearer SG.test-key", "Content-Type": "application/json"} {
		if got := q.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	// The body byte for byte: Bangla as UTF-8 (not \u escapes), the
	// plain text before the HTML, the key in custom_args.
	want := `{"personalizations":[{"to":[{"email":"rahim@example.com.bd","name":"Rahim Uddin"}]}],` +
		`"from":{"email":"notify@critpath.example","name":"Critpath"},"reply_to":{"email":"site-office@critpath.example"},` +
		`"subject":"কাজ বরাদ্দ: ভিত্তি ঢালাই",` +
		`"content":[{"type":"text/plain","value":"আপনাকে \"ভিত্তি ঢালাই\" কাজটি দেওয়া হয়েছে।"},` +
		`{"type":"text/html","value":"\u003cp\u003eআপনাকে \u003cb\u003eভিত্তি ঢালাই\u003c/b\u003e কাজটি দেওয়া হয়েছে।\u003c/p\u003e"}],` +
		`"custom_args":{"critpath_key":"task-assigned/dhaka-tower/42/rahim"}}`
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
	}
}

func TestSendTextOnly(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.Reply{Status: 202} })
	p := newProvider(t, srv)
	m := &notify.Message{To: "karim@example.com", Subject: "Deadline", Text: "Slab 3 is due Thursday."}
	if _, err := p.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	body := string(srv.Requests()[0].Body)
	if !strings.Contains(body, `"content":[{"type":"text/plain","value":"Slab 3 is due Thursday."}]`) || strings.Contains(body, "custom_args") {
		t.Errorf("body %s", body)
	}
}

func TestSendFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  httpsendtest.Reply
		class  notify.Class
		wait   time.Duration
		reason string
	}{
		{"bad address", httpsendtest.JSON(400, `{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":"http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to"}]}`),
			notify.Permanent, 0, "personalizations.0.to.0.email: Does not contain a valid address."},
		{"two errors", httpsendtest.JSON(400, `{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null},{"message":"x","field":null}]}`),
			notify.Permanent, 0, "from: The from address does not match a verified Sender Identity.; x"},
		{"bad key", httpsendtest.JSON(401, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}`),
			notify.Permanent, 0, "authorization grant is invalid"},
		{"no permission", httpsendtest.JSON(403, `{"errors":[{"message":"access forbidden","field":null,"help":null}]}`), notify.Permanent, 0, "access forbidden"},
		{"too large", httpsendtest.JSON(413, `{"errors":[{"message":"too big"}]}`), notify.Permanent, 0, "too big"},
		{"rate limit with reset", httpsendtest.Reply{Status: 429, Header: map[string]string{
			"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+37, 10)},
			Body: `{"errors":[{"field":null,"message":"too many requests"}]}`}, notify.Retryable, 37 * time.Second, "too many requests"},
		{"rate limit with Retry-After", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "5", "X-RateLimit-Reset": strconv.FormatInt(now.Unix()+37, 10)}},
			notify.Retryable, 5 * time.Second, "Too Many Requests"},
		{"server error", httpsendtest.JSON(500, `{"errors":[{"field":null,"message":"internal error"}]}`), notify.Retryable, 0, "internal error"},
		{"unavailable", httpsendtest.Reply{Status: 503, Header: map[string]string{"Retry-After": "30"}, Body: "<html>Service Unavailable</html>"},
			notify.Retryable, 30 * time.Second, "<html>Service Unavailable</html>"},
		{"bad gateway, no body", httpsendtest.Reply{Status: 502}, notify.Retryable, 0, "Bad Gateway"},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, 0, ""},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			p := newProvider(t, srv)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			_, err := p.Send(t.Context(), message())
			se, ok := errors.AsType[*notify.SendError](err)
			if !ok {
				t.Fatalf("%v is not a SendError", err)
			}
			if se.Class != c.class || se.RetryAfter != c.wait || se.Provider != "sendgrid" {
				t.Errorf("got %v (wait %v), want %v (wait %v)", se, se.RetryAfter, c.class, c.wait)
			}
			if se.Status != c.reply.Status && !c.reply.Hang && !c.reply.Reset {
				t.Errorf("status %d, want %d", se.Status, c.reply.Status)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("%q does not say %q", err, c.reason)
			}
		})
	}
}

func TestSendServerDown(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.Reply{Status: 202} })
	p := newProvider(t, srv)
	srv.Close()
	_, err := p.Send(t.Context(), message())
	if notify.ClassOf(err) != notify.Retryable {
		t.Errorf("%v: want retryable", err)
	}
}

// TestSendInvalid: refused before any request.
func TestSendInvalid(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.Reply{Status: 202} })
	p := newProvider(t, srv)
	httpsendtest.RefusesInvalid(t, p, message, []httpsendtest.Invalid{
		{Name: "address without @", Edit: func(m *notify.Message) { m.To = "rahim.example.com" }},
		{Name: "empty address", Edit: func(m *notify.Message) { m.To = "" }},
		{Name: "two addresses", Edit: func(m *notify.Message) { m.To = "a@example.com, b@example.com" }},
		{Name: "address with a line break", Edit: func(m *notify.Message) { m.To = "a@example.com\r\nBcc: x@example.com" }},
		{Name: "phone number", Edit: func(m *notify.Message) { m.To = "+8801712345678" }},
		{Name: "no subject", Edit: func(m *notify.Message) { m.Subject = " " }},
		{Name: "subject with a line break", Edit: func(m *notify.Message) { m.Subject = "a\r\nBcc: x@example.com" }},
		{Name: "no body", Edit: func(m *notify.Message) { m.Text, m.HTML = "", "" }},
		{Name: "over 30 MB", Edit: func(m *notify.Message) { m.HTML = strings.Repeat("x", 30<<20) }},
		{Name: "SMS", Edit: func(m *notify.Message) { m.Channel = notify.SMS }},
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
		{Config{APIKey: "k"}, "From"},
		{Config{APIKey: "k", From: "not an address"}, "From"},
		{Config{APIKey: "k", From: "a@example.com", ReplyTo: "nope"}, "ReplyTo"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), "Config."+c.field) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
}

// FuzzClassify: any answer is a receipt (2xx) or a SendError of a known
// class with a wait that is not negative, and never a panic.
func FuzzClassify(f *testing.F) {
	f.Add(202, "", "", "")
	f.Add(400, `{"errors":[{"message":"m","field":"f"}]}`, "", "")
	f.Add(429, `{"errors":[]}`, "3", "1815296437")
	f.Add(500, `<html>`, "Sun, 11 Jul 2027 09:00:30 GMT", "")
	f.Add(400, `{"errors":[{"message":1}]}`, "", "x")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter, reset string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{"Retry-After": {retryAfter}, "X-Ratelimit-Reset": {reset}}, Body: []byte(body)}
		r, err := classify(a, now)
		if status >= 200 && status <= 299 {
			if err != nil || r.Provider != "sendgrid" {
				t.Fatalf("%d: %v, %v", status, r, err)
			}
			return
		}
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 || se.Status != status {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
		if se.Class != notify.Retryable && se.RetryAfter != 0 {
			t.Fatalf("a wait on a %v error", se.Class)
		}
	})
}
