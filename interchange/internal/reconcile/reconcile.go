// Package reconcile makes an imported project schedulable where the tool
// that wrote it and critpath differ on calendars.
package reconcile

import (
	"errors"
	"slices"

	"github.com/critpath/critpath/schedule"
)

// Warn reports one change: the kind ("task" or "calendar"), its ID or
// name, and what was done.
type Warn func(kind, name, message string)

// Calendars changes p until it compiles as far as calendars go: a task
// whose resources' calendars share no working time (Microsoft Project
// schedules each assignment on its own, P6 ignores them for task-dependent
// activities) is scheduled on its own calendar, and a calendar with no
// working time at all that no other calendar builds on is dropped, its
// tasks and resources moved to the project calendar. Each change is
// reported. It returns the compiled project, or nil when errors other than
// these remain for the caller's compile to report.
func Calendars(p *schedule.Project, warn Warn) *schedule.Network {
	for range len(p.Tasks) + len(p.Calendars) + 1 {
		n, err := schedule.Compile(p)
		if err == nil {
			return n
		}
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		changed := false
		for _, e := range errs {
			var ie *schedule.InputError
			if !errors.As(e, &ie) {
				continue
			}
			switch {
			case ie.Task != "" && errors.Is(ie, schedule.ErrNoSharedTime):
				if k := slices.IndexFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == ie.Task }); k >= 0 && !p.Tasks[k].IgnoreResourceCalendars {
					p.Tasks[k].IgnoreResourceCalendars, changed = true, true
					warn("task", ie.Task, "its resources' calendars share no working time; it is scheduled on its own calendar")
				}
			case ie.Task == "" && ie.Calendar != "" && errors.Is(ie, schedule.ErrNoWorkingTime):
				k := slices.IndexFunc(p.Calendars, func(c schedule.Calendar) bool { return c.Name == ie.Calendar })
				if k < 0 || ie.Calendar == p.Calendar || slices.ContainsFunc(p.Calendars, func(c schedule.Calendar) bool { return c.Base == ie.Calendar }) {
					continue
				}
				for j := range p.Resources {
					if p.Resources[j].Calendar == ie.Calendar {
						p.Resources[j].Calendar = ""
						warn("calendar", ie.Calendar, "it has no working time; resource "+p.Resources[j].ID+" works on the project calendar")
					}
				}
				for j := range p.Tasks {
					if p.Tasks[j].Calendar == ie.Calendar {
						p.Tasks[j].Calendar = ""
						warn("calendar", ie.Calendar, "it has no working time; task "+p.Tasks[j].ID+" works on the project calendar")
					}
				}
				p.Calendars, changed = slices.Delete(p.Calendars, k, k+1), true
				warn("calendar", ie.Calendar, "it has no working time; left out")
			}
		}
		if !changed {
			return nil
		}
	}
	return nil
}
