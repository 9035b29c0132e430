package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/schedule"
)

// convertCommand converts a project between formats: `critpath convert
// IN OUT`, each format chosen by its extension.
func convertCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	xmlFormat := fs.String("xml", "mspdi", "the `format` of an .xml OUT: mspdi (Microsoft Project) or pmxml (Primavera P6)")
	paper := fs.String("paper", "A3", "the `paper` of a .pdf OUT: A3 or A4, landscape")
	from := fs.String("from", "", "a .svg or .pdf OUT shows the time from `date` on (default: fitted to the dates drawn)")
	to := fs.String("to", "", "a .svg or .pdf OUT shows the time up to `date` (default: fitted to the dates drawn)")
	var src source
	src.addFlags(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		return fmt.Errorf("%w: want IN and OUT", errUsage)
	}
	opts := &interchange.WriteOptions{}
	if format, err := interchange.FormatOf(files[1]); err == nil && format == interchange.MSPDI {
		switch *xmlFormat {
		case "mspdi":
		case "pmxml":
			opts.Format = interchange.PMXML
		default:
			return fmt.Errorf("%w: --xml %q: want mspdi or pmxml", errUsage, *xmlFormat)
		}
	}
	pr, err := src.read(files[0], stderr)
	if err != nil {
		return err
	}
	p := pr.Project
	var window [2]time.Time
	for k, f := range []struct{ name, value string }{{"--from", *from}, {"--to", *to}} {
		if f.value == "" {
			continue
		}
		if window[k], err = parseDate(p, f.name, f.value); err != nil {
			return err
		}
		if k == 0 && !strings.Contains(f.value, "T") { // a bare day: its start
			window[k] = window[k].AddDate(0, 0, -1)
		}
	}
	opts.Gantt = &gantt.Options{From: window[0], To: window[1]}
	opts.PDF = &gantt.PDFOptions{Paper: *paper, From: window[0], To: window[1]}
	lost, err := writeFile(files[1], p, opts)
	if errors.Is(err, schedule.ErrNoStatusDate) {
		return scheduleError(files[0], p, err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d tasks, %d links, %d calendars, %d resources, %d assignments\n",
		files[1], len(p.Tasks), len(p.Links), len(p.Calendars), len(p.Resources), len(p.Assignments))
	if !src.quiet {
		printWarnings(stderr, "writing "+files[1], lost)
	}
	return nil
}

// writeFile writes p to path in the format its extension names, through
// a temporary file renamed into place: a failure leaves nothing
// half-written. It returns what the format could not hold.
func writeFile(path string, p *schedule.Project, opts *interchange.WriteOptions) ([]interchange.Warning, error) {
	if _, err := interchange.FormatOf(path); err != nil && opts.Format == "" {
		return nil, err // before a temporary file is made
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".critpath-*")
	if err != nil {
		return nil, err
	}
	warnings, err := interchange.Write(path, tmp, p, opts)
	err = errors.Join(err, tmp.Chmod(0o644), tmp.Close()) // a temporary file is private; the output is not
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return warnings, err
}
