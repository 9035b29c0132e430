package protocoltest_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/critpath/critpath/realtime"
	"github.com/critpath/critpath/realtime/internal/protocoltest"
)

func validator(t *testing.T) *protocoltest.Validator {
	t.Helper()
	v, err := protocoltest.Default()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func documentPath(t *testing.T) string {
	t.Helper()
	path, err := protocoltest.DocumentPath()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// The document realtime embeds for servers is the one the validator
// reads.
func TestEmbeddedIsTheDocument(t *testing.T) {
	path, err := protocoltest.DocumentPath()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, realtime.AsyncAPI) {
		t.Errorf("realtime.AsyncAPI is not %s", path)
	}
	v := validator(t)
	if got := v.Document()["asyncapi"]; got != "3.0.0" {
		t.Errorf("asyncapi = %v, want 3.0.0", got)
	}
}

// Every example of every message in the document validates: against
// the message's own payload schema, against the validator's dispatch by
// op or type, and against the union schemas a tool reading the document
// would use.
func TestExamplesValidate(t *testing.T) {
	v := validator(t)
	msgs := v.Document()["components"].(map[string]any)["messages"].(map[string]any)
	n := 0
	for name, m := range msgs {
		m := m.(map[string]any)
		ref, _ := m["payload"].(map[string]any)["$ref"].(string)
		examples, _ := m["examples"].([]any)
		if len(examples) == 0 {
			t.Errorf("message %s: no examples", name)
		}
		for i, ex := range examples {
			payload, err := json.Marshal(ex.(map[string]any)["payload"])
			if err != nil {
				t.Fatal(err)
			}
			n++
			where := name + " example " + strconv.Itoa(i)
			if err := v.Payload(name, payload); err != nil {
				t.Errorf("%s: %v", where, err)
			}
			switch {
			case strings.HasSuffix(ref, "Request"):
				if err := v.Validate(protocoltest.KindRequest, payload); err != nil {
					t.Errorf("%s: %v", where, err)
				}
				if err := v.Union("ClientRequest", payload); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			case strings.HasSuffix(ref, "/Frame"):
				if err := v.Validate(protocoltest.KindFrame, payload); err != nil {
					t.Errorf("%s: %v", where, err)
				}
				if err := v.Union("Frame", payload); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			default:
				frame := append(append([]byte("["), payload...), ']')
				if err := v.Validate(protocoltest.KindFrame, frame); err != nil {
					t.Errorf("%s: %v", where, err)
				}
				if err := v.Union("ServerMessage", payload); err != nil {
					t.Errorf("%s: %v", where, err)
				}
			}
		}
	}
	t.Logf("%d examples of %d messages", n, len(msgs))
}

// Broken requests and frames are refused, and the error names what is
// at fault and where.
func TestBrokenRefused(t *testing.T) {
	v := validator(t)
	const ts = `"time":"2026-03-01T10:00:00Z"`
	tests := []struct {
		name, kind, frame string
		want              []string // in the error
	}{
		{"not JSON", "request", `{"op":`, []string{"not JSON"}},
		{"request not an object", "request", `["hello"]`, []string{"not an object"}},
		{"no op", "request", `{"id":"1"}`, []string{"/op"}},
		{"unknown op", "request", `{"id":"1","op":"task.rename"}`, []string{`unknown op "task.rename"`}},
		{"missing required", "request", `{"id":"1","op":"hello"}`, []string{`request "hello"`, `"": missing property 'token'`}},
		{"missing id", "request", `{"op":"leave","room":"r"}`, []string{`request "leave"`, "missing property 'id'"}},
		{"extra field", "request", `{"id":"1","op":"ping","room":"r"}`, []string{`request "ping"`, "additional properties 'room'"}},
		{"wrong type", "request", `{"id":"1","op":"join","room":"r","seq":"4","epoch":"e"}`, []string{`request "join"`, "/seq"}},
		{"seq without epoch", "request", `{"id":"1","op":"join","room":"r","seq":4}`, []string{`request "join"`, "epoch"}},
		{"id too long", "request", `{"id":"` + strings.Repeat("x", 65) + `","op":"ping"}`, []string{"/id"}},
		{"unknown field", "request", `{"id":"1","op":"task.patch","room":"r","task":"A","fields":{"colour":"red"},"base":3,"command":"c"}`, []string{"/fields", "colour"}},
		{"bad duration", "request", `{"id":"1","op":"task.patch","room":"r","task":"A","fields":{"duration":"soon"},"base":3,"command":"c"}`, []string{"/fields/duration"}},
		{"no fields", "request", `{"id":"1","op":"task.patch","room":"r","task":"A","fields":{},"base":3,"command":"c"}`, []string{"/fields"}},
		{"progress of a name", "request", `{"id":"1","op":"progress","room":"r","task":"A","fields":{"name":"x"},"base":3,"command":"c"}`, []string{`request "progress"`, "/fields"}},
		{"lower-case link", "request", `{"id":"1","op":"link.add","room":"r","link":{"pred":"A","succ":"B"},"op_id":"l","base":3,"command":"c"}`, []string{"/link"}},
		{"bad link type", "request", `{"id":"1","op":"link.add","room":"r","link":{"Pred":"A","Succ":"B","Type":"XX"},"op_id":"l","base":3,"command":"c"}`, []string{"/link/Type"}},
		{"bad state", "request", `{"id":"1","op":"presence","room":"r","state":"idle"}`, []string{"/state"}},
		{"control character in a room", "request", `{"id":"1","op":"leave","room":"a\u0007b"}`, []string{"/room"}},
		{"room over 256 bytes", "request", `{"id":"1","op":"leave","room":"` + strings.Repeat("r", 257) + `"}`, []string{"/room"}},
		{"empty task of a link", "request", `{"id":"1","op":"link.add","room":"r","link":{"Pred":"","Succ":"B"},"op_id":"l","base":3,"command":"c"}`, []string{"/link/Pred"}},
		{"base zero", "request", `{"id":"1","op":"task.delete","room":"r","task":"A","base":0,"command":"c"}`, []string{"/base"}},

		{"frame not an array", "frame", `{"type":"beacon"}`, []string{"not an array"}},
		{"empty frame", "frame", `[]`, []string{"no messages"}},
		{"unknown type", "frame", `[{"type":"task.renamed",` + ts + `}]`, []string{"frame message 0", `unknown type "task.renamed"`}},
		{"second message broken", "frame", `[{"type":"resync","room":"r",` + ts + `},{"type":"beacon","room":"r","seq":3,` + ts + `}]`, []string{`frame message 1 (type "beacon")`, "/1: missing property 'epoch'"}},
		{"unknown code", "frame", `[{"type":"reply","re":"1",` + ts + `,"data":{"ok":false,"error":{"code":"oops","message":"","retry":false}}}]`, []string{`(type "reply")`, "/0/data/error/code"}},
		{"conflict without conflicts", "frame", `[{"type":"reply","re":"1",` + ts + `,"data":{"ok":false,"error":{"code":"conflict","message":"","retry":false}}}]`, []string{"/0/data/error", "conflicts"}},
		{"retried bad request", "frame", `[{"type":"reply","re":"1",` + ts + `,"data":{"ok":false,"error":{"code":"bad_request","message":"","retry":true}}}]`, []string{"/0/data/error/retry"}},
		{"rate limited without a wait", "frame", `[{"type":"reply","re":"1",` + ts + `,"data":{"ok":false,"error":{"code":"rate_limited","message":"","retry":true}}}]`, []string{"retry_after_ms"}},
		{"ok without data", "frame", `[{"type":"reply","re":"1",` + ts + `,"data":{"ok":true}}]`, []string{"/0/data"}},
		{"bad time", "frame", `[{"type":"resync","room":"r","time":"yesterday"}]`, []string{"/0/time"}},
		{"durable without seq", "frame", `[{"type":"task.changed","room":"r","epoch":"e","rev":2,` + ts + `,"data":{"base":1,"ops":[]}}]`, []string{"seq"}},
		{"extra field in message", "frame", `[{"type":"resync","room":"r",` + ts + `,"seq":3}]`, []string{"additional properties 'seq'"}},
		{"unknown op kind", "frame", `[{"type":"change","room":"r","seq":1,"epoch":"e","rev":2,` + ts + `,"data":{"base":1,"ops":[{"op":"rename"}]}}]`, []string{"/0/data/ops/0/op"}},
		{"set without value", "frame", `[{"type":"task.changed","room":"r","seq":1,"epoch":"e","rev":2,` + ts + `,"data":{"base":1,"ops":[{"op":"set","task":"A","field":"name"}]}}]`, []string{"/0/data/ops/0", "value"}},
		{"recalc with both", "frame", `[{"type":"schedule.recalc","room":"r","seq":2,"epoch":"e","rev":2,` + ts + `,"data":{"full":true,"delta":{"Changes":null,"Finish":["2026-03-01T10:00:00Z","2026-03-01T10:00:00Z"],"Recomputed":0}}}]`, []string{"/0/data"}},
		{"delta finish of one", "frame", `[{"type":"schedule.recalc","room":"r","seq":2,"epoch":"e","rev":2,` + ts + `,"data":{"delta":{"Changes":[],"Finish":["2026-03-01T10:00:00Z"],"Recomputed":0}}}]`, []string{"/0/data/delta/Finish"}},
		{"snapshot without project", "frame", `[{"type":"reply","re":"2",` + ts + `,"data":{"ok":true,"data":{"room":"r","role":"viewer","mode":"snapshot","epoch":"e","seq":0,"rev":1,"presence":[]}}}]`, []string{"/0/data/data"}},
		{"notification outside a user room", "frame", `[{"type":"notification","room":"tower-b","seq":1,"epoch":"e",` + ts + `,"data":{"id":"n","user":"u","title":"t","created":"2026-03-01T10:00:00Z"}}]`, []string{"/0/room"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.kind, []byte(tt.frame))
			if err == nil {
				t.Fatalf("%s accepted", tt.frame)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want it to say %q", err, w)
				}
			}
		})
	}
	if err := v.Validate("message", []byte(`{}`)); err == nil {
		t.Error("kind message accepted")
	}
}

// Every Op*, Type* and Code* constant of protocol.go has its schema in
// the document, and every op, message type and error code of the
// document is one of them: a constant added without a schema, or a
// schema without a constant, fails here.
func TestConstantsAndDocumentAgree(t *testing.T) {
	v := validator(t)
	path, err := protocoltest.DocumentPath()
	if err != nil {
		t.Fatal(err)
	}
	consts := protocolConstants(t, filepath.Join(filepath.Dir(path), "protocol.go"))
	codes := v.Document()["components"].(map[string]any)["schemas"].(map[string]any)["ErrorCode"].(map[string]any)["enum"].([]any)
	var docCodes []string
	for _, c := range codes {
		docCodes = append(docCodes, c.(string))
	}
	for _, c := range []struct {
		prefix string
		doc    []string
	}{
		{"Op", v.Ops()},
		{"Type", v.Types()},
		{"Code", docCodes},
	} {
		got := slices.Sorted(slices.Values(consts[c.prefix]))
		want := slices.Sorted(slices.Values(c.doc))
		for _, s := range got {
			if !slices.Contains(want, s) {
				t.Errorf("protocol.go has %s constant %q; the document has no schema for it", c.prefix, s)
			}
		}
		for _, s := range want {
			if !slices.Contains(got, s) {
				t.Errorf("the document has %q; protocol.go has no %s constant for it", s, c.prefix)
			}
		}
		if len(got) == 0 {
			t.Errorf("protocol.go has no %s constants", c.prefix)
		}
	}
}

// Every Close* constant of protocol.go is in the channel's
// x-close-codes, and every code there is a constant, 1000 (normal) or
// 1001 (going away).
func TestCloseCodesAgree(t *testing.T) {
	v := validator(t)
	path := documentPath(t)
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(filepath.Dir(path), "protocol.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]bool{"1000": true, "1001": true} // normal, going away: WebSocket's own
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.INT && strings.HasPrefix(name.Name, "Close") {
					consts[lit.Value] = true
				}
			}
		}
	}
	doc, _ := v.Document()["channels"].(map[string]any)["project"].(map[string]any)["x-close-codes"].(map[string]any)
	if len(consts) < 9 || len(doc) == 0 {
		t.Fatalf("%d close codes in protocol.go, %d in the document", len(consts), len(doc))
	}
	for c := range consts {
		if doc[c] == nil {
			t.Errorf("protocol.go has close code %s; the document's x-close-codes has not", c)
		}
	}
	for c := range doc {
		if !consts[c] {
			t.Errorf("the document has close code %s; protocol.go has no Close constant for it", c)
		}
	}
}

// protocolConstants returns the string constants of the file, by the
// prefix of their names (Op, Type, Code).
func protocolConstants(t *testing.T, file string) map[string][]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				val, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				for _, prefix := range []string{"Op", "Type", "Code"} {
					if rest, ok := strings.CutPrefix(name.Name, prefix); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
						out[prefix] = append(out[prefix], val)
					}
				}
			}
		}
	}
	return out
}
