package realtime

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// withDefaults returns l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	l.MessageBytes = cmp.Or(l.MessageBytes, 64<<10)
	l.QueueBytes = cmp.Or(l.QueueBytes, 512<<10)
	l.Rooms = cmp.Or(l.Rooms, 50)
	l.ConnsPerUser = cmp.Or(l.ConnsPerUser, 20)
	l.OpsPerSecond = cmp.Or(l.OpsPerSecond, 50)
	l.OpsBurst = cmp.Or(l.OpsBurst, 100)
	l.CursorPerSecond = cmp.Or(l.CursorPerSecond, 30)
	l.HelloTimeout = cmp.Or(l.HelloTimeout, 10*time.Second)
	l.Heartbeat = cmp.Or(l.Heartbeat, 25*time.Second)
	l.Beacon = cmp.Or(l.Beacon, 10*time.Second)
	l.PresenceEvery = cmp.Or(l.PresenceEvery, 250*time.Millisecond)
	l.PresenceGrace = cmp.Or(l.PresenceGrace, 5*time.Second)
	l.CursorEvery = cmp.Or(l.CursorEvery, 50*time.Millisecond)
	l.NodeTTL = cmp.Or(l.NodeTTL, 15*time.Second)
	l.ReplayLimit = cmp.Or(l.ReplayLimit, 1000)
	l.RateLimitedFor = cmp.Or(l.RateLimitedFor, 10*time.Second)
	return l
}

// check returns an error naming the first negative field of l.
func (l Limits) check() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"MessageBytes", float64(l.MessageBytes)}, {"QueueBytes", float64(l.QueueBytes)}, {"Rooms", float64(l.Rooms)},
		{"ConnsPerUser", float64(l.ConnsPerUser)}, {"OpsPerSecond", l.OpsPerSecond}, {"OpsBurst", float64(l.OpsBurst)},
		{"CursorPerSecond", l.CursorPerSecond}, {"HelloTimeout", float64(l.HelloTimeout)}, {"Heartbeat", float64(l.Heartbeat)},
		{"Beacon", float64(l.Beacon)}, {"PresenceEvery", float64(l.PresenceEvery)}, {"PresenceGrace", float64(l.PresenceGrace)},
		{"CursorEvery", float64(l.CursorEvery)}, {"NodeTTL", float64(l.NodeTTL)}, {"ReplayLimit", float64(l.ReplayLimit)},
		{"RateLimitedFor", float64(l.RateLimitedFor)},
	} {
		if f.v < 0 || math.IsNaN(f.v) {
			return fmt.Errorf("realtime: HubConfig.Limits.%s is %v, below zero", f.name, f.v)
		}
	}
	return nil
}

// limitsData is the part of Limits a hello's reply tells the client.
type limitsData struct {
	MessageBytes    int64   `json:"message_bytes"`
	QueueBytes      int     `json:"queue_bytes"`
	Rooms           int     `json:"rooms"`
	OpsPerSecond    float64 `json:"ops_per_second"`
	OpsBurst        int     `json:"ops_burst"`
	CursorPerSecond float64 `json:"cursor_per_second"`
	ReplayLimit     int     `json:"replay_limit"`
}

func (l Limits) data() limitsData {
	return limitsData{l.MessageBytes, l.QueueBytes, l.Rooms, l.OpsPerSecond, l.OpsBurst, l.CursorPerSecond, l.ReplayLimit}
}

// limiter is a connection's pair of rate limits: operations, and cursor
// and typing messages apart. It remembers, per class, since when the
// connection has been refused without a pause of a second, for the
// close after Limits.RateLimitedFor. It is used by the connection's
// reader goroutine only.
type limiter struct {
	ops, cursor *rate.Limiter
	over        time.Duration
	since, last [2]time.Time // per class: the first and the last refusal of the current run
}

// refusalPause is how long without a refusal ends a run of them.
const refusalPause = time.Second

func newLimiter(l Limits) *limiter {
	return &limiter{
		ops:    rate.NewLimiter(rate.Limit(l.OpsPerSecond), max(l.OpsBurst, 1)),
		cursor: rate.NewLimiter(rate.Limit(l.CursorPerSecond), max(int(l.CursorPerSecond), 1)),
		over:   l.RateLimitedFor,
	}
}

// allow reports whether an operation (a cursor or typing message when
// ephemeral) may go through at now; when not, how long until one may,
// and whether the connection has been over its rate for too long.
func (l *limiter) allow(now time.Time, ephemeral bool) (ok bool, retry time.Duration, tooLong bool) {
	lim, class := l.ops, 0
	if ephemeral {
		lim, class = l.cursor, 1
	}
	if lim.AllowN(now, 1) {
		return true, 0, false
	}
	r := lim.ReserveN(now, 1)
	retry = r.DelayFrom(now)
	r.CancelAt(now)
	if l.since[class].IsZero() || now.Sub(l.last[class]) > refusalPause {
		l.since[class] = now
	}
	l.last[class] = now
	return false, max(retry, time.Millisecond), now.Sub(l.since[class]) >= l.over
}
