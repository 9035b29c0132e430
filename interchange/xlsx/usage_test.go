package xlsx_test

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

// The Usage sheet spreads each work resource's assigned work over the
// weeks: a resource's weeks add up to its total, and its total to the
// work the schedule gives its assignments.
func TestUsageAddsUp(t *testing.T) {
	t.Run("dhaka tower", func(t *testing.T) { usageAddsUp(t, testutil.Example(t, "dhaka-tower.json"), 100, 15) })
	// Four calendars, and crews on their own calendars: the work is
	// spread on the calendar each task works on.
	p := randnet.Project(randnet.Config{Tasks: 2000, Seed: 1, Calendar: schedule.Standard, Mixed: true})
	t.Run("random", func(t *testing.T) { usageAddsUp(t, p, 10, 2) })
}

func usageAddsUp(t *testing.T, p *schedule.Project, minWeeks, minResources int) {
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
	if _, err := xlsx.Write(&buf, p, &xlsx.WriteOptions{Result: r}); err != nil {
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
	if weeks < minWeeks || len(rows)-1 < minResources {
		t.Fatalf("%d weeks, %d resources: want at least %d and %d", weeks, len(rows)-1, minWeeks, minResources)
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
