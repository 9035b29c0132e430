package realtime

import _ "embed"

// AsyncAPI is the protocol's machine-readable description: an AsyncAPI
// 3.0.0 document (YAML) with a JSON Schema for every request op and every
// message type (asyncapi.yaml beside PROTOCOL.md). A server may serve it
// as it is, with the content type application/yaml. The tests of
// realtime/internal/protocoltest check the hub's traffic against it.
//
//go:embed asyncapi.yaml
var AsyncAPI []byte
