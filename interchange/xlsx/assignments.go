package xlsx

import (
	"slices"
	"strconv"
	"strings"

	"github.com/critpath/critpath/schedule"
)

// The columns read from other tools' workbooks besides critpath's own:
// the unique IDs Microsoft Project's export joins assignments by.
// critpath writes none, and its own workbook is read without them (a
// custom field may be called "UID").
var (
	foreignResourceColumns = slices.Concat(resourceColumns, []column{
		{"unique_id", "Unique ID", []string{"uid", "resource unique id", "resource uid"}},
	})
	foreignAssignmentColumns = slices.Concat(assignmentColumns, []column{
		{"task_uid", "Task unique ID", []string{"task uid"}},
		{"resource_uid", "Resource unique ID", []string{"resource uid"}},
	})
)

// taskOnly are the task fields no resource or assignment table has.
var taskOnly = []string{"duration", "predecessors", "percent_complete", "outline_level", "wbs", "parent",
	"constraint", "total_float", "critical"}

// hasField reports whether t reads any of fields.
func hasField(t *table, fields ...string) bool {
	return slices.ContainsFunc(fields, func(f string) bool { _, ok := t.cols[f]; return ok })
}

// sideKind says what a sheet of another tool's workbook holds, by its
// header row: sheetAssignments for a task and a resource on each row
// (Microsoft Project's and Aspose's "Assignment_Table1": Task Name,
// Resource Name, Units, Work), sheetResources for resources ("Resource_
// Table1": Name, Type, Max Units, Standard Rate…, or any headed sheet
// whose name starts with "Resource"), "" for tasks or nothing. A header
// with a field only tasks have (Duration, Predecessors, % Complete…) is
// a task sheet's.
func (rd *reader) sideKind(g *grid) string {
	if t := newTable(g, taskColumns, rd.opts.Columns); t != nil && hasField(t, taskOnly...) {
		return ""
	}
	if t := newTable(g, foreignAssignmentColumns, nil); t != nil &&
		hasField(t, "task", "task_name", "task_uid") && hasField(t, "resource", "resource_name", "resource_uid") {
		return sheetAssignments
	}
	if t := newTable(g, foreignResourceColumns, nil); t != nil && hasField(t, "name", "id") &&
		(hasField(t, "max_units", "standard_rate", "overtime_rate", "cost_per_use") || strings.HasPrefix(headerKey(g.name), "resource")) {
		return sheetResources
	}
	return ""
}

// sideSheets finds the resource and assignment sheets: critpath's
// Resources and Assignments, else, in another tool's workbook, the first
// sheets besides the task sheet whose headers say they hold resources or
// assignments (see sideKind).
func (rd *reader) sideSheets(bk *book, tasks *table) (resources, assignments *table) {
	resCols, asgCols := resourceColumns, assignmentColumns
	if !rd.own {
		resCols, asgCols = foreignResourceColumns, foreignAssignmentColumns
	}
	named := func(name string, cols []column) (*table, bool) {
		g := bk.sheet(name)
		if g == nil || g == tasks.g {
			return nil, false
		}
		t := newTable(g, cols, nil)
		if t == nil {
			rd.noHeader(g)
		}
		return t, true
	}
	resources, resNamed := named(sheetResources, resCols)
	assignments, asgNamed := named(sheetAssignments, asgCols)
	if rd.own {
		return resources, assignments
	}
	for _, name := range bk.names {
		if (resNamed || resources != nil) && (asgNamed || assignments != nil) {
			break
		}
		g := bk.sheet(name)
		if g == nil || g == tasks.g || name == sheetResources || name == sheetAssignments {
			continue
		}
		switch rd.sideKind(g) {
		case sheetResources:
			if !resNamed && resources == nil {
				resources = newTable(g, resCols, nil)
			}
		case sheetAssignments:
			if !asgNamed && assignments == nil {
				assignments = newTable(g, asgCols, nil)
			}
		}
	}
	return resources, assignments
}

// taskKeys finds an assignment's task by the ID, unique ID or name its
// row gives.
type taskKeys struct {
	byUID  map[string]string   // unique ID → task ID; nil without the task sheet's Unique ID column
	uidCol int                 // the task sheet's Unique ID column
	byName map[string][]string // name → task IDs
}

// uniqueIDHeaders are the headers of a task sheet's unique IDs, which
// the task sheet does not read as a field of its own.
var uniqueIDHeaders = []string{"unique id", "uid", "task unique id", "task uid"}

func (rd *reader) taskKeys() *taskKeys {
	k := &taskKeys{byName: map[string][]string{}}
	for _, t := range rd.p.Tasks {
		k.byName[t.Name] = append(k.byName[t.Name], t.ID)
	}
	ts := rd.taskSheet
	for c, head := range ts.extra {
		if slices.Contains(uniqueIDHeaders, headerKey(head)) && (k.byUID == nil || c < k.uidCol) {
			k.byUID, k.uidCol = map[string]string{}, c
		}
	}
	if k.byUID != nil {
		for id, r := range rd.taskRow {
			if uid := strings.TrimSpace(ts.g.cell(r, k.uidCol)); uid != "" {
				k.byUID[uid] = id
			}
		}
	}
	return k
}

// assignedTask finds the task of an assignment row: by its Task ID,
// else its task's unique ID, else its task's name (which must be one
// task's). It reports a problem in the cell when none is found.
func (rd *reader) assignedTask(t *table, r int, keys *taskKeys, usedUID *bool) (string, int, bool) {
	g := t.g
	if id, c, ok := t.get(r, "task"); ok {
		id = rd.trim(id)
		if _, known := rd.taskRow[id]; !known {
			rd.fail(g.name, r, c, "task", "no task has ID %q", id)
			return "", c, false
		}
		return id, c, true
	}
	if uid, c, ok := t.get(r, "task_uid"); ok {
		uid = strings.TrimSpace(uid)
		if keys.byUID == nil {
			rd.fail(g.name, r, c, "task_uid", "task unique ID %q: the task sheet %s has no Unique ID column", uid, rd.taskSheet.g.name)
			return "", c, false
		}
		id, known := keys.byUID[uid]
		if !known {
			rd.fail(g.name, r, c, "task_uid", "no task has unique ID %q", uid)
			return "", c, false
		}
		*usedUID = true
		return id, c, true
	}
	if name, c, ok := t.get(r, "task_name"); ok {
		name = rd.trim(name)
		ids := keys.byName[name]
		switch len(ids) {
		case 0:
			rd.fail(g.name, r, c, "task_name", "no task is named %q", name)
			return "", c, false
		case 1:
			return ids[0], c, true
		}
		rows := make([]string, len(ids))
		for i, id := range ids {
			rows[i] = strconv.Itoa(rd.taskRow[id] + 1)
		}
		rd.fail(g.name, r, c, "task_name", "%d tasks are named %q (%s rows %s): give the task's ID", len(ids), name,
			rd.taskSheet.g.name, strings.Join(rows, ", "))
		return "", c, false
	}
	_, c, _ := t.get(r, "task")
	rd.fail(g.name, r, max(c, 0), "task", "the assignment names no task")
	return "", c, false
}

// assignedResource finds the resource of an assignment row: by its
// Resource ID (an ID, else a name), else its resource's unique ID, else
// its resource's name. In another tool's workbook a name no resource
// has becomes a work resource, as in a task's resource names; an ID or
// unique ID no resource has is a problem.
func (rd *reader) assignedResource(t *table, r int, ix *nameIndex, ids map[string]bool) (string, bool) {
	g := t.g
	if res, c, ok := t.get(r, "resource"); ok {
		res = rd.trim(res)
		if ids[res] {
			return res, true
		}
		if id, ok := ix.lookup(res); ok {
			return id, true
		}
		rd.fail(g.name, r, c, "resource", "no resource has ID or name %q", res)
		return "", false
	}
	if uid, c, ok := t.get(r, "resource_uid"); ok {
		uid = strings.TrimSpace(uid)
		if id, ok := rd.resUID[uid]; ok {
			return id, true
		}
		rd.fail(g.name, r, c, "resource_uid", "no resource has unique ID %q", uid)
		return "", false
	}
	if name, c, ok := t.get(r, "resource_name"); ok {
		name = rd.trim(name)
		if id, ok := ix.lookup(name); ok {
			return id, true
		}
		if rd.own {
			rd.fail(g.name, r, c, "resource_name", "no resource is named %q", name)
			return "", false
		}
		rd.resPlace[len(rd.p.Resources)] = place{t, r, c}
		rd.p.Resources = append(rd.p.Resources, schedule.Resource{ID: name, Name: name})
		ids[name] = true
		ix.add(name, name)
		return name, true
	}
	_, c, _ := t.get(r, "resource")
	rd.fail(g.name, r, max(c, 0), "resource", "the assignment names no resource")
	return "", false
}

// assignments reads an assignment sheet: critpath's Assignments, or
// another tool's (see sideKind). Units are read as in a resource names
// cell's brackets: "50%", "0.5", "20 bags", "5/day".
func (rd *reader) assignments(t *table) {
	p := rd.p
	ix := newNameIndex(p.Resources)
	ids := map[string]bool{}
	for _, res := range p.Resources {
		ids[res.ID] = true
	}
	keys := rd.taskKeys()
	usedUID := false
	for _, r := range t.rows() {
		task, c, ok := rd.assignedTask(t, r, keys, &usedUID)
		if !ok {
			continue
		}
		res, ok := rd.assignedResource(t, r, ix, ids)
		if !ok {
			continue
		}
		a := schedule.Assignment{Task: task, Resource: res, Units: 1}
		if u, ok := field(rd, t, r, "units", func(s string) (float64, error) {
			u, _, err := rd.quantity(s)
			return u, err
		}); ok {
			a.Units = u
		}
		a.Work, _ = field(rd, t, r, "work", parseDuration)
		rd.asgPlace[len(p.Assignments)] = place{t, r, c}
		p.Assignments = append(p.Assignments, a)
	}
	if usedUID {
		// The task sheet's Unique ID column was read after all.
		where := at(rd.taskSheet.g.name, ref(rd.taskSheet.header, keys.uidCol))
		rd.warnings = slices.DeleteFunc(rd.warnings, func(w Warning) bool {
			return w.Where == where && strings.HasPrefix(w.Message, "column ")
		})
	}
}
