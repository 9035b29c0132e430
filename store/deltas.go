package store

import (
	"sync"

	"github.com/critpath/critpath/schedule"
)

// maxKeptChanges bounds the deltas a store keeps for its relay, counted
// in task changes (a change encodes to some hundreds of bytes): enough
// for the events a relay has not handed yet, not a second copy of the
// log.
const maxKeptChanges = 200_000

// deltas keeps the engine's delta of the recent events this store
// applied or caught up with, until the relay hands them on (Event.Delta):
// the realtime hub sends what moved, not a reload. A delta that was
// let go, or never seen by this store, is simply absent.
type deltas struct {
	mu      sync.Mutex
	byEvent map[EventID]*schedule.Delta
	order   []EventID // oldest first
	changes int
}

func (d *deltas) keep(id EventID, delta schedule.Delta) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byEvent == nil {
		d.byEvent = map[EventID]*schedule.Delta{}
	}
	if _, ok := d.byEvent[id]; ok || len(delta.Changes) > maxKeptChanges {
		return
	}
	d.byEvent[id] = &delta
	d.order = append(d.order, id)
	d.changes += len(delta.Changes)
	for d.changes > maxKeptChanges || len(d.order) > maxKeptChanges {
		old := d.order[0]
		d.order = d.order[1:]
		if dd, ok := d.byEvent[old]; ok {
			d.changes -= len(dd.Changes)
			delete(d.byEvent, old)
		}
	}
}

func (d *deltas) get(id EventID) *schedule.Delta {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byEvent[id]
}

// forget lets the delivered events' deltas go.
func (d *deltas) forget(ids []EventID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range ids {
		if dd, ok := d.byEvent[id]; ok {
			d.changes -= len(dd.Changes)
			delete(d.byEvent, id)
		}
	}
	if len(d.byEvent) == 0 {
		d.order = d.order[:0]
	}
}
