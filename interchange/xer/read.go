package xer

import (
	"cmp"
	"fmt"
	"io"

	"github.com/critpath/critpath/interchange/internal/p6"
	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/schedule"
)

// File is an XER export: one or more projects.
type File struct {
	Projects []Project
	// Warnings are what the reader passed over, with their lines.
	Warnings []Warning
}

// Project is one project of the file in critpath's model, with what P6
// computed for it.
type Project struct {
	// ID is the project's ID in P6 (proj_short_name), which is also its
	// Project.Name.
	ID      string
	Project *schedule.Project
	// Saved holds, by task ID, the early dates (actual ones for work
	// done) and total float P6 saved: what it computed.
	Saved map[string]Saved
}

// Saved is what P6 computed for one activity: its start and finish, and
// its total float in working minutes (HasFloat false when the file has
// none, for a completed activity).
type Saved = p6.Saved

// Warning is something the reader passed over, with its line and table
// (Where), or something the writer could not carry (line 0). It is
// interchange.Warning, the type every format package's warnings are.
type Warning = record.Warning

// ReadOptions steer Read; nil means the defaults.
type ReadOptions struct {
	// Charset is the code page the file is read in (default: Detect).
	Charset Charset
	// MaxBytes bounds the file's size (default DefaultMaxBytes): a larger
	// one is refused with ErrTooLarge once that much is read.
	MaxBytes int64
}

// Read reads an XER file: every project in it, with its calendars
// (global, its own and its resources'), WBS (as summary tasks), activities,
// relationships, resources and assignments, scheduled with P6's rules as
// the file's SCHEDOPTIONS set them. It is lenient: a value it cannot read,
// a row short of fields or a reference to what the file lacks is a
// Warning with its line, and it fails (a *ParseError naming the line)
// only on what is not XER, holds no project or is cut short before the
// data it needs is whole (ErrTruncated; see the package doc). opts may be
// nil.
func Read(r io.Reader, opts *ReadOptions) (*File, error) {
	return read(r, opts, false)
}

// read is Read, keeping every field of the tables it uses with all (for
// the test that Convert reads only the fields p6.Columns names).
func read(r io.Reader, opts *ReadOptions, all bool) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	tables, found, err := parse(r, opts.Charset, cmp.Or(opts.MaxBytes, DefaultMaxBytes), all)
	if err != nil {
		return nil, err
	}
	if tables["PROJECT"].Len() == 0 {
		return nil, &ParseError{Line: 1, Table: "PROJECT", Err: fmt.Errorf("the file holds no project")}
	}
	ws := warnings{list: found} // at most a dozen a table
	references(tables, &ws)
	f := &File{}
	for _, pr := range p6.Convert(tables, ws.add) {
		f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Saved: pr.Saved})
	}
	f.Warnings = ws.done()
	return f, nil
}

// maxWarnings bounds the warnings Read lists about one table; the rest
// are counted in one more, so that a file of a million faulty rows gives
// a list that can be read, and takes no memory for it.
const maxWarnings = 100

// warnings gathers Read's warnings, at most maxWarnings a table.
type warnings struct {
	list   []Warning
	n      map[string]int // by table, the warnings about it
	first  map[string]int // by table, the line of the first one not listed
	tables []string       // the tables with warnings not listed, in order
}

func (w *warnings) add(line int, table, msg string) {
	w.addf(line, table, func() string { return msg })
}

// addf adds a warning whose text msg makes, only when it is listed.
func (w *warnings) addf(line int, table string, msg func() string) {
	if w.n == nil {
		w.n, w.first = map[string]int{}, map[string]int{}
	}
	switch w.n[table]++; {
	case w.n[table] <= maxWarnings:
		w.list = append(w.list, Warning{Line: line, Where: table, Message: msg()})
	case w.n[table] == maxWarnings+1:
		w.first[table] = line
		w.tables = append(w.tables, table)
	}
}

// done returns the warnings listed, and one for each table with more.
func (w *warnings) done() []Warning {
	for _, table := range w.tables {
		w.list = append(w.list, Warning{Line: w.first[table], Where: table,
			Message: fmt.Sprintf("%d more warnings about this table, from this line on, are not listed", w.n[table]-maxWarnings)})
	}
	return w.list
}

// references warns of the rows the conversion, which reads the file
// project by project, would pass over without a word: an activity of no
// project in the file, a relationship or an assignment of no activity in
// it.
func references(t p6.Tables, ws *warnings) {
	projects := map[string]bool{}
	pt := t["PROJECT"]
	for k := range pt.Len() {
		projects[pt.Get(k, "proj_id")] = true
	}
	tt := t["TASK"]
	for k := range tt.Len() {
		id := func() string { return cmp.Or(tt.Get(k, "task_code"), "task "+tt.Get(k, "task_id")) }
		switch p := tt.Get(k, "proj_id"); {
		case p == "":
			ws.addf(tt.Line(k), "TASK", func() string { return fmt.Sprintf("activity %s names no project; left out", id()) })
		case !projects[p]:
			ws.addf(tt.Line(k), "TASK", func() string { return fmt.Sprintf("activity %s: its project %s is not in the file; left out", id(), p) })
		}
	}
	if t["TASKPRED"].Len() == 0 && t["TASKRSRC"].Len() == 0 {
		return
	}
	tasks := make(map[string]struct{}, tt.Len())
	for k := range tt.Len() {
		tasks[tt.Get(k, "task_id")] = struct{}{}
	}
	for _, c := range []struct{ table, id, what string }{
		{"TASKPRED", "task_pred_id", "relationship %s: its successor, activity %s, is not in the file; left out"},
		{"TASKRSRC", "taskrsrc_id", "assignment %s: its activity %s is not in the file; left out"},
	} {
		rt := t[c.table]
		for k := range rt.Len() {
			task := rt.Get(k, "task_id")
			if _, ok := tasks[task]; !ok {
				ws.addf(rt.Line(k), c.table, func() string { return fmt.Sprintf(c.what, rt.Get(k, c.id), task) })
			}
		}
	}
}
