package protocoltest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The document is a valid AsyncAPI 3.0.0 document, by the AsyncAPI
// initiative's own JSON Schema of the specification: the file
// schemas/3.0.0-without-$id.json of the npm package @asyncapi/specs
// (npm install @asyncapi/specs@6), named by ASYNCAPI_SPEC_SCHEMA. The
// test skips when the variable is unset.
func TestDocumentIsAsyncAPI3(t *testing.T) {
	specPath := os.Getenv("ASYNCAPI_SPEC_SCHEMA")
	if specPath == "" {
		t.Skip("ASYNCAPI_SPEC_SCHEMA not set")
	}
	f, err := os.Open(specPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	spec, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("asyncapi-3.0.0.json", spec); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("asyncapi-3.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	path := documentPath(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var y any
	if err := yaml.Unmarshal(raw, &y); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s is not a valid AsyncAPI 3.0.0 document: %v", path, err)
	}
}
