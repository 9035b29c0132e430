// Command excel prepares the workbook benchmark of run.sh: a seeded
// random project (net.json) and its workbook as critpath writes it
// (ref.xlsx), dumped cell by cell with each cell's number format, fill,
// bold and indent (cells.json) so that exceljs can write the very same
// cells; with -time it times xlsx.Write alone, in process.
//
//	go run ./benchmarks/excel -tasks 10000 -seed 1 -out DIR
//	go run ./benchmarks/excel -tasks 10000 -seed 1 -time 5
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
	"github.com/xuri/excelize/v2"
)

func main() {
	tasks := flag.Int("tasks", 10000, "number of tasks")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "", "folder for net.json, ref.xlsx and cells.json")
	times := flag.Int("time", 0, "time xlsx.Write this many times in process and print the median")
	flag.Parse()

	p := randnet.Project(randnet.Config{Tasks: *tasks, Seed: *seed, Calendar: schedule.Standard, Mixed: true})
	crew(p, *seed)
	r, err := schedule.Run(p)
	if err != nil {
		log.Fatal(err)
	}
	if *times > 0 {
		var ds []time.Duration
		var peak uint64
		for range *times {
			runtime.GC()
			start := time.Now()
			if _, err := xlsx.Write(io.Discard, p, &xlsx.WriteOptions{Result: r}); err != nil {
				log.Fatal(err)
			}
			ds = append(ds, time.Since(start))
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapSys)
		}
		slices.Sort(ds)
		fmt.Printf("xlsx.Write, %d tasks: median %v of %d, heap reserved %d MiB\n", *tasks, ds[len(ds)/2], *times, peak>>20)
		return
	}
	if *out == "" {
		log.Fatal("give -out or -time")
	}
	var js bytes.Buffer
	if err := schedule.WriteJSON(&js, p); err != nil {
		log.Fatal(err)
	}
	must(os.WriteFile(filepath.Join(*out, "net.json"), js.Bytes(), 0o644))
	var book bytes.Buffer
	if _, err := xlsx.Write(&book, p, &xlsx.WriteOptions{Result: r}); err != nil {
		log.Fatal(err)
	}
	must(os.WriteFile(filepath.Join(*out, "ref.xlsx"), book.Bytes(), 0o644))
	cells, err := dump(book.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	must(os.WriteFile(filepath.Join(*out, "cells.json"), cells, 0o644))
}

// crew gives the project resources and assignments: a workbook of a real
// project has Resources, Assignments and Usage sheets.
func crew(p *schedule.Project, seed uint64) {
	for i := range 40 {
		p.Resources = append(p.Resources, schedule.Resource{ID: fmt.Sprintf("R%d", i), Name: fmt.Sprintf("Crew %d", i), MaxUnits: 2, StandardRate: 300})
	}
	for i, t := range p.Tasks {
		if (i+int(seed))%3 != 0 && t.Calendar == "" {
			p.Assignments = append(p.Assignments, schedule.Assignment{Task: t.ID, Resource: fmt.Sprintf("R%d", i%40), Units: 1})
		}
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// style is a cell style as exceljs takes it.
type style struct {
	NumFmt string `json:"numFmt,omitempty"`
	Fill   string `json:"fill,omitempty"`
	Bold   bool   `json:"bold,omitempty"`
	Indent int    `json:"indent,omitempty"`
}

// dump lists every sheet's cells: null, a number, a string, or [value,
// style] for a styled cell, with the styles by number.
func dump(book []byte) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type sheet struct {
		Name string  `json:"name"`
		Rows [][]any `json:"rows"`
	}
	var doc struct {
		Styles map[string]style `json:"styles"`
		Sheets []sheet          `json:"sheets"`
	}
	doc.Styles = map[string]style{}
	for _, name := range f.GetSheetList() {
		raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		sh := sheet{Name: name}
		for r, row := range raw {
			cells := make([]any, len(row))
			for c, v := range row {
				var val any
				if v != "" {
					val = v
					if n, err := strconv.ParseFloat(v, 64); err == nil {
						val = n
					}
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				id, err := f.GetCellStyle(name, ref)
				if err != nil {
					return nil, err
				}
				if id == 0 {
					cells[c] = val
					continue
				}
				key := strconv.Itoa(id)
				if _, ok := doc.Styles[key]; !ok {
					st, err := f.GetStyle(id)
					if err != nil {
						return nil, err
					}
					var s style
					if st.CustomNumFmt != nil {
						s.NumFmt = *st.CustomNumFmt
					}
					if len(st.Fill.Color) > 0 {
						s.Fill = st.Fill.Color[0]
					}
					if st.Font != nil {
						s.Bold = st.Font.Bold
					}
					if st.Alignment != nil {
						s.Indent = st.Alignment.Indent
					}
					doc.Styles[key] = s
				}
				cells[c] = []any{val, key}
			}
			sh.Rows = append(sh.Rows, cells)
		}
		doc.Sheets = append(doc.Sheets, sh)
	}
	return json.Marshal(doc)
}
