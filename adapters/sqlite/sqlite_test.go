package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/critpath/critpath/store"
	"github.com/critpath/critpath/store/storetest"
)

func open(t *testing.T, path string, cfg Config) *Backend {
	t.Helper()
	b, err := Open(path, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

func fresh(t *testing.T) store.Backend {
	return open(t, filepath.Join(t.TempDir(), "store.db"), Config{})
}

func TestBackendConformance(t *testing.T) {
	storetest.RunBackend(t, fresh)
}

func TestStoreConformance(t *testing.T) {
	storetest.RunStore(t, fresh)
}

var at = time.Date(2027, 3, 14, 9, 30, 0, 123456789, time.UTC)

func event(project string, seq int64) store.Event {
	ev := store.Event{Project: project, Seq: seq, Time: at.Add(time.Duration(seq) * time.Second), Actor: "karim",
		Kind: store.KindChange, Body: fmt.Appendf(nil, `{"n":%d}`, seq), Prev: fmt.Sprint("h", seq-1), Hash: fmt.Sprint("h", seq)}
	if seq == 1 {
		ev.Kind, ev.Prev = store.KindCreate, ""
	}
	return ev
}

func create(t *testing.T, b store.Backend, project string) {
	t.Helper()
	require.NoError(t, b.Create(t.Context(), event(project, 1), store.Snapshot{Project: project, Revision: 1, Data: []byte("s1")}))
}

// TestReopen closes the file and opens it again: the events, snapshot,
// answers, outbox and recency are all there.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	b, err := Open(path, Config{})
	require.NoError(t, err)
	create(t, b, "tower")
	create(t, b, "bridge")
	for seq := int64(2); seq <= 5; seq++ {
		require.NoError(t, b.Append(t.Context(), event("tower", seq), &store.Answer{Project: "tower", Command: fmt.Sprint("c", seq), Seq: seq, Time: at, Body: []byte("ok")}))
	}
	require.NoError(t, b.SaveSnapshot(t.Context(), store.Snapshot{Project: "tower", Revision: 4, Data: []byte("s4")}))
	require.NoError(t, b.Delivered(t.Context(), []store.EventID{{Project: "tower", Seq: 1}}))
	require.NoError(t, b.Close())

	b = open(t, path, Config{})
	evs, err := b.Events(t.Context(), "tower", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 5)
	for i, ev := range evs {
		want := event("tower", int64(i+1))
		require.True(t, ev.Time.Equal(want.Time), "event %d time %v, want %v", i+1, ev.Time, want.Time)
		ev.Time = want.Time
		require.Equal(t, want, ev)
	}
	snap, err := b.Snapshot(t.Context(), "tower")
	require.NoError(t, err)
	require.Equal(t, store.Snapshot{Project: "tower", Revision: 4, Data: []byte("s4")}, snap)
	a, ok, err := b.Answer(t.Context(), "tower", "c3", at)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(3), a.Seq)
	pending, err := b.Pending(t.Context(), 100)
	require.NoError(t, err)
	var ids []store.EventID
	for _, ev := range pending {
		ids = append(ids, ev.ID())
	}
	id := func(p string, seq int64) store.EventID { return store.EventID{Project: p, Seq: seq} }
	require.Equal(t, []store.EventID{id("bridge", 1), id("tower", 2), id("tower", 3), id("tower", 4), id("tower", 5)}, ids)
	list, err := b.Projects(t.Context(), 10)
	require.NoError(t, err)
	require.Equal(t, []string{"tower", "bridge"}, []string{list[0].ID, list[1].ID})
	require.Equal(t, int64(5), list[0].Revision)
	require.True(t, list[0].Changed.Equal(event("tower", 5).Time))
}

// TestTimesExact: times round-trip to the nanosecond, far and near, and
// compare as times for Answer's since and ForgetAnswers' before.
func TestTimesExact(t *testing.T) {
	b := fresh(t)
	create(t, b, "p")
	times := []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1600, 5, 6, 7, 8, 9, 999999999, time.UTC),
		time.Date(2027, 3, 14, 9, 30, 0, 5, time.FixedZone("+06", 6*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
	}
	for i, tm := range times {
		ev := event("p", int64(i+2))
		ev.Time = tm
		require.NoError(t, b.Append(t.Context(), ev, &store.Answer{Project: "p", Command: fmt.Sprint("c", i), Seq: ev.Seq, Time: tm}))
	}
	evs, err := b.Events(t.Context(), "p", 1, 100)
	require.NoError(t, err)
	for i, ev := range evs {
		require.True(t, ev.Time.Equal(times[i]), "time %d: got %v, want %v", i, ev.Time, times[i])
		_, ok, err := b.Answer(t.Context(), "p", fmt.Sprint("c", i), times[i])
		require.NoError(t, err)
		require.True(t, ok, "answer %d not found since its own time", i)
		_, ok, err = b.Answer(t.Context(), "p", fmt.Sprint("c", i), times[i].Add(time.Nanosecond))
		require.NoError(t, err)
		require.False(t, ok, "answer %d found since a nanosecond after its time", i)
	}
	require.NoError(t, b.ForgetAnswers(t.Context(), times[3]))
	for i := range times {
		_, ok, err := b.Answer(t.Context(), "p", fmt.Sprint("c", i), time.Time{})
		require.NoError(t, err)
		require.Equal(t, i >= 3, ok, "answer %d after forgetting those before %v", i, times[3])
	}
}

// TestAppendAcrossBackends: two Backends on one file, as two processes
// would have, each with its own write connection. Their writers race for
// the same sequence numbers; BEGIN IMMEDIATE lets exactly one win each.
func TestAppendAcrossBackends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	bs := []*Backend{open(t, path, Config{}), open(t, path, Config{})}
	create(t, bs[0], "p")
	const writers, rounds = 6, 15
	var mu sync.Mutex
	won := map[int64]int{}
	var wg sync.WaitGroup
	for w := range writers {
		b := bs[w%2]
		wg.Go(func() {
			for range rounds {
				evs, err := b.Events(context.Background(), "p", 0, 10000)
				if err != nil {
					t.Errorf("Events: %v", err)
					return
				}
				seq := int64(len(evs)) + 1
				switch err := b.Append(context.Background(), event("p", seq), nil); {
				case err == nil:
					mu.Lock()
					won[seq]++
					mu.Unlock()
				case !errors.Is(err, store.ErrStale):
					t.Errorf("Append %d: %v", seq, err)
					return
				}
			}
		})
	}
	wg.Wait()
	evs, err := bs[1].Events(t.Context(), "p", 0, 10000)
	require.NoError(t, err)
	for i, ev := range evs {
		require.Equal(t, int64(i+1), ev.Seq, "a gap in the log")
	}
	for seq, n := range won {
		require.Equal(t, 1, n, "seq %d appended by %d writers", seq, n)
	}
	require.Len(t, won, len(evs)-1)
	require.Greater(t, len(won), rounds, "too few appends won for the race to mean anything")
}

// TestReadWhileWriting holds the file's write lock from another
// connection: reads go on, and an append waits BusyTimeout and then fails
// naming the project and the event, having written nothing.
func TestReadWhileWriting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	b := open(t, path, Config{BusyTimeout: 100 * time.Millisecond})
	create(t, b, "p")

	other, err := sql.Open("sqlite", dsn(mustAbs(t, path), time.Second, "_txlock=immediate"))
	require.NoError(t, err)
	defer other.Close()
	tx, err := other.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	_, err = tx.Exec(`UPDATE snapshots SET data = 'held' WHERE project = 'p'`)
	require.NoError(t, err)

	evs, err := b.Events(t.Context(), "p", 0, 10)
	require.NoError(t, err, "a read waited for the writer")
	require.Len(t, evs, 1)
	snap, err := b.Snapshot(t.Context(), "p")
	require.NoError(t, err)
	require.Equal(t, "s1", string(snap.Data), "a read saw an uncommitted write")

	err = b.Append(t.Context(), event("p", 2), nil)
	require.Error(t, err, "an append went through another writer's lock")
	require.Contains(t, err.Error(), `project "p"`)
	require.Contains(t, err.Error(), "event 2")
	require.NoError(t, tx.Rollback())

	require.NoError(t, b.Append(t.Context(), event("p", 2), nil), "append once the lock is let go")
	evs, err = b.Events(t.Context(), "p", 0, 10)
	require.NoError(t, err)
	require.Len(t, evs, 2)
}

func mustAbs(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	require.NoError(t, err)
	return abs
}

// TestPragmas: the writer's connection is in WAL mode with
// synchronous=FULL, foreign keys on; the readers cannot write.
func TestPragmas(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "store.db"), Config{BusyTimeout: 1234 * time.Millisecond})
	for _, c := range []struct {
		pragma string
		want   string
	}{{"journal_mode", "wal"}, {"synchronous", "2"}, {"foreign_keys", "1"}, {"busy_timeout", "1234"}} {
		var got string
		require.NoError(t, b.write.QueryRow("PRAGMA "+c.pragma).Scan(&got))
		require.Equal(t, c.want, got, "PRAGMA %s", c.pragma)
	}
	_, err := b.read.Exec(`DELETE FROM projects`)
	require.Error(t, err, "a reader connection wrote")
}

// TestErrorsNameWhatAndWhere: the store's conditions are wrapped with
// the project and the event number.
func TestErrorsNameWhatAndWhere(t *testing.T) {
	b := fresh(t)
	create(t, b, "tower")
	for _, c := range []struct {
		name string
		err  error
		is   error
		says []string
	}{
		{"stale", b.Append(t.Context(), event("tower", 7), nil), store.ErrStale, []string{`"tower"`, "event 7", "after 1"}},
		{"unknown", b.Append(t.Context(), event("bridge", 2), nil), store.ErrNotFound, []string{`"bridge"`, "event 2"}},
		{"exists", b.Create(t.Context(), event("tower", 1), store.Snapshot{Project: "tower", Revision: 1}), store.ErrExists, []string{`"tower"`}},
		{"create at 2", b.Create(t.Context(), event("road", 2), store.Snapshot{Project: "road", Revision: 1}), nil, []string{`"road"`, "event 1"}},
		{"snapshot ahead", b.SaveSnapshot(t.Context(), store.Snapshot{Project: "tower", Revision: 3}), nil, []string{`"tower"`, "revision 3", "1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Error(t, c.err)
			if c.is != nil {
				require.ErrorIs(t, c.err, c.is)
			}
			require.True(t, strings.HasPrefix(c.err.Error(), "sqlite: "), "error %q does not start with the package", c.err)
			for _, s := range c.says {
				require.Contains(t, c.err.Error(), s)
			}
		})
	}
	evs, err := b.Events(t.Context(), "tower", 0, 10)
	require.NoError(t, err)
	require.Len(t, evs, 1, "a refused call wrote an event")
}

// TestClosed: every method fails with store.ErrClosed after Close.
func TestClosed(t *testing.T) {
	b := open(t, filepath.Join(t.TempDir(), "store.db"), Config{})
	create(t, b, "p")
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "closing twice")
	ctx := t.Context()
	errs := []error{
		b.Create(ctx, event("q", 1), store.Snapshot{Project: "q", Revision: 1}),
		b.Append(ctx, event("p", 2), nil),
		b.SaveSnapshot(ctx, store.Snapshot{Project: "p", Revision: 1}),
		b.ForgetAnswers(ctx, at),
		b.Delivered(ctx, []store.EventID{{Project: "p", Seq: 1}}),
	}
	_, err := b.Events(ctx, "p", 0, 1)
	errs = append(errs, err)
	_, err = b.Projects(ctx, 1)
	errs = append(errs, err)
	_, err = b.Snapshot(ctx, "p")
	errs = append(errs, err)
	_, _, err = b.Answer(ctx, "p", "c", at)
	errs = append(errs, err)
	_, err = b.Pending(ctx, 1)
	errs = append(errs, err)
	for i, err := range errs {
		require.ErrorIs(t, err, store.ErrClosed, "call %d", i)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o644))
	for _, c := range []struct {
		name, path string
		cfg        Config
		says       string
	}{
		{"empty path", "", Config{}, "empty path"},
		{"negative busy timeout", filepath.Join(dir, "a.db"), Config{BusyTimeout: -time.Second}, "Config.BusyTimeout"},
		{"negative readers", filepath.Join(dir, "a.db"), Config{Readers: -1}, "Config.Readers"},
		{"not a database", garbage, Config{}, "garbage.db"},
		{"a directory", dir, Config{}, filepath.Base(dir)},
		{"no such folder", filepath.Join(dir, "missing", "a.db"), Config{}, "a.db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Open(c.path, c.cfg)
			if err == nil {
				b.Close()
				t.Fatalf("Open(%q) succeeded", c.path)
			}
			require.Contains(t, err.Error(), c.says)
		})
	}
}

// TestOddPaths: a path with the characters a URI gives meaning to is
// still a path.
func TestOddPaths(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a?b=c.db", "hash#x.db", "space and %20.db", "ঢাকা.db"} {
		path := filepath.Join(dir, name)
		b := open(t, path, Config{})
		create(t, b, "p")
		require.NoError(t, b.Close())
		_, err := os.Stat(path)
		require.NoError(t, err, "the file was not created under its name")
		b = open(t, path, Config{})
		_, err = b.Snapshot(t.Context(), "p")
		require.NoError(t, err)
	}
}
