package xlsx_test

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// The Usage sheet spreads each work resource's assigned work over the
// weeks: a resource's weeks add up to its total, and its total to the
// work the schedule gives its assignments.
func TestUsageAddsUp(t *testing.T) {
	p := testutil.Example(t, "dhaka-tower.json")
	r, err := schedule.Run(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{} // hours by resource
	for i := range r.Tasks() {
		for _, a := range r.Assignments(i) {
			want[a.Resource] += float64(a.Work) / 60
		}
	}
	var buf bytes.Buffer
	if _, err := xlsx.Write(&buf, p, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Usage", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	weeks := len(rows[0]) - 3
	if weeks < 100 || len(rows) < 20 {
		t.Fatalf("%d weeks, %d rows: the Dhaka Tower runs over two years with 27 resources", weeks, len(rows))
	}
	for _, row := range rows[1:] {
		var sum float64
		for _, v := range row[2 : len(row)-1] {
			if v != "" {
				h, _ := strconv.ParseFloat(v, 64)
				sum += h
			}
		}
		total, _ := strconv.ParseFloat(row[len(row)-1], 64)
		if math.Abs(sum-total) > 1e-6 || math.Abs(total-want[row[0]]) > 1e-6 {
			t.Errorf("%s: weeks add up to %.3f h, total %.3f h, assigned work %.3f h", row[0], sum, total, want[row[0]])
		}
	}
}
