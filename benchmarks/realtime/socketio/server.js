// The Socket.IO side of benchmarks/realtime: a Socket.IO 4.8 server with
// the same room semantics as critpath's hub, driven by the Go load
// generator (../load) over a raw WebSocket.
//
//   join   (room, ack)          joins the room; ack({ok: true})
//   pub    (room, payload, ack) emits "ev" (payload) to the room, sender
//                               included, as the hub sends a change to
//                               every member; ack({ok: true})
//   cursor (room, payload)      emits "cursor" to the room's others as
//                               a volatile event (dropped when the
//                               socket cannot take it), with no ack
//
// WebSocket transport only, no compression. Environment:
//   PORT       port on 127.0.0.1 (default 0: any; printed as "listening PORT")
//   RECOVERY   "1": connection-state recovery, 10 minutes
//   REDIS      a redis-server Unix socket: @socket.io/redis-adapter 8.3
//              for several nodes (otherwise the in-memory adapter)
"use strict";
const http = require("node:http");
const { Server } = require("socket.io");

async function main() {
  const opts = {
    transports: ["websocket"],
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    maxHttpBufferSize: 64 << 10,
  };
  if (process.env.RECOVERY === "1") {
    opts.connectionStateRecovery = { maxDisconnectionDuration: 10 * 60 * 1000, skipMiddlewares: true };
  }
  const server = http.createServer();
  const io = new Server(server, opts);
  if (process.env.REDIS) {
    const { createClient } = require("redis");
    const { createAdapter } = require("@socket.io/redis-adapter");
    const pub = createClient({ socket: { path: process.env.REDIS } });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  io.on("connection", (socket) => {
    socket.on("join", (room, ack) => {
      socket.join(String(room));
      if (typeof ack === "function") ack({ ok: true, recovered: socket.recovered });
    });
    socket.on("pub", (room, payload, ack) => {
      io.to(String(room)).emit("ev", payload);
      if (typeof ack === "function") ack({ ok: true });
    });
    socket.on("cursor", (room, payload) => {
      socket.volatile.to(String(room)).emit("cursor", payload);
    });
  });
  server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
  const stop = () => io.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err) => {
  process.stderr.write(`socketio server: ${err.stack || err}\n`);
  process.exit(1);
});
