package instant

import (
	"testing"
	"time"
)

func TestEarlierLater(t *testing.T) {
	a := time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)
	b := a.Add(time.Hour)
	sameInstant := a.In(time.FixedZone("+06", 6*3600))
	for _, c := range []struct {
		x, y, early, late time.Time
	}{{a, b, a, b}, {b, a, a, b}, {a, sameInstant, a, a}} {
		if got := Earlier(c.x, c.y); !got.Equal(c.early) {
			t.Errorf("Earlier(%v, %v) = %v, want %v", c.x, c.y, got, c.early)
		}
		if got := Later(c.x, c.y); !got.Equal(c.late) {
			t.Errorf("Later(%v, %v) = %v, want %v", c.x, c.y, got, c.late)
		}
	}
	if got := Earlier(a, sameInstant); got.Location() != a.Location() {
		t.Error("Earlier of equal times did not return the first")
	}
}
