// Command tsgen writes the TypeScript declarations of the realtime
// protocol from realtime/asyncapi.yaml (see protocoltest.TypeScript).
// go generate runs it in realtime/internal/protocoltest:
//
//	go run ./tsgen -o ../../js/protocol.d.ts
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/critpath/critpath/realtime/internal/protocoltest"
)

func main() {
	out := flag.String("o", "", "the file to write (default: standard output)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "tsgen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	path, err := protocoltest.DocumentPath()
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ts, err := protocoltest.TypeScript(doc)
	if err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(ts)
		return err
	}
	return os.WriteFile(out, ts, 0o644)
}
