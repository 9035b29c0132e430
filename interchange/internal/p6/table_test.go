package p6

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// A Table gives back every field of every row as it was added, row by
// row or by name, across blocks of text and pages of offsets, and after
// its text is recoded; rows added after Recode read back too.
func TestTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tab Table
	var want [][]string
	word := func() string {
		switch rng.IntN(10) {
		case 0:
			return ""
		case 1:
			return strings.Repeat("ü", 1+rng.IntN(3)) // not ASCII: recoded
		case 2:
			if rng.IntN(20_000) == 0 {
				return strings.Repeat("x", 1<<20+rng.IntN(1<<20)) // over a block
			}
		}
		return fmt.Sprint(rng.IntN(1e6))
	}
	add := func(n int) {
		for range n {
			row := make([]string, rng.IntN(5))
			fields := make([][]byte, len(row))
			for i := range row {
				row[i] = word()
				fields[i] = []byte(row[i])
			}
			if rng.IntN(2) == 0 {
				tab.AddRow(len(want)+1, fields)
			} else {
				values := map[string]string{}
				for i, v := range row {
					values[fmt.Sprint("f", i)] = v
				}
				tab.Add(len(want)+1, values)
			}
			want = append(want, row)
		}
	}
	check := func(when string) {
		t.Helper()
		if tab.Len() != len(want) {
			t.Fatalf("%s: %d rows, want %d", when, tab.Len(), len(want))
		}
		for k, row := range want {
			if tab.Line(k) != k+1 {
				t.Fatalf("%s: row %d is at line %d", when, k, tab.Line(k))
			}
			for i := range 6 {
				w := ""
				if i < len(row) {
					w = row[i]
				}
				// Add names field i "f<i>", AddRow leaves it unnamed:
				// both put it at place i when the names come in order.
				if got := tab.Field(k, i); got != w {
					t.Fatalf("%s: row %d field %d: got %.20q (%d bytes), want %.20q (%d bytes)", when, k, i, got, len(got), w, len(w))
				}
			}
		}
	}
	tab.Fields = map[string]int{"f0": 0, "f1": 1, "f2": 2, "f3": 3, "f4": 4}
	add(150_000) // three pages of rows
	check("added")
	recode := func(s string) string { return strings.ReplaceAll(s, "ü", "Ü") }
	tab.Recode(func(b *strings.Builder, s string) { b.WriteString(recode(s)) })
	for _, row := range want {
		for i := range row {
			row[i] = recode(row[i])
		}
	}
	check("recoded")
	add(1000)
	check("added after Recode")
	// SetColumn gives one field a value in every row that holds it.
	tab.SetColumn("f1", "project 7")
	for _, row := range want {
		if len(row) > 1 {
			row[1] = "project 7"
		}
	}
	check("a column set")
	add(1000)
	check("added after SetColumn")
	if got := tab.Get(0, "f9"); got != "" {
		t.Errorf("a field the table lacks: %q", got)
	}
	if got := (*Table)(nil).Get(0, "f0"); got != "" || (*Table)(nil).Len() != 0 {
		t.Errorf("a table the file lacks: %q", got)
	}
}
