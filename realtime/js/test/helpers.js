// helpers.js: what the Node tests share. The server is the one
// node_test.go starts: CRITPATH_WS_URL (through a proxy the tests can
// cut), CRITPATH_WS_DIRECT and CRITPATH_CONTROL (its test endpoints).
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "../critpath-realtime.js";

export const server = {
  url: process.env.CRITPATH_WS_URL,
  direct: process.env.CRITPATH_WS_DIRECT,
  control: process.env.CRITPATH_CONTROL,
};

/** skip is the reason the live tests do not run, or false. */
export const skip = !globalThis.WebSocket
  ? "no WebSocket: run node with --experimental-websocket (Node 20, 21)"
  : server.url && server.control
    ? false
    : "no server: go test ./realtime/js runs these tests against a hub";

/** control posts to the server's test endpoint path and returns its JSON, if any. */
export async function control(path) {
  const res = await fetch(server.control + path, { method: "POST" });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** newProject returns the id of a new copy of the Dhaka Tower demo. */
export async function newProject() {
  return (await control("/test/project")).id;
}

// With CRITPATH_WIRE set (a folder), every request the clients send and
// every frame they receive is written there, one JSON line each
// ({kind: "request" or "frame", frame}), for node_test.go to validate
// against asyncapi.yaml.
const wireLog = process.env.CRITPATH_WIRE ? join(process.env.CRITPATH_WIRE, `wire-${process.pid}.jsonl`) : null;
const record = (kind, frame) => appendFileSync(wireLog, JSON.stringify({ kind, frame }) + "\n");

const RecordingSocket =
  globalThis.WebSocket &&
  class extends globalThis.WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("message", (ev) => record("frame", String(ev.data)));
    }
    send(text) {
      record("request", text);
      super.send(text);
    }
  };

/** client returns a client of user (its token is the user's id), closed when the test ends. */
export function client(t, user, opts = {}) {
  const ws = wireLog ? { WebSocket: RecordingSocket } : {};
  const c = createClient(opts.direct ? server.direct : server.url, { token: () => user, reconnectBase: 50, reconnectMax: 300, ...ws, ...opts });
  t.after(() => c.close());
  return c;
}

/** until resolves once cond(room) is true, checked on each change of room; it rejects after ms. */
export function until(room, cond, what, ms = 5000) {
  return new Promise((resolve, reject) => {
    if (cond(room)) return resolve(room);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const off = room.subscribe(() => {
      if (cond(room)) {
        clearTimeout(timer);
        off();
        resolve(room);
      }
    });
  });
}

/** waitFor resolves once cond() is true, checked every 20 ms; it rejects after ms. */
export async function waitFor(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** joined resolves once room has its state. */
export const joined = (room) => until(room, (r) => r.status === "joined" && r.state !== null, `${room.id} joined`);

/** settled resolves once room has no edit unconfirmed and its state is at rev at least. */
export const settled = (room, rev = 0) => until(room, (r) => r.pending === 0 && r.rev >= rev && r.state.scheduleRev >= rev, `${room.id} at revision ${rev} with no edit pending`);

/**
 * comparable returns the tasks of a state with dates as instants, so that
 * two copies compare equal whatever zone their dates are written in.
 */
export function comparable(state) {
  const out = {};
  for (const id of state.order) {
    const t = state.tasks[id];
    const c = {};
    for (const k of ["name", "duration", "start", "finish", "early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float", "critical"]) {
      const v = t[k];
      c[k] = typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : v;
    }
    out[id] = c;
  }
  return { rev: state.rev, order: state.order, tasks: out, links: [...state.links].map((l) => `${l.pred}>${l.succ}:${l.type}`).sort(), finish: Date.parse(state.finish) };
}
