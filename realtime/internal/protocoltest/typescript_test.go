package protocoltest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/critpath/critpath/realtime/internal/protocoltest"
)

// declarations returns the generator's output and the path of the
// committed realtime/js/protocol.d.ts.
func declarations(t *testing.T) ([]byte, string) {
	t.Helper()
	path, err := protocoltest.DocumentPath()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := protocoltest.TypeScript(doc)
	if err != nil {
		t.Fatal(err)
	}
	return ts, filepath.Join(filepath.Dir(path), "js", "protocol.d.ts")
}

// The committed declarations are what the generator makes of the
// committed document: after changing asyncapi.yaml, run go generate
// ./realtime/internal/protocoltest.
func TestDeclarationsUpToDate(t *testing.T) {
	ts, path := declarations(t)
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, ts) {
		t.Errorf("%s is not what go generate ./realtime/internal/protocoltest writes: run it", path)
	}
	for _, want := range []string{
		"export type ClientRequest = HelloRequest | JoinRequest",
		`op: "task.patch";`,
		"[key: `fields.${string}`]: string;",
		"export type Frame = Array<ServerMessage>;",
		"Finish: [Time, Time];",
		`export type ErrorCode = "bad_request"`,
		"export interface ErrorData {",
		"Remaining: OptionalDuration;",
		"export type OptionalDuration = null | Duration;",
	} {
		if !bytes.Contains(ts, []byte(want)) {
			t.Errorf("the declarations have no %q", want)
		}
	}
}

// The generator refuses a schema it cannot write rather than writing a
// wrong type.
func TestTypeScriptRefusesTheUnknown(t *testing.T) {
	for _, doc := range []string{
		"components: {schemas: {A: {type: object, properties: {x: {prefixItems: [{type: string}]}}}}}",
		"components: {schemas: {A: {$ref: 'other.yaml#/B'}}}",
		"components: {schemas: {A: {type: object, properties: {x: {type: string}}, patternProperties: {'^[a-z]+$': {type: string}}}}}",
		"components: {schemas: {A: {type: thing}}}",
		"info: {title: x}",
	} {
		if _, err := protocoltest.TypeScript([]byte(doc)); err == nil {
			t.Errorf("%s: no error", doc)
		}
	}
}

// When a TypeScript compiler is on PATH (npm install -g typescript), the
// declarations compile, and a client's use of them type-checks.
func TestDeclarationsCompile(t *testing.T) {
	tsc, err := exec.LookPath("tsc")
	if err != nil {
		t.Skip("tsc not on PATH")
	}
	ts, _ := declarations(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "protocol.d.ts"), ts, 0o644); err != nil {
		t.Fatal(err)
	}
	use := strings.Join([]string{
		`import type { ClientRequest, Frame, MessageOf, RequestOf } from "./protocol";`,
		`const patch: RequestOf<"task.patch"> = { id: "1", op: "task.patch", room: "r", task: "A", fields: { duration: "3d", "fields.Zone": "N" }, base: 2, command: "c" };`,
		`const reqs: ClientRequest[] = [patch, { op: "cursor", room: "r", x: 1 }];`,
		`function first(f: Frame): string { const m = f[0]; if (m.type === "reply" && !m.data.ok) { return m.data.error.code; } return m.type; }`,
		`const changed: MessageOf<"task.changed"> = { type: "task.changed", room: "r", seq: 1, epoch: "e", rev: 2, time: "t", data: { base: 1, ops: [] } };`,
		`export { reqs, first, changed };`,
	}, "\n")
	if err := os.WriteFile(filepath.Join(dir, "use.ts"), []byte(use), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tsc, "--noEmit", "--strict", "--target", "es2020", "--module", "es2020", "--moduleResolution", "bundler",
		filepath.Join(dir, "protocol.d.ts"), filepath.Join(dir, "use.ts")).CombinedOutput()
	if err != nil {
		t.Errorf("tsc: %v\n%s", err, out)
	}
}
