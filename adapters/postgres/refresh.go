package postgres

import (
	"context"
	"log/slog"
	"time"
)

// debouncer runs refresh after changes, at most once every interval:
// the first change after a quiet interval is refreshed at once, the
// changes that come meanwhile together when the interval is over. A
// refresh that fails is tried again an interval later.
type debouncer struct {
	every   time.Duration
	refresh func(context.Context) error
	logger  *slog.Logger
	kick    chan struct{} // holds one pending change at most
}

func newDebouncer(every time.Duration, refresh func(context.Context) error, logger *slog.Logger) *debouncer {
	return &debouncer{every: every, refresh: refresh, logger: logger, kick: make(chan struct{}, 1)}
}

// changed tells the debouncer that something changed; it never blocks.
func (d *debouncer) changed() {
	select {
	case d.kick <- struct{}{}:
	default: // a refresh is pending already and will see this change
	}
}

// run refreshes after changes until ctx is done.
func (d *debouncer) run(ctx context.Context) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		}
		if wait := d.every - time.Since(last); !last.IsZero() && wait > 0 {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
		}
		// The changes made while waiting are committed: this refresh
		// sees them.
		select {
		case <-d.kick:
		default:
		}
		last = time.Now()
		if err := d.refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			if d.logger != nil {
				d.logger.Error("postgres: refreshing the views", "err", err)
			}
			d.changed() // try again an interval later
		}
	}
}
