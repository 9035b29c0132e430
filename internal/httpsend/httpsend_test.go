package httpsend

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/notify"
)

func sendError(t *testing.T, err error) *notify.SendError {
	t.Helper()
	se, ok := errors.AsType[*notify.SendError](err)
	if !ok {
		t.Fatalf("%v (%T) is not a *notify.SendError", err, err)
	}
	return se
}

func post(t *testing.T, ctx context.Context, url string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"to":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestDoAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen", string(b))
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "accepted")
	}))
	defer srv.Close()
	a, err := Do(srv.Client(), post(t, t.Context(), srv.URL), "p")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != 202 || string(a.Body) != "accepted" || a.Header.Get("X-Seen") != `{"to":"x"}` {
		t.Errorf("got %d %q %q", a.Status, a.Body, a.Header.Get("X-Seen"))
	}
}

// TestDoNotSent: a server that is not there — the request never went
// out, so trying again is safe.
func TestDoNotSent(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := Do(&http.Client{}, post(t, t.Context(), url), "p")
	se := sendError(t, err)
	if se.Class != notify.Retryable || se.Provider != "p" {
		t.Errorf("got %v, want retryable", se)
	}
}

// TestDoCanceledBefore: ctx done before the request is written.
func TestDoCanceledBefore(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Do(srv.Client(), post(t, ctx, srv.URL), "p")
	if se := sendError(t, err); se.Class != notify.Retryable {
		t.Errorf("got %v, want retryable", se)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v does not wrap context.Canceled", err)
	}
}

// TestDoTimeoutAfterSending: the server read the request and gave no
// answer before the deadline — it may have acted on it.
func TestDoTimeoutAfterSending(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := Do(srv.Client(), post(t, ctx, srv.URL), "p")
	if se := sendError(t, err); se.Class != notify.Unknown {
		t.Errorf("got %v, want outcome unknown", se)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap context.DeadlineExceeded", err)
	}
	if notify.ClassOf(err) != notify.Unknown {
		t.Errorf("ClassOf = %v", notify.ClassOf(err))
	}
}

// TestDoClientTimeout: http.Client's own Timeout after sending.
func TestDoClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := srv.Client()
	c.Timeout = 100 * time.Millisecond
	_, err := Do(c, post(t, t.Context(), srv.URL), "p")
	if se := sendError(t, err); se.Class != notify.Unknown {
		t.Errorf("got %v, want outcome unknown", se)
	}
}

// TestDoReset: the connection drops after the request was read.
func TestDoReset(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	}))
	defer srv.Close()
	_, err := Do(srv.Client(), post(t, t.Context(), srv.URL), "p")
	if se := sendError(t, err); se.Class != notify.Unknown {
		t.Errorf("got %v, want outcome unknown", se)
	}
}

func TestDoBodyOverLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, MaxBody+1))
	}))
	defer srv.Close()
	_, err := Do(srv.Client(), post(t, t.Context(), srv.URL), "p")
	if se := sendError(t, err); se.Class != notify.Unknown || se.Status != 200 {
		t.Errorf("got %v, want outcome unknown with HTTP 200", se)
	}
}

func TestByStatus(t *testing.T) {
	for status, want := range map[int]notify.Class{
		400: notify.Permanent, 401: notify.Permanent, 403: notify.Permanent, 404: notify.Permanent,
		408: notify.Retryable, 413: notify.Permanent, 422: notify.Permanent, 425: notify.Retryable,
		429: notify.Retryable, 500: notify.Retryable, 502: notify.Retryable, 503: notify.Retryable,
		504: notify.Retryable, 599: notify.Retryable, 301: notify.Unknown, 100: notify.Unknown, 600: notify.Unknown,
	} {
		if got := ByStatus(status); got != want {
			t.Errorf("ByStatus(%d) = %v, want %v", status, got, want)
		}
	}
}

var now = time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)

func TestWait(t *testing.T) {
	for _, c := range []struct {
		name   string
		header map[string]string
		resets []string
		want   time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "120"}, nil, 2 * time.Minute},
		{"date", map[string]string{"Retry-After": "Sun, 11 Jul 2027 09:00:30 GMT"}, nil, 30 * time.Second},
		{"date past", map[string]string{"Retry-After": "Sun, 11 Jul 2027 08:00:00 GMT"}, nil, 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, nil, 0},
		{"negative", map[string]string{"Retry-After": "-5"}, nil, 0},
		{"reset delta", map[string]string{"Ratelimit-Reset": "7"}, []string{"ratelimit-reset"}, 7 * time.Second},
		{"reset unix", map[string]string{"X-Ratelimit-Reset": "1815296445"}, []string{"X-RateLimit-Reset"}, 45 * time.Second},
		{"reset unix past", map[string]string{"X-Ratelimit-Reset": "1815296000"}, []string{"X-RateLimit-Reset"}, 0},
		{"reset fraction", map[string]string{"X-Ratelimit-Reset": "1.4"}, []string{"X-RateLimit-Reset"}, time.Second},
		{"retry-after first", map[string]string{"Retry-After": "3", "Ratelimit-Reset": "9"}, []string{"ratelimit-reset"}, 3 * time.Second},
		{"first reset that parses", map[string]string{"A": "x", "B": "4"}, []string{"A", "B"}, 4 * time.Second},
		{"reset not asked for", map[string]string{"Ratelimit-Reset": "9"}, nil, 0},
		{"none", nil, []string{"ratelimit-reset"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range c.header {
				h.Set(k, v)
			}
			if got := Wait(h, now, c.resets...); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if now.Unix() != 1815296400 {
		t.Fatalf("the table's Unix times are for %d", now.Unix())
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("বাংলা", 100)
	s := Snippet([]byte(long))
	if !utf8.ValidString(s) || len(s) > 200 || !strings.HasPrefix(long, s) {
		t.Errorf("Snippet cut a rune or kept too much: %d bytes", len(s))
	}
	if got := Snippet([]byte("  ok \n")); got != "ok" {
		t.Errorf("got %q", got)
	}
	// A bad byte early in a long body is replaced, not the cut point of
	// all that follows it.
	bad := append([]byte("error\xff: "), strings.Repeat("x", 300)...)
	if got := Snippet(bad); len(got) < 190 || !strings.HasPrefix(got, "error\uFFFD: x") {
		t.Errorf("a bad byte at 5 left %d bytes: %q", len(got), got)
	}
}

func TestInvalid(t *testing.T) {
	err := error(Invalid("p", "to %q", "x"))
	if !errors.Is(err, notify.ErrInvalid) || notify.ClassOf(err) != notify.Permanent {
		t.Errorf("%v: not ErrInvalid or not permanent", err)
	}
}

// FuzzWait: any header value gives a wait that is not negative, and a
// reset ResetAfter cannot read gives none (the table tests hold the
// values).
func FuzzWait(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "1.5", "1815296445", "Sun, 11 Jul 2027 09:00:30 GMT", "NaN", "1e300", "+Inf", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{"Retry-After": {v}, "X-Ratelimit-Reset": {v}}
		if d := Wait(h, now, "X-Ratelimit-Reset"); d < 0 {
			t.Errorf("Wait(%q) = %v", v, d)
		}
		if d, ok := ResetAfter(v, now); d < 0 || (!ok && d != 0) {
			t.Errorf("ResetAfter(%q) = %v, %v", v, d, ok)
		}
	})
}

func TestDefaultsAndPost(t *testing.T) {
	base, c, now := Defaults("", "https://api.example/", nil, nil)
	if base != "https://api.example" || c == nil || c.Timeout != 30*time.Second || now == nil {
		t.Errorf("Defaults = %q, %+v, %v; want the root without its slash, a 30 s client, a clock", base, c, now != nil)
	}
	if base, _, _ := Defaults("https://other/", "https://api.example", nil, nil); base != "https://other" {
		t.Errorf("Defaults with a root = %q", base)
	}
	_, err := Post(t.Context(), c, "p", "://no url", nil, nil)
	if se, ok := errors.AsType[*notify.SendError](err); !ok || se.Class != notify.Permanent {
		t.Errorf("Post to a bad url: %v, want a Permanent failure", err)
	}
}
