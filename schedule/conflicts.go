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
	// OutOfSequence: progress reported against a link: a task started
	// (or finished) before the predecessor the link waits for.
	OutOfSequence
)

var conflictNames = [...]string{"link broken", "constraint missed", "deadline missed", "finish-by missed", "out of sequence"}

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
	case OutOfSequence:
		if c.Wanted.IsZero() {
			return fmt.Sprintf("link %s: %q has progress before %q has any", c.Link, c.Task, c.Link.Pred)
		}
		return fmt.Sprintf("link %s: %q has progress at %s, before %q reached %s", c.Link, c.Task, c.Got.Format(f), c.Link.Pred, c.Wanted.Format(f))
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
		if f := n.fop[t.node]; !t.summary && f != fStarted && f != fFinished { // progress is fact: see OutOfSequence
			v := t.node
			for e := n.inOff[v]; e < n.inOff[v+1]; e++ {
				ed := n.in[e]
				if li := n.inLink[e]; li >= 0 {
					if b := r.boundIn(ed, ed.node, v, r.nodeSpan(v)); b > r.early[v][0] {
						out = append(out, Conflict{Kind: LinkBroken, Task: t.id, Link: &n.linkList()[li], Wanted: at(v, b, false), Got: at(v, r.early[v][0], false)})
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
	out = append(out, r.outOfSequence()...)
	if n.finishBy != noDate && r.finish > n.finishBy {
		out = append(out, Conflict{Kind: FinishByMissed, Wanted: wallTime(n.finishBy, n.loc), Got: wallTime(r.finish, n.loc)})
	}
	return slices.Clip(out)
}

// outOfSequence lists the links that progress ran against: a successor
// with an actual start (or finish, for FF and SF links) when the end of the
// predecessor the link ties it to has no actual date, or a later one.
// Lags are not counted, as in P6's out-of-sequence report.
func (r *Result) outOfSequence() []Conflict {
	n := r.net
	var out []Conflict
	wall := func(w int64) time.Time {
		if w == noDate {
			return time.Time{}
		}
		return wallTime(w, n.loc)
	}
	links := n.linkList()
	for li := range links {
		l := &links[li]
		p, s := &n.tasks[n.byID[l.Pred]], &n.tasks[n.byID[l.Succ]]
		sa, sf := s.actual()
		got := sa
		if l.Type.toFinish() {
			got = sf
		}
		if got == noDate || p.summary || s.summary {
			continue
		}
		pa, pf := p.actual()
		need := pa
		if l.Type.fromFinish() {
			need = pf
		}
		if need == noDate || need > got {
			out = append(out, Conflict{Kind: OutOfSequence, Task: s.id, Link: l, Wanted: wall(need), Got: wall(got)})
		}
	}
	return out
}
