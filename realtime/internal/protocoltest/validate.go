package protocoltest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Kinds of what Validate checks.
const (
	KindRequest = "request" // one client request: a JSON object with "op"
	KindFrame   = "frame"   // one server frame: a JSON array of messages with "type"
)

// A Validator checks requests and frames against the schemas of one
// AsyncAPI document.
type Validator struct {
	doc      map[string]any                // the document, as JSON values
	requests map[string]*jsonschema.Schema // by op
	messages map[string]*jsonschema.Schema // by message type
	unions   map[string]*jsonschema.Schema // "ClientRequest", "ServerMessage", "Frame"
	payloads map[string]*jsonschema.Schema // by the name of the message in components.messages
}

// schemaBase is the URL the document's schemas are compiled under.
const schemaBase = "urn:critpath:realtime:asyncapi"

// New reads an AsyncAPI document (YAML or JSON) and compiles the schemas
// of its components: each schema named …Request whose "op" is a constant
// is the schema of that op; each named …Message whose "type" is a
// constant or an enum is the schema of those message types. It fails
// when the document does not parse, a schema does not compile, or two
// schemas claim one op or type.
func New(doc []byte) (*Validator, error) {
	var y any
	if err := yaml.Unmarshal(doc, &y); err != nil {
		return nil, fmt.Errorf("protocoltest: reading the document: %w", err)
	}
	// Through JSON, so that the schemas see JSON's values (json.Number,
	// map[string]any) whatever YAML made of them.
	j, err := json.Marshal(y)
	if err != nil {
		return nil, fmt.Errorf("protocoltest: the document is not JSON-shaped: %w", err)
	}
	root, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return nil, fmt.Errorf("protocoltest: reading the document: %w", err)
	}
	d, _ := root.(map[string]any)
	schemas, ok := dig(d, "components", "schemas").(map[string]any)
	if !ok {
		return nil, errors.New("protocoltest: the document has no components.schemas")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7) // the AsyncAPI schema format is a superset of draft 07
	c.AssertFormat()
	// The schemas and the messages' payloads, where their references
	// point.
	payloads := map[string]any{}
	msgs, _ := dig(d, "components", "messages").(map[string]any)
	for name, m := range msgs {
		if p := dig(m, "payload"); p != nil {
			payloads[name] = map[string]any{"payload": p}
		}
	}
	if err := c.AddResource(schemaBase, map[string]any{"components": map[string]any{"schemas": schemas, "messages": payloads}}); err != nil {
		return nil, fmt.Errorf("protocoltest: %w", err)
	}
	v := &Validator{doc: d, payloads: map[string]*jsonschema.Schema{}, requests: map[string]*jsonschema.Schema{}, messages: map[string]*jsonschema.Schema{}, unions: map[string]*jsonschema.Schema{}}
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		var into map[string]*jsonschema.Schema
		var key string
		switch {
		case strings.HasSuffix(name, "Request") && name != "ClientRequest":
			into, key = v.requests, "op"
		case strings.HasSuffix(name, "Message") && name != "ServerMessage":
			into, key = v.messages, "type"
		case name == "ClientRequest" || name == "ServerMessage" || name == "Frame":
		default:
			continue
		}
		s, err := c.Compile(SchemaRef(name))
		if err != nil {
			return nil, fmt.Errorf("protocoltest: schema %s: %w", name, err)
		}
		if into == nil {
			v.unions[name] = s
			continue
		}
		names := constants(dig(schemas, name, "properties", key))
		if len(names) == 0 {
			return nil, fmt.Errorf("protocoltest: schema %s: its %q is neither a constant nor an enum", name, key)
		}
		for _, n := range names {
			if _, dup := into[n]; dup {
				return nil, fmt.Errorf("protocoltest: schema %s: %s %q has another schema too", name, key, n)
			}
			into[n] = s
		}
	}
	for _, name := range slices.Sorted(maps.Keys(payloads)) {
		s, err := c.Compile(schemaBase + "#/components/messages/" + name + "/payload")
		if err != nil {
			return nil, fmt.Errorf("protocoltest: message %s: %w", name, err)
		}
		v.payloads[name] = s
	}
	return v, nil
}

// Payload checks a value against the payload schema of the document's
// message of that name (a key of components.messages).
func (v *Validator) Payload(message string, value []byte) error {
	s := v.payloads[message]
	if s == nil {
		return fmt.Errorf("protocoltest: no message %q", message)
	}
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return fmt.Errorf("protocoltest: message %s: not JSON: %w", message, err)
	}
	return explain("message "+message, "", s.Validate(val))
}

// SchemaRef returns the reference of the document's schema of that name.
func SchemaRef(name string) string { return schemaBase + "#/components/schemas/" + name }

// Ops returns the ops the document has a request schema for, sorted.
func (v *Validator) Ops() []string { return slices.Sorted(maps.Keys(v.requests)) }

// Types returns the message types the document has a schema for, sorted.
func (v *Validator) Types() []string { return slices.Sorted(maps.Keys(v.messages)) }

// Document returns the document as JSON values (maps, slices, strings,
// json.Number, booleans, nil). The caller must not change it.
func (v *Validator) Document() map[string]any { return v.doc }

// Validate checks frame, a request (kind "request") or a server frame
// (kind "frame"), against the document: a request against the schema of
// its op; a frame — a JSON array of one or more messages — each message
// against the schema of its type. The error names the request's op or
// the message's index and type, and the JSON pointer (within frame) of
// each value at fault.
func (v *Validator) Validate(kind string, frame []byte) error {
	switch kind {
	case KindRequest:
		return v.Request(frame)
	case KindFrame:
		return v.Frame(frame)
	}
	return fmt.Errorf("protocoltest: unknown kind %q (want %q or %q)", kind, KindRequest, KindFrame)
}

// Request checks one client request (see Validate).
func (v *Validator) Request(frame []byte) error {
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("protocoltest: request: not JSON: %w", err)
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return fmt.Errorf("protocoltest: request: a JSON %s, not an object", jsonKind(val))
	}
	op, ok := obj["op"].(string)
	if !ok {
		return errors.New("protocoltest: request: /op: missing, or not a string")
	}
	s := v.requests[op]
	if s == nil {
		return fmt.Errorf("protocoltest: request: /op: unknown op %q", op)
	}
	return explain(fmt.Sprintf("request %q", op), "", s.Validate(val))
}

// Frame checks one server frame (see Validate).
func (v *Validator) Frame(frame []byte) error {
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(frame))
	if err != nil {
		return fmt.Errorf("protocoltest: frame: not JSON: %w", err)
	}
	ms, ok := val.([]any)
	if !ok {
		return fmt.Errorf("protocoltest: frame: a JSON %s, not an array of messages", jsonKind(val))
	}
	if len(ms) == 0 {
		return errors.New("protocoltest: frame: no messages")
	}
	var errs []error
	for i, m := range ms {
		at := "/" + strconv.Itoa(i)
		obj, ok := m.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Errorf("protocoltest: frame message %d: %s: a JSON %s, not an object", i, at, jsonKind(m)))
			continue
		}
		typ, ok := obj["type"].(string)
		if !ok {
			errs = append(errs, fmt.Errorf("protocoltest: frame message %d: %s/type: missing, or not a string", i, at))
			continue
		}
		s := v.messages[typ]
		if s == nil {
			errs = append(errs, fmt.Errorf("protocoltest: frame message %d: %s/type: unknown type %q", i, at, typ))
			continue
		}
		if err := explain(fmt.Sprintf("frame message %d (type %q)", i, typ), at, s.Validate(m)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Union checks a value against one of the document's union schemas,
// "ClientRequest", "ServerMessage" or "Frame", as a tool reading the document
// would (without the dispatch by op or type that makes Validate's
// errors precise).
func (v *Validator) Union(name string, value []byte) error {
	s := v.unions[name]
	if s == nil {
		return fmt.Errorf("protocoltest: no union schema %q", name)
	}
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		return fmt.Errorf("protocoltest: %s: not JSON: %w", name, err)
	}
	return explain(name, "", s.Validate(val))
}

// explain turns a validation error into one naming what (the request or
// message) and, per fault, the JSON pointer of the value (prefixed with
// at, the message's place in its frame) and why.
func explain(what, at string, err error) error {
	if err == nil {
		return nil
	}
	ve, ok := errors.AsType[*jsonschema.ValidationError](err)
	if !ok {
		return fmt.Errorf("protocoltest: %s: %w", what, err)
	}
	var faults []string
	seen := map[string]bool{}
	for _, leaf := range leaves(ve) {
		ptr := at + pointer(leaf.InstanceLocation)
		if ptr == "" {
			ptr = `""` // the pointer of the whole value
		}
		f := fmt.Sprintf("%s: %s", ptr, leaf.ErrorKind.LocalizedString(english))
		if !seen[f] {
			seen[f] = true
			faults = append(faults, f)
		}
	}
	return &Error{What: what, Faults: faults}
}

// english prints the validator's reasons.
var english = message.NewPrinter(language.English)

// Error is a request or message the document refuses.
type Error struct {
	What   string   // `request "task.patch"`, `frame message 2 (type "reply")`
	Faults []string // each "JSON pointer: why", e.g. "/fields/duration: does not match pattern …"
}

func (e *Error) Error() string {
	return "protocoltest: " + e.What + ": " + strings.Join(e.Faults, "; ")
}

// leaves returns the innermost causes of e, the faults themselves. Of
// the alternatives of a oneOf or anyOf that all failed, it keeps those
// that reached deepest into the value (a reply whose error is wrong
// failed as an ok reply at /data/ok, and as an error reply deeper, at
// /data/error/code: the second is the fault).
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		deepest := 0
		for _, c := range causes {
			deepest = max(deepest, depth(c))
		}
		causes = slices.DeleteFunc(slices.Clone(causes), func(c *jsonschema.ValidationError) bool { return depth(c) < deepest })
	}
	var out []*jsonschema.ValidationError
	for _, c := range causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// depth is how deep into the value the deepest fault under e lies.
func depth(e *jsonschema.ValidationError) int {
	d := len(e.InstanceLocation)
	for _, c := range e.Causes {
		d = max(d, depth(c))
	}
	return d
}

// pointer spells an instance location as a JSON pointer (RFC 6901).
func pointer(loc []string) string {
	var b strings.Builder
	for _, p := range loc {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// constants returns the values a property schema allows when it is a
// const or an enum of strings.
func constants(prop any) []string {
	p, _ := prop.(map[string]any)
	if c, ok := p["const"].(string); ok {
		return []string{c}
	}
	var out []string
	if e, ok := p["enum"].([]any); ok {
		for _, x := range e {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// dig returns the value at path in nested maps, or nil.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

var (
	loadOnce sync.Once
	loaded   *Validator
	loadErr  error
)

// Default returns the Validator of realtime/asyncapi.yaml, read once
// from the source tree (this package's tests and its users' run in it).
// realtime.AsyncAPI embeds the same file for servers; this package
// does not import realtime, so that realtime's own tests may use it.
func Default() (*Validator, error) {
	loadOnce.Do(func() {
		path, err := DocumentPath()
		if err != nil {
			loadErr = err
			return
		}
		doc, err := os.ReadFile(path)
		if err != nil {
			loadErr = fmt.Errorf("protocoltest: %w", err)
			return
		}
		loaded, loadErr = New(doc)
	})
	return loaded, loadErr
}

// DocumentPath returns the path of realtime/asyncapi.yaml in the source
// tree this package was built from.
func DocumentPath() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("protocoltest: cannot find the source tree (built with -trimpath?)")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "asyncapi.yaml"), nil
}

// Validate checks a request or a frame against realtime/asyncapi.yaml
// (see Validator.Validate); it fails, too, when the document cannot be
// read.
func Validate(kind string, frame []byte) error {
	v, err := Default()
	if err != nil {
		return err
	}
	return v.Validate(kind, frame)
}

// Check is Validate for tests: it reports an error through t.Errorf
// (and the document's own failure through t.Fatal).
func Check(t testing.TB, kind string, frame []byte) {
	t.Helper()
	v, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(kind, frame); err != nil {
		t.Errorf("%v\n%.2000s", err, frame)
	}
}
