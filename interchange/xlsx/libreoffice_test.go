package xlsx_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
)

// LibreOffice opens the Dhaka Tower's workbook and sees its Tasks sheet
// as critpath wrote it: every task's WBS, ID, name and duration, and the
// dates as dates. Skipped without soffice (Debian libreoffice-calc-nogui,
// which .ci/run installs).
func TestLibreOfficeReadsWorkbook(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not installed")
	}
	p := testutil.Example(t, "dhaka-tower.json")
	dir := t.TempDir()
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "tower.xlsx")
	if err := os.WriteFile(book, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, book)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "tower.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(p.Tasks)+1 {
		t.Fatalf("LibreOffice sees %d rows, want %d tasks and the header", len(rows), len(p.Tasks))
	}
	want := map[string][]string{}
	for _, task := range p.Tasks {
		want[task.ID] = []string{task.Name, task.Duration.String()}
	}
	if h := rows[0]; h[0] != "WBS" || h[1] != "ID" || h[2] != "Name" || h[3] != "Duration" || h[4] != "Start" {
		t.Fatalf("header %q", h)
	}
	for _, row := range rows[1:] {
		w, ok := want[row[1]]
		if !ok {
			t.Errorf("row %q: no such task", row)
			continue
		}
		if row[2] != w[0] || (row[3] != "" && row[3] != w[1]) {
			t.Errorf("task %s: LibreOffice reads %q, %q; want %q, %q", row[1], row[2], row[3], w[0], w[1])
		}
		if len(row[4]) != len("2027-01-03 08:00") {
			t.Errorf("task %s: start %q is not shown as a date and time", row[1], row[4])
		}
	}
}
