package xer

import (
	"fmt"
	"io"

	"github.com/critpath/critpath/interchange/internal/p6"
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

// Warning is something the reader passed over.
type Warning struct {
	Line    int
	Table   string
	Message string
}

func (w Warning) String() string {
	if w.Line == 0 { // a writer's warning
		return fmt.Sprintf("%s: %s", w.Table, w.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", w.Line, w.Table, w.Message)
}

// Options steer Read; the zero value detects the charset.
type Options struct {
	Charset Charset
}

// maxRows bounds the rows of one table.
const maxRows = 1 << 21

// Read reads an XER file: every project in it, with its calendars
// (global, its own and its resources'), WBS (as summary tasks), activities,
// relationships, resources and assignments, scheduled with P6's rules as
// the file's SCHEDOPTIONS set them. It is lenient: a value it cannot read
// is a Warning with its line, and it fails (a *ParseError naming the line)
// only on what is not XER or holds no project. opts may be nil.
func Read(r io.Reader, opts *Options) (*File, error) {
	var cs Charset
	if opts != nil {
		cs = opts.Charset
	}
	tables, _, err := parse(r, cs)
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
	f := &File{}
	for _, pr := range p6.Convert(tables, func(line int, table, msg string) {
		f.Warnings = append(f.Warnings, Warning{Line: line, Table: table, Message: msg})
	}) {
		f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Saved: pr.Saved})
	}
	return f, nil
}
