package client

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/critpath/critpath/realtime"
)

type sent struct {
	at time.Duration
	x  float64
}

func cursorAt(x float64) realtime.Request {
	return realtime.Request{Op: realtime.OpCursor, Room: "p", X: &x}
}

// TestThrottleLatestWins: the first cursor of a quiet spell goes at
// once, the ones within the next 50 ms collapse into the latest, sent
// when the 50 ms are up.
func TestThrottleLatestWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		var got []sent
		th := newThrottle(50*time.Millisecond, func(r realtime.Request) {
			mu.Lock()
			got = append(got, sent{time.Since(start), *r.X})
			mu.Unlock()
		})
		th.offer(cursorAt(1))
		for _, x := range []float64{2, 3, 4} {
			time.Sleep(10 * time.Millisecond)
			th.offer(cursorAt(x))
		}
		time.Sleep(200 * time.Millisecond)
		th.offer(cursorAt(5)) // quiet for long: at once
		synctest.Wait()
		want := []sent{{0, 1}, {50 * time.Millisecond, 4}, {230 * time.Millisecond, 5}}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("send %d: got %v, want %v", i, got[i], want[i])
			}
		}
	})
}

// TestThrottleRate: a cursor offered every millisecond for 2 s goes out
// at most 20 times a second, and the last one offered goes out.
func TestThrottleRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var got []float64
		th := newThrottle(time.Second/20, func(r realtime.Request) {
			mu.Lock()
			got = append(got, *r.X)
			mu.Unlock()
		})
		for i := range 2000 {
			th.offer(cursorAt(float64(i)))
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Second)
		mu.Lock()
		defer mu.Unlock()
		if len(got) > 41 || len(got) < 39 {
			t.Errorf("%d sends in 2 s, want 40 or 41 (20 a second)", len(got))
		}
		if last := got[len(got)-1]; last != 1999 {
			t.Errorf("last sent %v, want 1999 (the latest wins)", last)
		}
		th.stop()
		th.offer(cursorAt(-1))
		time.Sleep(time.Second)
		if last := got[len(got)-1]; last != 1999 {
			t.Errorf("sent %v after stop", last)
		}
	})
}
