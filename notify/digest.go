package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/critpath/critpath/jobs"
)

// DigestItem is a low-severity notification waiting for its recipient's
// next digest of its project: the line the digest shows for it.
type DigestItem struct {
	// Key is the notification's key and the user's: adding it again
	// changes nothing.
	Key         string    `json:"key"`
	Project     string    `json:"project"`
	ProjectName string    `json:"project_name,omitempty"`
	User        string    `json:"user"`
	Kind        Kind      `json:"kind"`
	Line        string    `json:"line"`
	At          time.Time `json:"at"`
}

// Digests keeps the items waiting for digests. Add keeps an item (again
// with the same key: nothing changes); Pending returns a project's items
// for a user added at or before upTo, oldest first; Remove forgets
// items by key. Implementations are safe for concurrent use; a durable
// one keeps the digests across crashes.
type Digests interface {
	Add(ctx context.Context, it DigestItem) error
	Pending(ctx context.Context, project, user string, upTo time.Time) ([]DigestItem, error)
	Remove(ctx context.Context, project, user string, keys []string) error
}

// MemoryDigests is Digests in memory, safe for concurrent use.
type MemoryDigests struct {
	mu    sync.Mutex
	items map[[2]string][]DigestItem
}

var _ Digests = (*MemoryDigests)(nil)

// NewMemoryDigests returns an empty MemoryDigests.
func NewMemoryDigests() *MemoryDigests { return &MemoryDigests{items: map[[2]string][]DigestItem{}} }

// Add implements Digests.
func (m *MemoryDigests) Add(_ context.Context, it DigestItem) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{it.Project, it.User}
	if slices.ContainsFunc(m.items[k], func(o DigestItem) bool { return o.Key == it.Key }) {
		return nil
	}
	m.items[k] = append(m.items[k], it)
	return nil
}

// Pending implements Digests.
func (m *MemoryDigests) Pending(_ context.Context, project, user string, upTo time.Time) ([]DigestItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []DigestItem
	for _, it := range m.items[[2]string{project, user}] {
		if !it.At.After(upTo) {
			out = append(out, it)
		}
	}
	return out, nil
}

// Remove implements Digests.
func (m *MemoryDigests) Remove(_ context.Context, project, user string, keys []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{project, user}
	m.items[k] = slices.DeleteFunc(m.items[k], func(it DigestItem) bool { return slices.Contains(keys, it.Key) })
	if len(m.items[k]) == 0 {
		delete(m.items, k)
	}
	return nil
}

// digestJob is a JobDigest's payload: whose digest of which project,
// for the items added up to Slot.
type digestJob struct {
	Project string    `json:"project"`
	User    string    `json:"user"`
	Slot    time.Time `json:"slot"`
}

// nextDigest returns the first of times after now on loc's clock.
func nextDigest(now time.Time, loc *time.Location, times []TimeOfDay) time.Time {
	lt := now.In(loc)
	y, m, d := lt.Date()
	ts := slices.Sorted(slices.Values(times))
	for day := range 2 {
		for _, t := range ts {
			at := time.Date(y, m, d+day, int(t)/60, int(t)%60, 0, 0, loc)
			if at.After(now) {
				return at
			}
		}
	}
	return now.Add(24 * time.Hour) // no times: unreachable after withDefaults
}

// planDigest keeps n for u's next digest of its project and returns the
// step that adds it and enqueues the digest.
func (d *Dispatcher) planDigest(rep *Report, n Notification, u User, data map[string]string, now time.Time) (step, error) {
	r, err := d.ts.Render(n.Kind, InApp, data, u.Prefs.Format())
	if err != nil {
		return step{}, err
	}
	slot := nextDigest(now, u.Prefs.Location(), d.policy.DigestTimes)
	it := &DigestItem{Key: n.Key + "/" + u.ID, Project: n.Project, ProjectName: data["project"], User: u.ID, Kind: n.Kind, Line: r.Title, At: now}
	rep.Messages = append(rep.Messages, Planned{Key: it.Key, User: u.ID, State: Digested, At: slot})
	unique := fmt.Sprintf("notify.digest:%s/%s/%d", n.Project, u.ID, slot.Unix())
	return step{planned: len(rep.Messages) - 1, item: it, job: d.job(JobDigest, unique, digestJob{n.Project, u.ID, slot}, slot, now)}, nil
}

// digest sends a user's digest of a project: the items added up to its
// slot, one message per digest channel, then forgets the items. Run
// again, it finds the same items and its messages' keys already used.
func (d *Dispatcher) digest(ctx context.Context, j digestJob) error {
	items, err := d.digests.Pending(ctx, j.Project, j.User, j.Slot)
	if err != nil || len(items) == 0 {
		return err
	}
	keys := make([]string, len(items))
	lines := make([]string, len(items))
	for i, it := range items {
		keys[i], lines[i] = it.Key, it.Line
	}
	now := d.now()
	n := Notification{Key: fmt.Sprintf("digest/%s/%d", j.Project, j.Slot.Unix()), Kind: Digest, Project: j.Project}
	u, adhoc, err := d.recipient(ctx, j.User)
	if errors.Is(err, ErrUnknownUser) {
		err = d.ledger.Settle(ctx, Delivery{Key: n.Key + "/" + j.User, User: j.User, Project: j.Project, Kind: Digest,
			State: Dead, Reason: fmt.Sprintf("%d digest items: %v", len(items), err), At: now})
		if err != nil {
			return err
		}
		return d.digests.Remove(ctx, j.Project, j.User, keys)
	}
	if err != nil {
		return err
	}
	data := map[string]any{"project": cmpOr(items[0].ProjectName, j.Project), "name": u.Name, "count": strconv.Itoa(len(items)), "items": lines}
	chans := u.Prefs.ChannelsFor(Digest, Normal)
	if adhoc != "" {
		chans = []Channel{adhoc}
	}
	for _, ch := range chans {
		if len(d.chains[ch]) == 0 {
			continue
		}
		r, err := d.ts.render(Digest, ch, data, u.Prefs.Format())
		if err != nil {
			return jobs.Permanent(err)
		}
		addrs, _, err := d.addresses(u, ch)
		if err != nil {
			d.log.Warn("notify: digest", "user", u.ID, "channel", ch, "err", err)
			continue
		}
		for _, a := range addrs {
			dj, p, err := d.message(n, u, ch, r, a, now)
			if err != nil {
				d.log.Warn("notify: digest", "user", u.ID, "channel", ch, "err", err)
				continue
			}
			if _, err := d.out.Enqueue(ctx, d.deliveryJob(dj, p.At, now)); err != nil && !errors.Is(err, jobs.ErrDuplicate) {
				return err
			}
		}
	}
	return d.digests.Remove(ctx, j.Project, j.User, keys)
}
