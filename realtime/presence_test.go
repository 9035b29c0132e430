package realtime_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

// presenceDiffs returns c's presence messages of room, decoded.
func presenceDiffs(t *testing.T, c *client, room string) []realtime.PresenceDiff {
	t.Helper()
	var ds []realtime.PresenceDiff
	for _, m := range c.messages() {
		if m.Type != realtime.TypePresence || m.Room != room {
			continue
		}
		var d realtime.PresenceDiff
		if err := json.Unmarshal(m.Data, &d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

// present folds a join's presence and the diffs after it into the
// connections present, by id.
func present(initial []realtime.Presence, ds []realtime.PresenceDiff) map[string]realtime.Presence {
	m := map[string]realtime.Presence{}
	for _, p := range initial {
		m[p.Conn] = p
	}
	for _, d := range ds {
		for _, p := range slices.Concat(d.Joined, d.Changed) {
			m[p.Conn] = p
		}
		for _, p := range d.Left {
			delete(m, p.Conn)
		}
	}
	return m
}

func users(m map[string]realtime.Presence) []string {
	var us []string
	for _, p := range m {
		us = append(us, p.User)
	}
	slices.Sort(us)
	return us
}

func TestPresenceCoalesced(t *testing.T) {
	const every = 500 * time.Millisecond
	e := newEnv(t, 2, realtime.Limits{PresenceEvery: every}, realtime.MemoryConfig{})
	t0 := time.Now()
	w, jw := connect(t, e.urls[0], "watcher", "tower")
	var others []*client
	for i, u := range []string{"u1", "u2", "u3", "u4", "u5", "u6"} {
		c, _ := connect(t, e.urls[i%2], u, "tower")
		others = append(others, c)
	}
	want := "[u1 u2 u3 u4 u5 u6 watcher]"
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == want })
	ds := presenceDiffs(t, w, "tower")
	elapsed := time.Since(t0)
	// Two nodes each flush once per interval; the watcher's node sends
	// at most one diff per interval.
	if most := int(elapsed/every) + 1; len(ds) > most || len(ds) >= 7 {
		t.Errorf("%d presence messages for 7 joins in %v, want at most one per %v (%d)", len(ds), elapsed, every, most)
	}
	t.Logf("7 joins in %v: %d presence messages", elapsed, len(ds))
	// A change of task and state is one diff's "changed".
	others[0].ok(realtime.Request{Op: realtime.OpPresence, Room: "tower", Task: "D1", Field: "duration", State: "editing"}, nil)
	m, _ := w.await(0, func(m realtime.Message) bool {
		var d realtime.PresenceDiff
		_ = json.Unmarshal(m.Data, &d)
		return m.Type == realtime.TypePresence && len(d.Changed) == 1 && d.Changed[0].State == "editing"
	})
	var d realtime.PresenceDiff
	_ = json.Unmarshal(m.Data, &d)
	if p := d.Changed[0]; p.User != "u1" || p.Task != "D1" || p.Field != "duration" || p.Node != "node0" {
		t.Errorf("changed %+v, want u1 editing D1's duration on node0", p)
	}
}

// fmtUsers spells the users present as [a b c].
func fmtUsers(m map[string]realtime.Presence) string { return fmt.Sprint(users(m)) }

func TestPresenceGrace(t *testing.T) {
	const grace = 700 * time.Millisecond
	e := newEnv(t, 1, realtime.Limits{PresenceGrace: grace}, realtime.MemoryConfig{})
	w, jw := connect(t, e.urls[0], "watcher", "tower")
	x, _ := connect(t, e.urls[0], "xu", "tower")
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == "[watcher xu]" })
	var first string
	for id, p := range present(jw.Presence, presenceDiffs(t, w, "tower")) {
		if p.User == "xu" {
			first = id
		}
	}
	// A quick reconnect: the old connection is replaced in one diff.
	x.ws.CloseNow()
	x2, _ := connect(t, e.urls[0], "xu", "tower")
	waitFor(t, func() bool {
		_, ok := present(jw.Presence, presenceDiffs(t, w, "tower"))[first]
		return !ok
	})
	for _, d := range presenceDiffs(t, w, "tower") {
		for _, p := range d.Left {
			if p.Conn == first && (len(d.Joined) != 1 || d.Joined[0].User != "xu") {
				t.Errorf("the old connection left in %+v, without the new one joining", d)
			}
		}
	}
	if got := fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))); got != "[watcher xu]" {
		t.Errorf("present %s, want [watcher xu]", got)
	}
	// Gone for good: it leaves after the grace.
	x2.ws.CloseNow()
	gone := time.Now()
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == "[watcher]" })
	if d := time.Since(gone); d < grace {
		t.Errorf("left after %v, want after the grace of %v", d, grace)
	}
}

// TestPresenceGraceAcrossNodes: a user whose connection went away on one
// node and who comes back on another is not shown twice for the grace:
// the old connection leaves as soon as the node that had it sees the new
// one, and the user is present all along.
func TestPresenceGraceAcrossNodes(t *testing.T) {
	const grace = 3 * time.Second
	e := newEnv(t, 2, realtime.Limits{PresenceGrace: grace}, realtime.MemoryConfig{})
	w, jw := connect(t, e.urls[0], "watcher", "tower")
	x, _ := connect(t, e.urls[0], "xu", "tower")
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == "[watcher xu]" })
	x.ws.CloseNow()
	back := time.Now()
	connect(t, e.urls[1], "xu", "tower")
	waitFor(t, func() bool { // the new connection, and it alone
		var nodes []string
		for _, p := range present(jw.Presence, presenceDiffs(t, w, "tower")) {
			if p.User == "xu" {
				nodes = append(nodes, p.Node)
			}
		}
		return len(nodes) == 1 && nodes[0] == "node1"
	})
	if d := time.Since(back); d > grace/2 {
		t.Errorf("the old connection left %v after the user came back on the other node, want well within the grace (%v)", d, grace)
	}
	// Never absent: every diff that takes a connection of xu away leaves
	// another of xu present.
	seen := present(jw.Presence, nil)
	for _, d := range presenceDiffs(t, w, "tower") {
		for _, p := range slices.Concat(d.Joined, d.Changed) {
			seen[p.Conn] = p
		}
		left := false
		for _, p := range d.Left {
			delete(seen, p.Conn)
			left = left || p.User == "xu"
		}
		if left && !slices.Contains(users(seen), "xu") {
			t.Errorf("xu absent after %+v", d)
		}
	}
}

func TestPresenceDeadNode(t *testing.T) {
	const ttl = 600 * time.Millisecond
	e := newEnv(t, 1, realtime.Limits{NodeTTL: ttl}, realtime.MemoryConfig{})
	w, jw := connect(t, e.urls[0], "watcher", "tower")
	// A node that says it is alive once, with one connection, and dies.
	ctx := t.Context()
	if err := e.broker.Alive(ctx, "ghost", ttl); err != nil {
		t.Fatal(err)
	}
	if err := e.broker.SetPresence(ctx, "tower", "ghost", []realtime.Presence{{User: "casper", Conn: "ghost.1", Node: "ghost", Since: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == "[casper watcher]" })
	dead := time.Now()
	waitFor(t, func() bool { return fmtUsers(present(jw.Presence, presenceDiffs(t, w, "tower"))) == "[watcher]" })
	// NodeTTL and a third, with room for a loaded machine.
	if d := time.Since(dead); d > 2*ttl+time.Second {
		t.Errorf("the dead node's user left after %v, want within NodeTTL and a third (%v)", d, ttl+ttl/3)
	}
}

func TestCursorsCoalesced(t *testing.T) {
	e := newEnv(t, 2, realtime.Limits{}, realtime.MemoryConfig{})
	w, _ := connect(t, e.urls[0], "watcher", "tower")
	const movers, moves = 6, 20
	var ms []*client
	for i := range movers {
		c, _ := connect(t, e.urls[0], "mover"+string(rune('a'+i)), "tower")
		ms = append(ms, c)
	}
	start := len(w.messages())
	began := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for k := range moves {
		<-tick.C
		for _, c := range ms {
			x, y := float64(k), float64(k)
			c.send(realtime.Request{Op: realtime.OpCursor, Room: "tower", Task: "D1", X: &x, Y: &y})
		}
	}
	// Every mover's last position arrives.
	last := map[string]float64{}
	waitFor(t, func() bool {
		clear(last)
		for _, m := range w.messages()[start:] {
			if m.Type != realtime.TypeCursor {
				continue
			}
			var cd realtime.CursorData
			_ = json.Unmarshal(m.Data, &cd)
			for _, cu := range cd.Cursors {
				last[cu.Conn] = *cu.X
			}
		}
		n := 0
		for _, x := range last {
			if x == moves-1 {
				n++
			}
		}
		return n == movers
	})
	elapsed := time.Since(began)
	frames := 0
	for _, m := range w.messages()[start:] {
		if m.Type == realtime.TypeCursor {
			frames++
		}
	}
	flushes := int(elapsed/(50*time.Millisecond)) + 2
	if frames > flushes || frames >= movers*moves/2 {
		t.Errorf("%d cursor messages for %d moves of %d movers in %v, want at most one per 50 ms (%d)", frames, moves, movers, elapsed, flushes)
	}
	t.Logf("%d cursor messages for %d moves in %v", frames, movers*moves, elapsed)
}
