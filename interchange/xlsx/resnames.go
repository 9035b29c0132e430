package xlsx

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/critpath/critpath/schedule"
)

// A task's resource names cell lists its resources, each with an
// optional quantity in brackets: "Crew; Mason[50%]; Cement[20 bags]"
// (critpath's, and Microsoft Project's where the list separator is the
// semicolon), "Crew,Mason[50%]" (Microsoft Project in English, Aspose).
// How a cell is split, and when it is a warning, is the package doc's
// rule (doc.go).

// resourceItem is one resource of a resource names cell.
type resourceItem struct {
	name     string  // the name or ID as the cell spells it
	id       string  // the resource's ID; "" when no resource is so named
	units    float64 // 1 when the cell gives no quantity
	labelled bool    // the quantity had a label or rate: "20 bags", "5/day"
}

// nameIndex finds resources by name or ID, regardless of case.
type nameIndex struct {
	ids  map[string]string // lower-case name or ID → resource ID
	seps map[byte]int      // the most separators of each kind in a name
}

// newNameIndex indexes resources by name, then by ID where no name is
// the same; the first resource of a name wins.
func newNameIndex(res []schedule.Resource) *nameIndex {
	ix := &nameIndex{ids: map[string]string{}, seps: map[byte]int{}}
	for _, r := range res {
		ix.add(r.Name, r.ID)
	}
	for _, r := range res {
		ix.add(r.ID, r.ID)
	}
	return ix
}

func (ix *nameIndex) add(name, id string) {
	k := strings.ToLower(strings.TrimSpace(name))
	if k == "" {
		return
	}
	if _, ok := ix.ids[k]; ok {
		return
	}
	ix.ids[k] = id
	for _, sep := range []byte{';', ','} {
		ix.seps[sep] = max(ix.seps[sep], strings.Count(k, string(sep)))
	}
}

func (ix *nameIndex) lookup(name string) (string, bool) {
	id, ok := ix.ids[strings.ToLower(strings.TrimSpace(name))]
	return id, ok
}

// listSeparator is a resource names cell's separator: the semicolon
// when one stands outside a quantity's brackets, else the comma.
func listSeparator(s string) byte {
	for _, sp := range splitNames(s, ';') {
		if sp.end < len(s) {
			return ';'
		}
	}
	return ','
}

// span is a part of a string, from start to end.
type span struct{ start, end int }

// splitNames cuts s at sep, except inside a quantity's brackets: a '['
// whose next ']' comes before any other '['.
func splitNames(s string, sep byte) []span {
	var out []span
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			if end := strings.IndexAny(s[i+1:], "[]"); end >= 0 && s[i+1+end] == ']' {
				i += 1 + end
			}
		case sep:
			out = append(out, span{start, i})
			start = i + 1
		}
	}
	return append(out, span{start, len(s)})
}

// cutQuantity splits "Mason[50%]" into the name and what the brackets
// hold; ok is false when the item does not end in a bracketed part
// after a name.
func cutQuantity(item string) (name, q string, ok bool) {
	if !strings.HasSuffix(item, "]") {
		return item, "", false
	}
	i := strings.LastIndexByte(item, '[')
	if i < 0 {
		return item, "", false
	}
	return strings.TrimSpace(item[:i]), item[i+1 : len(item)-1], true
}

// parseNames reads a resource names cell. Items naming no resource have
// no ID; notes say where the cell could be read another way; an error
// is an item that reads as nothing.
func (rd *reader) parseNames(s string, ix *nameIndex) (items []resourceItem, notes []string, err error) {
	sep, other := listSeparator(s), ";"
	if sep == ';' {
		other = ","
	}
	spans := splitNames(s, sep)
	for i := 0; i < len(spans); {
		item, k, note, ok := rd.knownRun(s, spans, i, sep, ix)
		if ok {
			items = append(items, item)
			if note != "" {
				notes = append(notes, note)
			}
			i = k + 1
			continue
		}
		text := strings.TrimSpace(s[spans[i].start:spans[i].end])
		i++
		if text == "" {
			continue
		}
		it := resourceItem{name: text, units: 1}
		if name, q, ok := cutQuantity(text); ok {
			if name == "" {
				return nil, nil, fmt.Errorf("%q: no resource name before the brackets", text)
			}
			u, labelled, err := rd.quantity(q)
			if err != nil {
				return nil, nil, fmt.Errorf("%q: %v", text, err)
			}
			it.name, it.units, it.labelled = name, u, labelled
		}
		// knownRun has tried the name: it is no resource's.
		if strings.ContainsAny(it.name, other+"[]") {
			notes = append(notes, fmt.Sprintf("%q is read as the name of one resource", it.name))
		}
		items = append(items, it)
	}
	return items, notes, nil
}

// knownRun finds the longest run of items from spans[i] to spans[k]
// that spells a known resource, with an optional quantity after it. The
// note says when the run could be read another way.
func (rd *reader) knownRun(s string, spans []span, i int, sep byte, ix *nameIndex) (resourceItem, int, string, bool) {
	for k := min(i+ix.seps[sep], len(spans)-1); k >= i; k-- {
		text := strings.TrimSpace(s[spans[i].start:spans[k].end])
		if text == "" {
			continue
		}
		whole, isWhole := ix.lookup(text)
		var part resourceItem
		name, q, hasQ := cutQuantity(text)
		partOK := false
		if hasQ && name != "" {
			if id, ok := ix.lookup(name); ok {
				if u, labelled, err := rd.quantity(q); err == nil {
					part, partOK = resourceItem{name: name, id: id, units: u, labelled: labelled}, true
				}
			}
		}
		var it resourceItem
		switch {
		case isWhole:
			it = resourceItem{name: text, id: whole, units: 1}
		case partOK:
			it = part
		default:
			continue
		}
		var note string
		switch {
		case isWhole && partOK:
			note = fmt.Sprintf("%q is read as the resource of that name, not %q with the quantity [%s]", text, part.name, q)
		case k > i:
			for j := i; j <= k; j++ {
				p := strings.TrimSpace(s[spans[j].start:spans[j].end])
				if n, _, ok := cutQuantity(p); ok {
					p = n
				}
				if _, known := ix.lookup(p); known {
					note = fmt.Sprintf("%q is read as one resource, though %q is a resource too", it.name, p)
					break
				}
			}
		}
		return it, k, note, true
	}
	return resourceItem{}, i, "", false
}

// quantity reads what a resource's brackets hold: "50%" or "0.5" (units
// of a work resource), a material's "20", "20 bags", "2,5 t" or a
// currency amount, or a rate "20 bags/day" — "/h", "/wk", "/mo" are
// turned into a working day's by the project's settings, since critpath
// counts a material's units per working day. labelled says a unit or a
// rate followed the number.
func (rd *reader) quantity(s string) (units float64, labelled bool, err error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "[]") {
		return 0, false, fmt.Errorf("%q is not a number", s)
	}
	if strings.HasSuffix(s, "%") {
		u, err := unitsField(s)
		if err != nil {
			return 0, false, fmt.Errorf("%q is not a number", s)
		}
		return u, false, nil
	}
	amount, per, rated := strings.Cut(s, "/")
	v, err := parseNumber(amount)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a number", s)
	}
	if i := strings.LastIndexFunc(amount, unicode.IsDigit); i >= 0 && strings.TrimSpace(amount[i+1:]) != "" {
		labelled = true
	}
	if !rated {
		return v, labelled, nil
	}
	d, err := parseDuration("1" + strings.TrimSpace(per))
	perDay, ok := rd.perDay(d)
	if err != nil || !ok {
		return 0, false, fmt.Errorf("%q: the rate is not per minute, hour, day, week or month", s)
	}
	if v *= perDay; math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%q is not a number", s)
	}
	return v, true, nil
}

// perDay is how many of a working time unit make a working day.
func (rd *reader) perDay(d schedule.Duration) (float64, bool) {
	set := rd.p.Settings
	mpd := float64(cmp.Or(set.MinutesPerDay, 480))
	mpw := float64(cmp.Or(set.MinutesPerWeek, 2400))
	dpm := float64(cmp.Or(set.DaysPerMonth, 20))
	if d.Elapsed || d.Amount != 1 {
		return 0, false
	}
	switch d.Unit {
	case schedule.Minute:
		return mpd, true
	case schedule.Hour:
		return mpd / 60, true
	case schedule.Day:
		return 1, true
	case schedule.Week:
		return mpd / mpw, true
	case schedule.Month:
		return 1 / dpm, true
	}
	return 0, false
}

// resourceNames reads assignments from a task sheet's resource names,
// when no assignment sheet gives them. A name no resource has becomes a
// resource: a material when its quantity has a label or rate ("Cement[20
// bags]", as Microsoft Project shows only a material's), else a work
// resource.
func (rd *reader) resourceNames(t *table, pend []pending) {
	p := rd.p
	ix := newNameIndex(p.Resources)
	col := t.cols["resources"]
	for k, pd := range pend {
		if strings.TrimSpace(pd.resources) == "" {
			continue
		}
		items, notes, err := rd.parseNames(pd.resources, ix)
		if err != nil {
			rd.fail(t.g.name, pd.row, col, "resources", "resource names %q: %v", pd.resources, err)
			continue
		}
		for _, n := range notes {
			rd.warnings = append(rd.warnings, Warning{Where: at(t.g.name, ref(pd.row, col)),
				Message: fmt.Sprintf("resource names %q: %s", pd.resources, n)})
		}
		for _, it := range items {
			if it.id == "" {
				it.id = it.name
				ix.add(it.name, it.id)
				res := schedule.Resource{ID: it.id, Name: it.name}
				if it.labelled {
					res.Type = schedule.MaterialResource
				}
				rd.resPlace[len(p.Resources)] = place{t, pd.row, col}
				p.Resources = append(p.Resources, res)
			}
			rd.asgPlace[len(p.Assignments)] = place{t, pd.row, col}
			p.Assignments = append(p.Assignments, schedule.Assignment{Task: p.Tasks[k].ID, Resource: it.id, Units: it.units})
		}
	}
}

// compareNames warns of each task whose resource names cell says
// otherwise than the assignment sheet, which is what is read: the
// resources (by name, regardless of case) and their units.
func (rd *reader) compareNames(t *table, pend []pending, sheet string) {
	col, ok := t.cols["resources"]
	if !ok {
		return
	}
	p := rd.p
	ix := newNameIndex(p.Resources)
	res := map[string]schedule.Resource{}
	for _, r := range p.Resources {
		if _, seen := res[r.ID]; !seen {
			res[r.ID] = r
		}
	}
	shown := func(id, name string) string {
		if r, ok := res[id]; ok {
			return cmp.Or(r.Name, r.ID)
		}
		return name
	}
	given := map[string][]resourceItem{}
	for _, a := range p.Assignments {
		given[a.Task] = append(given[a.Task], resourceItem{name: shown(a.Resource, a.Resource), id: a.Resource, units: a.Units})
	}
	for k, pd := range pend {
		want := given[p.Tasks[k].ID]
		var got []resourceItem
		var err error
		if strings.TrimSpace(pd.resources) != "" {
			got, _, err = rd.parseNames(pd.resources, ix)
		}
		for j := range got {
			got[j].name = shown(got[j].id, got[j].name)
		}
		if err == nil && sameItems(got, want) {
			continue
		}
		said := fmt.Sprintf("resource names %q differ from", pd.resources)
		if strings.TrimSpace(pd.resources) == "" {
			said = "no resource names, unlike"
		}
		rd.warnings = append(rd.warnings, Warning{Where: at(t.g.name, ref(pd.row, col)),
			Message: fmt.Sprintf("%s the %s sheet's assignments (%s): the %s sheet is read", said, sheet, rd.spellItems(want), sheet)})
	}
}

// sameItems reports whether two lists hold the same resources by name,
// regardless of case and order, with the same units.
func sameItems(a, b []resourceItem) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(it resourceItem) string { return strings.ToLower(it.name) }
	order := func(x, y resourceItem) int { return cmp.Or(cmp.Compare(key(x), key(y)), cmp.Compare(x.units, y.units)) }
	a, b = slices.SortedFunc(slices.Values(a), order), slices.SortedFunc(slices.Values(b), order)
	for i := range a {
		if key(a[i]) != key(b[i]) || math.Abs(a[i].units-b[i].units) > 1e-9*max(1, math.Abs(a[i].units)) {
			return false
		}
	}
	return true
}

// spellItems spells assignments as critpath writes resource names:
// "Crew; Mason[50%]; Cement[20]"; "none" for none.
func (rd *reader) spellItems(items []resourceItem) string {
	if len(items) == 0 {
		return "none"
	}
	typ := map[string]schedule.ResourceType{}
	for _, r := range rd.p.Resources {
		typ[r.ID] = r.Type
	}
	parts := make([]string, len(items))
	for i, it := range items {
		s := it.name
		switch {
		case typ[it.id] == schedule.WorkResource && it.units != 1:
			s += "[" + strconv.FormatFloat(it.units*100, 'g', -1, 64) + "%]"
		case typ[it.id] != schedule.WorkResource:
			s += "[" + strconv.FormatFloat(it.units, 'g', -1, 64) + "]"
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}
