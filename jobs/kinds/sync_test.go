package kinds

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// writeFile writes p as the named file of fsys.
func writeFile(t *testing.T, fsys fstest.MapFS, name string, p *schedule.Project) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := interchange.Write(name, &buf, p, nil); err != nil {
		t.Fatal(err)
	}
	fsys[name] = &fstest.MapFile{Data: buf.Bytes()}
}

// readFile reads the named file of fsys as the sync does.
func readFile(t *testing.T, fsys fstest.MapFS, name string) *schedule.Project {
	t.Helper()
	f, err := interchange.Read(name, bytes.NewReader(fsys[name].Data), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Pick("")
	if err != nil {
		t.Fatal(err)
	}
	return p.Project
}

// editInTool changes a project as a planner would in Microsoft Project,
// P6 or Excel: a duration, a name, a task added after another and linked
// to it, a task taken out with its links and assignments, a link taken
// out, an assignment's units. It returns the IDs it touched.
func editInTool(t *testing.T, p *schedule.Project) (longer, renamed, removed, added string) {
	t.Helper()
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	var leaves []int
	for i, tr := range r.Tasks() {
		if !tr.Summary && !tr.Milestone {
			leaves = append(leaves, i)
		}
	}
	longer, renamed, removed, added = p.Tasks[leaves[0]].ID, p.Tasks[leaves[1]].ID, p.Tasks[leaves[2]].ID, "9001"
	p.Tasks[leaves[0]].Duration = schedule.Days(40)
	p.Tasks[leaves[1]].Name += " (revised)"
	nt := schedule.Task{ID: added, Name: "Additional boreholes", Parent: p.Tasks[leaves[0]].Parent, Duration: schedule.Days(4)}
	p.Tasks = slices.Insert(p.Tasks, leaves[0]+1, nt)
	p.Links = append(p.Links, schedule.Link{Pred: longer, Succ: added})
	p.Tasks = slices.DeleteFunc(p.Tasks, func(t schedule.Task) bool { return t.ID == removed })
	p.Links = slices.DeleteFunc(p.Links, func(l schedule.Link) bool { return l.Pred == removed || l.Succ == removed })
	p.Assignments = slices.DeleteFunc(p.Assignments, func(x schedule.Assignment) bool { return x.Task == removed })
	for k, l := range p.Links {
		if l.Pred != longer && l.Succ != added {
			p.Links = slices.Delete(p.Links, k, k+1)
			break
		}
	}
	for k := range p.Assignments {
		if a := &p.Assignments[k]; a.Task != longer && a.Units > 0 {
			a.Units *= 2
			a.Work = schedule.Duration{}
			break
		}
	}
	return longer, renamed, removed, added
}

// outline spells a project's tasks (ID, name, duration), links and
// assignments as sorted lines, to compare two projects without diff.
func outline(p *schedule.Project) []string {
	var out []string
	for _, t := range p.Tasks {
		out = append(out, fmt.Sprintf("task %s %q %v", t.ID, t.Name, t.Duration))
	}
	for _, l := range p.Links {
		out = append(out, fmt.Sprintf("link %s", l.String()))
	}
	for _, a := range p.Assignments {
		out = append(out, fmt.Sprintf("assignment %s %s %v", a.Task, a.Resource, a.Units))
	}
	slices.Sort(out)
	return out
}

// unequal lists the lines of a and b that the other lacks.
func unequal(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, "project: "+s)
		}
	}
	for _, s := range b {
		if !slices.Contains(a, s) {
			out = append(out, "file:    "+s)
		}
	}
	return out
}

func TestSyncFormats(t *testing.T) {
	for _, name := range []string{"tower.xml", "tower.xer", "tower.xlsx"} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			writeFile(t, fsys, name, dhaka(t))
			// The project was made by importing the file it is linked to.
			f := newFixture(t, func(d *Deps) { d.Files, d.Synced = FS(fsys), NewMemorySyncState() }, "tower", readFile(t, fsys, name))
			args := SyncArgs{Project: "tower", File: name}

			// The file as imported: nothing to change.
			if err := f.run(t, args, nil); err != nil {
				t.Fatal(err)
			}
			var rep SyncReport
			f.ann.last(t, &rep)
			if rep.Ops != 0 || rep.Revision != 1 || rep.Hash == "" {
				t.Fatalf("first sync: %d ops, revision %d, notes %v; want nothing to change", rep.Ops, rep.Revision, rep.Notes)
			}

			// The planner edits the file.
			edited := readFile(t, fsys, name)
			longer, renamed, removed, added := editInTool(t, edited)
			writeFile(t, fsys, name, edited)
			if err := f.run(t, args, nil); err != nil {
				t.Fatal(err)
			}
			f.ann.last(t, &rep)
			if rep.Revision != 2 || rep.Hash == "" || !slices.Equal(rep.Changes.TasksAdded, []string{added}) || !slices.Equal(rep.Changes.TasksRemoved, []string{removed}) ||
				!slices.Contains(rep.Changes.TasksChanged, longer) || !slices.Contains(rep.Changes.TasksChanged, renamed) || rep.Changes.LinksAdded != 1 || rep.Changes.LinksRemoved != 1 || rep.Changes.AssignmentsChanged != 1 {
				t.Errorf("second sync: revision %d, changes %+v; want revision 2, %s added, %s removed, %s and %s changed, a link added and one removed, an assignment changed",
					rep.Revision, rep.Changes, added, removed, longer, renamed)
			}
			p, rev, err := f.store.Project(t.Context(), "tower")
			if err != nil {
				t.Fatal(err)
			}
			// The project now is what the file says, seen apart from diff
			// and by it: a fixed point.
			want := readFile(t, fsys, name)
			if got, want := outline(p), outline(want); !slices.Equal(got, want) {
				t.Errorf("after the sync the project and the file differ:\n%s", strings.Join(unequal(got, want), "\n"))
			}
			if d := diff(p, want, "check"); len(d.ops) != 0 {
				t.Errorf("after the sync the file still differs by %d ops: %v", len(d.ops), d.ops[0])
			}

			// The same file again: nothing done, nothing announced; an edit
			// made in the store since stays.
			rev = f.apply(t, "tower", rev, store.Set(longer, "notes", "checked on site"))
			n := len(f.ann.all())
			if err := f.run(t, args, nil); err != nil {
				t.Fatal(err)
			}
			if _, now, _ := f.store.Project(t.Context(), "tower"); now != rev || len(f.ann.all()) != n {
				t.Errorf("an unchanged file: revision %d → %d, %d announcements more", rev, now, len(f.ann.all())-n)
			}
		})
	}
}

// TestSyncNotes: what the store's edits cannot change, or what names
// what the project does not have, is noted in the report, not applied.
func TestSyncNotes(t *testing.T) {
	fsys := fstest.MapFS{}
	name := "tower.json"
	writeFile(t, fsys, name, dhaka(t))
	f := newFixture(t, func(d *Deps) { d.Files, d.Synced = FS(fsys), NewMemorySyncState() }, "tower", dhaka(t))
	edited := dhaka(t)
	edited.Resources = append(edited.Resources, schedule.Resource{ID: "drone", Name: "Survey drone", MaxUnits: 1})
	edited.Assignments = append(edited.Assignments, schedule.Assignment{Task: "D2", Resource: "drone", Units: 1})
	edited.Calendars = append(edited.Calendars, schedule.Calendar{Name: "Monsoon", Base: "Dhaka Site"})
	edited.Tasks[2].Calendar = "Monsoon"
	edited.Tasks[3].Parent = "PRE-R"
	writeFile(t, fsys, name, edited)
	if err := f.run(t, SyncArgs{Project: "tower", File: name}, nil); err != nil {
		t.Fatal(err)
	}
	var rep SyncReport
	f.ann.last(t, &rep)
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{`resource "drone"`, `calendar "Monsoon"`, `task "D2" moved in the outline`} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes do not say %s:\n%s", want, notes)
		}
	}
	if rep.Ops != 0 || rep.Revision != 1 {
		t.Errorf("%d ops applied, revision %d; want none", rep.Ops, rep.Revision)
	}
}

func TestSyncBadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"broken.xml":  &fstest.MapFile{Data: []byte("<Project><Tasks><Task>")},
		"nothing.xer": &fstest.MapFile{Data: []byte("just text")},
	}
	f := newFixture(t, func(d *Deps) { d.Files, d.Synced = FS(fsys), NewMemorySyncState() }, "tower", dhaka(t))
	for _, args := range []SyncArgs{
		{Project: "tower", File: "broken.xml"},
		{Project: "tower", File: "nothing.xer"},
		{Project: "tower", File: "gone.xlsx"},
		{Project: "tower"},
		{Project: "tower", File: "broken.xml", Format: "docx"},
	} {
		if err := f.run(t, args, nil); !jobs.IsPermanent(err) {
			t.Errorf("%+v: got %v, want a permanent failure", args, err)
		}
	}
	if h, _ := f.deps.Synced.Synced(t.Context(), "tower", "broken.xml"); h != "" {
		t.Errorf("a file that did not read was recorded as synced")
	}
}
