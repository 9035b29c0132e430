// Command critpath schedules projects and converts them between formats:
// the critical path, what drives a task, resource leveling, time–cost
// crashing, Monte Carlo risk, conversion between Microsoft Project, P6,
// Excel, CSV, JSON and Gantt charts, and a check of critpath's dates
// against the ones Microsoft Project or P6 saved.
//
//	critpath COMMAND [flags] FILE...
//	critpath COMMAND --help     the command's flags
//	critpath version
//
// Every command that reads a project file reads every format the
// interchange package reads, prints the reader's warnings on standard
// error (--quiet hides them), takes --project to choose among a file's
// projects and --status-date to set the date progress is reported at.
//
// Exit status: 0 done, 1 the input is wrong or the work failed, 2 the
// command line is wrong.
//
// Memory: the readers refuse files over 256 MiB and bound what a hostile
// file can make them hold, each with an error naming the limit; and the
// garbage collector works to keep critpath's heap within 1 GiB (a soft
// limit: a larger project still runs, with more collection) unless
// GOMEMLIMIT sets another (GOMEMLIMIT=off: none). critpath version prints
// the limit in force.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"strings"
	_ "time/tzdata" // calendars name IANA zones; carry them on every machine
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// memoryLimit is the soft limit on the heap when GOMEMLIMIT sets none.
// Without one, Go's collector lets the heap grow to twice what is live:
// 15 times the size of a file of lean tasks, read and scheduled (a limit
// fitted to 4 times the file was tried: it holds that file to 4.3 times,
// but costs 2 to 4 times the CPU where the project itself is larger, as
// a dense million-task JSON's is).
const memoryLimit = 1 << 30

// command is one of critpath's commands: its name, its operands and what
// it does, as its usage shows them.
type command struct {
	name, operands, summary string
	run                     func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"schedule", "FILE", "schedule a project and print its dates and floats", scheduleCommand},
	{"explain", "FILE TASK-ID", "say what drives a task's dates, back to the start and on to the finish", explainCommand},
	{"level", "FILE", "level resources: a project, each delay with its reason; a PSPLIB .sm instance, the shortest schedule found within N schedules", levelCommand},
	{"crash", "FILE", "the cheapest shortenings that finish by a date (--to), the earliest finish a budget buys (--budget), or the whole time–cost curve (--curve); a task's crash point gives its shortest duration and the cost there in all, \"crash\": {\"duration\": \"4d\", \"cost\": 84000}, or per working day saved, {\"duration\": \"3d\", \"cost_per_day\": 9000}", crashCommand},
	{"convert", "IN OUT", "convert a project between formats, each chosen by its extension: .json, .xml (Microsoft Project XML, or P6 PMXML: read by its root, written as --xml says), .xer (Primavera P6), .xlsx (Excel workbook), .csv (task table), .sm (read only), .svg or .pdf (a Gantt chart, write only). OUT is written whole or not at all, never over IN; an existing OUT keeps its mode, and an OUT that is a symbolic link keeps naming the file it names, which is replaced", convertCommand},
	{"verify", "FILE", "reschedule a Microsoft Project XML, P6 XER or PMXML file with its tool's rules and compare every task's start, finish and total float with the dates it saved", verifyCommand},
	{"risk", "FILE", "Monte Carlo schedule risk: finish distributions, contingency, high-risk tasks (FILE is a risk document naming its project, or a project with --uncertainty)", riskCommand},
	{"projects", "FILE", "list the projects a file holds, with their IDs, names and sizes", projectsCommand},
	{"version", "", "print critpath's version and the revision it was built from", versionCommand},
}

// usageLine is a command's synopsis.
func (c *command) usageLine() string {
	return strings.TrimSpace("critpath " + c.name + " [flags] " + c.operands)
}

// errUsage marks an error in the command line itself (exit status 2).
var errUsage = errors.New("usage")

// helpRequest is a command's --help: its flags, to print.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w, code := stderr, 2
		if len(args) > 0 {
			w, code = stdout, 0
		}
		usage(w)
		return code
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		if h, ok := errors.AsType[*helpRequest](err); ok {
			fmt.Fprintf(stdout, "usage: %s\n\n%s\n", c.usageLine(), c.summary)
			if hasFlags(h.fs) {
				fmt.Fprintln(stdout, "\nflags:")
				h.fs.SetOutput(stdout)
				h.fs.PrintDefaults()
			}
			return 0
		}
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "critpath %s: %s\nusage: %s (critpath %s --help for its flags)\n", c.name, strings.TrimPrefix(err.Error(), "usage: "), c.usageLine(), c.name)
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
	fmt.Fprintln(w, "usage: critpath COMMAND [flags] FILE...\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\ncritpath COMMAND --help prints a command's flags.")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses flags that may come before or after the operands.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs}
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

// versionCommand prints the module's version and the revision it was
// built from, as the build recorded them.
func versionCommand(args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	operands, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(operands) != 0 {
		return fmt.Errorf("%w: version takes no operands", errUsage)
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "critpath (no build information)")
		return nil
	}
	fmt.Fprintf(stdout, "critpath %s, %s\n", bi.Main.Version, bi.GoVersion)
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		fmt.Fprintf(stdout, "memory limit %d MiB (GOMEMLIMIT)\n", limit>>20)
	}
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		if k, ok := strings.CutPrefix(s.Key, "vcs."); ok {
			vcs[k] = s.Value
		}
	}
	if rev := vcs["revision"]; rev != "" {
		line := "revision " + rev
		if t := vcs["time"]; t != "" {
			line += " (" + t + ")"
		}
		if vcs["modified"] == "true" {
			line += ", with local changes"
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}
