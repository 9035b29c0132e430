package sslwireless

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
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
	p, err := New(Config{APIToken: "token-1234", SID: "CRITPATHBRAND", BaseURL: srv.URL, HTTPClient: c, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func message() *notify.Message {
	return &notify.Message{Key: "wx-2027-07-12-tower", Channel: notify.SMS, To: "+8801712345678", Text: "আবহাওয়া সতর্কতা: কাল ভারী বৃষ্টি, ঢালাই বন্ধ রাখুন।"}
}

// success is the gateway's answer to an accepted message, in the shape
// integrators publish it.
const success = `{"status":"SUCCESS","status_code":200,"error_message":"","smsinfo":[{"sms_status":"SUCCESS","status_message":"Success",` +
	`"msisdn":"8801712345678","sms_type":"BN","sms_body":"আবহাওয়া সতর্কতা: কাল ভারী বৃষ্টি, ঢালাই বন্ধ রাখুন।","csms_id":"wx-2027-07-12-tower","reference_id":"644f9ad37a867181381"}]}`

func TestSend(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(200, success) })
	p := newProvider(t, srv)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "sslwireless", ID: "644f9ad37a867181381"}) {
		t.Errorf("receipt %+v", r)
	}
	q := srv.Requests()[0]
	if q.Method != "POST" || q.Path != "/api/v3/send-sms" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	if got := q.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	want := `{"api_token":"token-1234","sid":"CRITPATHBRAND","msisdn":"8801712345678",` +
		`"sms":"আবহাওয়া সতর্কতা: কাল ভারী বৃষ্টি, ঢালাই বন্ধ রাখুন।","csms_id":"wx-2027-07-12-tower"}`
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
	}
}

// TestSendKeys: the csms_id of a message tried again is the same; a
// message without a key gets a fresh one each time.
func TestSendKeys(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(200, success) })
	p := newProvider(t, srv)
	long := message()
	long.Key = "deadline/dhaka-tower/task-17/2027-07-12/+8801712345678"
	none := message()
	none.Key = ""
	for _, m := range []*notify.Message{long, long, none, none} {
		if _, err := p.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, q := range srv.Requests() {
		var r request
		if err := json.Unmarshal(q.Body, &r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.CSMSID)
	}
	shape := regexp.MustCompile(`^[A-Za-z0-9_-]{1,20}$`)
	for _, id := range ids {
		if !shape.MatchString(id) {
			t.Errorf("csms_id %q", id)
		}
	}
	if ids[0] != ids[1] || ids[2] == ids[3] || ids[0] == ids[2] {
		t.Errorf("csms_ids %q", ids)
	}
}

func TestCSMSID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"abc-DEF_123", "abc-DEF_123"},
		{"12345678901234567890", "12345678901234567890"},
		// sha256sum of the key, its first 20 hex digits, worked out
		// apart from the code.
		{"123456789012345678901", "84ed10bcfb6360d89f00"},
		{"a/b", "c14cddc033f64b9dea80"},
	} {
		if got := CSMSID(c.in); got != c.want {
			t.Errorf("CSMSID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSendFailures(t *testing.T) {
	for _, c := range []struct {
		name    string
		reply   httpsendtest.Reply
		class   notify.Class
		code    string
		wait    time.Duration
		reason  string
		receipt bool
	}{
		{"IP blacklisted, HTTP 200", httpsendtest.JSON(200, `{"status":"FAILED","status_code":4003,"error_message":"IP Blacklisted"}`), notify.Permanent, "4003", 0, "IP Blacklisted", false},
		{"token missing, HTTP 200", httpsendtest.JSON(200, `{"status":"FAILED","status_code":4022,"error_message":"The api token field is required."}`), notify.Permanent, "4022", 0, "api token field", false},
		{"unauthorized", httpsendtest.JSON(200, `{"status":"FAILED","status_code":4001,"error_message":"Unauthorized"}`), notify.Permanent, "4001", 0, "Unauthorized", false},
		{"code as a string", httpsendtest.JSON(200, `{"status":"FAILED","status_code":"4003","error_message":"IP Blacklisted"}`), notify.Permanent, "4003", 0, "IP Blacklisted", false},
		{"other code", httpsendtest.JSON(200, `{"status":"FAILED","status_code":5000,"error_message":"Something went wrong"}`), notify.Retryable, "5000", 0, "went wrong", false},
		{"no code", httpsendtest.JSON(200, `{"status":"FAILED","error_message":"Operator unreachable"}`), notify.Retryable, "", 0, "Operator unreachable", false},
		{"message refused inside success", httpsendtest.JSON(200, `{"status":"SUCCESS","status_code":200,"error_message":"","smsinfo":[{"sms_status":"FAILED","status_message":"Invalid Mobile Number","msisdn":"8801712345678","csms_id":"x"}]}`),
			notify.Permanent, "200", 0, "Invalid Mobile Number", false},
		{"duplicate csms_id", httpsendtest.JSON(200, `{"status":"FAILED","status_code":4025,"error_message":"Duplicate CSMS ID"}`), 0, "", 0, "", true},
		{"body that does not parse", httpsendtest.Reply{Status: 200, Body: "<html>Login</html>"}, notify.Unknown, "", 0, "does not parse", false},
		{"neither SUCCESS nor FAILED", httpsendtest.JSON(200, `{"status":"PENDING"}`), notify.Unknown, "", 0, "neither", false},
		{"empty body", httpsendtest.Reply{Status: 200}, notify.Unknown, "", 0, "does not parse", false},
		{"rate limited", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "60"}}, notify.Retryable, "", time.Minute, "Too Many Requests", false},
		{"server error", httpsendtest.Reply{Status: 500, Body: "Internal Server Error"}, notify.Retryable, "", 0, "Internal Server Error", false},
		{"HTTP 401 with a body", httpsendtest.JSON(401, `{"status":"FAILED","status_code":4001,"error_message":"Unauthorized"}`), notify.Permanent, "4001", 0, "Unauthorized", false},
		{"SUCCESS with HTTP 403", httpsendtest.JSON(403, success), notify.Permanent, "", 0, "SUCCESS with HTTP 403", false},
		{"HTTP 404 page", httpsendtest.Reply{Status: 404, Body: "Not Found"}, notify.Permanent, "", 0, "does not parse", false},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, "", 0, "", false},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, "", 0, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			p := newProvider(t, srv)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			r, err := p.Send(t.Context(), message())
			if c.receipt {
				if err != nil || r.Provider != "sslwireless" {
					t.Fatalf("%+v, %v: want a receipt", r, err)
				}
				return
			}
			httpsendtest.FailsAs(t, err, c.class, c.code, c.wait, c.reason)
		})
	}
}

func TestSendInvalid(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(200, success) })
	p := newProvider(t, srv)
	httpsendtest.RefusesInvalid(t, p, message, []httpsendtest.Invalid{
		{Name: "local form", Edit: func(m *notify.Message) { m.To = "01712345678" }},
		{Name: "without +", Edit: func(m *notify.Message) { m.To = "8801712345678" }},
		{Name: "Indian number", Edit: func(m *notify.Message) { m.To = "+919812345678" }},
		{Name: "land line", Edit: func(m *notify.Message) { m.To = "+88029123456" }},
		{Name: "no operator 012", Edit: func(m *notify.Message) { m.To = "+8801212345678" }},
		{Name: "no text", Edit: func(m *notify.Message) { m.Text = "" }},
		{Name: "email channel", Edit: func(m *notify.Message) { m.Channel = notify.Email }},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Config{SID: "S"}); err == nil || !strings.Contains(err.Error(), "Config.APIToken") {
		t.Errorf("no token: %v", err)
	}
	if _, err := New(Config{APIToken: "T"}); err == nil || !strings.Contains(err.Error(), "Config.SID") {
		t.Errorf("no SID: %v", err)
	}
}

// FuzzClassify: any answer is a receipt or a SendError of a known class,
// never a panic; an HTTP 200 saying FAILED is never a receipt unless it
// names a duplicate, and one that does not parse is of unknown outcome.
func FuzzClassify(f *testing.F) {
	f.Add(200, success)
	f.Add(200, `{"status":"FAILED","status_code":4003,"error_message":"IP Blacklisted"}`)
	f.Add(200, `{"status":"SUCCESS","smsinfo":[{"sms_status":"FAILED"}]}`)
	f.Add(200, `{"status":"FAILED","status_code":[1]}`)
	f.Add(503, ``)
	f.Add(200, `{"status":"SUCCESS","smsinfo":null}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{}, Body: []byte(body)}
		r, err := classify(a, now)
		var probe answer
		parses := json.Unmarshal([]byte(body), &probe) == nil
		if err == nil {
			if r.Provider != "sslwireless" || status == 429 || status >= 500 || !parses || (probe.Status == "SUCCESS" && (status < 200 || status > 299)) {
				t.Fatalf("%d %q: receipt %+v", status, body, r)
			}
			if probe.Status == "FAILED" && !strings.Contains(strings.ToLower(probe.ErrorMessage), "duplicate") {
				t.Fatalf("%d %q: a FAILED answer taken", status, body)
			}
			return
		}
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
		if status == 200 && !parses && se.Class != notify.Unknown {
			t.Fatalf("%d %q: a body that does not parse is %v", status, body, se.Class)
		}
	})
}
