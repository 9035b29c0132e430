package kinds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/jobs"
	"github.com/critpath/critpath/schedule"
	"github.com/critpath/critpath/store"
)

// readBlob reads a blob of dir back, checking its info against its
// content.
func readBlob(t *testing.T, dir *Dir, key string) ([]byte, BlobInfo) {
	t.Helper()
	f, info, err := dir.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if info.Size != int64(len(b)) || info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("blob %s: info says %d bytes, %s; it holds %d", key, info.Size, info.SHA256, len(b))
	}
	return b, info
}

func TestReportFormats(t *testing.T) {
	dir := NewDir(t.TempDir())
	f := newFixture(t, func(d *Deps) { d.Blobs = dir }, "tower", dhaka(t))
	for _, c := range []struct {
		format, ext, contentType string
		readBack                 bool
	}{
		{"pdf", ".pdf", "application/pdf", false},
		{"xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true},
		{"mspdi", ".xml", "application/xml", true},
		{"xer", ".xer", "application/octet-stream", true},
	} {
		t.Run(c.format, func(t *testing.T) {
			if err := f.run(t, ReportArgs{Project: "tower", Format: c.format}, nil); err != nil {
				t.Fatal(err)
			}
			var res ReportResult
			if kind := f.ann.last(t, &res); kind != KindReport {
				t.Fatalf("announced a %q", kind)
			}
			wantName := "Dhaka Tower — 10-storey residential, Bashundhara R-A r1" + c.ext
			if res.Key != "reports/tower/1."+c.format+c.ext || res.Name != wantName || res.Revision != 1 || res.ContentType != c.contentType {
				t.Errorf("key %q, name %q, revision %d, type %q; want reports/tower/1.%s%s, %q, 1, %q", res.Key, res.Name, res.Revision, res.ContentType, c.format, c.ext, wantName, c.contentType)
			}
			b, info := readBlob(t, dir, res.Key)
			if info.Name != wantName || info.ContentType != c.contentType || res.Size != int64(len(b)) || len(b) == 0 {
				t.Errorf("blob info %+v, %d bytes; the result says %d", info, len(b), res.Size)
			}
			if _, ok, _ := f.cache.Get(t.Context(), store.Key{Project: "tower", Revision: 1, Kind: "export", Options: c.format}.String()); !ok {
				t.Error("the result is not cached")
			}
			if !c.readBack {
				if !bytes.HasPrefix(b, []byte("%PDF-")) {
					t.Errorf("the PDF starts %q", b[:min(len(b), 8)])
				}
				return
			}
			file, err := interchange.Read(res.Name, bytes.NewReader(b), nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := file.Pick("")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(p.Project.Tasks), len(dhaka(t).Tasks); got < want-1 || got > want+1 {
				t.Errorf("read back %d tasks, want about %d", got, want)
			}
		})
	}
}

// TestReportAtRevision writes a revision older than the project's, built
// again from the log.
func TestReportAtRevision(t *testing.T) {
	dir := NewDir(t.TempDir())
	f := newFixture(t, func(d *Deps) { d.Blobs = dir }, "tower", dhaka(t))
	f.apply(t, "tower", 1, store.Set("D1", "name", "Soil investigation (8 boreholes)"))
	f.apply(t, "tower", 2, store.Set("D1", "duration", schedule.Days(20)), store.AddLink("l1", schedule.Link{Pred: "D1", Succ: "D5"}))
	f.apply(t, "tower", 3, store.RemoveTask("MOB5"))
	read := func(rev int64) (*schedule.Project, ReportResult) {
		t.Helper()
		if err := f.run(t, ReportArgs{Project: "tower", Revision: rev, Format: "json", Name: "tower.json"}, nil); err != nil {
			t.Fatal(err)
		}
		var res ReportResult
		f.ann.last(t, &res)
		b, _ := readBlob(t, dir, res.Key)
		p, err := schedule.ReadJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return p, res
	}
	orig := dhaka(t)
	mob5 := 0 // the links that go with MOB5
	for _, l := range orig.Links {
		if l.Pred == "MOB5" || l.Succ == "MOB5" {
			mob5++
		}
	}
	for _, c := range []struct {
		rev, want    int64
		name         string
		days         float64
		links, tasks int
	}{
		{1, 1, "Soil investigation (6 boreholes, SPT, lab tests)", 15, 0, 0},
		{2, 2, "Soil investigation (8 boreholes)", 15, 0, 0},
		{3, 3, "Soil investigation (8 boreholes)", 20, 1, 0},
		{0, 4, "Soil investigation (8 boreholes)", 20, 1 - mob5, -1},
	} {
		p, res := read(c.rev)
		d1 := p.Tasks[2]
		if res.Revision != c.want || res.Key != fmt.Sprintf("reports/tower/%d.json.json", c.want) || d1.ID != "D1" || d1.Name != c.name || d1.Duration != schedule.Days(c.days) {
			t.Errorf("revision %d: wrote %d (%s), D1 %q %v; want %d, %q %v", c.rev, res.Revision, res.Key, d1.Name, d1.Duration, c.want, c.name, schedule.Days(c.days))
		}
		if got, want := len(p.Links), len(orig.Links)+c.links; got != want {
			t.Errorf("revision %d: %d links, want %d", c.rev, got, want)
		}
		if got := len(p.Tasks) - len(orig.Tasks); got != c.tasks {
			t.Errorf("revision %d: %d tasks more than the original, want %d", c.rev, got, c.tasks)
		}
	}
	if err := f.run(t, ReportArgs{Project: "tower", Revision: 9, Format: "pdf"}, nil); !jobs.IsPermanent(err) || !strings.Contains(err.Error(), "revision 9") {
		t.Errorf("a revision from the future: %v, want a permanent failure naming it", err)
	}
	if err := f.run(t, ReportArgs{Project: "tower", Format: "psplib"}, nil); !jobs.IsPermanent(err) {
		t.Errorf("a format reports are not written in: %v", err)
	}
	if err := f.run(t, ReportArgs{Project: "tower", Format: "docx"}, nil); !jobs.IsPermanent(err) {
		t.Errorf("no such format: %v", err)
	}
}

// TestDirWholeOrNothing: a blob whose writing fails leaves the blob
// before it as it was and no temporary file behind.
func TestDirWholeOrNothing(t *testing.T) {
	root := t.TempDir()
	dir := NewDir(root)
	put := func(content string, fail error) error {
		return dir.Put(t.Context(), "reports/p/1.pdf", BlobInfo{Name: "p.pdf", ContentType: "application/pdf"}, func(w io.Writer) error {
			if _, err := io.WriteString(w, content); err != nil {
				return err
			}
			return fail
		})
	}
	if err := put("first", nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("the writer gave up half way")
	if err := put("second, half", boom); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	b, info := readBlob(t, dir, "reports/p/1.pdf")
	if string(b) != "first" || info.Name != "p.pdf" {
		t.Errorf("after a failed write: %q, %+v; want the first blob", b, info)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("left behind: %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dir.Open("reports/p/2.pdf"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("opening a blob not there: %v", err)
	}
	// The info lost (a crash between the two renames): served under the
	// key's last segment.
	if err := os.Remove(filepath.Join(root, ".info", "reports", "p", "1.pdf.json")); err != nil {
		t.Fatal(err)
	}
	if _, info, err := dir.Open("reports/p/1.pdf"); err != nil || info.Name != "1.pdf" {
		t.Errorf("without its info: %+v, %v", info, err)
	}
}

func TestBlobKeys(t *testing.T) {
	for _, c := range []struct {
		key string
		ok  bool
	}{
		{"reports/tower/12.pdf.pdf", true},
		{"reports/a%2Fb/1.xer", true},
		{"", false},
		{"../etc/passwd", false},
		{"reports/../x", false},
		{"/abs", false},
		{"reports//x", false},
		{".info/x.json", false},
		{"reports/.tmp-123", false},
		{`reports\x`, false},
		{"reports/ x", false},
	} {
		if err := checkKey(c.key); (err == nil) != c.ok || err != nil && !errors.Is(err, ErrBadKey) {
			t.Errorf("checkKey(%q) = %v, want ok: %v", c.key, err, c.ok)
		}
	}
	if got := keySegment("Dhaka/Tower 2"); got != "Dhaka%2FTower%202" || checkKey("reports/"+got) != nil {
		t.Errorf("keySegment: %q", got)
	}
}
