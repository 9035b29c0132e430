package realtimetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

var since = time.Date(2027, 3, 14, 9, 30, 0, 0, time.UTC)

func conn(user, conn, node string) realtime.Presence {
	return realtime.Presence{User: user, Name: "User " + user, Conn: conn, Node: node, Role: realtime.RolePlanner,
		Task: "T1", Field: "duration", State: "editing", Since: since}
}

func setPresence(t *testing.T, b realtime.Broker, room, node string, ps ...realtime.Presence) {
	t.Helper()
	if err := b.SetPresence(t.Context(), room, node, ps); err != nil {
		t.Fatalf("SetPresence(%q, %q): %v", room, node, err)
	}
}

// presenceIs reports how the room's presence differs from want.
func presenceIs(b realtime.Broker, t *testing.T, room string, want ...realtime.Presence) error {
	got, err := b.Presence(t.Context(), room)
	if err != nil {
		return err
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d connections %+v, want %d", len(got), got, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Since.Equal(w.Since) {
			return fmt.Errorf("connection %d: since %v, want %v", i, g.Since, w.Since)
		}
		g.Since, w.Since = time.Time{}, time.Time{}
		if g != w {
			return fmt.Errorf("connection %d: %+v, want %+v", i, g, w)
		}
	}
	return nil
}

func checkPresence(t *testing.T, b realtime.Broker, room string, want ...realtime.Presence) {
	t.Helper()
	if err := presenceIs(b, t, room, want...); err != nil {
		t.Errorf("Presence(%q): %v", room, err)
	}
}

// testPresence: each node's connections in a room, set, replaced and
// cleared, ordered by node; a change is signalled to the room.
func testPresence(t *testing.T, open Open) {
	b := open(t, defaults)
	for _, node := range []string{"n1", "n2", "n3"} {
		if err := b.Alive(t.Context(), node, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	checkPresence(t, b, "p")
	s := subscribe(t, b, "p", -1, "")
	a1, a2 := conn("amina", "c1", "n2"), conn("amina", "c2", "n2")
	k := conn("karim", "c3", "n1")
	setPresence(t, b, "p", "n2", a1, a2)
	if m := next(t, s); m.Type != realtime.TypePresenceChanged || m.Durable() {
		t.Errorf("after SetPresence the room got %+v, want %s", m, realtime.TypePresenceChanged)
	}
	setPresence(t, b, "p", "n1", k)
	checkPresence(t, b, "p", k, a1, a2)
	a2.State, a2.Task = "viewing", "T2"
	setPresence(t, b, "p", "n2", a2) // replaces n2's two
	checkPresence(t, b, "p", k, a2)
	setPresence(t, b, "q", "n3", conn("rahim", "c4", "n3"))
	checkPresence(t, b, "p", k, a2)
	setPresence(t, b, "p", "n1") // n1 has none left
	checkPresence(t, b, "p", a2)
	setPresence(t, b, "p", "n2", nil...)
	checkPresence(t, b, "p")
	checkPresence(t, b, "q", conn("rahim", "c4", "n3"))
	// A node that never said it is alive counts as alive.
	setPresence(t, b, "r", "quiet", conn("sumi", "c5", "quiet"))
	checkPresence(t, b, "r", conn("sumi", "c5", "quiet"))
}

// testPresenceExpiry: a node that stops saying it is alive has its
// presence dropped once its time to live has passed; the others keep
// theirs.
func testPresenceExpiry(t *testing.T, open Open) {
	b := open(t, defaults)
	if err := b.Alive(t.Context(), "dying", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := b.Alive(t.Context(), "living", time.Minute); err != nil {
		t.Fatal(err)
	}
	d, l := conn("amina", "c1", "dying"), conn("karim", "c2", "living")
	setPresence(t, b, "p", "dying", d)
	setPresence(t, b, "p", "living", l)
	eventually(t, "the dead node's presence dropped", func() error { return presenceIs(b, t, "p", l) })
	// Saying it again brings the node back.
	if err := b.Alive(t.Context(), "dying", time.Minute); err != nil {
		t.Fatal(err)
	}
	setPresence(t, b, "p", "dying", d)
	checkPresence(t, b, "p", d, l)
}
