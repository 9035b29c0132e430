package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
	files, err := src.parse(fs, args, 2, "IN and OUT")
	if err != nil {
		return err
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
	lost, err := writeFile(files[0], files[1], p, opts)
	switch {
	case errors.Is(err, schedule.ErrNoStatusDate):
		return scheduleError(files[0], p, err)
	case errors.Is(err, errUsage):
		return err
	case err != nil: // what the file read holds that OUT's format cannot, or OUT's own failure
		return fmt.Errorf("converting %s: %w", files[0], err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d tasks, %d links, %d calendars, %d resources, %d assignments\n",
		files[1], len(p.Tasks), len(p.Links), len(p.Calendars), len(p.Resources), len(p.Assignments))
	if !src.quiet {
		printWarnings(stderr, "writing "+files[1], lost)
	}
	return nil
}
