package realtime

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/critpath/critpath/store"
)

// Relay makes a broker a store.Publisher: each event of the store's
// outbox is published to the room of its project as one batch of two
// durable messages, the change (typed by its ops, see ChangeType) and
// the schedule.recalc it caused, both with the event's revision as Rev;
// a project's creation is one message, project.created. A redelivered
// event (the store's relay hands an event again after a crash, or two
// nodes relay the same log) is ignored by the broker; an event past a
// gap (the broker lost what came before: a restart) fails with ErrGap,
// and the store hands it again later.
func Relay(b Broker) store.Publisher {
	return store.PublisherFunc(func(ctx context.Context, ev store.Event) error {
		ms, err := Messages(ev)
		if err != nil {
			return err
		}
		_, err = b.Publish(ctx, ev.Project, ms...)
		return err
	})
}

// maxCreatedBody bounds the project a project.created message carries:
// a member joining later reads the project in its snapshot anyway.
const maxCreatedBody = 64 << 10

// Messages returns the durable messages of a store event (see Relay).
func Messages(ev store.Event) ([]Message, error) {
	m := Message{Room: ev.Project, Rev: ev.Seq, Time: ev.Time, Actor: ev.Actor, Command: ev.Command}
	if ev.Kind == store.KindCreate {
		m.Type = TypeProjectCreated
		if len(ev.Body) <= maxCreatedBody && json.Valid(ev.Body) {
			m.Data = ev.Body
		}
		return []Message{m}, nil
	}
	var ch ChangeData
	if err := json.Unmarshal(ev.Body, &ch); err != nil {
		return nil, fmt.Errorf("realtime: event %d of %q: %w", ev.Seq, ev.Project, err)
	}
	data, err := json.Marshal(ch)
	if err != nil {
		return nil, fmt.Errorf("realtime: event %d of %q: %w", ev.Seq, ev.Project, err)
	}
	m.Type, m.Data = ChangeType(ch.Ops), data
	recalc := RecalcData{Delta: ev.Delta, Full: ev.Delta == nil}
	rd, err := json.Marshal(recalc)
	if err != nil {
		return nil, fmt.Errorf("realtime: event %d of %q: %w", ev.Seq, ev.Project, err)
	}
	r := m
	r.Type, r.Data = TypeRecalc, rd
	return []Message{m, r}, nil
}

// progressFields are the task fields that report progress.
var progressFields = map[string]bool{"percent_complete": true, "actual_start": true, "actual_finish": true, "remaining": true}

// ChangeType names a change by its ops: the kind they share, or
// TypeChange when they are of several kinds.
func ChangeType(ops []store.Op) string {
	typ := ""
	for _, op := range ops {
		t := TypeChange
		switch op.Op {
		case store.OpSet:
			t = TypeTaskChanged
			if progressFields[op.Field] {
				t = TypeProgress
			}
		case store.OpAddTask:
			t = TypeTaskCreated
		case store.OpRemoveTask:
			t = TypeTaskDeleted
		case store.OpAddLink:
			t = TypeLinkAdded
		case store.OpRemoveLink:
			t = TypeLinkRemoved
		case store.OpAssign:
			t = TypeAssignmentAdded
		case store.OpUnassign:
			t = TypeAssignmentRemoved
		case store.OpSetResource:
			t = TypeResourceChanged
		case store.OpSetCalendar:
			t = TypeCalendarChanged
		}
		switch {
		case typ == "":
			typ = t
		case typ != t:
			return TypeChange
		}
	}
	if typ == "" {
		return TypeChange
	}
	return typ
}
