// Package protocoltest checks realtime traffic against the protocol's
// AsyncAPI document (realtime/asyncapi.yaml): a request a client sends,
// or a frame a server sends, against the JSON Schema of its op or of
// each of its messages' types. Tests of the hub, the clients and the
// brokers call Validate on what they send and receive, so that the
// document and the code cannot drift apart unnoticed.
//
// It also writes the TypeScript declarations of the protocol's requests
// and messages from the same schemas (TypeScript; go generate writes
// realtime/js/protocol.d.ts with it).
//
// The package is internal: it serves this module's tests and generator,
// and its API is no promise to anyone else. A Validator is safe for
// concurrent use.
package protocoltest
