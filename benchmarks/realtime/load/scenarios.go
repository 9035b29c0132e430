package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// result is one scenario's figures on one server, in the order they
// are printed.
type result struct {
	keys []string
	vals map[string]float64
	note string
}

func (r *result) set(k string, v float64) {
	if r.vals == nil {
		r.vals = map[string]float64{}
	}
	if _, ok := r.vals[k]; !ok {
		r.keys = append(r.keys, k)
	}
	r.vals[k] = v
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

func itoa(i int) string { return strconv.Itoa(i) }

func (r *run) latencies(res *result) {
	res.set("p50 ms", ms(r.lat.quantile(0.50)))
	res.set("p99 ms", ms(r.lat.quantile(0.99)))
	res.set("p99.9 ms", ms(r.lat.quantile(0.999)))
	if r.ackLat.n.Load() > 0 {
		res.set("publish ack p50 ms", ms(r.ackLat.quantile(0.50)))
		res.set("publish ack p99 ms", ms(r.ackLat.quantile(0.99)))
	}
}

// idle measures the server's RSS per idle connection: n clients, each
// in one of n/25 rooms, connected and quiet.
func idle(ctx context.Context, st *setup, k kind, n int) (*result, error) {
	srv, err := st.start(ctx, k, nodeOpts{name: "a"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	time.Sleep(time.Second)
	before := rssKB(srv.pid())
	r := newRun(k, false)
	ms := r.connect(ctx, n, func(int) string { return srv.addr }, func(i int) string { return "idle" + itoa(i/25) }, "u", true)
	defer closeAll(ms)
	time.Sleep(5 * time.Second) // settle: no forced collection on either side
	after := rssKB(srv.pid())
	res := &result{}
	res.set("connected", float64(len(ms)))
	res.set("RSS before MB", math.Round(float64(before)/102.4)/10)
	res.set("RSS after MB", math.Round(float64(after)/102.4)/10)
	if len(ms) > 0 {
		res.set("KB per connection", math.Round(float64(after-before)*10/float64(len(ms)))/10)
	}
	return res, nil
}

// rooms: rooms × size members, each editing every 10 s (publishing in
// its room), cursors moving at 20 Hz for a tenth of them.
func rooms(ctx context.Context, st *setup, k kind, nrooms, size int, dur time.Duration) (*result, error) {
	srv, err := st.start(ctx, k, nodeOpts{name: "a"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r := newRun(k, false)
	mem := r.connect(ctx, nrooms*size, func(int) string { return srv.addr }, func(i int) string { return "room" + itoa(i%nrooms) }, "u", true)
	defer closeAll(mem)
	ctx, cancel := context.WithTimeout(ctx, dur+5*time.Second)
	defer cancel()
	peak := sampleRSS(ctx, srv.pid())
	var sent, refused atomic.Int64
	var wg sync.WaitGroup
	for i, m := range mem {
		f := r.feed(m.room)
		wg.Go(func() {
			// Each user edits every 10 s, from a random phase.
			t := time.NewTimer(jitter(10 * time.Second))
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				sent.Add(1)
				m.publish(ctx, m.room, f.next.Add(1), "", func(ok bool, _ []byte) {
					if !ok {
						refused.Add(1)
					}
				})
				t.Reset(10 * time.Second)
			}
		})
		if (i/nrooms+i%nrooms)%10 == 0 { // a tenth of the members, 2 or 3 a room
			wg.Go(func() {
				// A moving cursor: 20 a second.
				t := time.NewTicker(50 * time.Millisecond)
				defer t.Stop()
				x := rand.Float64() * 1000
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
					}
					x += 3
					m.cursor(ctx, m.room, x, 100)
				}
			})
		}
	}
	time.Sleep(5 * time.Second) // warm up: every phase started
	cpu0, self0, c0 := cpuTicks(srv.pid()), cpuTicks(os.Getpid()), cursorsOf(mem)
	r.measuring.Store(true)
	time.Sleep(dur)
	r.measuring.Store(false)
	cpu1, self1, c1 := cpuTicks(srv.pid()), cpuTicks(os.Getpid()), cursorsOf(mem)
	cancel()
	wg.Wait()
	res := &result{}
	res.set("members", float64(len(mem)))
	r.latencies(res)
	res.set("deliveries/s", math.Round(float64(r.deliveries.Load())/dur.Seconds()))
	res.set("cursor frames/s per member", math.Round(float64(c1-c0)/dur.Seconds()/float64(max(len(mem), 1))*10)/10)
	res.set("server CPU %", math.Round(float64(cpu1-cpu0)/dur.Seconds()))
	res.set("generator CPU %", math.Round(float64(self1-self0)/dur.Seconds()))
	res.set("peak RSS MB", math.Round(float64(peak.Load())/102.4)/10)
	res.set("edits sent", float64(sent.Load()))
	res.set("edits refused", float64(refused.Load()))
	return res, nil
}

func cursorsOf(ms []member) int64 {
	var n int64
	for _, m := range ms {
		n += m.cursors.Load()
	}
	return n
}

// ramp: one room of size members; the publish rate climbs step by step
// until p99 passes the bound (or deliveries fall behind): the best
// rate whose p99 stayed within it.
func ramp(ctx context.Context, st *setup, k kind, size int, steps []int, step time.Duration, bound time.Duration) (*result, error) {
	srv, err := st.start(ctx, k, nodeOpts{name: "a"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r := newRun(k, false)
	mem := r.connect(ctx, size, func(int) string { return srv.addr }, func(int) string { return "big" }, "u", true)
	defer closeAll(mem)
	// One publisher per 20 events a second: critpath's limit is 50
	// operations a second per connection.
	pubs := r.roomPublishers(ctx, (slices.Max(steps)+19)/20, srv.addr, "big")
	defer closeAll(pubs)
	res := &result{}
	res.set("members", float64(len(mem)))
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var rate atomic.Int64
	peak := sampleRSS(pctx, srv.pid())
	r.publishRoom(pctx, "big", pubs, &rate, "")
	// A warm-up at the first rate, not measured.
	rate.Store(int64(steps[0]))
	time.Sleep(step)
	var best, bestDel, bestP99, kept, keptDel, keptP99 float64
	fails := 0
	for _, s := range steps {
		rate.Store(int64(s))
		time.Sleep(step / 4)
		r.lat.reset()
		r.ackLat.reset()
		r.deliveries.Store(0)
		r.measuring.Store(true)
		cpu0, self0 := cpuTicks(srv.pid()), cpuTicks(os.Getpid())
		time.Sleep(step * 3 / 4)
		r.measuring.Store(false)
		secs := (step * 3 / 4).Seconds()
		cpu, self := float64(cpuTicks(srv.pid())-cpu0)/secs, float64(cpuTicks(os.Getpid())-self0)/secs
		p99 := r.lat.quantile(0.99)
		del := float64(r.deliveries.Load()) / secs
		fmt.Fprintf(os.Stderr, "  %s ramp %d events/s: %.0f deliveries/s, p50 %.1f ms, p99 %.1f ms (publish ack p50 %.1f ms, p99 %.1f ms), server CPU %.0f %%, generator CPU %.0f %%\n", k, s, del, ms(r.lat.quantile(0.5)), ms(p99), ms(r.ackLat.quantile(0.5)), ms(r.ackLat.quantile(0.99)), cpu, self)
		// The ramp goes on while deliveries keep up (90 % of what was
		// published reached the members) and p99 stays within a second;
		// two steps that do not end it.
		if del < 0.9*float64(s*len(mem)) || p99 > time.Second {
			if fails++; fails == 2 {
				break
			}
			continue
		}
		fails = 0
		kept, keptDel, keptP99 = float64(s), del, ms(p99)
		if p99 <= bound {
			best, bestDel, bestP99 = float64(s), del, ms(p99)
		}
	}
	rate.Store(0)
	res.set("events/s at p99 ≤ "+itoa(int(bound.Milliseconds()))+" ms", best)
	res.set("deliveries/s there", math.Round(bestDel))
	res.set("p99 there ms", bestP99)
	res.set("events/s kept up with (p99 ≤ 1 s)", kept)
	res.set("deliveries/s there (kept up)", math.Round(keptDel))
	res.set("p99 there (kept up) ms", keptP99)
	res.set("peak RSS MB", math.Round(float64(peak.Load())/102.4)/10)
	return res, nil
}

// publishRoom publishes into room at rate a second (which may change
// while it runs), through each of pubs in turn, until ctx ends.
func (r *run) publishRoom(ctx context.Context, room string, pubs []*client, rate *atomic.Int64, pad string) {
	f := r.feed(room)
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		var due float64
		j := 0
		for {
			select {
			case <-ctx.Done():
				return
			case t := <-tick.C:
				due += float64(rate.Load()) * t.Sub(last).Seconds()
				last = t
			}
			for due >= 1 && len(pubs) > 0 {
				due--
				c := pubs[j%len(pubs)]
				j++
				t0 := now()
				c.publish(ctx, room, f.next.Add(1), pad, func(ok bool, data []byte) {
					if ok && r.measuring.Load() {
						r.ackLat.add(time.Duration(now() - t0))
					}
					if !ok && data != nil && r.refused.Add(1) == 1 {
						fmt.Fprintf(os.Stderr, "  %s: a publish refused: %s\n", r.kind, data)
					}
				})
			}
		}
	}()
}

// recoveryConfig shapes a recovery run.
type recoveryConfig struct {
	mode    string // "storm" or "kill"
	members int
	rooms   int
	rate    int           // events a second, over the rooms
	cut     time.Duration // storm: how long the members are cut
	steady  time.Duration // events flowing before the cut
	after   time.Duration // events flowing after the last reconnection
	drain   time.Duration // waiting for the last events once publishing stops
}

// recovery is the reconnect storm (mode "storm": every member cut for
// cut while events flow, then reconnected) and the node crash (mode
// "kill": two nodes, the second killed, its members reconnecting at
// once to the first).
func recovery(ctx context.Context, st *setup, k kind, rc recoveryConfig) (*result, error) {
	mode, n, nrooms, rate, cut := rc.mode, rc.members, rc.rooms, rc.rate, rc.cut
	o := nodeOpts{name: "a", recovery: true}
	if mode == "kill" {
		rs, err := startRedis(st.dir)
		if err != nil {
			return nil, err
		}
		defer rs.stop()
		o.redis = rs.socket
		if k == critpath {
			o.db = st.dir + "/kill-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ".db"
			defer os.Remove(o.db)
		}
	}
	var srvs []*server
	defer func() {
		for _, s := range srvs {
			s.stop()
		}
	}()
	a, err := st.start(ctx, k, o)
	if err != nil {
		return nil, err
	}
	srvs = append(srvs, a)
	var b *server
	if mode == "kill" {
		o.name = "b"
		if b, err = st.start(ctx, k, o); err != nil {
			return nil, err
		}
		srvs = append(srvs, b)
	}
	addr := func(i int) string {
		if b != nil && i%2 == 1 {
			return b.addr
		}
		return a.addr
	}
	r := newRun(k, true)
	roomOf := func(i int) string { return "rec" + itoa(i%nrooms) }
	mem := r.connect(ctx, n, addr, roomOf, "u", true)
	defer closeAll(mem)
	var names []string
	for i := range nrooms {
		names = append(names, roomOf(i))
	}
	owner, pubs := r.publishers(ctx, (nrooms+9)/10, a.addr, names)
	defer closeAll(pubs)
	pctx, stopPub := context.WithCancel(ctx)
	defer stopPub()
	var rt atomic.Int64
	rt.Store(int64(rate))
	sent, acked := r.publish(pctx, owner, names, &rt, "")
	time.Sleep(rc.steady)

	// The cut.
	var hit []member
	for i, m := range mem {
		if mode == "storm" || addr(i) != a.addr {
			hit = append(hit, m)
		}
	}
	cutAt := time.Now()
	if mode == "kill" {
		b.kill()
		srvs = srvs[:1]
	} else {
		closeAll(hit)
		time.Sleep(cut)
	}
	// Reconnect every member cut, to the first node, at once (500
	// handshakes at a time): the worst case of a storm.
	spread := time.Duration(0)
	reconnectAt := time.Now()
	var resumed []time.Duration
	var rmu sync.Mutex
	var recovered, failed atomic.Int64
	sem := make(chan struct{}, 500)
	var wg sync.WaitGroup
	for _, m := range hit {
		wg.Go(func() {
			time.Sleep(jitter(spread))
			sem <- struct{}{}
			defer func() { <-sem }()
			var err error
			for try := range 5 {
				var rec bool
				rec, err = m.connect(ctx, a.addr)
				if err == nil {
					cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
					if rec {
						recovered.Add(1)
					} else {
						err = m.join(cctx, m.room)
					}
					cancel()
					if err == nil {
						rmu.Lock()
						resumed = append(resumed, time.Since(reconnectAt))
						rmu.Unlock()
						return
					}
					m.cut()
				}
				if try == 4 && failed.Load() == 0 {
					fmt.Fprintf(os.Stderr, "  reconnect: %v\n", err)
				}
				time.Sleep(time.Duration(200*(try+1)) * time.Millisecond)
			}
			failed.Add(1)
		})
	}
	wg.Wait()
	time.Sleep(rc.after)
	stopPub()
	time.Sleep(rc.drain) // the last events arrive

	// Each member's events against what its room's publisher had acked.
	acks := map[string]map[int64]bool{}
	for _, room := range names {
		f := r.feed(room)
		f.mu.Lock()
		set := map[int64]bool{}
		for _, s := range f.acked {
			set[s] = true
		}
		f.mu.Unlock()
		acks[room] = set
	}
	var gapFree, dups, missing int
	var missHit []int
	for _, m := range hit {
		m.seenMu.Lock()
		miss, dup := 0, 0
		for s := range acks[m.room] {
			if m.seen[s] == 0 {
				miss++
			}
		}
		for _, c := range m.seen {
			if c > 1 {
				dup += int(c - 1)
			}
		}
		m.seenMu.Unlock()
		if miss == 0 {
			gapFree++
		}
		dups += dup
		missing += miss
		missHit = append(missHit, miss)
	}
	slices.Sort(resumed)
	slices.Sort(missHit)
	res := &result{}
	res.set("members", float64(len(mem)))
	res.set("members cut", float64(len(hit)))
	res.set("events sent", float64(sent.Load()))
	res.set("events acked", float64(acked.Load()))
	var got int
	for _, m := range mem {
		m.seenMu.Lock()
		got += len(m.seen)
		m.seenMu.Unlock()
	}
	res.set("events delivered", float64(got))
	res.set("% resumed gap-free", pct(gapFree, len(hit)))
	res.set("events missed per cut member (median)", float64(at(missHit, 0.5)))
	res.set("events missed per cut member (max)", float64(at(missHit, 1)))
	res.set("duplicates delivered", float64(dups))
	if k == socketio {
		res.set("sessions recovered %", pct(int(recovered.Load()), len(hit)))
	}
	res.set("failed to reconnect", float64(failed.Load()))
	if len(resumed) > 0 && len(resumed) >= len(hit)*99/100 {
		res.set("time to 99 % resumed ms", ms(resumed[max(len(hit)*99/100-1, 0)]))
	} else {
		res.set("time to 99 % resumed ms", math.Inf(1))
	}
	res.note = fmt.Sprintf("cut %s at %s", mode, cutAt.Format(time.TimeOnly))
	var gaps, resyncs int64
	for _, m := range hit {
		gaps += m.gapped.Load()
		resyncs += m.resyncs.Load()
	}
	if k == critpath {
		res.set("resyncs", float64(resyncs))
		res.set("gaps seen and replayed", float64(gaps))
	}
	return res, nil
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)*1000/float64(b)) / 10
}

func at(xs []int, q float64) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[min(int(q*float64(len(xs))), len(xs)-1)]
}

// slow: one room of size members, a share of them never reading, with
// events of pad bytes at rate a second: the healthy members' latency
// and the server's peak RSS.
func slow(ctx context.Context, st *setup, k kind, size int, share float64, rate int, pad int, dur time.Duration) (*result, error) {
	srv, err := st.start(ctx, k, nodeOpts{name: "a"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	r := newRun(k, false)
	nslow := int(math.Round(share * float64(size)))
	// The slow members have a receive buffer of 32 KiB, as a phone's
	// may be, so that what they do not read stays with the server.
	mem := r.connectSome(ctx, size, func(int) string { return srv.addr }, func(int) string { return "slow" }, "u", true, func(i int, c *client) {
		if i < nslow {
			c.rcvbuf = 32 << 10
		}
	})
	defer closeAll(mem)
	var slowOnes []*client
	for _, m := range mem {
		if m.rcvbuf > 0 {
			// These members stop reading after the next frame: their
			// deliveries are not counted.
			m.slow.Store(true)
			slowOnes = append(slowOnes, m.client)
		}
	}
	pubs := r.roomPublishers(ctx, (rate+19)/20, srv.addr, "slow")
	defer closeAll(pubs)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var rt atomic.Int64
	rt.Store(int64(rate))
	peak := sampleRSS(pctx, srv.pid())
	r.publishRoom(pctx, "slow", pubs, &rt, strings.Repeat("x", pad))
	time.Sleep(2 * time.Second)
	cpu0, self0 := cpuTicks(srv.pid()), cpuTicks(os.Getpid())
	r.measuring.Store(true)
	time.Sleep(dur)
	r.measuring.Store(false)
	cpu1, self1 := cpuTicks(srv.pid()), cpuTicks(os.Getpid())
	end := rssKB(srv.pid())
	cancel()
	var closed int
	for _, c := range slowOnes {
		select {
		case <-c.closed:
			closed++
		default:
		}
	}
	res := &result{}
	res.set("members", float64(len(mem)))
	res.set("slow members", float64(nslow))
	r.latencies(res)
	res.set("healthy deliveries/s", math.Round(float64(r.deliveries.Load())/dur.Seconds()))
	res.set("peak RSS MB", math.Round(float64(peak.Load())/102.4)/10)
	res.set("RSS at end MB", math.Round(float64(end)/102.4)/10)
	res.set("slow members closed by the server", float64(closed))
	res.set("server CPU %", math.Round(float64(cpu1-cpu0)/dur.Seconds()))
	res.set("generator CPU %", math.Round(float64(self1-self0)/dur.Seconds()))
	return res, nil
}
