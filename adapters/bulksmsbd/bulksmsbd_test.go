package bulksmsbd

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
	p, err := New(Config{APIKey: "key-ABC", SenderID: "8809617612345", BaseURL: srv.URL, HTTPClient: c, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func message() *notify.Message {
	return &notify.Message{Key: "milestone/dhaka-tower/roof", Channel: notify.SMS, To: "+8801812345678", Text: "মাইলফলক অর্জিত: ছাদ ঢালাই সম্পন্ন (Roof slab done)"}
}

const success = `{"response_code":202,"message_id":51456873,"success_message":"SMS Submitted Successfully","error_message":""}`

func TestSend(t *testing.T) {
	srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return httpsendtest.JSON(200, success) })
	p := newProvider(t, srv)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "bulksmsbd", ID: "51456873"}) {
		t.Errorf("receipt %+v", r)
	}
	q := srv.Requests()[0]
	if q.Method != "POST" || q.Path != "/api/smsapi" || q.RawQuery != "" {
		t.Errorf("%s %s?%s", q.Method, q.Path, q.RawQuery)
	}
	if got := q.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", got)
	}
	// The API key in the body, not the URL; Bangla as percent-encoded
	// UTF-8; the number without the plus.
	want := "api_key=key-ABC&message=%E0%A6%AE%E0%A6%BE%E0%A6%87%E0%A6%B2%E0%A6%AB%E0%A6%B2%E0%A6%95+%E0%A6%85%E0%A6%B0%E0%A7%8D%E0%A6%9C%E0%A6%BF%E0%A6%A4%3A+" +
		"%E0%A6%9B%E0%A6%BE%E0%A6%A6+%E0%A6%A2%E0%A6%BE%E0%A6%B2%E0%A6%BE%E0%A6%87+%E0%A6%B8%E0%A6%AE%E0%A7%8D%E0%A6%AA%E0%A6%A8%E0%A7%8D%E0%A6%A8+%28Roof+slab+done%29" +
		"&number=8801812345678&senderid=8809617612345&type=text"
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
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
		receipt string
	}{
		{"invalid number, HTTP 200", httpsendtest.JSON(200, `{"response_code":1001,"error_message":"Invalid Number"}`), notify.Permanent, "1001", 0, "Invalid Number", ""},
		{"sender id", httpsendtest.JSON(200, `{"response_code":1002,"error_message":"sender id not correct/sender id is disabled"}`), notify.Permanent, "1002", 0, "sender id not correct", ""},
		{"balance", httpsendtest.JSON(200, `{"response_code":1007,"error_message":"Balance Insufficient"}`), notify.Permanent, "1007", 0, "Balance Insufficient", ""},
		{"masking in Bengali", httpsendtest.JSON(200, `{"response_code":1012}`), notify.Permanent, "1012", 0, "masking SMS must be sent in Bengali", ""},
		{"internal error", httpsendtest.JSON(200, `{"response_code":1005,"error_message":"Internal Error"}`), notify.Retryable, "1005", 0, "Internal Error", ""},
		{"code not published", httpsendtest.JSON(200, `{"response_code":1032,"error_message":"IP Not whitelisted"}`), notify.Retryable, "1032", 0, "IP Not whitelisted", ""},
		{"code as a string", httpsendtest.JSON(200, `{"response_code":"1007","error_message":"Balance Insufficient"}`), notify.Permanent, "1007", 0, "Balance Insufficient", ""},
		{"bare code", httpsendtest.Reply{Status: 200, Body: "1003"}, notify.Permanent, "1003", 0, "a required field is missing", ""},
		{"bare 202", httpsendtest.Reply{Status: 200, Body: "202\n"}, 0, "", 0, "", "-"},
		{"message_id as a string", httpsendtest.JSON(200, `{"response_code":202,"message_id":"A-9","success_message":"SMS Submitted Successfully"}`), 0, "", 0, "", "A-9"},
		{"no message_id", httpsendtest.JSON(200, `{"response_code":202,"success_message":"SMS Submitted Successfully"}`), 0, "", 0, "", "-"},
		{"no code", httpsendtest.JSON(200, `{"success_message":"ok"}`), notify.Unknown, "", 0, "without a response_code", ""},
		{"null code", httpsendtest.JSON(200, `{"response_code":null}`), notify.Unknown, "", 0, "without a response_code", ""},
		{"HTML page", httpsendtest.Reply{Status: 200, Body: "<html>maintenance</html>"}, notify.Unknown, "", 0, "does not parse", ""},
		{"202 in a 403", httpsendtest.JSON(403, success), notify.Permanent, "202", 0, "HTTP 403", ""},
		{"HTTP 404 page", httpsendtest.Reply{Status: 404, Body: "<html>Not Found</html>"}, notify.Permanent, "", 0, "does not parse", ""},
		{"rate limited", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "10"}}, notify.Retryable, "", 10 * time.Second, "Too Many Requests", ""},
		{"bad gateway", httpsendtest.Reply{Status: 502, Body: "<html>502 Bad Gateway</html>"}, notify.Retryable, "", 0, "502 Bad Gateway", ""},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, "", 0, "", ""},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, "", 0, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httpsendtest.New(t, false, func(httpsendtest.Request) httpsendtest.Reply { return c.reply })
			p := newProvider(t, srv)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			r, err := p.Send(t.Context(), message())
			if c.receipt != "" {
				want := strings.TrimPrefix(c.receipt, "-")
				if err != nil || r != (notify.Receipt{Provider: "bulksmsbd", ID: want}) {
					t.Fatalf("%+v, %v: want a receipt with id %q", r, err, want)
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
		{Name: "local form", Edit: func(m *notify.Message) { m.To = "01812345678" }},
		{Name: "foreign number", Edit: func(m *notify.Message) { m.To = "+447911123456" }},
		{Name: "a digit short", Edit: func(m *notify.Message) { m.To = "+880181234567" }},
		{Name: "no text", Edit: func(m *notify.Message) { m.Text = "" }},
		{Name: "push channel", Edit: func(m *notify.Message) { m.Channel = notify.Push }},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid messages", n)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Config{SenderID: "S"}); err == nil || !strings.Contains(err.Error(), "Config.APIKey") {
		t.Errorf("no key: %v", err)
	}
	if _, err := New(Config{APIKey: "K"}); err == nil || !strings.Contains(err.Error(), "Config.SenderID") {
		t.Errorf("no sender: %v", err)
	}
}

// FuzzClassify: any answer is a receipt or a SendError of a known class,
// never a panic; a receipt only for response code 202 with a 2xx status.
func FuzzClassify(f *testing.F) {
	f.Add(200, success)
	f.Add(200, `{"response_code":1005}`)
	f.Add(200, `202`)
	f.Add(200, `{"response_code":"202","message_id":null}`)
	f.Add(500, `{"response_code":202}`)
	f.Add(200, `{"response_code":[202]}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{}, Body: []byte(body)}
		r, err := classify(a, now)
		if err == nil {
			// Checked without the parser under test: a receipt needs a 2xx
			// status and the success code somewhere in the body.
			if r.Provider != "bulksmsbd" || status < 200 || status > 299 || !strings.Contains(body, strconv.Itoa(accepted)) {
				t.Fatalf("%d %q: receipt %+v", status, body, r)
			}
			return
		}
		se, isSE := errors.AsType[*notify.SendError](err)
		if !isSE || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
	})
}
