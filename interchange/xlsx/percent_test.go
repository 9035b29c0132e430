package xlsx_test

import (
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// In critpath's own workbook a % Complete cell under a percent format
// reads as the percentage it shows: 50% typed in Excel, stored as 0.5,
// is 50 % complete.
func TestOwnWorkbookTypedPercent(t *testing.T) {
	p := smallProject(time.UTC)
	p.Tasks[0].ActualStart, p.Tasks[0].PercentComplete = p.Start, 10
	b := bookOf(t, p)
	// % Complete is the 9th column (I) of Tasks; row 2 is task A.
	if v, _ := b.f.GetCellValue("Tasks", "I1"); v != "% Complete" {
		t.Fatalf("I1 is %q", v)
	}
	st, _ := b.f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	b.set("Tasks", "I2", 0.5)
	b.f.SetCellStyle("Tasks", "I2", "I2", st)
	q, err := b.project()
	if err != nil {
		t.Fatal(err)
	}
	if got := taskByID(t, q, "A").PercentComplete; got != 50 {
		t.Fatalf("a cell showing 50%% read as %v %% complete", got)
	}
}
