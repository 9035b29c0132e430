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
	// one is refused with ErrTooLarge before it is read whole.
	MaxBytes int64
}

// maxRows bounds the rows of one table.
const maxRows = 1 << 21

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
	if opts == nil {
		opts = &ReadOptions{}
	}
	tables, warnings, err := parse(r, opts.Charset, cmp.Or(opts.MaxBytes, DefaultMaxBytes))
	if err != nil {
		return nil, err
	}
	for name, t := range tables {
		if len(t.Rows) > maxRows {
			return nil, &ParseError{Line: t.Lines[maxRows], Table: name, Err: fmt.Errorf("more than %d rows", maxRows)}
		}
	}
	projects := tables["PROJECT"]
	if projects == nil || len(projects.Rows) == 0 {
		return nil, &ParseError{Line: 1, Table: "PROJECT", Err: fmt.Errorf("the file holds no project")}
	}
	f := &File{Warnings: warnings}
	warn := func(line int, table, msg string) {
		f.Warnings = append(f.Warnings, Warning{Line: line, Where: table, Message: msg})
	}
	references(tables, warn)
	for _, pr := range p6.Convert(tables, warn) {
		f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Saved: pr.Saved})
	}
	return f, nil
}

// references warns of the rows the conversion, which reads the file
// project by project, would pass over without a word: an activity of no
// project in the file, a relationship or an assignment of no activity in
// it.
func references(t p6.Tables, warn p6.Warn) {
	projects := map[string]bool{}
	pt := t["PROJECT"]
	for k := range pt.Rows {
		projects[pt.Get(k, "proj_id")] = true
	}
	tasks := map[string]bool{}
	if tt := t["TASK"]; tt != nil {
		for k := range tt.Rows {
			tasks[tt.Get(k, "task_id")] = true
			id := cmp.Or(tt.Get(k, "task_code"), "task "+tt.Get(k, "task_id"))
			switch p := tt.Get(k, "proj_id"); {
			case p == "":
				warn(tt.Lines[k], "TASK", fmt.Sprintf("activity %s names no project; left out", id))
			case !projects[p]:
				warn(tt.Lines[k], "TASK", fmt.Sprintf("activity %s: its project %s is not in the file; left out", id, p))
			}
		}
	}
	for _, c := range []struct{ table, id, what string }{
		{"TASKPRED", "task_pred_id", "relationship %s: its successor, activity %s, is not in the file; left out"},
		{"TASKRSRC", "taskrsrc_id", "assignment %s: its activity %s is not in the file; left out"},
	} {
		rt := t[c.table]
		if rt == nil {
			continue
		}
		for k := range rt.Rows {
			if task := rt.Get(k, "task_id"); !tasks[task] {
				warn(rt.Lines[k], c.table, fmt.Sprintf(c.what, rt.Get(k, c.id), task))
			}
		}
	}
}
