//go:build unix

package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// The crash test: a child process — this test binary run again with
// crashEnv set — applies a stream of random changes to a project through
// store.New on the SQLite file, printing each command before it applies
// it and again once Apply has returned; the parent kills it with SIGKILL
// at a random point, opens the file and checks what survived; then
// starts the next child on the same file.
const (
	crashEnv     = "CRITPATH_SQLITE_CRASH_CHILD" // "path;run"
	crashRetry   = "CRITPATH_SQLITE_CRASH_RETRY" // a change in flight at the last kill, JSON
	crashProject = "crash"
	crashKills   = 50
	crashSeed    = 20
)

// The child's lines on stdout, each written whole before the next step:
//
//	try create · ack create
//	ready <revision>
//	try <change as JSON>
//	ack <command> <revision> <duplicate>
//	rej <command> <error>
//	err <error>

func TestCrashChild(t *testing.T) {
	arg := os.Getenv(crashEnv)
	if arg == "" {
		t.Skip("the child of TestCrash, run only by it")
	}
	path, run, _ := strings.Cut(arg, ";")
	n, err := strconv.ParseUint(run, 10, 64)
	if err == nil {
		err = crashChild(path, n, os.Getenv(crashRetry))
	}
	if err != nil {
		fmt.Printf("err %v\n", strings.ReplaceAll(err.Error(), "\n", " "))
	}
}

// crashChild applies random changes until it is killed (or has applied
// many more than a child lives to apply).
func crashChild(path string, run uint64, retry string) error {
	ctx := context.Background()
	b, err := Open(path, Config{})
	if err != nil {
		return err
	}
	s := store.New(b, store.Config{SnapshotEvery: 7})
	p, rev, err := s.Project(ctx, crashProject)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Println("try create")
		if _, err := s.Create(ctx, crashProject, randnet.Project(randnet.Config{Tasks: 200, Seed: crashSeed}), "crash"); err != nil {
			return err
		}
		fmt.Println("ack create")
		p, rev, err = s.Project(ctx, crashProject)
	}
	if err != nil {
		return err
	}
	fmt.Printf("ready %d\n", rev)
	m := newCrashModel(p)
	apply := func(ch store.Change) error {
		out, err := s.Apply(ctx, crashProject, ch)
		if _, ok := errors.AsType[*store.InputError](err); ok {
			fmt.Printf("rej %s %v\n", ch.Command, err)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Printf("ack %s %d %t\n", ch.Command, out.Revision, out.Duplicate)
		m.accept(ch)
		rev = out.Revision
		return nil
	}
	if retry != "" {
		// The change in flight when the last child was killed, sent again
		// under its command id: answered as before if it was committed.
		var ch store.Change
		if err := json.Unmarshal([]byte(retry), &ch); err != nil {
			return err
		}
		if err := apply(ch); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(crashSeed, run))
	for i := range 100_000 {
		ch := m.change(rng, fmt.Sprintf("r%d-%d", run, i), rev)
		line, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		fmt.Printf("try %s\n", line)
		if err := apply(ch); err != nil {
			return err
		}
	}
	return nil
}

// crashModel is what the child knows of the project, to make changes
// that change something: every op of them takes effect, so the event of
// a change holds all its ops.
type crashModel struct {
	first    int // the tasks of the random network: links go forward among them
	ids      []string
	duration map[string]schedule.Duration
	linked   map[[2]string]bool
	added    []string // tasks added by changes, without successors
}

func newCrashModel(p *schedule.Project) *crashModel {
	m := &crashModel{duration: map[string]schedule.Duration{}, linked: map[[2]string]bool{}}
	for _, t := range p.Tasks {
		m.ids = append(m.ids, t.ID)
		m.duration[t.ID] = t.Duration
		if strings.HasPrefix(t.ID, "N") {
			m.added = append(m.added, t.ID)
		}
	}
	m.first = len(m.ids) - len(m.added)
	for _, l := range p.Links {
		m.linked[[2]string{l.Pred, l.Succ}] = true
	}
	return m
}

// change makes a change of one to four ops on distinct tasks.
func (m *crashModel) change(rng *rand.Rand, cmd string, base int64) store.Change {
	ch := store.Change{Actor: "crash", Command: cmd, Base: base}
	used := map[string]bool{}
	for k := range 1 + rng.IntN(4) {
		id := m.ids[rng.IntN(len(m.ids))]
		if used[id] {
			continue
		}
		used[id] = true
		switch x := rng.Float64(); {
		case x < 0.5:
			d := m.duration[id]
			for d == m.duration[id] {
				d = schedule.Days(float64(1 + rng.IntN(20)))
			}
			ch.Ops = append(ch.Ops, store.Set(id, "duration", d))
		case x < 0.7:
			ch.Ops = append(ch.Ops, store.Set(id, "name", fmt.Sprintf("name %s/%d", cmd, k)))
		case x < 0.8:
			ch.Ops = append(ch.Ops, store.Set(id, "notes", fmt.Sprintf("notes %s/%d", cmd, k)))
		case x < 0.9:
			ch.Ops = append(ch.Ops, store.AddTask(schedule.Task{ID: fmt.Sprintf("N%s-%d", cmd, k), Name: "added by " + cmd, Duration: schedule.Days(2)}))
		default:
			if len(m.added) == 0 {
				continue
			}
			pred, succ := m.ids[rng.IntN(m.first)], m.added[rng.IntN(len(m.added))]
			if m.linked[[2]string{pred, succ}] || used[succ] {
				continue
			}
			used[succ] = true
			ch.Ops = append(ch.Ops, store.AddLink(fmt.Sprintf("L%s-%d", cmd, k), schedule.Link{Pred: pred, Succ: succ}))
		}
	}
	if len(ch.Ops) == 0 {
		ch.Ops = append(ch.Ops, store.Set(m.ids[0], "notes", "notes "+cmd))
	}
	return ch
}

// accept records an acknowledged change.
func (m *crashModel) accept(ch store.Change) {
	for _, op := range ch.Ops {
		switch op.Op {
		case store.OpSet:
			if op.Field == "duration" {
				var d schedule.Duration
				if json.Unmarshal(op.Value, &d) == nil {
					m.duration[op.Task] = d
				}
			}
		case store.OpAddTask:
			m.ids = append(m.ids, op.Task)
			m.added = append(m.added, op.Task)
			m.duration[op.Task] = op.New.Duration
		case store.OpAddLink:
			m.linked[[2]string{op.Link.Pred, op.Link.Succ}] = true
		}
	}
}

// crashLog is what the parent read of its children's lines.
type crashLog struct {
	created  bool                    // a child acknowledged the creation
	tried    map[string]store.Change // every change sent, by command id
	acked    map[string]int64        // acknowledged: the revision
	rejected map[string]bool
	inFlight string // the command tried and not answered when the last child died
	// committed: changes in flight at a kill found in the log after it,
	// with their revision; sent again, each must be answered as a
	// duplicate.
	committed map[string]int64
}

func TestCrash(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(crashSeed, 0))
	log := &crashLog{tried: map[string]store.Change{}, acked: map[string]int64{}, rejected: map[string]bool{}, committed: map[string]int64{}}
	acks, early, inFlight, committed := 0, 0, 0, 0
	for run := range crashKills {
		// Most children are killed a random time after their k-th
		// acknowledgement, k random, so that every child gets some work
		// done however slow the machine; the delay falls anywhere in the
		// next change (planning, encoding, the commit and its fsync,
		// the snapshot written in the background). Some are killed a
		// random time after they start, while they open the file, load
		// the project or create it.
		k := -1
		delay := time.Duration(rng.Int64N(int64(15 * time.Millisecond)))
		if rng.IntN(8) != 0 {
			k = rng.IntN(16)
		} else {
			early++
		}
		acks += crashRun(t, exe, path, run, log, k, delay)
		if crashCheck(t, path, log) {
			committed++
		}
		if log.inFlight != "" {
			inFlight++
		}
	}
	t.Logf("%d kills: %d before the child was ready, %d with a change in flight (%d of them committed, unacknowledged); %d changes acknowledged, %d rejected",
		crashKills, early, inFlight, committed, acks, len(log.rejected))
	require.Greater(t, len(log.acked), crashKills, "too few changes acknowledged for the kills to mean anything")
}

// crashRun starts one child, kills it delay after its k-th
// acknowledgement (k ≥ 0) or after it starts (k < 0), and reads its lines
// into log; it returns how many changes the child acknowledged.
func crashRun(t *testing.T, exe, path string, run int, log *crashLog, k int, delay time.Duration) int {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s;%d", crashEnv, path, run))
	if log.inFlight != "" {
		line, err := json.Marshal(log.tried[log.inFlight])
		require.NoError(t, err)
		cmd.Env = append(cmd.Env, crashRetry+"="+string(line))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var timer <-chan time.Time
	if k < 0 {
		timer = time.After(delay)
	}
	killed, acks := false, 0
	kill := func() {
		if !killed {
			killed = true
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		}
	}
	for open := true; open; {
		select {
		case <-timer:
			kill()
			timer = nil
		case line, ok := <-lines:
			if !ok {
				open = false
				break
			}
			ack := crashLine(t, line, log)
			if ack {
				acks++
			}
			ready := strings.HasPrefix(line, "ready ")
			if k >= 0 && !killed && timer == nil && (ready && k == 0 || ack && acks == k) {
				timer = time.After(delay)
			}
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child %d ended by itself: %v\n%s", run, err, stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child %d: %v, want killed\n%s", run, err, stderr.String())
	}
	return acks
}

// crashLine reads one line of a child into log, and says whether it
// acknowledged a change.
func crashLine(t *testing.T, line string, log *crashLog) bool {
	t.Helper()
	word, rest, _ := strings.Cut(line, " ")
	switch word {
	case "try":
		if rest == "create" {
			return false
		}
		var ch store.Change
		require.NoError(t, json.Unmarshal([]byte(rest), &ch), "line %q", line)
		log.tried[ch.Command] = ch
		log.inFlight = ch.Command
	case "ack":
		if rest == "create" {
			log.created = true
			return false
		}
		f := strings.Fields(rest)
		require.Len(t, f, 3, "line %q", line)
		rev, err := strconv.ParseInt(f[1], 10, 64)
		require.NoError(t, err)
		if seq, ok := log.committed[f[0]]; ok {
			require.Equal(t, "true", f[2], "command %s, committed before a kill and sent again, applied again", f[0])
			require.Equal(t, seq, rev, "command %s, committed before a kill and sent again", f[0])
		}
		if prev, ok := log.acked[f[0]]; ok {
			// A change in flight at a kill, sent again: if it had been
			// committed, it is answered as the first time.
			require.Equal(t, "true", f[2], "command %s acknowledged twice, applied twice", f[0])
			require.Equal(t, prev, rev)
		}
		log.acked[f[0]] = rev
		log.inFlight = ""
		return f[2] == "false"
	case "rej":
		cmd, _, _ := strings.Cut(rest, " ")
		log.rejected[cmd] = true
		log.inFlight = ""
	case "err":
		t.Fatalf("the child failed: %s", rest)
	}
	return false
}

// crashCheck opens the file after a kill and checks that every
// acknowledged change is there, whole, that nothing else is but whole
// changes that were sent, that the log has no gap and chains, that each
// change's answer and outbox entry went with it, and that the project as
// loaded (snapshot and the events after it) schedules to the same dates
// as a replay of its whole log. It says whether the change in flight at
// the kill, if any, had been committed.
func crashCheck(t *testing.T, path string, log *crashLog) (committed bool) {
	t.Helper()
	ctx := t.Context()
	b, err := Open(path, Config{})
	require.NoError(t, err)
	defer b.Close()
	s := store.New(b, store.Config{})
	defer s.Close()

	var evs []store.Event
	for {
		page, err := b.Events(ctx, crashProject, int64(len(evs)), 1000)
		if errors.Is(err, store.ErrNotFound) && !log.created {
			return false // killed before the creation was committed
		}
		require.NoError(t, err)
		evs = append(evs, page...)
		if len(page) < 1000 {
			break
		}
	}
	for i, ev := range evs {
		require.Equal(t, int64(i+1), ev.Seq, "a gap in the log")
	}
	require.NoError(t, s.Verify(ctx, crashProject), "the hash chain")

	// The answers, all at once from the table (Backend.Answer is checked
	// by the conformance suite): command → the event it made.
	answers := map[string]int64{}
	rows, err := b.read.QueryContext(ctx, `SELECT command, seq FROM answers WHERE project = ?`, crashProject)
	require.NoError(t, err)
	for rows.Next() {
		var cmd string
		var seq int64
		require.NoError(t, rows.Scan(&cmd, &seq))
		answers[cmd] = seq
	}
	require.NoError(t, rows.Err())
	rows.Close()

	byCommand := map[string]store.Event{}
	for _, ev := range evs[1:] {
		ch, ok := log.tried[ev.Command]
		require.True(t, ok, "event %d: command %q was never sent", ev.Seq, ev.Command)
		require.False(t, log.rejected[ev.Command], "event %d: command %q was rejected", ev.Seq, ev.Command)
		_, twice := byCommand[ev.Command]
		require.False(t, twice, "command %q applied twice", ev.Command)
		byCommand[ev.Command] = ev
		var body struct {
			Ops []store.Op `json:"ops"`
		}
		require.NoError(t, json.Unmarshal(ev.Body, &body), "event %d", ev.Seq)
		require.Equal(t, opsJSON(t, ch.Ops), opsJSON(t, body.Ops), "event %d holds part of change %s", ev.Seq, ev.Command)
		seq, ok := answers[ev.Command]
		require.True(t, ok, "event %d without the answer to %s", ev.Seq, ev.Command)
		require.Equal(t, ev.Seq, seq, "the answer to %s", ev.Command)
	}
	for cmd, rev := range log.acked {
		ev, ok := byCommand[cmd]
		require.True(t, ok, "acknowledged change %s (revision %d) lost", cmd, rev)
		require.Equal(t, rev, ev.Seq, "acknowledged change %s", cmd)
	}
	for cmd := range answers {
		_, ok := byCommand[cmd]
		require.True(t, ok, "an answer to %s, whose event is not in the log", cmd)
	}
	pending, err := b.Pending(ctx, len(evs)+1)
	require.NoError(t, err)
	require.Len(t, pending, len(evs), "the outbox (nothing is delivered in this test) against the log")
	for i, ev := range pending {
		require.Equal(t, evs[i].ID(), ev.ID(), "outbox entry %d", i)
	}

	loaded, rev, err := s.Project(ctx, crashProject)
	require.NoError(t, err)
	require.Equal(t, int64(len(evs)), rev)
	replayed, err := s.Replay(ctx, crashProject)
	require.NoError(t, err)
	sameSchedule(t, loaded, replayed)
	if ev, ok := byCommand[log.inFlight]; ok {
		log.committed[log.inFlight] = ev.Seq
		return true
	}
	return false
}

// opsJSON spells ops as JSON, to compare what was sent with what the
// event holds.
func opsJSON(t *testing.T, ops []store.Op) string {
	b, err := json.Marshal(ops)
	require.NoError(t, err)
	return string(b)
}

// sameSchedule schedules both projects and compares every task's dates
// and floats.
func sameSchedule(t *testing.T, a, b *schedule.Project) {
	t.Helper()
	require.Len(t, b.Tasks, len(a.Tasks))
	ra, err := schedule.Run(a)
	require.NoError(t, err)
	rb, err := schedule.Run(b)
	require.NoError(t, err)
	require.True(t, ra.Finish().Equal(rb.Finish()), "project finish %v, replayed %v", ra.Finish(), rb.Finish())
	for _, task := range a.Tasks {
		x, ok := ra.Lookup(task.ID)
		require.True(t, ok)
		y, ok := rb.Lookup(task.ID)
		require.True(t, ok, "task %s not in the replayed project", task.ID)
		require.True(t, x.Start.Equal(y.Start) && x.Finish.Equal(y.Finish) && x.TotalFloat == y.TotalFloat && x.FreeFloat == y.FreeFloat,
			"task %s: %v–%v float %d/%d, replayed %v–%v float %d/%d", task.ID, x.Start, x.Finish, x.TotalFloat, x.FreeFloat, y.Start, y.Finish, y.TotalFloat, y.FreeFloat)
		require.Equal(t, x.Name, y.Name)
	}
}
