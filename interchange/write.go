package interchange

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/critpath/critpath/interchange/gantt"
	"github.com/critpath/critpath/interchange/mspdi"
	"github.com/critpath/critpath/interchange/pmxml"
	"github.com/critpath/critpath/interchange/xer"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
)

// WriteOptions steer Write; nil means the defaults.
type WriteOptions struct {
	// Format writes this format; "" takes it from the name's extension,
	// an .xml as MSPDI.
	Format Format
	// Result is p scheduled, for the formats that write dates (nil:
	// Write schedules p when it needs to).
	Result *schedule.Result
	// XER steers writing XER (nil: Windows-1252 when the text fits it).
	XER *xer.WriteOptions
	// Gantt steers an SVG chart, PDF a PDF one (nil: the defaults).
	Gantt *gantt.Options
	PDF   *gantt.PDFOptions
}

// FormatOf is the format Write writes a file named name in: by its
// extension, an .xml as MSPDI.
func FormatOf(name string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".xml" {
		return MSPDI, nil
	}
	if f, ok := byExtension[ext]; ok && f != PSPLIB {
		return f, nil
	}
	return "", fmt.Errorf("interchange: %s: unknown file type %q (writable: %s)", name, ext, Writable)
}

// Write writes project p as the file named name, in the format the name's
// extension (or opts.Format) chooses, to w, and returns the writer's
// warnings: what the format cannot hold, written as near as it could be
// or left out. It fails, having written nothing to w, on what the format
// refuses (an error starting with "interchange: " and name).
func Write(name string, w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	if opts == nil {
		opts = &WriteOptions{}
	}
	format := opts.Format
	if format == "" {
		f, err := FormatOf(name)
		if err != nil {
			return nil, err
		}
		format = f
	}
	var b bytes.Buffer
	ws, err := write(format, &b, p, opts)
	if err != nil {
		return nil, fmt.Errorf("interchange: %s: %w", name, err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return nil, fmt.Errorf("interchange: %s: %w", name, err)
	}
	return ws, nil
}

// write writes p as format. Its own errors are for Write to wrap.
func write(format Format, w io.Writer, p *schedule.Project, opts *WriteOptions) ([]Warning, error) {
	switch format {
	case JSON:
		return nil, schedule.WriteJSON(w, p)
	case MSPDI:
		return mspdi.Write(w, p, &mspdi.WriteOptions{Result: opts.Result})
	case PMXML:
		return pmxml.Write(w, p, &pmxml.WriteOptions{Result: opts.Result})
	case XER:
		xo := xer.WriteOptions{}
		if opts.XER != nil {
			xo = *opts.XER
		}
		xo.Result = cmp.Or(xo.Result, opts.Result)
		return xer.Write(w, p, &xo)
	case XLSX, CSV:
		write := xlsx.Write
		if format == CSV {
			write = xlsx.WriteCSV
		}
		return write(w, p, &xlsx.WriteOptions{Result: opts.Result})
	case SVG, PDF:
		r := opts.Result
		if r == nil {
			var err error
			if r, err = schedule.Run(p); err != nil {
				return nil, err
			}
		}
		if format == SVG {
			return nil, gantt.SVG(w, p, r, opts.Gantt)
		}
		return nil, gantt.PDF(w, p, r, opts.PDF)
	case PSPLIB:
		return nil, fmt.Errorf("%s is read, not written (writable: %s)", format, Writable)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}
