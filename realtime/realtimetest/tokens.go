package realtimetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/critpath/critpath/realtime"
)

// Tokens is an Authenticator for tests, whose tokens say what they are:
//
//   - a token is the user's id: "rahim";
//   - "exp=<ms>:<user>" expires ms milliseconds after it is checked, and
//     so does "<user>+ttl=<duration>" (a time.ParseDuration);
//   - "bad…" and "nobody" are refused (realtime.ErrUnauthorized);
//   - users whose id starts with "viewer" are viewers, "stranger…"
//     members of nothing, the others planners of every project.
//
// Now tells the time expiries count from; nil is time.Now.
type Tokens struct{ Now func() time.Time }

var _ realtime.Authenticator = Tokens{}

// Authenticate implements realtime.Authenticator.
func (a Tokens) Authenticate(_ context.Context, token string) (realtime.Identity, error) {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if token == "" || token == "nobody" || strings.HasPrefix(token, "bad") {
		return realtime.Identity{}, fmt.Errorf("test token %q: %w", token, realtime.ErrUnauthorized)
	}
	user, ttl := token, time.Duration(0)
	if rest, ok := strings.CutPrefix(token, "exp="); ok {
		ms, u, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(ms)
		if err != nil || u == "" {
			return realtime.Identity{}, fmt.Errorf("test token %q: %w", token, realtime.ErrUnauthorized)
		}
		user, ttl = u, time.Duration(n)*time.Millisecond
	} else if u, d, ok := strings.Cut(token, "+ttl="); ok {
		var err error
		if ttl, err = time.ParseDuration(d); err != nil || u == "" {
			return realtime.Identity{}, fmt.Errorf("test token %q: %w", token, realtime.ErrUnauthorized)
		}
		user = u
	}
	id := realtime.Identity{User: user, Name: strings.ToUpper(user[:1]) + user[1:]}
	if ttl != 0 {
		id.Expires = now().Add(ttl)
	}
	return id, nil
}

// Role implements realtime.Authenticator.
func (Tokens) Role(_ context.Context, id realtime.Identity, _ string) (realtime.Role, error) {
	switch {
	case strings.HasPrefix(id.User, "viewer"):
		return realtime.RoleViewer, nil
	case strings.HasPrefix(id.User, "stranger"):
		return realtime.RoleNone, nil
	}
	return realtime.RolePlanner, nil
}

// Dial opens a WebSocket to the hub at url (ws://…) speaking the
// protocol, with the read limit raised for snapshots, closed when the
// test ends.
func Dial(t testing.TB, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{realtime.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(64 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}
