package twilio

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/httpsend/httpsendtest"
	"github.com/critpath/critpath/notify"
)

var now = time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)

const accountSID = "AC0123456789abcdef0123456789abcdef"

func newProvider(t *testing.T, srv *httpsendtest.Server, edit func(*Config)) *Provider {
	t.Helper()
	c := srv.Client()
	c.Timeout = 2 * time.Second
	cfg := Config{AccountSID: accountSID, AuthToken: "auth-token", From: "+15005550006",
		BaseURL: srv.URL, HTTPClient: c, Now: func() time.Time { return now }}
	if edit != nil {
		edit(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func message() *notify.Message {
	return &notify.Message{Key: "weather/dhaka-tower/2027-07-12", Channel: notify.SMS, To: "+8801712345678", Text: "ঢালাই কাল ৯টায় & 50% বৃষ্টি"}
}

const created = `{"account_sid":"` + accountSID + `","api_version":"2010-04-01","body":"ঢালাই কাল ৯টায় & 50% বৃষ্টি",` +
	`"date_created":"Sun, 11 Jul 2027 09:00:00 +0000","direction":"outbound-api","error_code":null,"error_message":null,` +
	`"from":"+15005550006","num_segments":"1","price":null,"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","status":"queued","to":"+8801712345678",` +
	`"uri":"/2010-04-01/Accounts/` + accountSID + `/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json"}`

func TestSend(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(201, created) })
	p := newProvider(t, srv, nil)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "twilio", ID: "SM1f0e8ae6ade43cb3c0ce4525424e404f"}) {
		t.Errorf("receipt %+v", r)
	}
	q := srv.Requests()[0]
	if q.Method != "POST" || q.Path != "/2010-04-01/Accounts/"+accountSID+"/Messages.json" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	if q.User != accountSID || q.Password != "auth-token" {
		t.Errorf("basic auth %q:%q", q.User, q.Password)
	}
	if got := q.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", got)
	}
	// Bangla as percent-encoded UTF-8, the & and % of the text escaped.
	want := "Body=%E0%A6%A2%E0%A6%BE%E0%A6%B2%E0%A6%BE%E0%A6%87+%E0%A6%95%E0%A6%BE%E0%A6%B2+%E0%A7%AF%E0%A6%9F%E0%A6%BE%E0%A6%AF%E0%A6%BC+%26+50%25+%E0%A6%AC%E0%A7%83%E0%A6%B7%E0%A7%8D%E0%A6%9F%E0%A6%BF" +
		"&From=%2B15005550006&To=%2B8801712345678"
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
	}
}

func TestSendAPIKeyAndService(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(201, created) })
	p := newProvider(t, srv, func(c *Config) {
		c.AuthToken, c.APIKeySID, c.APIKeySecret = "", "SK0123", "secret"
		c.From, c.MessagingServiceSID = "", "MG0123"
		c.StatusCallback = "https://critpath.example/twilio/status"
	})
	m := message()
	m.Text = "Slab 3 pour tomorrow"
	if _, err := p.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	q := srv.Requests()[0]
	if q.User != "SK0123" || q.Password != "secret" {
		t.Errorf("basic auth %q:%q", q.User, q.Password)
	}
	want := "Body=Slab+3+pour+tomorrow&MessagingServiceSid=MG0123&StatusCallback=https%3A%2F%2Fcritpath.example%2Ftwilio%2Fstatus&To=%2B8801712345678"
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
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
		{"invalid To", httpsendtest.JSON(400, `{"code":21211,"message":"The 'To' number +8801712345678 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`),
			notify.Permanent, "21211", 0, "not a valid phone number"},
		{"region", httpsendtest.JSON(400, `{"code":21408,"message":"Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +8801712345678.","more_info":"https://www.twilio.com/docs/errors/21408","status":400}`),
			notify.Permanent, "21408", 0, "region"},
		{"unsubscribed", httpsendtest.JSON(400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`), notify.Permanent, "21610", 0, "unsubscribed"},
		{"credentials", httpsendtest.JSON(401, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`), notify.Permanent, "20003", 0, "Authenticate"},
		{"too many requests", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "2"}, Body: `{"code":20429,"message":"Too Many Requests","status":429}`},
			notify.Retryable, "20429", 2 * time.Second, "Too Many Requests"},
		{"queue full", httpsendtest.JSON(400, `{"code":21611,"message":"This 'From' number has exceeded the maximum number of queued messages","status":400}`), notify.Retryable, "21611", 0, "queued messages"},
		{"server error", httpsendtest.JSON(500, `{"code":20500,"message":"Internal Server Error","status":500}`), notify.Retryable, "20500", 0, "Internal Server Error"},
		{"unavailable page", httpsendtest.Reply{Status: 503, Header: map[string]string{"Retry-After": "Sun, 11 Jul 2027 09:01:00 GMT"}, Body: "<html>down</html>"},
			notify.Retryable, "", time.Minute, "<html>down</html>"},
		{"failed at creation", httpsendtest.JSON(201, `{"sid":"SM2","status":"failed","error_code":30008,"error_message":"Unknown error"}`), notify.Permanent, "30008", 0, "SM2 failed: Unknown error"},
		{"created, body does not parse", httpsendtest.Reply{Status: 201, Body: `{"sid":"SM3",`}, notify.Unknown, "", 0, "does not parse"},
		{"created without a sid", httpsendtest.JSON(201, `{"status":"queued"}`), notify.Unknown, "", 0, "without a sid"},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, "", 0, ""},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, "", 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			p := newProvider(t, srv, nil)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			_, err := p.Send(t.Context(), message())
			httpsendtest.FailsAs(t, err, c.class, c.code, c.wait, c.reason)
		})
	}
}

func TestSendInvalid(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(201, created) })
	p := newProvider(t, srv, nil)
	httpsendtest.RefusesInvalid(t, p, message, []httpsendtest.Invalid{
		{Name: "local number", Edit: func(m *notify.Message) { m.To = "01712345678" }},
		{Name: "spaces", Edit: func(m *notify.Message) { m.To = "+880 1712 345678" }},
		{Name: "email address", Edit: func(m *notify.Message) { m.To = "rahim@example.com" }},
		{Name: "too short", Edit: func(m *notify.Message) { m.To = "+8801" }},
		{Name: "no text", Edit: func(m *notify.Message) { m.Text = "" }},
		{Name: "1,601 characters", Edit: func(m *notify.Message) { m.Text = strings.Repeat("ক", 1601) }},
		{Name: "801 emoji, 1,602 UTF-16 units", Edit: func(m *notify.Message) { m.Text = strings.Repeat("🏗", 801) }},
		{Name: "email channel", Edit: func(m *notify.Message) { m.Channel = notify.Email }},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
	m := message()
	m.Text = strings.Repeat("ক", 1600)
	if _, err := p.Send(t.Context(), m); err != nil {
		t.Errorf("1,600 characters: %v", err)
	}
}

func TestNew(t *testing.T) {
	for _, c := range []struct {
		cfg   Config
		field string
	}{
		{Config{AuthToken: "t", From: "+1"}, "AccountSID"},
		{Config{AccountSID: accountSID, From: "+1"}, "AuthToken"},
		{Config{AccountSID: accountSID, APIKeySID: "SK1", From: "+1"}, "APIKeySecret"},
		{Config{AccountSID: accountSID, AuthToken: "t"}, "From"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), "Config."+c.field) {
			t.Errorf("New(%+v) = %v, want an error naming %s", c.cfg, err, c.field)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(201, created, "")
	f.Add(201, `{"sid":"SM1","status":"failed","error_code":30008}`, "")
	f.Add(400, `{"code":21211,"message":"m","status":400}`, "")
	f.Add(429, `{"code":20429}`, "7")
	f.Add(400, `{"code":"21211"}`, "")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{"Retry-After": {retryAfter}}, Body: []byte(body)}
		r, err := classify(a, now)
		if err == nil {
			if status < 200 || status > 299 || r.ID == "" {
				t.Fatalf("%d %q: receipt %+v", status, body, r)
			}
			return
		}
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
	})
}
