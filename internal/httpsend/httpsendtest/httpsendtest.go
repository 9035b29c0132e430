// Package httpsendtest is the fake provider server of the notification
// adapters' tests: a local HTTP server that records every request it is
// sent, byte for byte, and answers each as the test says — with a status,
// headers and a body, or by never answering (a timeout after sending), or
// by dropping the connection once the request is read.
package httpsendtest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/notify"
)

// Request is a request as the server read it.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	// User and Password are the basic-auth credentials, when sent.
	User, Password string
}

// Reply is how the server answers a request.
type Reply struct {
	Status int
	Header map[string]string
	Body   string
	// Hang: never answer (until the client gives up or the test ends).
	Hang bool
	// Reset: drop the connection once the request is read.
	Reset bool
}

// JSON returns a reply of status with body as application/json.
func JSON(status int, body string) Reply {
	return Reply{Status: status, Header: map[string]string{"Content-Type": "application/json"}, Body: body}
}

// Server is the fake provider.
type Server struct {
	*httptest.Server
	answer  func(Request) Reply
	release chan struct{}

	mu       sync.Mutex
	requests []Request
}

// New starts a server answering with answer, closed when t ends; TLS when
// tls is true (its Client trusts it).
func New(t testing.TB, tls bool, answer func(Request) Reply) *Server {
	s := &Server{answer: answer, release: make(chan struct{})}
	h := http.HandlerFunc(s.serve)
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(func() {
		close(s.release)
		s.Close()
	})
	return s
}

// Requests returns the requests read so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	req.User, req.Password, _ = r.BasicAuth()
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	reply := s.answer(req)
	switch {
	case reply.Hang:
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		return
	case reply.Reset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
		return
	}
	for k, v := range reply.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(reply.Status)
	io.WriteString(w, reply.Body)
}

// Invalid is a way to spoil a good message.
type Invalid struct {
	Name string
	Edit func(m *notify.Message)
}

// RefusesInvalid sends p, for each spoiler, a good message (from good)
// spoiled by it, and checks that each is refused as a permanent
// notify.ErrInvalid; the caller checks that no request went out.
func RefusesInvalid(t *testing.T, p notify.Provider, good func() *notify.Message, spoilers []Invalid) {
	t.Helper()
	for _, c := range spoilers {
		t.Run(c.Name, func(t *testing.T) {
			m := good()
			c.Edit(m)
			_, err := p.Send(t.Context(), m)
			if !errors.Is(err, notify.ErrInvalid) || notify.ClassOf(err) != notify.Permanent {
				t.Errorf("%v: want a permanent ErrInvalid", err)
			}
		})
	}
}

// FailsAs checks that err is a *notify.SendError of the class, provider
// code and wait given, whose message says reason, and returns it.
func FailsAs(t *testing.T, err error, class notify.Class, code string, wait time.Duration, reason string) *notify.SendError {
	t.Helper()
	se, ok := errors.AsType[*notify.SendError](err)
	if !ok {
		t.Fatalf("%v is not a SendError", err)
	}
	if se.Class != class || se.Code != code || se.RetryAfter != wait {
		t.Errorf("got %v (code %q, wait %v), want %v (code %q, wait %v)", se, se.Code, se.RetryAfter, class, code, wait)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Errorf("%q does not say %q", err, reason)
	}
	return se
}
