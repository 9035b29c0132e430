// Command largejson writes the large project files of the "Large and
// hostile files" figures in benchmarks/README.md: chain.json, a chain of
// N one-day tasks linked finish to start, and randnet.json, the seeded
// random network of internal/randnet (about two predecessors per task,
// every link type) with N tasks, both as critpath's JSON writes them.
//
//	go run ./benchmarks/largejson -tasks 1000000 -out DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/critpath/critpath/internal/randnet"
	"github.com/critpath/critpath/schedule"
)

func main() {
	tasks := flag.Int("tasks", 1_000_000, "number of tasks")
	out := flag.String("out", ".", "output folder")
	flag.Parse()

	chain := &schedule.Project{Name: fmt.Sprintf("chain %d", *tasks), Start: randnet.Start}
	chain.Tasks = make([]schedule.Task, *tasks)
	chain.Links = make([]schedule.Link, 0, *tasks)
	for i := range chain.Tasks {
		chain.Tasks[i] = schedule.Task{ID: randnet.ID(i), Name: fmt.Sprintf("Task %d", i), Duration: schedule.Days(1)}
		if i > 0 {
			chain.Links = append(chain.Links, schedule.Link{Pred: randnet.ID(i - 1), Succ: randnet.ID(i)})
		}
	}
	if err := write(filepath.Join(*out, "chain.json"), chain); err != nil {
		log.Fatal(err)
	}
	chain = nil
	net := randnet.Project(randnet.Config{Tasks: *tasks, Seed: 1, LinkTypes: true})
	if err := write(filepath.Join(*out, "randnet.json"), net); err != nil {
		log.Fatal(err)
	}
}

func write(path string, p *schedule.Project) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := schedule.WriteJSON(f, p); err != nil {
		f.Close()
		return err
	}
	fmt.Printf("wrote %s: %d tasks, %d links\n", path, len(p.Tasks), len(p.Links))
	return f.Close()
}
