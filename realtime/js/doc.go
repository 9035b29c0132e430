// Package js holds the browser client of the realtime protocol
// (../PROTOCOL.md), for a server to serve as it is — plain ES modules, no
// build step:
//
//   - critpath-realtime.js, the client: a dependency-free ES module for
//     browsers and Node 20 or later (with --experimental-websocket, or a
//     WebSocket constructor given as an option); critpath-realtime.d.ts
//     declares its API, over protocol.d.ts, the protocol's types
//     generated from ../asyncapi.yaml;
//   - react.js, useProjectSocket, the React hook, for a React the
//     application hands in (makeUseProjectSocket(React), or
//     provideReact(React) then useProjectSocket), and react-peer.js, the
//     same bound to the "react" an import map or bundler resolves;
//     react.d.ts and react-peer.d.ts declare them.
//
// Files holds them, so that a server serves them without reading the
// repository at run time:
//
//	mux.Handle("GET /js/", http.StripPrefix("/js/", http.FileServerFS(js.Files)))
//
// The tests (node_test.go) run the Node tests of test/ against a real hub
// and tsc on the declarations; they need node and npm, and install the
// test folder's packages with npm ci when they are missing.
package js

import "embed"

// Files are the client's modules and their TypeScript declarations.
//
//go:embed critpath-realtime.js critpath-realtime.d.ts protocol.d.ts react.js react.d.ts react-peer.js react-peer.d.ts
var Files embed.FS
