package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// run is one scenario on one server kind: its clients, what they
// received and the publishers' feeds.
type run struct {
	kind  kind
	track bool // count each client's events by sequence number

	measuring  atomic.Bool
	lat        *hist
	ackLat     *hist // publish to its ack (critpath: the store's Apply and the reply)
	deliveries atomic.Int64
	refused    atomic.Int64 // publishes the server refused

	mu    sync.Mutex
	feeds map[string]*feed
}

func newRun(k kind, track bool) *run {
	return &run{kind: k, track: track, lat: new(hist), ackLat: new(hist), feeds: map[string]*feed{}}
}

// feed is what was published to one room: the next sequence number and
// the ones the server acknowledged.
type feed struct {
	room  string
	next  atomic.Int64
	mu    sync.Mutex
	acked []int64
}

func (r *run) feed(room string) *feed {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.feeds[room]
	if f == nil {
		f = &feed{room: room}
		r.feeds[room] = f
	}
	return f
}

// app is the application of every member: it measures and, when the
// run tracks them, counts the events it gets.
func (r *run) app(c *client, room string, s, t int64) {
	if c.slow.Load() {
		return
	}
	if r.measuring.Load() {
		r.lat.add(time.Duration(now() - t))
		r.deliveries.Add(1)
	}
	if r.track {
		c.seenMu.Lock()
		if c.seen == nil {
			c.seen = map[int64]int32{}
		}
		c.seen[s]++
		c.seenMu.Unlock()
	}
}

// member is a client and the room it is in.
type member struct {
	*client
	room string
}

// connect opens n members, member i at addr(i) in room(i), conc at a
// time; a member that fails is retried twice, then left out.
func (r *run) connect(ctx context.Context, n int, addr func(i int) string, room func(i int) string, user string, withApp bool) []member {
	return r.connectSome(ctx, n, addr, room, user, withApp, func(int, *client) {})
}

// connectSome is connect with prepare called on each client before it
// dials.
func (r *run) connectSome(ctx context.Context, n int, addr func(i int) string, room func(i int) string, user string, withApp bool, prepare func(i int, c *client)) []member {
	ms := make([]member, n)
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	for i := range n {
		var a app
		if withApp {
			a = r.app
		}
		ms[i] = member{newClient(r.kind, user+itoa(i), a), room(i)}
		prepare(i, ms[i].client)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for try := range 3 {
				if ctx.Err() != nil {
					return
				}
				if err := ms[i].open(ctx, addr(i)); err == nil {
					return
				}
				time.Sleep(time.Duration(100*(try+1)) * time.Millisecond)
			}
			ms[i].client = nil
		})
	}
	wg.Wait()
	return slices.DeleteFunc(ms, func(m member) bool { return m.client == nil })
}

// open connects m and joins its room.
func (m member) open(ctx context.Context, addr string) error {
	if _, err := m.connect(ctx, addr); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := m.join(cctx, m.room); err != nil {
		m.cut()
		return err
	}
	return nil
}

// publishers opens n publishing connections at addr, each joined to
// the rooms dealt to it, and returns the room → publisher map.
func (r *run) publishers(ctx context.Context, n int, addr string, rooms []string) (map[string]*client, []*client) {
	owner := map[string]*client{}
	var all []*client
	for i := range n {
		c := newClient(r.kind, "pub"+itoa(i), nil)
		if _, err := c.connect(ctx, addr); err != nil {
			continue
		}
		all = append(all, c)
	}
	if len(all) == 0 {
		return owner, nil
	}
	for j, room := range rooms {
		c := all[j%len(all)]
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		if err := c.join(cctx, room); err == nil {
			owner[room] = c
		}
		cancel()
	}
	return owner, all
}

// roomPublishers opens n publishing connections at addr, each joined
// to room.
func (r *run) roomPublishers(ctx context.Context, n int, addr, room string) []*client {
	var all []*client
	for i := range n {
		c := newClient(r.kind, "pub"+itoa(i), nil)
		if _, err := c.connect(ctx, addr); err != nil {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := c.join(cctx, room)
		cancel()
		if err != nil {
			c.cut()
			continue
		}
		all = append(all, c)
	}
	return all
}

// publish sends events at rate a second over rooms, round-robin, each
// through its room's publisher, until ctx ends or stop is closed; rate
// may change while it runs. It returns how many were sent and acked.
func (r *run) publish(ctx context.Context, owner map[string]*client, rooms []string, rate *atomic.Int64, pad string) (sent, acked *atomic.Int64) {
	sent, acked = new(atomic.Int64), new(atomic.Int64)
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		start := time.Now()
		var due float64
		last := start
		j := 0
		for {
			select {
			case <-ctx.Done():
				return
			case t := <-tick.C:
				due += float64(rate.Load()) * t.Sub(last).Seconds()
				last = t
			}
			for due >= 1 {
				due--
				room := rooms[j%len(rooms)]
				j++
				c := owner[room]
				if c == nil {
					continue
				}
				f := r.feed(room)
				s := f.next.Add(1)
				sent.Add(1)
				err := c.publish(ctx, room, s, pad, func(ok bool, _ []byte) {
					if ok {
						acked.Add(1)
						if r.track {
							f.mu.Lock()
							f.acked = append(f.acked, s)
							f.mu.Unlock()
						}
					}
				})
				_ = err
			}
		}
	}()
	return sent, acked
}

// sampleRSS records the server's peak RSS every 100 ms until ctx ends.
func sampleRSS(ctx context.Context, pids ...int) *atomic.Int64 {
	peak := new(atomic.Int64)
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var sum int64
			for _, p := range pids {
				sum += rssKB(p)
			}
			if sum > peak.Load() {
				peak.Store(sum)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return peak
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

func closeAll[T interface{ cut() }](cs []T) {
	for _, c := range cs {
		c.cut()
	}
}
