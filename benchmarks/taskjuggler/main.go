// Command taskjuggler writes one seeded random network twice, as a
// critpath project (net.json) and as a TaskJuggler 3 project (net.tjp, and
// net-report.tjp which adds a CSV report of every task's dates), so that
// run.sh can time both tools on the same schedule; with -check it compares
// TaskJuggler's report (dates.csv) with critpath's early finishes.
//
//	go run ./benchmarks/taskjuggler -tasks 5000 -seed 1 -out DIR
//	go run ./benchmarks/taskjuggler -tasks 5000 -seed 1 -out DIR -check
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func main() {
	tasks := flag.Int("tasks", 5000, "number of tasks")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", ".", "output folder")
	check := flag.Bool("check", false, "compare DIR/dates.csv, TaskJuggler's report, with critpath's schedule")
	flag.Parse()

	// Finish-to-start links without lags on the Standard calendar: the
	// schedule both tools compute the same way.
	p := randnet.Project(randnet.Config{Tasks: *tasks, Seed: *seed, Calendar: schedule.Standard})
	p.Start = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) // a Monday
	r, err := schedule.Run(p)
	if err != nil {
		log.Fatal(err)
	}
	if *check {
		if err := compare(filepath.Join(*out, "dates.csv"), r); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := writeJSON(filepath.Join(*out, "net.json"), p); err != nil {
		log.Fatal(err)
	}
	end := r.Finish().AddDate(0, 2, 0)
	for _, f := range []struct {
		name   string
		report bool
	}{{"net.tjp", false}, {"net-report.tjp", true}} {
		if err := writeTJP(filepath.Join(*out, f.name), p, end, f.report); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%d tasks, %d links, finish %s\n", len(p.Tasks), len(p.Links), r.Finish().Format(time.RFC3339))
}

func writeJSON(path string, p *schedule.Project) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := schedule.WriteJSON(f, p); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

const tjDate = "2006-01-02-15:04"

func writeTJP(path string, p *schedule.Project, end time.Time, report bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "project bench \"Random network\" %s - %s {\n", p.Start.Format(tjDate), end.Format(tjDate))
	fmt.Fprintln(w, "  timezone \"UTC\"\n  dailyworkinghours 8\n  workinghours mon - fri 8:00 - 12:00, 13:00 - 17:00\n  workinghours sat, sun off\n}")
	preds := map[string][]string{}
	for _, l := range p.Links {
		preds[l.Succ] = append(preds[l.Succ], strings.ToLower(l.Pred))
	}
	for _, t := range p.Tasks {
		fmt.Fprintf(w, "task %s \"%s\" {\n  length %gd\n", strings.ToLower(t.ID), t.Name, t.Duration.Amount)
		if ps := preds[t.ID]; len(ps) > 0 {
			fmt.Fprintf(w, "  depends %s\n", strings.Join(ps, ", "))
		} else {
			fmt.Fprintf(w, "  start %s\n", p.Start.Format(tjDate))
		}
		fmt.Fprintln(w, "}")
	}
	if report {
		w.WriteString("taskreport dates \"dates\" {\n  formats csv\n  columns id, start, end\n  timeformat \"%Y-%m-%d %H:%M\"\n}\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// compare checks that every task ends in TaskJuggler's report when it
// finishes early in critpath's schedule. (TaskJuggler starts a successor
// at its predecessor's end, 17:00; critpath at the next working minute, the
// same instant in working time, so only ends are compared.)
func compare(path string, r *schedule.Result) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	matched := 0
	for _, row := range rows[1:] {
		tr, ok := r.Lookup(strings.ToUpper(row[0]))
		if !ok {
			return fmt.Errorf("%s: unknown task %q", path, row[0])
		}
		if got := tr.EarlyFinish.Format("2006-01-02 15:04"); got != row[2] {
			return fmt.Errorf("task %s: TaskJuggler ends it %s, critpath %s", tr.ID, row[2], got)
		}
		matched++
	}
	if matched != r.Network().Len() {
		return fmt.Errorf("TaskJuggler reported %d of %d tasks", matched, r.Network().Len())
	}
	fmt.Printf("TaskJuggler and critpath agree on the end of all %d tasks\n", matched)
	return nil
}
