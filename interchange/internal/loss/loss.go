// Package loss tallies what a writer changes or leaves out, by kind, so
// that each kind is reported once, with how many things it hit and the
// first of them: "start milestones are written as milestones … (12
// tasks, such as A100)". The kinds are reported in the order they were
// first met, so the same project gives the same warnings in the same
// order. A Tally is not safe for concurrent use.
package loss

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/schedule"
)

// Tally counts the things a writer could not carry, by kind.
type Tally struct {
	kinds []*kind
	byKey map[string]*kind
}

type kind struct {
	where, message, noun, first string
	n                           int
}

// Add counts one thing of a kind. key identifies the kind; where (the
// element, table or sheet) and message (what happens to such things, a
// sentence without a full stop) are taken from the first thing of the
// kind; noun names what is counted ("task"), example the first one
// ("A100", "A100: 800 → High"). An empty noun makes a kind reported
// without a count: a project's setting.
func (t *Tally) Add(key, where, message, noun, example string) {
	if t.byKey == nil {
		t.byKey = map[string]*kind{}
	}
	k := t.byKey[key]
	if k == nil {
		k = &kind{where: where, message: message, noun: noun, first: example}
		t.byKey[key] = k
		t.kinds = append(t.kinds, k)
	}
	k.n++
}

// Addf is Add with the message formatted from format and args.
func (t *Tally) Addf(key, where, noun, example, format string, args ...any) {
	if t.byKey == nil || t.byKey[key] == nil {
		t.Add(key, where, fmt.Sprintf(format, args...), noun, example)
		return
	}
	t.byKey[key].n++
}

// Has reports whether a thing of the kind was counted.
func (t *Tally) Has(key string) bool { return t.byKey[key] != nil }

// Warnings returns a warning per kind, in the order the kinds were first
// met: the message, then "(12 tasks, such as A100)", or "(task A100)"
// when one thing was hit.
func (t *Tally) Warnings() []record.Warning {
	out := make([]record.Warning, 0, len(t.kinds))
	for _, k := range t.kinds {
		msg := k.message
		switch {
		case k.noun == "":
		case k.n == 1:
			msg += fmt.Sprintf(" (%s %s)", k.noun, k.first)
		default:
			msg += fmt.Sprintf(" (%d %s, such as %s)", k.n, plural(k.noun), k.first)
		}
		out = append(out, record.Warning{Where: k.where, Message: msg})
	}
	return out
}

// plural spells the plural of an English noun of the writers' ("activity",
// "task", "link").
func plural(noun string) string {
	if strings.HasSuffix(noun, "y") && !strings.HasSuffix(noun, "ay") && !strings.HasSuffix(noun, "ey") {
		return noun[:len(noun)-1] + "ies"
	}
	if strings.HasSuffix(noun, "s") {
		return noun + "es"
	}
	return noun + "s"
}

// Zone names p's time zone when it is not UTC, for a writer to say it
// is not written: its Location, else its start's zone ("" for UTC, or
// any zone of no offset).
func Zone(p *schedule.Project) string {
	loc := p.Location
	t := cmp.Or(p.Start, p.Finish)
	if loc == nil {
		loc = t.Location()
	}
	if name := loc.String(); strings.Contains(name, "/") {
		return name
	}
	if _, off := t.In(loc).Zone(); off != 0 {
		return fmt.Sprintf("UTC%+03d:%02d", off/3600, max(off, -off)/60%60)
	}
	return ""
}
