// Command critpath schedules projects: critical path, and (as later
// commands land) leveling, crashing, risk and file conversion.
//
//	critpath schedule [--json] [--profile msproject|p6] [--status-date DATE] FILE
//	critpath explain [--json] [--profile msproject|p6] FILE TASK-ID
//	critpath level [--schedules N] [--seed S] [--split] [--within-float] [--json] FILE
//	critpath crash (--to DATE | --budget AMOUNT | --curve) [--fast-track] [--json] FILE
//	critpath convert IN OUT
//	critpath verify FILE
//	critpath risk [--iterations N] [--seed S] [--lhs] [--mitigated] [--percentile P] [--tolerance DAYS] [--json] FILE
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // calendars name IANA zones; carry them on every machine
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type command struct {
	name, usage string
	run         func(args []string, stdout io.Writer) error
}

var commands = []command{
	{"schedule", "schedule [--json] [--profile msproject|p6] [--status-date DATE] FILE\n      schedule a project and print its dates and floats", scheduleCommand},
	{"explain", "explain [--json] [--profile msproject|p6] FILE TASK-ID\n      say what drives a task's dates, back to the start and on to the finish", explainCommand},
	{"level", "level [--schedules N] [--seed S] [--split] [--within-float] [--json] FILE\n      level resources: a project, each delay with its reason; a PSPLIB .sm instance, the shortest schedule found within N schedules", levelCommand},
	{"crash", "crash (--to DATE | --budget AMOUNT | --curve) [--fast-track] [--json] FILE\n      the cheapest shortenings that finish by a date, the earliest finish a budget buys, or the whole time–cost curve", crashCommand},
	{"convert", "convert [--xml mspdi|pmxml] [--paper A3|A4] [--map HEADER=field]... [--day-first] IN OUT\n      convert a project between formats, chosen by extension: .json, .xml (Microsoft Project XML, or P6 PMXML: read by its root, written as --xml says), .xer (Primavera P6), .xlsx (Excel workbook), .csv (task table), .sm (read only), .svg or .pdf (a Gantt chart, write only; PDF pages A3 or A4 by --paper)", convertCommand},
	{"verify", "verify FILE\n      reschedule a Microsoft Project XML, P6 XER or PMXML file with its tool's rules and compare every task's start, finish and total float with the dates it saved", verifyCommand},
	{"risk", "risk [--iterations N] [--seed S] [--lhs] [--mitigated] [--percentile P] [--tolerance DAYS] [--json] FILE\n      Monte Carlo schedule risk: finish distributions, contingency, high-risk tasks (FILE is a risk document naming its project)", riskCommand},
}

// errUsage marks an error in the command line itself (exit status 2).
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "critpath %s: %s\nusage: critpath %s\n", c.name, strings.TrimPrefix(err.Error(), "usage: "), c.usage)
			return 2
		}
		fmt.Fprintf(stderr, "critpath %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "critpath: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: critpath COMMAND [flags] FILE\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  critpath %s\n", c.usage)
	}
}

// parseFlags parses flags that may come before or after the operands.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}
