package notify

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/critpath/critpath/jobs"
)

// sim is an outbox queue and its worker as a discrete-event simulation on
// a simulated clock: Enqueue keeps jobs by their run-at time (refusing a
// unique key seen within its time to live, as jobs queues do), Run hands
// them to the handler in time order, moving the clock to each, and
// schedules a job the handler asks to retry (jobs.RetryAfter, or an
// exponential backoff for another error) — as a queue does, with time
// taken out of the picture. One worker, so a run is deterministic.
type sim struct {
	now    time.Time
	seq    int
	events simEvents
	unique map[string]time.Time
	h      jobs.Handler

	// runs counts handler calls; done, dead the jobs that ended.
	runs, done int
	dead       []jobs.Job
}

type simEvent struct {
	at  time.Time
	seq int
	job *jobs.Job
	fn  func()
}

type simEvents []simEvent

func (e simEvents) Len() int { return len(e) }
func (e simEvents) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e simEvents) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *simEvents) Push(x any)   { *e = append(*e, x.(simEvent)) }
func (e *simEvents) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// simStart is a Monday, 10:00 in Dhaka: outside quiet hours.
var simStart = time.Date(2027, 7, 12, 10, 0, 0, 0, Dhaka())

func newSim() *sim { return &sim{now: simStart, unique: map[string]time.Time{}} }

func (s *sim) Now() time.Time { return s.now }

func (s *sim) push(at time.Time, j *jobs.Job, fn func()) {
	s.seq++
	heap.Push(&s.events, simEvent{at: later(at, s.now), seq: s.seq, job: j, fn: fn})
}

// Enqueue implements jobs.Enqueuer.
func (s *sim) Enqueue(_ context.Context, j jobs.Job) (string, error) {
	if j.UniqueKey != "" {
		if exp, ok := s.unique[j.UniqueKey]; ok && s.now.Before(exp) {
			return "", jobs.ErrDuplicate
		}
		s.unique[j.UniqueKey] = s.now.Add(j.UniqueTTL)
	}
	j.ID = fmt.Sprintf("job-%d", s.seq+1)
	j.EnqueuedAt = s.now
	s.push(j.RunAt, &j, nil)
	return j.ID, nil
}

// At runs fn at t.
func (s *sim) At(t time.Time, fn func()) { s.push(t, nil, fn) }

// Run runs everything due up to until, then sets the clock there.
func (s *sim) Run(until time.Time) {
	ctx := context.Background()
	for s.events.Len() > 0 && !s.events[0].at.After(until) {
		ev := heap.Pop(&s.events).(simEvent)
		s.now = ev.at
		if ev.fn != nil {
			ev.fn()
			continue
		}
		j := ev.job
		j.Attempt++
		s.runs++
		err := s.h.Work(ctx, j, func(float64, string) {})
		switch d, retry := jobs.RetryDelay(err); {
		case err == nil:
			s.done++
		case jobs.IsPermanent(err) || j.Attempt >= j.MaxAttempts:
			s.dead = append(s.dead, *j)
		case retry:
			s.push(s.now.Add(d), j, nil)
		default:
			s.push(s.now.Add(time.Duration(min(j.Attempt, 10))*time.Second), j, nil)
		}
	}
	s.now = later(s.now, until)
}

// Pending counts the jobs and functions not yet run.
func (s *sim) Pending() int { return s.events.Len() }

// fake is an in-process Provider: answer decides what a call at a time
// gets (nil: accepted). A fake that takes keys delivers a key once,
// however often it is sent. It counts calls and what the person got.
type fake struct {
	name     string
	now      func() time.Time
	takesKey bool
	answer   func(t time.Time, m *Message) error

	mu        sync.Mutex
	calls     int
	times     []time.Time
	errs      int
	delivered map[string]int // by message key: what reached the person
	sent      map[string]Message
}

func newFake(name string, now func() time.Time, answer func(t time.Time, m *Message) error) *fake {
	return &fake{name: name, now: now, answer: answer, delivered: map[string]int{}, sent: map[string]Message{}}
}

func (f *fake) Name() string   { return f.name }
func (f *fake) TakesKey() bool { return f.takesKey }

func (f *fake) Send(ctx context.Context, m *Message) (Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.now()
	f.calls++
	f.times = append(f.times, t)
	if f.answer != nil {
		if err := f.answer(t, m); err != nil {
			f.errs++
			return Receipt{}, err
		}
	}
	if !f.takesKey || f.delivered[m.Key] == 0 {
		f.delivered[m.Key]++
	}
	f.sent[m.Key] = *m
	return Receipt{Provider: f.name, ID: fmt.Sprintf("%s-%d", f.name, f.calls)}, nil
}

// total returns the messages delivered and the keys delivered more than
// once.
func (f *fake) total() (delivered, duplicates int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.delivered {
		delivered += n
		if n > 1 {
			duplicates += n - 1
		}
	}
	return delivered, duplicates
}

// down answers 503 (retryable) from `from` for d, and accepts otherwise.
func down(name string, from time.Time, d time.Duration) func(time.Time, *Message) error {
	return func(t time.Time, _ *Message) error {
		if !t.Before(from) && t.Before(from.Add(d)) {
			return &SendError{Provider: name, Class: Retryable, Status: 503, Err: errors.New("service unavailable")}
		}
		return nil
	}
}

// rig is a Dispatcher on a sim with fake providers.
type rig struct {
	sim    *sim
	d      *Dispatcher
	ledger *MemoryLedger
	dir    *MemoryDirectory
	inbox  *MemoryInbox
}

func newRig(t testing.TB, cfg Config, users ...User) *rig {
	t.Helper()
	s := newSim()
	r := &rig{sim: s, dir: NewMemoryDirectory(users...), inbox: NewMemoryInbox()}
	if cfg.Ledger == nil {
		r.ledger = NewMemoryLedger()
		cfg.Ledger = r.ledger
	}
	cfg.Now = s.Now
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(7, 11))
	}
	if cfg.Inbox == nil {
		cfg.Inbox = r.inbox
	}
	d, err := New(r.dir, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := jobs.NewMux()
	d.Register(mux)
	s.h = mux
	r.d = d
	return r
}

// send sends n now, failing the test on an error.
func (r *rig) send(t testing.TB, n Notification) *Report {
	t.Helper()
	rep, err := r.d.Send(context.Background(), n)
	if err != nil {
		t.Fatalf("Send %s: %v", n.Key, err)
	}
	return rep
}

// sendAt sends n at t.
func (r *rig) sendAt(t testing.TB, at time.Time, n Notification) {
	r.sim.At(at, func() { r.send(t, n) })
}

// announcement is a notification of kind Announcement to to.
func announcement(key string, sev Severity, to ...string) Notification {
	return Notification{Key: key, Kind: Announcement, Project: "tower", To: to, Severity: sev,
		Data: map[string]string{"subject": "Site closed", "text": "The site is closed on Friday for the crane inspection."}}
}
