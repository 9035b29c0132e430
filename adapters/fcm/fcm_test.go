package fcm

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/internal/httpsend/httpsendtest"
	"github.com/critpath/critpath/notify"
)

var start = time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// clock is a settable clock.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// google is a fake of Google's token endpoint and of FCM: the token
// endpoint checks the assertion's signature and claims and hands out
// numbered tokens; FCM takes the latest token only and answers as fcm
// says.
type google struct {
	t      *testing.T
	clock  *clock
	tokens *httpsendtest.Server
	fcm    *httpsendtest.Server

	mu     sync.Mutex
	issued int
	valid  string
	// token, when set, answers the token endpoint instead.
	token func() httpsendtest.Reply
	// answer answers FCM's requests that carry the valid token.
	answer func(n int) httpsendtest.Reply
	sends  int
}

func newGoogle(t *testing.T, answer func(n int) httpsendtest.Reply) *google {
	g := &google{t: t, clock: &clock{}, answer: answer}
	g.clock.t.Store(start.UnixNano())
	g.tokens = httpsendtest.New(t, true, g.issue)
	g.fcm = httpsendtest.New(t, true, g.send)
	return g
}

func (g *google) issue(q httpsendtest.Request) httpsendtest.Reply {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.token != nil {
		return g.token()
	}
	if q.Method != "POST" || q.Path != "/token" || q.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		return httpsendtest.JSON(400, `{"error":"invalid_request","error_description":"bad request line or content type"}`)
	}
	form, err := url.ParseQuery(string(q.Body))
	if err != nil || form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		return httpsendtest.JSON(400, `{"error":"unsupported_grant_type","error_description":"Invalid grant_type"}`)
	}
	if err := g.check(form.Get("assertion")); err != nil {
		return httpsendtest.JSON(400, fmt.Sprintf(`{"error":"invalid_grant","error_description":%q}`, err.Error()))
	}
	g.issued++
	g.valid = fmt.Sprintf("ya29.token-%d", g.issued)
	return httpsendtest.JSON(200, fmt.Sprintf(`{"access_token":%q,"expires_in":3599,"token_type":"Bearer"}`, g.valid))
}

// check verifies an assertion as Google would: RS256 over header and
// claims with the account's key, the claims the account's, issued now.
func (g *google) check(jwt string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	enc := base64.RawURLEncoding
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("Invalid JWT Signature: %v", err)
	}
	var header map[string]string
	var claims map[string]any
	for k, v := range []any{&header, &claims} {
		b, err := enc.DecodeString(parts[k])
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return err
		}
	}
	if header["alg"] != "RS256" || header["typ"] != "JWT" || header["kid"] != "key-id-1" {
		return fmt.Errorf("header %v", header)
	}
	iat := float64(g.clock.now().Unix())
	want := map[string]any{
		"iss": "notify@critpath-test.iam.gserviceaccount.com", "scope": "https://www.googleapis.com/auth/firebase.messaging",
		"aud": g.tokens.URL + "/token", "iat": iat, "exp": iat + 3600,
	}
	if len(claims) != len(want) {
		return fmt.Errorf("claims %v, want %v", claims, want)
	}
	for k, v := range want {
		if claims[k] != v {
			return fmt.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	return nil
}

func (g *google) send(q httpsendtest.Request) httpsendtest.Reply {
	g.mu.Lock()
	defer g.mu.Unlock()
	if q.Header.Get("Authorization") != "Bearer "+g.valid {
		return httpsendtest.JSON(401, `{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.","status":"UNAUTHENTICATED"}}`)
	}
	g.sends++
	return g.answer(g.sends)
}

func (g *google) issuedCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.issued
}

func serviceAccountJSON(t *testing.T, tokenURI string) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(serviceAccount{
		Type: "service_account", ProjectID: "critpath-test", PrivateKeyID: "key-id-1",
		PrivateKey:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		ClientEmail: "notify@critpath-test.iam.gserviceaccount.com", TokenURI: tokenURI,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (g *google) provider(t *testing.T) *Provider {
	c := g.fcm.Client()
	c.Timeout = 2 * time.Second
	p, err := New(Config{ServiceAccount: serviceAccountJSON(t, g.tokens.URL+"/token"), BaseURL: g.fcm.URL, HTTPClient: c, Now: g.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	// Both fakes are TLS servers with their own certificates; one client
	// trusting both.
	tr := c.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs.AddCert(g.tokens.Certificate())
	c.Transport = tr
	return p
}

const deviceToken = "fYq3rTJ0Rk2v9kXf4nEw1c:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"

func message() *notify.Message {
	return &notify.Message{
		Key: "conflict/dhaka-tower/crane-1", Channel: notify.Push, To: deviceToken,
		Title: "সম্পদ দ্বন্দ্ব", Text: "টাওয়ার ক্রেন ১: ১৪ ও ১৫ জুলাই দুটি কাজে বরাদ্দ",
		Data: map[string]string{"project": "dhaka-tower", "kind": "resource_conflict"},
	}
}

func ok(n int) httpsendtest.Reply {
	return httpsendtest.JSON(200, fmt.Sprintf(`{"name":"projects/critpath-test/messages/0:150041531445527%d%%31bd1c9631bd1c96"}`, n))
}

func TestSend(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	r, err := p.Send(t.Context(), message())
	if err != nil {
		t.Fatal(err)
	}
	if r != (notify.Receipt{Provider: "fcm", ID: "projects/critpath-test/messages/0:1500415314455271%31bd1c9631bd1c96"}) {
		t.Errorf("receipt %+v", r)
	}
	q := g.fcm.Requests()[0]
	if q.Method != "POST" || q.Path != "/v1/projects/critpath-test/messages:send" {
		t.Errorf("%s %s", q.Method, q.Path)
	}
	for k, want := range map[string]string{"Authorization": "Bearer ya29.token-1", "Content-Type": "application/json; charset=utf-8"} {
		if got := q.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	want := `{"message":{"token":"` + deviceToken + `","notification":{"title":"সম্পদ দ্বন্দ্ব","body":"টাওয়ার ক্রেন ১: ১৪ ও ১৫ জুলাই দুটি কাজে বরাদ্দ"},` +
		`"data":{"kind":"resource_conflict","project":"dhaka-tower"}}}`
	if string(q.Body) != want {
		t.Errorf("body\n got %s\nwant %s", q.Body, want)
	}
}

// TestTokenKept: one token serves sends until five minutes before it
// expires; then a new one is fetched.
func TestTokenKept(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	send := func() {
		t.Helper()
		if _, err := p.Send(t.Context(), message()); err != nil {
			t.Fatal(err)
		}
	}
	send()
	send()
	g.clock.advance(3599*time.Second - refreshBefore - time.Second)
	send()
	if n := g.issuedCount(); n != 1 {
		t.Errorf("%d tokens issued before the refresh, want 1", n)
	}
	g.clock.advance(time.Second)
	send()
	if n := g.issuedCount(); n != 2 {
		t.Errorf("%d tokens issued after the refresh time, want 2", n)
	}
	if got := g.fcm.Requests()[3].Header.Get("Authorization"); got != "Bearer ya29.token-2" {
		t.Errorf("the send after the refresh used %q", got)
	}
}

// TestTokenShared: sends at once at the start fetch one token.
func TestTokenShared(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for k := range errs {
		wg.Go(func() { _, errs[k] = p.Send(t.Context(), message()) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := g.issuedCount(); n != 1 {
		t.Errorf("%d tokens issued, want 1", n)
	}
}

// TestTokenRevoked: FCM refuses the token kept; a new one is fetched and
// the message sent once more.
func TestTokenRevoked(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	if _, err := p.Send(t.Context(), message()); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	g.valid = "revoked" // FCM takes no token now but the next issued
	g.mu.Unlock()
	if _, err := p.Send(t.Context(), message()); err != nil {
		t.Fatal(err)
	}
	if n, reqs := g.issuedCount(), len(g.fcm.Requests()); n != 2 || reqs != 3 {
		t.Errorf("%d tokens issued and %d FCM requests, want 2 and 3", n, reqs)
	}
}

// TestTokenRefusedTwice: a 401 to the new token too is permanent.
func TestTokenRefusedTwice(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	g.token = func() httpsendtest.Reply {
		return httpsendtest.JSON(200, `{"access_token":"never-valid","expires_in":3599,"token_type":"Bearer"}`)
	}
	_, err := p.Send(t.Context(), message())
	se, isSE := errors.AsType[*notify.SendError](err)
	if !isSE || se.Class != notify.Permanent || se.Code != "UNAUTHENTICATED" || len(g.fcm.Requests()) != 2 {
		t.Errorf("%v after %d requests: want permanent UNAUTHENTICATED after 2", err, len(g.fcm.Requests()))
	}
}

func TestTokenEndpointFailures(t *testing.T) {
	for _, c := range []struct {
		name  string
		reply httpsendtest.Reply
		class notify.Class
		code  string
	}{
		{"key refused", httpsendtest.JSON(400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`), notify.Permanent, "invalid_grant"},
		{"client refused", httpsendtest.JSON(401, `{"error":"invalid_client","error_description":"The OAuth client was not found."}`), notify.Permanent, "invalid_client"},
		{"down", httpsendtest.Reply{Status: 503, Header: map[string]string{"Retry-After": "20"}}, notify.Retryable, ""},
		{"no token in the answer", httpsendtest.JSON(200, `{"token_type":"Bearer"}`), notify.Retryable, ""},
		{"answer does not parse", httpsendtest.Reply{Status: 200, Body: "<html>"}, notify.Retryable, ""},
		{"timeout", httpsendtest.Reply{Hang: true}, notify.Retryable, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGoogle(t, ok)
			g.token = func() httpsendtest.Reply { return c.reply }
			p := g.provider(t)
			p.cfg.HTTPClient.Timeout = 200 * time.Millisecond
			_, err := p.Send(t.Context(), message())
			se, isSE := errors.AsType[*notify.SendError](err)
			if !isSE || se.Class != c.class || se.Code != c.code || !strings.Contains(err.Error(), "access token") {
				t.Errorf("%v: want %v with code %q", err, c.class, c.code)
			}
			if n := len(g.fcm.Requests()); n != 0 {
				t.Errorf("%d FCM requests without a token", n)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  httpsendtest.Reply
		class  notify.Class
		code   string
		dead   bool
		wait   time.Duration
		reason string
	}{
		{"unregistered", httpsendtest.JSON(404, `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`),
			notify.Permanent, "UNREGISTERED", true, 0, "Requested entity was not found."},
		{"invalid token", httpsendtest.JSON(400, `{"error":{"code":400,"message":"The registration token is not a valid FCM registration token","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"}]}}`),
			notify.Permanent, "INVALID_ARGUMENT", true, 0, "not a valid FCM registration token"},
		{"token field violation", httpsendtest.JSON(400, `{"error":{"code":400,"message":"Invalid value","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.token","description":"Invalid registration token"}]},{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INVALID_ARGUMENT"}]}}`),
			notify.Permanent, "INVALID_ARGUMENT", true, 0, "Invalid value"},
		{"invalid data value", httpsendtest.JSON(400, `{"error":{"code":400,"message":"Invalid value at 'message.data[0].value' (TYPE_STRING), 12","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.data[0].value","description":"Invalid value at 'message.data[0].value' (TYPE_STRING), 12"}]}]}}`),
			notify.Permanent, "INVALID_ARGUMENT", false, 0, "message.data[0].value"},
		{"sender id mismatch", httpsendtest.JSON(403, `{"error":{"code":403,"message":"SenderId mismatch","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"SENDER_ID_MISMATCH"}]}}`),
			notify.Permanent, "SENDER_ID_MISMATCH", true, 0, "SenderId mismatch"},
		{"permission denied", httpsendtest.JSON(403, `{"error":{"code":403,"message":"Permission 'cloudmessaging.messages.create' denied","status":"PERMISSION_DENIED"}}`),
			notify.Permanent, "PERMISSION_DENIED", false, 0, "cloudmessaging.messages.create"},
		{"quota with Retry-After", httpsendtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "30"},
			Body: `{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}}`},
			notify.Retryable, "QUOTA_EXCEEDED", false, 30 * time.Second, "Quota exceeded"},
		{"quota without", httpsendtest.JSON(429, `{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}}`),
			notify.Retryable, "QUOTA_EXCEEDED", false, time.Minute, "Quota exceeded"},
		{"unavailable", httpsendtest.Reply{Status: 503, Header: map[string]string{"Retry-After": "Sun, 11 Jul 2027 09:00:10 GMT"},
			Body: `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNAVAILABLE"}]}}`},
			notify.Retryable, "UNAVAILABLE", false, 10 * time.Second, "currently unavailable"},
		{"internal", httpsendtest.JSON(500, `{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"INTERNAL"}]}}`),
			notify.Retryable, "INTERNAL", false, 0, "Internal error"},
		{"third-party auth", httpsendtest.JSON(401, `{"error":{"code":401,"message":"Auth error from APNS or Web Push Service","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"THIRD_PARTY_AUTH_ERROR"}]}}`),
			notify.Permanent, "THIRD_PARTY_AUTH_ERROR", false, 0, "APNS"},
		{"gateway page", httpsendtest.Reply{Status: 502, Body: "<html>502</html>"}, notify.Retryable, "", false, 0, "<html>502</html>"},
		{"200 that does not parse", httpsendtest.Reply{Status: 200, Body: "ok"}, notify.Unknown, "", false, 0, "does not parse"},
		{"200 without a name", httpsendtest.JSON(200, `{}`), notify.Unknown, "", false, 0, "without a name"},
		{"timeout after sending", httpsendtest.Reply{Hang: true}, notify.Unknown, "", false, 0, ""},
		{"connection reset", httpsendtest.Reply{Reset: true}, notify.Unknown, "", false, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGoogle(t, func(int) httpsendtest.Reply { return c.reply })
			p := g.provider(t)
			p.cfg.HTTPClient.Timeout = 300 * time.Millisecond
			_, err := p.Send(t.Context(), message())
			se, isSE := errors.AsType[*notify.SendError](err)
			if !isSE {
				t.Fatalf("%v is not a SendError", err)
			}
			if se.Class != c.class || se.Code != c.code || se.DeadAddress != c.dead || se.RetryAfter != c.wait {
				t.Errorf("got %v (code %q, dead %v, wait %v), want %v (code %q, dead %v, wait %v)",
					se, se.Code, se.DeadAddress, se.RetryAfter, c.class, c.code, c.dead, c.wait)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("%q does not say %q", err, c.reason)
			}
			if c.code == "THIRD_PARTY_AUTH_ERROR" && g.issuedCount() != 1 {
				t.Errorf("a third-party auth error dropped the token")
			}
		})
	}
}

func TestSendInvalid(t *testing.T) {
	g := newGoogle(t, ok)
	p := g.provider(t)
	httpsendtest.RefusesInvalid(t, p, message, []httpsendtest.Invalid{
		{Name: "no token", Edit: func(m *notify.Message) { m.To = "" }},
		{Name: "token with a space", Edit: func(m *notify.Message) { m.To = "abc def" }},
		{Name: "token with Bangla", Edit: func(m *notify.Message) { m.To = "টোকেন" }},
		{Name: "nothing to show", Edit: func(m *notify.Message) { m.Title, m.Text, m.Data = "", "", nil }},
		{Name: "reserved key from", Edit: func(m *notify.Message) { m.Data["from"] = "x" }},
		{Name: "reserved key google.", Edit: func(m *notify.Message) { m.Data["google.c.a.e"] = "1" }},
		{Name: "reserved key gcm.", Edit: func(m *notify.Message) { m.Data["gcm.n.e"] = "1" }},
		{Name: "reserved key message_type", Edit: func(m *notify.Message) { m.Data["message_type"] = "x" }},
		// 1,350 Bangla letters are 4,050 bytes; with the title, text
		// and data the payload is past 4,096.
		{Name: "over 4,096 bytes", Edit: func(m *notify.Message) { m.Data["detail"] = strings.Repeat("ক", 1350) }},
		{Name: "sms channel", Edit: func(m *notify.Message) { m.Channel = notify.SMS }},
	})
	if n, m := len(g.tokens.Requests()), len(g.fcm.Requests()); n+m != 0 {
		t.Errorf("%d token and %d FCM requests for invalid messages", n, m)
	}
	// Exactly 4,096 bytes goes.
	m := message()
	m.Data = map[string]string{"d": strings.Repeat("x", 4096-1-len(m.Title)-len(m.Text))}
	if _, err := p.Send(t.Context(), m); err != nil {
		t.Errorf("4,096 bytes: %v", err)
	}
}

func TestNew(t *testing.T) {
	good := serviceAccountJSON(t, "https://oauth2.googleapis.com/token")
	edit := func(f func(sa *serviceAccount)) []byte {
		var sa serviceAccount
		json.Unmarshal(good, &sa)
		f(&sa)
		b, _ := json.Marshal(sa)
		return b
	}
	p, err := New(Config{ServiceAccount: good})
	if err != nil {
		t.Fatal(err)
	}
	if p.endpoint != "https://fcm.googleapis.com/v1/projects/critpath-test/messages:send" || p.tokens.tokenURL != "https://oauth2.googleapis.com/token" {
		t.Errorf("defaults: %s, %s", p.endpoint, p.tokens.tokenURL)
	}
	for _, c := range []struct {
		name string
		cfg  Config
		says string
	}{
		{"not JSON", Config{ServiceAccount: []byte("nope")}, "Config.ServiceAccount"},
		{"not a service account", Config{ServiceAccount: edit(func(sa *serviceAccount) { sa.Type = "authorized_user" })}, "not a service_account"},
		{"no key", Config{ServiceAccount: edit(func(sa *serviceAccount) { sa.PrivateKey = "" })}, "private_key"},
		{"no email", Config{ServiceAccount: edit(func(sa *serviceAccount) { sa.ClientEmail = "" })}, "client_email"},
		{"no project", Config{ServiceAccount: edit(func(sa *serviceAccount) { sa.ProjectID = "" })}, "Config.ProjectID"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.says)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(200, `{"name":"projects/p/messages/1"}`, "")
	f.Add(404, `{"error":{"code":404,"status":"NOT_FOUND","details":[{"errorCode":"UNREGISTERED"}]}}`, "")
	f.Add(429, `{"error":{"details":[{"errorCode":"QUOTA_EXCEEDED"}]}}`, "5")
	f.Add(400, `{"error":{"message":"registration token","details":[{"fieldViolations":[{"field":"message.token"}]}]}}`, "")
	f.Add(500, `{"error":null}`, "x")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		a := &httpsend.Answer{Status: status, Header: http.Header{"Retry-After": {retryAfter}}, Body: []byte(body)}
		r, err := classify(a, start)
		if err == nil {
			if status < 200 || status > 299 || r.ID == "" {
				t.Fatalf("%d %q: receipt %+v", status, body, r)
			}
			return
		}
		se, isSE := errors.AsType[*notify.SendError](err)
		if !isSE || se.Class < notify.Retryable || se.Class > notify.Unknown || se.RetryAfter < 0 {
			t.Fatalf("%d %q: %#v", status, body, err)
		}
		if se.DeadAddress && se.Class != notify.Permanent {
			t.Fatalf("%d %q: a dead address that is %v", status, body, se.Class)
		}
	})
}
