package kinds

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/store"
)

// ReportArgs asks for a project written as a file to download: a PDF
// Gantt chart, an Excel workbook, Microsoft Project XML, a P6 XER file
// (or any format interchange writes).
type ReportArgs struct {
	Project string `json:"project"`
	// Revision is the project's revision to write; 0: its latest.
	Revision int64 `json:"revision,omitempty"`
	// Format is "pdf", "xlsx", "mspdi", "xer", "pmxml", "svg", "csv" or
	// "json".
	Format string `json:"format"`
	// Name is the download name; "" makes one of the project's name and
	// the revision.
	Name string `json:"name,omitempty"`
}

// Kind implements Args.
func (ReportArgs) Kind() string { return KindReport }

func (a ReportArgs) project() string { return a.Project }

// options coalesces requests for the same report.
func (a ReportArgs) options(j *jobs.Job) {
	j.CoalesceKey = fmt.Sprintf("%s:%s:%d:%s:%s", KindReport, a.Project, a.Revision, a.Format, a.Name)
}

// ReportResult is a report written: where (Key, for Blobs) and as what.
type ReportResult struct {
	Project     string                `json:"project"`
	Revision    int64                 `json:"revision"`
	Format      string                `json:"format"`
	Key         string                `json:"key"`
	Name        string                `json:"name"`
	ContentType string                `json:"content_type"`
	Size        int64                 `json:"size"`
	Warnings    []interchange.Warning `json:"warnings,omitempty"`
}

// The extension and content type of each format a report is written in.
var reportFormats = map[interchange.Format]struct{ ext, contentType string }{
	interchange.PDF:   {".pdf", "application/pdf"},
	interchange.XLSX:  {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	interchange.MSPDI: {".xml", "application/xml"},
	interchange.PMXML: {".xml", "application/xml"},
	interchange.XER:   {".xer", "application/octet-stream"},
	interchange.SVG:   {".svg", "image/svg+xml"},
	interchange.CSV:   {".csv", "text/csv; charset=utf-8"},
	interchange.JSON:  {".json", "application/json"},
}

// report writes a project at a revision in a format to Blobs, under the
// key reports/PROJECT/REVISION.FORMAT.EXT (the same report twice lands
// on the same blob), with its download name; caches the ReportResult
// under (project, revision, "export", format) and announces it. A format
// interchange cannot write, or a revision the project has not reached,
// fails permanently.
type report struct{ *worker }

func (h *report) Work(ctx context.Context, a ReportArgs, _ jobs.Progress) error {
	f, err := interchange.ParseFormat(a.Format)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("kinds: report: %w", err))
	}
	kind, ok := reportFormats[f]
	if !ok {
		return jobs.Permanent(fmt.Errorf("kinds: report: format %q: not one a report is written in", a.Format))
	}
	p, rev, err := projectAt(ctx, h.d.Projects, KindReport, a.Project, a.Revision)
	if err != nil {
		return err
	}
	res := ReportResult{Project: a.Project, Revision: rev, Format: string(f), ContentType: kind.contentType,
		Key:  "reports/" + keySegment(a.Project) + "/" + strconv.FormatInt(rev, 10) + "." + string(f) + kind.ext,
		Name: cmp.Or(a.Name, downloadName(cmp.Or(p.Name, a.Project), rev, kind.ext))}
	var (
		counted countingWriter
		refused error // the format's: trying again cannot help
	)
	err = h.d.Blobs.Put(ctx, res.Key, BlobInfo{Name: res.Name, ContentType: res.ContentType}, func(w io.Writer) error {
		counted.w = w
		res.Warnings, refused = interchange.Write(res.Name, &counted, p, &interchange.WriteOptions{Format: f})
		return refused
	})
	if refused != nil && counted.err == nil { // not the blob's writer failing
		return jobs.Permanent(fmt.Errorf("kinds: report: project %q at revision %d: %w", a.Project, rev, refused))
	}
	if err != nil {
		return fmt.Errorf("kinds: report: project %q at revision %d: %w", a.Project, rev, err)
	}
	res.Size = counted.n
	b, err := encode(KindReport, res)
	if err != nil {
		return err
	}
	h.keep(ctx, store.Key{Project: a.Project, Revision: rev, Kind: "export", Options: string(f)}, b)
	return h.announce(ctx, a.Project, KindReport, b)
}

// downloadName is "NAME rREV.EXT" with what a file name should not hold
// replaced.
func downloadName(name string, rev int64, ext string) string {
	clean := strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, name)
	return fmt.Sprintf("%s r%d%s", strings.TrimSpace(clean), rev, ext)
}

// keySegment spells a project ID as one segment of a blob key: letters,
// digits, '-' and '_' as they are, every other byte as %XX.
func keySegment(s string) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// countingWriter counts what is written through it and keeps the first
// error of the writer under it.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}
