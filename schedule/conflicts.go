package schedule

import (
	"fmt"
	"slices"
	"time"
)

// ConflictKind says what a Conflict is.
type ConflictKind uint8

const (
	// LinkBroken: a Must Start On or Must Finish On date holds a task
	// earlier than a link allows.
	LinkBroken ConflictKind = iota
	// ConstraintMissed: the early dates miss a Start No Later Than or
	// Finish No Later Than date.
	ConstraintMissed
	// DeadlineMissed: the early finish is after the task's deadline.
	DeadlineMissed
	// FinishByMissed: the project finishes after its finish-by date.
	FinishByMissed
)

var conflictNames = [...]string{"link broken", "constraint missed", "deadline missed", "finish-by missed"}

func (k ConflictKind) String() string { return conflictNames[k] }

// Conflict is a place where the schedule cannot honour the project: the
// task (empty for FinishByMissed), the link when one is broken, the date
// that was asked for and the date the schedule gives.
type Conflict struct {
	Kind   ConflictKind
	Task   string
	Link   *Link
	Wanted time.Time
	Got    time.Time
}

func (c Conflict) String() string {
	const f = "2006-01-02 15:04"
	switch c.Kind {
	case LinkBroken:
		return fmt.Sprintf("link %s broken: %q starts %s, the link allows %s", c.Link, c.Task, c.Got.Format(f), c.Wanted.Format(f))
	case FinishByMissed:
		return fmt.Sprintf("the project finishes %s, after its finish-by date %s", c.Got.Format(f), c.Wanted.Format(f))
	}
	return fmt.Sprintf("task %q: %v: %s wanted, %s scheduled", c.Task, c.Kind, c.Wanted.Format(f), c.Got.Format(f))
}

// Conflicts lists what the schedule could not honour, by task in the
// project's order.
func (r *Result) Conflicts() []Conflict {
	n := r.net
	var out []Conflict
	at := func(v int32, w int64, finish bool) time.Time {
		tl := n.tls[n.tl[v]]
		if finish {
			return wallTime(tl.finishAt(w), n.loc)
		}
		return wallTime(tl.startAt(w), n.loc)
	}
	for i := range n.tasks {
		t := &n.tasks[i]
		if !t.summary {
			v := t.node
			for e := n.inOff[v]; e < n.inOff[v+1]; e++ {
				ed := n.in[e]
				if li := n.inLink[e]; li >= 0 {
					if b := r.boundIn(ed, ed.node, v, r.dur[v]); b > r.early[v][0] {
						out = append(out, Conflict{Kind: LinkBroken, Task: t.id, Link: &n.links[li], Wanted: at(v, b, false), Got: at(v, r.early[v][0], false)})
					}
				}
			}
		}
		if v := t.first; n.ctype[v] == SNLT || n.ctype[v] == MSO {
			if r.early[v][0] > n.cdate[v] {
				out = append(out, Conflict{Kind: ConstraintMissed, Task: t.id, Wanted: at(v, n.cdate[v], false), Got: at(v, r.early[v][0], false)})
			}
		}
		if v := t.last; n.ctype[v] == FNLT || n.ctype[v] == MFO {
			if r.early[v][1] > n.cdate[v] {
				out = append(out, Conflict{Kind: ConstraintMissed, Task: t.id, Wanted: at(v, n.cdate[v], true), Got: at(v, r.early[v][1], true)})
			}
		}
		if v := t.last; n.dead[v] != noDate && r.early[v][1] > n.dead[v] {
			out = append(out, Conflict{Kind: DeadlineMissed, Task: t.id, Wanted: at(v, n.dead[v], true), Got: at(v, r.early[v][1], true)})
		}
	}
	if n.finishBy != noDate && r.finish > n.finishBy {
		out = append(out, Conflict{Kind: FinishByMissed, Wanted: wallTime(n.finishBy, n.loc), Got: wallTime(r.finish, n.loc)})
	}
	return slices.Clip(out)
}
