package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/critpath/critpath/interchange/verify"
)

// verifyCommand reschedules an imported file with the profile of the tool
// that wrote it and compares each task's start, finish and total float
// with what the tool saved: `critpath verify FILE` prints each mismatch,
// each task left out and why, and ends with "matched N of M tasks".
func verifyCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	var src source
	files, err := src.parse(fs, args, 1, "one file")
	if err != nil {
		return err
	}
	pr, err := src.read(files[0], stderr)
	if err != nil {
		return err
	}
	v, err := verify.Check(pr)
	if errors.Is(err, verify.ErrNothingSaved) {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	if err != nil {
		return scheduleError(files[0], pr.Project, err)
	}
	for _, m := range v.Mismatches {
		fmt.Fprintln(stdout, m)
	}
	for _, x := range v.Excluded {
		fmt.Fprintln(stdout, x)
	}
	fmt.Fprintf(stdout, "matched %d of %d tasks", v.Matched, v.Compared)
	if v.LeftOut > 0 {
		fmt.Fprintf(stdout, " (%d left out)", v.LeftOut)
	}
	fmt.Fprintln(stdout)
	return nil
}
