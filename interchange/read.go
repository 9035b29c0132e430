package interchange

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/internal/record"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// File is a file read: its format, every project in it and the warnings
// of its reader.
type File struct {
	Format   Format
	Projects []Project
	// Warnings are what the reader passed over (values it could not read,
	// what critpath does not model), each naming its place in the file.
	Warnings []Warning
}

// Project is one project of a file, with what the tool that wrote the
// file computed for it.
type Project struct {
	// ID is the file's identifier of the project: P6's project ID
	// (XER's proj_short_name, PMXML's Id). Formats that hold one project
	// give none.
	ID      string
	Project *schedule.Project
	// Baseline marks a P6 baseline project (PMXML's BaselineProject): a
	// saved copy of a plan, not the schedule.
	Baseline bool
	// Tool is the profile (schedule.Profile) of the tool that wrote the
	// file and computed Saved: "msproject" or "p6"; "" when the file holds
	// no dates a tool computed.
	Tool string
	// Saved holds, by task ID, the dates and total float the tool saved.
	Saved map[string]Saved
	// Finish is the project finish Microsoft Project saved, and
	// MultipleCriticalPaths its "calculate multiple critical paths"
	// option, under which a task without successors has its early finish
	// for its late finish rather than the project finish (MSPDI only).
	Finish                time.Time
	MultipleCriticalPaths bool
}

// Saved is what the tool that wrote a file computed for one task: its
// start and finish (the actual ones for work done), its total float in
// working minutes (HasFloat false when the file has none) and its late
// finish (zero when none). It is mspdi.Saved, xer.Saved and pmxml.Saved.
type Saved = record.Saved

// Warning is something a reader passed over or a writer could not carry:
// its line (0 when not one line), its place (an element, table, or sheet
// and cell such as "Tasks!D4") and what.
type Warning = record.Warning

// ReadOptions steer Read; nil means the defaults.
type ReadOptions struct {
	// Format reads the file as this format; "" tells it by the name and
	// the content.
	Format Format
	// MaxBytes bounds the file's size (default: the format reader's, 256
	// MiB for JSON, MSPDI, PMXML, XER, workbooks and CSV).
	MaxBytes int64
	// Workbook steers reading a workbook or CSV (nil: the defaults); its
	// MaxBytes gives way to the one above when that is set.
	Workbook *xlsx.ReadOptions
	// XER steers reading an XER file (nil: the charset detected); its
	// MaxBytes gives way to the one above when that is set.
	XER *xer.ReadOptions
}

// Read reads a project file named name from r, its format told by the
// name's extension and, for .xml or an unknown extension, by its content
// (see the package doc). Errors start with "interchange: " and name;
// they wrap the format reader's error, which names the line, element,
// table or cell.
func Read(name string, r io.Reader, opts *ReadOptions) (*File, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	br := bufio.NewReaderSize(r, sniffLen)
	format := opts.Format
	if format == "" {
		head, err := br.Peek(sniffLen)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("interchange: %s: %w", name, err)
		}
		if format, err = detect(name, head); err != nil {
			return nil, fmt.Errorf("interchange: %s: %w", name, err)
		}
	}
	f, err := read(format, br, opts)
	if err != nil {
		return nil, fmt.Errorf("interchange: %s: %w", name, err)
	}
	f.Format = format
	return f, nil
}

// read reads r as format. Its own errors are for Read to wrap.
func read(format Format, r io.Reader, opts *ReadOptions) (*File, error) {
	switch format {
	case JSON:
		p, err := schedule.JSONOptions{MaxBytes: opts.MaxBytes}.Read(r)
		if err != nil {
			return nil, err
		}
		return &File{Projects: []Project{{Project: p}}}, nil
	case PSPLIB:
		in, err := psplib.Read(r)
		if err != nil {
			return nil, err
		}
		return &File{Projects: []Project{{Project: in.Project}}}, nil
	case MSPDI:
		m, err := mspdi.Read(r, &mspdi.ReadOptions{MaxBytes: opts.MaxBytes})
		if err != nil {
			return nil, err
		}
		pr := Project{Project: m.Project, Tool: "msproject", Saved: m.Saved, Finish: m.Finish, MultipleCriticalPaths: m.MultipleCriticalPaths}
		return &File{Projects: []Project{pr}, Warnings: m.Warnings}, nil
	case PMXML:
		m, err := pmxml.Read(r, &pmxml.ReadOptions{MaxBytes: opts.MaxBytes})
		if err != nil {
			return nil, err
		}
		f := &File{Warnings: m.Warnings}
		for _, pr := range m.Projects {
			f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Baseline: pr.Baseline, Tool: "p6", Saved: pr.Saved})
		}
		return f, nil
	case XER:
		xo := xer.ReadOptions{}
		if opts.XER != nil {
			xo = *opts.XER
		}
		xo.MaxBytes = cmp.Or(opts.MaxBytes, xo.MaxBytes)
		x, err := xer.Read(r, &xo)
		if err != nil {
			return nil, err
		}
		f := &File{Warnings: x.Warnings}
		for _, pr := range x.Projects {
			f.Projects = append(f.Projects, Project{ID: pr.ID, Project: pr.Project, Tool: "p6", Saved: pr.Saved})
		}
		return f, nil
	case XLSX, CSV:
		read := xlsx.Read
		if format == CSV {
			read = xlsx.ReadCSV
		}
		wo := xlsx.ReadOptions{}
		if opts.Workbook != nil {
			wo = *opts.Workbook
		}
		wo.MaxBytes = cmp.Or(opts.MaxBytes, wo.MaxBytes)
		x, err := read(r, &wo)
		if err != nil {
			return nil, err
		}
		return &File{Projects: []Project{{Project: x.Project}}, Warnings: x.Warnings}, nil
	case SVG, PDF:
		return nil, fmt.Errorf("%s is written, not read (readable: %s)", format, Readable)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// Pick returns the project sel names: the one whose ID is sel, else the
// one whose name is sel. With sel "" it returns the file's only project
// that is not a baseline. A choice it cannot make — sel names none, or
// several, or is "" while the file holds several projects — is a
// *ChoiceError listing the file's projects.
func (f *File) Pick(sel string) (*Project, error) {
	var match []int
	switch {
	case sel == "":
		for k := range f.Projects {
			if !f.Projects[k].Baseline {
				match = append(match, k)
			}
		}
	default:
		for k := range f.Projects {
			if f.Projects[k].ID == sel {
				match = append(match, k)
			}
		}
		if len(match) == 0 {
			for k := range f.Projects {
				if f.Projects[k].Project.Name == sel {
					match = append(match, k)
				}
			}
		}
	}
	if len(match) == 1 {
		return &f.Projects[match[0]], nil
	}
	e := &ChoiceError{Want: sel, Matches: len(match)}
	for _, pr := range f.Projects {
		e.Projects = append(e.Projects, Summary{ID: pr.ID, Name: pr.Project.Name, Tasks: len(pr.Project.Tasks), Baseline: pr.Baseline})
	}
	return nil, e
}

// Summary describes a project of a file, for choosing among them.
type Summary struct {
	ID, Name string
	Tasks    int
	Baseline bool
}

func (s Summary) String() string {
	b := new(strings.Builder)
	if s.ID != "" {
		b.WriteString(s.ID)
		if s.Name != s.ID {
			fmt.Fprintf(b, " %q", s.Name)
		}
	} else {
		fmt.Fprintf(b, "%q", s.Name)
	}
	fmt.Fprintf(b, " (%d tasks", s.Tasks)
	if s.Baseline {
		b.WriteString(", a baseline")
	}
	b.WriteString(")")
	return b.String()
}

// ChoiceError is a choice of project File.Pick cannot make.
type ChoiceError struct {
	// Want is what was asked for ("" for no choice), Matches how many of
	// the file's projects it names.
	Want    string
	Matches int
	// Projects are the file's projects.
	Projects []Summary
}

func (e *ChoiceError) Error() string {
	list := make([]string, len(e.Projects))
	for k, s := range e.Projects {
		list[k] = s.String()
	}
	all := strings.Join(list, ", ")
	switch {
	case e.Want == "" && e.Matches == 0:
		return "interchange: the file holds no project to schedule, only baselines: " + all
	case e.Want == "":
		return fmt.Sprintf("interchange: the file holds %d projects; choose one by its ID or name: %s", e.Matches, all)
	case e.Matches == 0:
		return fmt.Sprintf("interchange: no project %q in the file; it holds %s", e.Want, all)
	}
	return fmt.Sprintf("interchange: %d projects are named %q; choose one by its ID: %s", e.Matches, e.Want, all)
}
