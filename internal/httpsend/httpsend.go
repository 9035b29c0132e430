// Package httpsend is what the notification adapters under adapters/
// share in speaking to a provider's HTTP API: their common settings
// (Defaults), posting a request (Post) while noting whether it went out (so that a failure is known to be retryable,
// or of unknown outcome), reading a bounded answer, and reading the waits
// a provider asks for (Retry-After, rate-limit reset headers).
//
// Every error it returns is a *notify.SendError.
package httpsend

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/critpath/critpath/notify"
)

// MaxBody bounds the answers read: providers answer a send in at most a
// few kilobytes.
const MaxBody = 1 << 20

// Answer is a provider's answer to a request, its body read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Defaults fills the settings every provider adapter has: the API's
// root (def when base is empty) without a trailing slash, an HTTP client
// with a 30 s timeout, and the clock Retry-After dates are read against.
func Defaults(base, def string, c *http.Client, now func() time.Time) (string, *http.Client, func() time.Time) {
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return strings.TrimSuffix(cmp.Or(base, def), "/"), c, now
}

// Post sends body to url through Do, as provider, with header. A
// request that cannot be made (a bad url) is a Permanent failure.
func Post(ctx context.Context, c *http.Client, provider, url string, body []byte, header http.Header) (*Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, &notify.SendError{Provider: provider, Class: notify.Permanent, Err: err}
	}
	if header != nil {
		req.Header = header
	}
	return Do(c, req, provider)
}

// Do sends req with c and reads the answer. When no answer comes back it
// returns a *notify.SendError of provider: Retryable when the request was
// not wholly written (a refused connection, a name that does not
// resolve, ctx done before sending), Unknown when it was (a timeout or a
// reset while waiting for the answer: the provider may have acted on
// it). An answer whose body cannot be read, or is over MaxBody, is
// Unknown too, with its status. The error wraps the transport's error,
// and ctx's when ctx ended it.
func Do(c *http.Client, req *http.Request, provider string) (*Answer, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := c.Do(req)
	if err != nil {
		class := notify.Retryable
		if wrote.Load() {
			class = notify.Unknown
		}
		if ctxErr := req.Context().Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return nil, &notify.SendError{Provider: provider, Class: class, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, &notify.SendError{Provider: provider, Class: notify.Unknown, Status: resp.StatusCode,
			Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if len(body) > MaxBody {
		return nil, &notify.SendError{Provider: provider, Class: notify.Unknown, Status: resp.StatusCode,
			Err: fmt.Errorf("an answer over %d bytes", MaxBody)}
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// ByStatus classifies an HTTP status by itself, for answers whose body
// says no more: 408, 425, 429 and 5xx are retryable, the other 4xx
// permanent; 1xx and 3xx, which a provider's API does not answer a send
// with, leave the outcome unknown. It is not meant for 2xx.
func ByStatus(status int) notify.Class {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status == http.StatusTooManyRequests:
		return notify.Retryable
	case status >= 500 && status <= 599:
		return notify.Retryable
	case status >= 400 && status <= 499:
		return notify.Permanent
	}
	return notify.Unknown
}

// Wait returns the wait an answer's headers ask for, as of now: its
// Retry-After (seconds or an HTTP date), or else the first of the reset
// headers named that holds a value (see ResetAfter); zero when none
// does, or when the time asked for is past.
func Wait(h http.Header, now time.Time, resets ...string) time.Duration {
	if d, ok := RetryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	for _, name := range resets {
		if d, ok := ResetAfter(h.Get(name), now); ok {
			return d
		}
	}
	return 0
}

// RetryAfter reads a Retry-After value (RFC 9110 §10.2.3): a number of
// seconds or an HTTP date. It reports false when v is neither.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		return seconds(s), s >= 0
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// unixFrom is where ResetAfter takes a number for a Unix time rather
// than seconds to wait: a wait of over 31 years is no rate limit.
const unixFrom = 1_000_000_000

// ResetAfter reads a rate limit's reset header: the seconds until the
// limit resets (RateLimit-Reset as the IETF draft has it, Resend's
// ratelimit-reset), or the Unix time it resets at (SendGrid's
// X-RateLimit-Reset, GitHub's), told apart by size. A wait in seconds
// is rounded to the nearest second, a Unix time with a fraction up to
// the next second. It reports false when v is not a number.
func ResetAfter(v string, now time.Time) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || f != f || f > 1e15 {
		return 0, false
	}
	if f >= unixFrom {
		at := time.Unix(int64(f), 0)
		if float64(int64(f)) != f {
			at = at.Add(time.Second)
		}
		return max(at.Sub(now), 0), true
	}
	return time.Duration(f * float64(time.Second)).Round(time.Second), true
}

// seconds is s seconds, bounded so as not to overflow.
func seconds(s int64) time.Duration {
	const most = int64(1<<63-1) / int64(time.Second)
	return time.Duration(min(max(s, 0), most)) * time.Second
}

// Snippet is the start of a body for an error message: at most 200
// bytes, cut at a rune, spaces trimmed.
func Snippet(body []byte) string {
	const n = 200
	if len(body) > n {
		body = body[:n]
		// Drop only a character the cut split; bad bytes elsewhere become
		// U+FFFD below.
		if i := lastRuneStart(body); i >= 0 && !utf8.FullRune(body[i:]) {
			body = body[:i]
		}
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
}

// lastRuneStart is the index of the last byte that can start a
// character, among the last utf8.UTFMax, or -1.
func lastRuneStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return -1
}

// Failure returns the SendError of an answer that failed with class: its
// status, code and reason, and, when class is Retryable, the wait its
// headers ask for (see Wait).
func Failure(provider string, a *Answer, class notify.Class, code string, reason error, now time.Time, resets ...string) *notify.SendError {
	e := &notify.SendError{Provider: provider, Class: class, Status: a.Status, Code: code, Err: reason}
	if class == notify.Retryable {
		e.RetryAfter = Wait(a.Header, now, resets...)
	}
	return e
}

// Invalid returns the error refusing a message before it is sent: a
// permanent SendError wrapping notify.ErrInvalid, so that both
// notify.ClassOf and errors.Is(err, notify.ErrInvalid) tell what it is.
func Invalid(provider, format string, args ...any) *notify.SendError {
	return &notify.SendError{Provider: provider, Class: notify.Permanent,
		Err: fmt.Errorf("%w: %s", notify.ErrInvalid, fmt.Sprintf(format, args...))}
}
