// Command hostilexlsx measures what reading large and hostile workbooks
// and CSV files costs (issue 17): it writes each file into a folder — a
// large valid workbook and CSV of a seeded random project, the bombs the
// issue found, and bombs made to pass the zip directory's checks and run
// into the limits set while reading — then reads each in a process of
// its own (xlsx.Read or xlsx.ReadCSV on the open file) and prints the
// file's size, the read's time (wall clock, and the process's CPU time,
// all threads: the machine is shared), the process's peak resident
// memory and its ratio to the file's size, and what came of it. A read
// over -cap MiB or -timeout is stopped and said to be.
//
//	go run ./benchmarks/hostilexlsx -tasks 100000
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"syscall"
	"time"

	"github.com/critpath/critpath/interchange/xlsx"
	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func main() {
	tasks := flag.Int("tasks", 100000, "tasks of the valid workbook and CSV")
	dir := flag.String("dir", "", "folder for the files (default: a temporary one, removed after)")
	capMiB := flag.Int("cap", 3072, "stop a read whose process maps over this many MiB")
	timeout := flag.Duration("timeout", 5*time.Minute, "stop a read that takes longer")
	read := flag.String("read", "", "read this one file (the child process)")
	only := flag.String("only", "", "measure only the files whose names contain this")
	measureDir := flag.String("measure", "", "measure the reads of the files named after the flags in this folder (the child process)")
	flag.Parse()
	switch {
	case *read != "":
		readOne(*read, uint64(*capMiB)<<20, *timeout)
		return
	case *measureDir != "":
		measure(*measureDir, flag.Args(), *capMiB, *timeout)
		return
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "hostilexlsx-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	files := []struct {
		name string
		make func(w io.Writer) error
	}{
		{fmt.Sprintf("valid-%d-tasks.xlsx", *tasks), func(w io.Writer) error { _, err := xlsx.Write(w, project(*tasks), nil); return err }},
		{fmt.Sprintf("valid-%d-tasks.csv", *tasks), func(w io.Writer) error { _, err := xlsx.WriteCSV(w, project(*tasks), nil); return err }},
		{"bomb-one-cell.xlsx", oneCellBomb},
		{"bomb-shared-strings.xlsx", sharedStringsBomb},
		{"bomb-rows.xlsx", rowsBomb},
		{"bomb-cells.xlsx", cellsBomb},
		{"bomb-one-line.csv", func(w io.Writer) error { return repeat(w, "x", 100<<20) }},
		{"bomb-million-rows.csv", millionRows},
	}
	var names []string
	for _, f := range files {
		if !strings.Contains(f.name, *only) {
			continue
		}
		if err := writeFile(filepath.Join(*dir, f.name), f.make); err != nil {
			log.Fatal(err)
		}
		names = append(names, f.name)
	}
	// The reads are measured from a fresh process: a child's peak
	// resident set counts its parent's at the fork, and this one has
	// grown writing the files.
	cmd := exec.Command(os.Args[0], append([]string{"-measure", *dir, "-cap", fmt.Sprint(*capMiB), "-timeout", timeout.String()}, names...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatal(err)
	}
}

// measure reads each file in a process of its own and prints a line of
// figures for it.
func measure(dir string, names []string, capMiB int, timeout time.Duration) {
	fmt.Printf("%-28s %9s %8s %8s %10s %8s  %s\n", "file", "size", "wall", "CPU", "peak RSS", "÷ size", "outcome")
	for _, name := range names {
		path := filepath.Join(dir, name)
		st, err := os.Stat(path)
		if err != nil {
			log.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-read", path, "-cap", fmt.Sprint(capMiB), "-timeout", timeout.String())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Run() // the outcome is what it prints
		ps := cmd.ProcessState
		rss := int64(ps.SysUsage().(*syscall.Rusage).Maxrss) << 10
		cpu := (ps.UserTime() + ps.SystemTime()).Seconds()
		took, outcome, _ := strings.Cut(strings.TrimSpace(out.String()), " ")
		fmt.Printf("%-28s %7.1fMB %8s %7.2fs %8.0fMB %7.1f×  %s\n", name, float64(st.Size())/1e6, took, cpu, float64(rss)/1e6, float64(rss)/float64(st.Size()), outcome)
	}
}

// readOne reads a file as the reader for its extension does, printing
// the time it took and what came of it; a watchdog stops it over limit
// bytes mapped or after timeout.
func readOne(path string, limit uint64, timeout time.Duration) {
	start := time.Now()
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
		for range time.Tick(5 * time.Millisecond) {
			metrics.Read(s)
			switch {
			case s[0].Value.Uint64() > limit:
				fmt.Printf("%.2fs stopped: over %d MiB\n", time.Since(start).Seconds(), limit>>20)
				os.Exit(3)
			case time.Since(start) > timeout:
				fmt.Printf("%.2fs stopped: over %v\n", time.Since(start).Seconds(), timeout)
				os.Exit(3)
			}
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	read := xlsx.Read
	if strings.HasSuffix(path, ".csv") {
		read = xlsx.ReadCSV
	}
	opts := &xlsx.ReadOptions{Start: randnet.Start}
	file, err := read(f, opts)
	took := time.Since(start).Seconds()
	if err != nil {
		msg := err.Error()
		if len(msg) > 110 {
			msg = msg[:110] + "…"
		}
		fmt.Printf("%.2fs refused: %s\n", took, msg)
		return
	}
	fmt.Printf("%.2fs read: %d tasks, %d links\n", took, len(file.Project.Tasks), len(file.Project.Links))
}

func writeFile(path string, make func(w io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := errors.Join(make(bw), bw.Flush()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// project is a seeded random project on the Standard calendar alone (a
// CSV carries no calendars), every link type.
func project(n int) *schedule.Project {
	return randnet.Project(randnet.Config{Tasks: n, Seed: 1, Calendar: schedule.Standard, LinkTypes: true})
}

// repeat writes s until n bytes are written.
func repeat(w io.Writer, s string, n int) error {
	chunk := []byte(strings.Repeat(s, max(1, (1<<20)/len(s))))
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// workbook writes a workbook of one sheet, Tasks, whose XML sheet
// writes, and shared strings when shared is not nil.
func workbook(w io.Writer, sheet, shared func(w io.Writer) error) error {
	zw := zip.NewWriter(w)
	parts := []struct {
		name string
		body string
	}{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tasks" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	}
	for _, p := range parts {
		pw, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		io.WriteString(pw, p.body)
	}
	for name, write := range map[string]func(io.Writer) error{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared} {
		if write == nil {
			continue
		}
		pw, err := zw.Create(name)
		if err != nil {
			return err
		}
		if err := write(pw); err != nil {
			return err
		}
	}
	return zw.Close()
}

const (
	sheetStart = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>`
	sheetEnd = `</sheetData></worksheet>`
)

// oneCellBomb is a 0.9 MB workbook whose one cell unpacks to 900 MB.
func oneCellBomb(w io.Writer) error {
	return workbook(w, func(w io.Writer) error {
		io.WriteString(w, sheetStart+`<row r="2"><c r="A2"><v>`)
		repeat(w, "7", 900<<20)
		_, err := io.WriteString(w, `</v></c></row>`+sheetEnd)
		return err
	}, nil)
}

// sharedStringsBomb is a 2.2 MB workbook whose shared strings unpack to
// 900 MB, 55 million of them.
func sharedStringsBomb(w io.Writer) error {
	return workbook(w, func(w io.Writer) error {
		_, err := io.WriteString(w, sheetStart+`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`+sheetEnd)
		return err
	}, func(w io.Writer) error {
		io.WriteString(w, `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		repeat(w, "<si><t>x</t></si>", 900<<20/17*17)
		_, err := io.WriteString(w, "</sst>")
		return err
	})
}

// rowsBomb is a workbook of 300,000 rows of random values, which packs
// well under the ratio checked: refused at row 262,145 as it is read.
func rowsBomb(w io.Writer) error {
	rng := rand.New(rand.NewPCG(1, 2))
	return workbook(w, func(w io.Writer) error {
		io.WriteString(w, sheetStart)
		for r := 2; r <= 300000; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>%d</v></c></row>`, r, r, rng.IntN(1e9), r, rng.IntN(1e9))
		}
		_, err := io.WriteString(w, sheetEnd)
		return err
	}, nil)
}

// cellsBomb is a workbook of 131,073 rows of 64 random values: past the
// 8,388,608 cells a read takes, refused at its last row — the most a
// workbook can hold in memory before a limit stops it.
func cellsBomb(w io.Writer) error {
	rng := rand.New(rand.NewPCG(1, 2))
	return workbook(w, func(w io.Writer) error {
		io.WriteString(w, sheetStart)
		var row strings.Builder
		for r := 2; r <= 131074; r++ {
			row.Reset()
			fmt.Fprintf(&row, `<row r="%d">`, r)
			for range 64 {
				fmt.Fprintf(&row, `<c><v>%d</v></c>`, rng.IntN(1e6))
			}
			row.WriteString(`</row>`)
			io.WriteString(w, row.String())
		}
		_, err := io.WriteString(w, sheetEnd)
		return err
	}, nil)
}

// millionRows is a 43 MB CSV of 10⁶ tasks in a chain.
func millionRows(w io.Writer) error {
	io.WriteString(w, "ID,Name,Duration,Predecessors\n")
	for i := range 1000000 {
		pred := ""
		if i > 0 {
			pred = fmt.Sprintf("T%07d", i-1)
		}
		if _, err := fmt.Fprintf(w, "T%07d,Task,3d,%s\n", i, pred); err != nil {
			return err
		}
	}
	return nil
}
