package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/psplib"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// imported is a project read from a file, with what the reader passed
// over.
type imported struct {
	project  *schedule.Project
	warnings []string
	saved    map[string]savedDates // what the tool that wrote the file computed, by task ID
	tool     string                // that tool's profile: "msproject" or "p6"
	// finish is the project finish the tool saved, and openEndsCritical
	// says its late finish does not bound tasks without successors (MS
	// Project's "calculate multiple critical paths").
	finish           time.Time
	openEndsCritical bool
	others           []*imported // the file's further projects (XER)
}

// savedDates are one task's dates and total float as the writing tool
// saved them.
type savedDates struct {
	start, finish time.Time
	totalFloat    int64 // working minutes
	hasFloat      bool
	lateFinish    time.Time // zero when not saved
}

// readProject reads a project file, choosing the format by extension and,
// for .xml, by root element.
func readProject(path string) (*schedule.Project, error) {
	in, err := importFile(path)
	if err != nil {
		return nil, err
	}
	return in.project, nil
}

func importFile(path string) (*imported, error) { return importWith(path, nil) }

// importWith reads a project file as importFile does, a workbook or CSV
// with opts (nil: the defaults).
func importWith(path string, opts *xlsx.ReadOptions) (*imported, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		p, err := schedule.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &imported{project: p}, nil
	case ".sm":
		in, err := psplib.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &imported{project: in.Project}, nil
	case ".xml":
		switch root := rootElement(data); root {
		case "Project":
			f, err := mspdi.Read(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			in := &imported{project: f.Project, tool: "msproject", saved: map[string]savedDates{}, finish: f.Finish, openEndsCritical: f.MultipleCriticalPaths}
			for id, s := range f.Saved {
				in.saved[id] = savedDates{s.Start, s.Finish, s.TotalSlack, s.HasSlack, s.LateFinish}
			}
			in.warnings = texts(f.Warnings)
			return in, nil
		case "APIBusinessObjects":
			f, err := pmxml.Read(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			var all []*imported
			for _, pr := range f.Projects {
				if !pr.Baseline { // a baseline project is P6's saved plan, not the schedule
					all = append(all, fromP6(pr.Project, pr.Saved))
				}
			}
			return firstOf(all, texts(f.Warnings), path)
		default:
			return nil, fmt.Errorf("%s: root element %q: not a format critpath reads (MSPDI's is Project, PMXML's APIBusinessObjects)", path, root)
		}
	case ".xlsx", ".csv":
		read := xlsx.Read
		if ext == ".csv" {
			read = xlsx.ReadCSV
		}
		p, warns, err := read(bytes.NewReader(data), opts)
		if ie, ok := errors.AsType[*xlsx.ImportError](err); ok {
			lines := make([]string, len(ie.Problems))
			for i, pr := range ie.Problems {
				lines[i] = "  " + pr.String()
			}
			return nil, fmt.Errorf("%s: %d problem(s), nothing imported:\n%s", path, len(lines), strings.Join(lines, "\n"))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &imported{project: p, warnings: texts(warns)}, nil
	case ".xer":
		f, err := xer.Read(bytes.NewReader(data), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var all []*imported
		for _, pr := range f.Projects {
			all = append(all, fromP6(pr.Project, pr.Saved))
		}
		return firstOf(all, texts(f.Warnings), path)
	default:
		return nil, fmt.Errorf("%s: unknown file type %q (readable: .json, .xml, .xer, .xlsx, .csv, .sm)", path, ext)
	}
}

// fromP6 is a project read from a P6 file, with P6's saved dates.
func fromP6(p *schedule.Project, saved map[string]xer.Saved) *imported {
	in := &imported{project: p, tool: "p6", saved: map[string]savedDates{}}
	for id, s := range saved {
		in.saved[id] = savedDates{start: s.Start, finish: s.Finish, totalFloat: s.TotalFloat, hasFloat: s.HasFloat}
	}
	return in
}

// texts spells a reader's warnings.
func texts[W fmt.Stringer](ws []W) []string {
	out := make([]string, len(ws))
	for k, w := range ws {
		out[k] = w.String()
	}
	return out
}

// firstOf returns the first of a file's projects, carrying the others and
// the file's warnings.
func firstOf(all []*imported, warnings []string, path string) (*imported, error) {
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: no project to read", path)
	}
	all[0].warnings = warnings
	if len(all) > 1 {
		all[0].warnings = append(all[0].warnings, fmt.Sprintf("the file holds %d projects; the first, %q, is read", len(all), all[0].project.Name))
	}
	all[0].others = all[1:]
	return all[0], nil
}

// rootElement is the name of an XML document's first element ("" when
// there is none).
func rootElement(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	for range 1000 {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
	return ""
}

// writeProject writes p to path in the format its extension names (for
// .xml, MSPDI or PMXML as xmlFormat says; a .pdf on paper A3 or A4),
// through a temporary file renamed into place: a failure leaves nothing
// half-written. It returns what the format could not hold.
func writeProject(path string, p *schedule.Project, xmlFormat, paper string) ([]string, error) {
	var b bytes.Buffer
	var warnings []string
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		if err := schedule.WriteJSON(&b, p); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	case ".xml":
		switch xmlFormat {
		case "", "mspdi":
			if err := mspdi.Write(&b, p); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		case "pmxml":
			ws, err := pmxml.Write(&b, p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			warnings = texts(ws)
		default:
			return nil, fmt.Errorf("%w: --xml %q: want mspdi or pmxml", errUsage, xmlFormat)
		}
	case ".xer":
		ws, err := xer.Write(&b, p, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		warnings = texts(ws)
	case ".xlsx", ".csv":
		write := xlsx.Write
		if ext == ".csv" {
			write = xlsx.WriteCSV
		}
		ws, err := write(&b, p, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		warnings = texts(ws)
	case ".svg", ".pdf":
		r, err := schedule.Run(p)
		switch {
		case err != nil:
		case ext == ".svg":
			err = gantt.SVG(&b, p, r, nil)
		default:
			err = gantt.PDF(&b, p, r, &gantt.PDFOptions{Paper: paper})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("%s: unknown file type %q (writable: .json, .xml for MSPDI or PMXML, .xer, .xlsx, .csv, .svg or .pdf for a Gantt chart)", path, ext)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".critpath-*")
	if err != nil {
		return nil, err
	}
	_, err = tmp.Write(b.Bytes())
	err = errors.Join(err, tmp.Chmod(0o644), tmp.Close()) // a temporary file is private; the output is not
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return warnings, err
}

// convertCommand converts a project between formats: `critpath convert
// IN OUT`, each format chosen by extension (.json, .xml; .sm to read).
func convertCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	xmlFormat := fs.String("xml", "mspdi", "the `format` of an .xml OUT: mspdi (Microsoft Project) or pmxml (Primavera P6)")
	paper := fs.String("paper", "A3", "the `paper` of a .pdf OUT: A3 or A4, landscape")
	columns := columnMap{}
	fs.Var(columns, "map", "read a workbook's or CSV's column `HEADER=field` (wbs, id, name, duration, start, predecessors, …; - to skip it); repeatable")
	dayFirst := fs.Bool("day-first", false, "read a workbook's or CSV's 03/01/2027 as 3 January")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		return fmt.Errorf("%w: want IN and OUT", errUsage)
	}
	in, err := importWith(files[0], &xlsx.ReadOptions{Columns: columns, DayFirst: *dayFirst})
	if err != nil {
		return err
	}
	lost, err := writeProject(files[1], in.project, *xmlFormat, *paper)
	if err != nil {
		return err
	}
	p := in.project
	fmt.Fprintf(stdout, "wrote %s: %d tasks, %d links, %d calendars, %d resources, %d assignments\n",
		files[1], len(p.Tasks), len(p.Links), len(p.Calendars), len(p.Resources), len(p.Assignments))
	if len(in.warnings) > 0 {
		fmt.Fprintf(stdout, "%d warnings reading %s:\n", len(in.warnings), files[0])
		for _, w := range in.warnings {
			fmt.Fprintf(stdout, "  %s\n", w)
		}
	}
	if len(lost) > 0 {
		fmt.Fprintf(stdout, "%d warnings writing %s:\n", len(lost), files[1])
		for _, w := range lost {
			fmt.Fprintf(stdout, "  %s\n", w)
		}
	}
	return nil
}

// columnMap is the --map flag: HEADER=field pairs.
type columnMap map[string]string

func (m columnMap) String() string { return fmt.Sprint(map[string]string(m)) }

func (m columnMap) Set(v string) error {
	header, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(header) == "" {
		return fmt.Errorf("%q: want HEADER=field", v)
	}
	field = strings.TrimSpace(field)
	if field != "-" && !slices.Contains(xlsx.Fields(), field) {
		return fmt.Errorf("%q: field %q is not one of %s", v, field, strings.Join(xlsx.Fields(), ", "))
	}
	m[strings.TrimSpace(header)] = field
	return nil
}
