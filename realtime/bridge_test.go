package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/notify"
	"github.com/critpath/critpath/notify/notifytest"
	"github.com/critpath/critpath/realtime"
)

// jobMessage is a job message as a client reads it.
type jobMessage struct {
	seq     int64
	at      time.Time
	event   jobs.Event
	encoded string
}

// jobMessages returns the job messages of room's history.
func jobMessages(t *testing.T, b realtime.Broker, room string) []jobMessage {
	t.Helper()
	ms, err := b.Range(context.Background(), room, 0, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []jobMessage
	for _, m := range ms {
		if m.Type != realtime.TypeJob {
			t.Errorf("room %q: a %q message, want job", room, m.Type)
			continue
		}
		var ev jobs.Event
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			t.Fatalf("room %q: job message %d: %v", room, m.Seq, err)
		}
		out = append(out, jobMessage{seq: m.Seq, at: m.Time, event: ev, encoded: string(m.Encoded())})
	}
	return out
}

// summary writes messages as "kind" or "progress 30" each.
func summary(ms []jobMessage) []string {
	var out []string
	for _, m := range ms {
		s := m.event.Kind.String()
		if m.event.Kind == jobs.EventProgress {
			s += fmt.Sprint(" ", m.event.Percent)
		}
		out = append(out, s)
	}
	return out
}

// bridged runs Jobs over a memory queue consuming queue "work" with h, in
// a synctest bubble, and calls f; it shuts everything down after.
func bridged(t *testing.T, h jobs.HandlerFunc, room func(jobs.Event) string, f func(t *testing.T, q *jobs.Memory, b *realtime.Memory)) {
	synctest.Test(t, func(t *testing.T) {
		q := jobs.NewMemory(jobs.Config{EventBuffer: 1024})
		b := realtime.NewMemory(realtime.MemoryConfig{MaxAge: 24 * time.Hour})
		if err := q.Consume("work", h); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- realtime.Jobs(ctx, q, b, room) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Jobs returned %v, want context.Canceled", err)
			}
			if err := q.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
		synctest.Wait() // subscribed
		f(t, q, b)
	})
}

func enqueue(t *testing.T, q jobs.Enqueuer, project, payload string, maxAttempts int) string {
	t.Helper()
	id, err := q.Enqueue(t.Context(), jobs.Job{Queue: "work", Kind: "k", Project: project, Payload: json.RawMessage(`"` + payload + `"`), MaxAttempts: maxAttempts})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestJobsOrderAndCoalescing: each job's events reach its project's
// room in order; reports coming sooner than ProgressEvery after the last
// published wait and are replaced by later ones; state changes are all
// published, and a report still waiting when the state changes is
// dropped.
func TestJobsOrderAndCoalescing(t *testing.T) {
	handler := func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		var script string
		json.Unmarshal(j.Payload, &script)
		for step := range strings.FieldsSeq(script) {
			switch {
			case step == "fail":
				return errors.New("the weather service is down")
			case step == "permanent":
				return jobs.Permanent(errors.New("no such project"))
			case step == "block":
				<-ctx.Done()
				return ctx.Err()
			case strings.HasSuffix(step, "ms"):
				d, _ := time.ParseDuration(step)
				time.Sleep(d)
			default:
				var pct float64
				fmt.Sscan(step, &pct)
				p(pct, "step "+step)
			}
		}
		return nil
	}
	for _, c := range []struct {
		name        string
		script      string
		maxAttempts int
		cancel      bool
		want        []string
	}{
		{"latest after the interval", "10 20 30 1000ms 40 1000ms", 1, false,
			[]string{"queued", "started", "progress 10", "progress 30", "progress 40", "completed"}},
		{"a waiting report dropped by completion", "10 20 100ms 30", 1, false,
			[]string{"queued", "started", "progress 10", "completed"}},
		{"reports an interval apart all published", "10 250ms 20 250ms 30 300ms 40", 1, false,
			[]string{"queued", "started", "progress 10", "progress 20", "progress 30", "progress 40", "completed"}},
		{"failed and dead", "10 20 permanent", 3, false,
			[]string{"queued", "started", "progress 10", "failed", "dead"}},
		{"retried: each try's first report at once", "10 20 fail", 2, false,
			[]string{"queued", "started", "progress 10", "failed", "retried", "started", "progress 10", "failed", "dead"}},
		{"canceled", "10 block", 1, true,
			[]string{"queued", "started", "progress 10", "canceled"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			bridged(t, handler, nil, func(t *testing.T, q *jobs.Memory, b *realtime.Memory) {
				id := enqueue(t, q, "dhaka-tower", c.script, c.maxAttempts)
				if c.cancel {
					synctest.Wait()
					if err := q.Cancel(t.Context(), "work", id); err != nil {
						t.Fatal(err)
					}
				}
				// Long enough for every retry's backoff.
				time.Sleep(time.Hour)
				synctest.Wait()
				ms := jobMessages(t, b, "dhaka-tower")
				if got := summary(ms); !slices.Equal(got, c.want) {
					t.Errorf("got %q, want %q", got, c.want)
				}
				for i, m := range ms {
					if m.event.JobID != id || m.seq != int64(i+1) {
						t.Errorf("message %d: job %s, seq %d; want job %s, seq %d", i, m.event.JobID, m.seq, id, i+1)
					}
				}
			})
		})
	}
}

// TestJobsProgressRate: a job reporting every 10 ms gets at most one
// report published per ProgressEvery, each later and higher than the
// last, and its completion.
func TestJobsProgressRate(t *testing.T) {
	const reports = 300
	h := func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		for i := range reports {
			p(float64(i+1)*100/reports, "")
			time.Sleep(10 * time.Millisecond)
		}
		return nil
	}
	bridged(t, h, nil, func(t *testing.T, q *jobs.Memory, b *realtime.Memory) {
		enqueue(t, q, "padma-bridge", "", 1)
		time.Sleep(time.Minute)
		synctest.Wait()
		ms := jobMessages(t, b, "padma-bridge")
		var progress []jobMessage
		for _, m := range ms {
			if m.event.Kind == jobs.EventProgress {
				progress = append(progress, m)
			}
		}
		// 3 s of reports: one at once, then one per interval.
		if n, most := len(progress), int(reports*10*time.Millisecond/realtime.ProgressEvery)+1; n < most-1 || n > most {
			t.Errorf("%d progress messages, want %d or %d", n, most-1, most)
		}
		for i := 1; i < len(progress); i++ {
			a, b := progress[i-1], progress[i]
			if gap := b.at.Sub(a.at); gap < realtime.ProgressEvery {
				t.Errorf("progress messages %d and %d %v apart, under %v", i-1, i, gap, realtime.ProgressEvery)
			}
			if b.event.Percent <= a.event.Percent {
				t.Errorf("progress %v after %v", b.event.Percent, a.event.Percent)
			}
		}
		if last := ms[len(ms)-1].event.Kind; last != jobs.EventCompleted {
			t.Errorf("the last message is %v, want completed", last)
		}
	})
}

// TestJobsRooms: each job's events go to its own project's room, none
// to another; a job about no project is skipped; a room function
// chooses other rooms.
func TestJobsRooms(t *testing.T) {
	h := func(ctx context.Context, j *jobs.Job, p jobs.Progress) error {
		p(50, "")
		return nil
	}
	t.Run("by project", func(t *testing.T) {
		bridged(t, h, nil, func(t *testing.T, q *jobs.Memory, b *realtime.Memory) {
			tower := enqueue(t, q, "dhaka-tower", "", 1)
			synctest.Wait()
			bridge := enqueue(t, q, "padma-bridge", "", 1)
			synctest.Wait()
			enqueue(t, q, "", "", 1)
			synctest.Wait()
			want := []string{"queued", "started", "progress 50", "completed"}
			for room, id := range map[string]string{"dhaka-tower": tower, "padma-bridge": bridge} {
				ms := jobMessages(t, b, room)
				if got := summary(ms); !slices.Equal(got, want) {
					t.Errorf("room %s: got %q, want %q", room, got, want)
				}
				for _, m := range ms {
					if m.event.JobID != id || m.event.Project != room {
						t.Errorf("room %s: an event of job %s of %q", room, m.event.JobID, m.event.Project)
					}
				}
			}
			if ms := jobMessages(t, b, ""); len(ms) != 0 {
				t.Errorf("a job about no project published %d messages", len(ms))
			}
		})
	})
	t.Run("room function", func(t *testing.T) {
		room := func(ev jobs.Event) string { return "queue:" + ev.Queue }
		bridged(t, h, room, func(t *testing.T, q *jobs.Memory, b *realtime.Memory) {
			enqueue(t, q, "", "", 1)
			synctest.Wait()
			if got := summary(jobMessages(t, b, "queue:work")); len(got) != 4 {
				t.Errorf("room queue:work: got %q, want the job's 4 events", got)
			}
		})
	})
}

// failing is a broker whose Publish fails.
type failing struct {
	*realtime.Memory
	err error
}

func (f failing) Publish(context.Context, string, ...realtime.Message) (int64, error) {
	return 0, f.err
}

// TestJobsEnds: Jobs returns nil when the queue ends its stream, and the
// broker's error when a publication fails.
func TestJobsEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := jobs.NewMemory(jobs.Config{})
		b := realtime.NewMemory(realtime.MemoryConfig{})
		done := make(chan error, 1)
		go func() { done <- realtime.Jobs(t.Context(), q, b, nil) }()
		synctest.Wait()
		q.Shutdown(t.Context())
		if err := <-done; err != nil {
			t.Errorf("Jobs returned %v after the queue shut down, want nil", err)
		}

		q = jobs.NewMemory(jobs.Config{})
		down := errors.New("redis down")
		go func() { done <- realtime.Jobs(t.Context(), q, failing{b, down}, nil) }()
		synctest.Wait()
		enqueue(t, q, "dhaka-tower", "", 1)
		if err := <-done; !errors.Is(err, down) || !strings.Contains(err.Error(), `"dhaka-tower"`) {
			t.Errorf("Jobs returned %v, want the broker's error naming the room", err)
		}
		q.Shutdown(t.Context())
	})
}

// TestInbox: an item added reaches its user's room, and only that room,
// as a notification message carrying it; a refused item publishes
// nothing.
func TestInbox(t *testing.T) {
	ctx := t.Context()
	b := realtime.NewMemory(realtime.MemoryConfig{})
	mem := notify.NewMemoryInbox()
	in := realtime.Inbox(mem, b)
	rahim, err := b.Subscribe(ctx, realtime.UserRoom("rahim"), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	karim, err := b.Subscribe(ctx, realtime.UserRoom("karim"), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	it := notify.Item{ID: "n1", User: "rahim", Title: "RAJUK approval received", Data: map[string]string{"project": "dhaka-tower"},
		Created: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	if err := in.Add(ctx, it); err != nil {
		t.Fatal(err)
	}
	if err := in.Add(ctx, notify.Item{User: "rahim", Title: "no ID"}); err == nil {
		t.Error("an item without an ID added")
	}
	select {
	case m := <-rahim.C:
		var got notify.Item
		if err := json.Unmarshal(m.Data, &got); err != nil {
			t.Fatal(err)
		}
		if m.Type != realtime.TypeNotification || m.Room != "user:rahim" || m.Seq != 1 || got.ID != "n1" || got.Title != it.Title || got.Data["project"] != "dhaka-tower" {
			t.Errorf("got %s %s seq %d %+v, want notification user:rahim seq 1 %+v", m.Type, m.Room, m.Seq, got, it)
		}
	default:
		t.Fatal("nothing reached user:rahim")
	}
	select {
	case m := <-rahim.C:
		t.Errorf("user:rahim got a second message %s (the refused item?)", m.Encoded())
	case m := <-karim.C:
		t.Errorf("user:karim got %s", m.Encoded())
	default:
	}
	if items, err := in.List(ctx, "rahim", notify.Page{}); err != nil || len(items.Items) != 1 || items.Unread != 1 {
		t.Errorf("the inbox holds %+v, %v; want the one item, unread", items, err)
	}
	if seq, _, _, _ := b.Last(ctx, realtime.UserRoom("karim")); seq != 0 {
		t.Errorf("user:karim's history holds %d messages", seq)
	}
}

// TestInboxAtLeastOnce: an item added again is published again (clients
// drop it by its ID); when the publication fails, Add says so, the item
// is stored, and adding it again publishes it.
func TestInboxAtLeastOnce(t *testing.T) {
	ctx := t.Context()
	mem := realtime.NewMemory(realtime.MemoryConfig{})
	inner := notify.NewMemoryInbox()
	it := notify.Item{ID: "n1", User: "rahim", Title: "Fire Service NOC due"}

	down := errors.New("redis down")
	if err := realtime.Inbox(inner, failing{mem, down}).Add(ctx, it); !errors.Is(err, down) {
		t.Fatalf("Add with the broker down: %v, want its error", err)
	}
	if n, _ := inner.Unread(ctx, "rahim"); n != 1 {
		t.Errorf("the item is not stored after a failed publication (%d unread)", n)
	}
	in := realtime.Inbox(inner, mem)
	for range 2 {
		if err := in.Add(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := mem.Range(ctx, "user:rahim", 0, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Errorf("%d messages in user:rahim, want 2 (at least once)", len(ms))
	}
	if n, _ := inner.Unread(ctx, "rahim"); n != 1 {
		t.Errorf("%d unread, want the one item", n)
	}
}

// TestInboxConforms: the decorated inbox is still an Inbox.
func TestInboxConforms(t *testing.T) {
	notifytest.RunInbox(t, func(t *testing.T) notify.Inbox {
		return realtime.Inbox(notify.NewMemoryInbox(), realtime.NewMemory(realtime.MemoryConfig{}))
	})
}
