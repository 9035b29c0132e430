package xlsx_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/critpath/critpath/interchange/internal/testutil"
	"github.com/critpath/critpath/interchange/xlsx"
)

// FuzzReadCSV: any input gives a project or an error, never a panic or
// a hang; a project read is written and read again as the same model.
func FuzzReadCSV(f *testing.F) {
	f.Add("ID,Name,Duration,Predecessors\nA,Dig,3d,\nB,Pour,2d,AFS+1d\n")
	f.Add("\ufeffক্রমিক নং;কাজের নাম;স্তর;সময়কাল\n১;ভিত্তি;১;৫ দিন\n")
	f.Add("Name,Start,Outline level\nx,2027-01-03,1\ny,03.01.2027,2\n")
	f.Add("ID,Name,Predecessors\n\"a;b\",x,\nc,y,\"\"\"a;b\"\"SS\"\n")
	f.Add("ID,Name,Duration,Resource names\nA,Dig,2d,\"Mason[50%],Crew\"\nB,Pour,1d,\"Cement[2,5 t];Sand[3 t/day]\"\n")
	f.Add("Name;Duration;Resource Names\nx;1d;\"Smith, John;Crew[2]\"\ny;2d;\"Crane [50t], north\"\n")
	opts := &xlsx.ReadOptions{Start: time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, in string) {
		p, _, err := parts(xlsx.ReadCSV(bytes.NewReader([]byte(in)), opts))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if _, err := xlsx.WriteCSV(&buf, p, nil); err != nil {
			return // read but cannot schedule: a loop only the pass finds
		}
		q, _, err := parts(xlsx.ReadCSV(&buf, &xlsx.ReadOptions{Base: p}))
		if err != nil {
			t.Fatalf("written CSV does not read back: %v\n%s", err, buf.String())
		}
		if len(q.Tasks) != len(p.Tasks) || len(q.Links) != len(p.Links) || len(q.Assignments) != len(p.Assignments) {
			t.Fatalf("got %d tasks %d links %d assignments, want %d %d %d", len(q.Tasks), len(q.Links), len(q.Assignments),
				len(p.Tasks), len(p.Links), len(p.Assignments))
		}
	})
}

// FuzzRead: any bytes give a project or an error; a workbook read back
// from its own writing is the same model. The seeds are the corpus's
// macro workbook and Microsoft Project's export tables.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/msp2excel-sample.xlsx"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("PK\x03\x04 not a zip"))
	f.Add(workbook(f,
		namedRows{"Task_Table1", [][]any{{"ID", "Unique_ID", "Name", "Duration", "Start_Date", "Resource_Names"},
			{1, 11, "Dig", "3 days", "2027-01-04 08:00", "Mason,Cement[20 bags]"}, {2, 12, "Pour", "1 day", "2027-01-07 08:00", nil}}},
		namedRows{"Resource_Table1", [][]any{{"ID", "Unique_ID", "Name", "Type", "Max_Units"},
			{1, 101, "Mason", "Work", "100%"}, {2, 102, "Cement", "Material", nil}}},
		namedRows{"Assignment_Table1", [][]any{{"Task_Unique_ID", "Resource_Name", "Units", "Work"},
			{11, "Mason", "100%", "24 hrs"}, {11, "Cement", "20 bags", nil}, {12, "Mason", "50%", nil}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _, err := parts(xlsx.Read(bytes.NewReader(data), nil))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if _, err := xlsx.Write(&buf, p, nil); err != nil {
			return
		}
		q, _, err := parts(xlsx.Read(&buf, nil))
		if err != nil {
			t.Fatalf("a written workbook does not read back: %v", err)
		}
		var again bytes.Buffer
		if _, err := xlsx.Write(&again, q, nil); err != nil {
			t.Fatal(err)
		}
		r, _, err := parts(xlsx.Read(&again, nil))
		if err != nil {
			t.Fatal(err)
		}
		if a, b := testutil.Model(t, q), testutil.Model(t, r); a != b {
			t.Fatalf("a second round trip differs:\n%s", testutil.FirstDiff(a, b))
		}
	})
}
