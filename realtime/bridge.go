package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/notify"
)

// ProgressEvery is how often Jobs publishes a job's progress at most.
const ProgressEvery = 250 * time.Millisecond

// Jobs publishes the events of every queue sub streams, until ctx ends,
// as durable job messages (data: the jobs.Event) to the room room names
// for each; nil room means the event's Project, and an event whose room
// is "" (a job about no project) is skipped.
//
// A job's progress is coalesced: at most one progress message per job
// every ProgressEvery, always the latest report; a report that comes
// sooner waits, replaced by any later one, and is published when the
// interval has passed. Every other event (queued, started, retried,
// completed, failed, dead, canceled) is published at once, in the
// stream's order, and a report still waiting when its job's state
// changes is dropped: it is older than the state that follows it, and
// publishing both would break the interval.
//
// Jobs returns ctx's error when ctx ends, nil when the queue ends the
// stream (it shut down), and the error of Subscribe or of a Publish that
// fails (the caller logs it and calls Jobs again: the stream starts from
// now, so the events in between are not published; the queue's Stats and
// the jobs dashboard still tell them). An event the queue dropped
// because this subscriber fell behind shows as its next event's Missed.
func Jobs(ctx context.Context, sub jobs.Subscriber, b Broker, room func(jobs.Event) string) error {
	if room == nil {
		room = func(ev jobs.Event) string { return ev.Project }
	}
	s, err := sub.Subscribe(ctx, "")
	if err != nil {
		return fmt.Errorf("realtime: job events: %w", err)
	}
	defer s.Close()
	br := &bridge{b: b, room: room, jobs: map[jobKey]*jobProgress{}}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-s.C:
			if !ok {
				return nil
			}
			if err := br.event(ctx, ev); err != nil {
				return err
			}
		case <-timer.C:
			if err := br.flush(ctx); err != nil {
				return err
			}
		}
		if next, ok := br.next(); ok {
			timer.Reset(time.Until(next))
		} else {
			timer.Stop()
		}
	}
}

// jobKey names a job across queues.
type jobKey struct{ queue, id string }

// jobProgress is what the bridge remembers of a job's progress: when it
// last published a report, and the report waiting, if any.
type jobProgress struct {
	last    time.Time
	pending *jobs.Event
}

// bridge is the state of one Jobs loop; only that loop touches it.
type bridge struct {
	b    Broker
	room func(jobs.Event) string
	jobs map[jobKey]*jobProgress
}

// event publishes ev, or keeps it waiting when it is a report that comes
// too soon after the last.
func (br *bridge) event(ctx context.Context, ev jobs.Event) error {
	k := jobKey{ev.Queue, ev.JobID}
	p := br.jobs[k]
	if ev.Kind != jobs.EventProgress {
		delete(br.jobs, k) // a waiting report is older than this state
		return br.publish(ctx, ev)
	}
	now := time.Now()
	if p != nil && now.Sub(p.last) < ProgressEvery {
		p.pending = &ev
		return nil
	}
	if p == nil {
		p = &jobProgress{}
		br.jobs[k] = p
	}
	p.last, p.pending = now, nil
	return br.publish(ctx, ev)
}

// flush publishes the waiting reports whose interval has passed and
// forgets the jobs whose last report no longer holds anything back.
func (br *bridge) flush(ctx context.Context) error {
	now := time.Now()
	for k, p := range br.jobs {
		if now.Sub(p.last) < ProgressEvery {
			continue
		}
		if p.pending == nil {
			delete(br.jobs, k)
			continue
		}
		ev := *p.pending
		p.last, p.pending = now, nil
		if err := br.publish(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// next returns when the first waiting report is due, or when a job's
// last report stops holding others back (so that it is forgotten).
func (br *bridge) next() (time.Time, bool) {
	var first time.Time
	for _, p := range br.jobs {
		if due := p.last.Add(ProgressEvery); first.IsZero() || due.Before(first) {
			first = due
		}
	}
	return first, !first.IsZero()
}

// publish sends ev to its room as a durable job message.
func (br *bridge) publish(ctx context.Context, ev jobs.Event) error {
	room := br.room(ev)
	if room == "" {
		return nil
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("realtime: job %s of %q: %w", ev.JobID, ev.Queue, err)
	}
	if _, err := br.b.Publish(ctx, room, Message{Type: TypeJob, Data: data}); err != nil {
		return fmt.Errorf("realtime: job %s of %q (%s) to room %q: %w", ev.JobID, ev.Queue, ev.Kind, room, err)
	}
	return nil
}

// Inbox returns next with an Add that also publishes the item, once
// next has stored it, as a durable notification message (data: the
// notify.Item) to the user's room (UserRoom). The other methods are
// next's.
//
// Delivery is at least once: an Inbox does not say whether an item was
// already there, so adding an item again (a retried notification)
// publishes it again, and clients drop a notification whose item ID
// they have seen. When the publication fails, Add returns the error
// after the item is stored; adding it again stores nothing more and
// publishes it.
func Inbox(next notify.Inbox, b Broker) notify.Inbox {
	return &inbox{Inbox: next, b: b}
}

type inbox struct {
	notify.Inbox
	b Broker
}

// Add implements notify.Inbox.
func (in *inbox) Add(ctx context.Context, it notify.Item) error {
	if err := in.Inbox.Add(ctx, it); err != nil {
		return err
	}
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("realtime: notification %q for %q: %w", it.ID, it.User, err)
	}
	if _, err := in.b.Publish(ctx, UserRoom(it.User), Message{Type: TypeNotification, Data: data}); err != nil {
		return fmt.Errorf("realtime: notification %q stored but not published to %q: %w", it.ID, UserRoom(it.User), err)
	}
	return nil
}
