// critpath-realtime.js: the browser client of the critpath realtime
// protocol (realtime/PROTOCOL.md, subprotocol critpath.v1). One ES module
// with no dependencies; it runs in browsers and in Node 20 or later (with
// --experimental-websocket, or a WebSocket constructor given as an option).
//
//	import { createClient } from "./critpath-realtime.js";
//	const client = createClient("wss://example.com/ws", { token: () => fetchToken() });
//	const room = client.join("dhaka-tower");
//	room.subscribe(() => render(room.view));
//	await room.patch("A", { duration: "5d" });
//
// The client keeps one WebSocket, says hello with a token from the token
// function (and again with a fresh one when the server says the token is
// expiring), and reconnects with full-jitter back-off when the connection
// drops, handling each close code as PROTOCOL.md says. Per room it keeps
// the epoch and sequence number of the last durable message it applied:
// it joins again from there after a reconnect, drops duplicates, asks for a
// replay when it sees a gap or a beacon ahead of it, and replaces its copy
// when the server answers with a snapshot. The project's state is a plain
// object (see Room.state) that the application renders as it is; it is
// never changed in place, so a new object means a change.
//
// Edits are optimistic: the change is applied to the room's state at once,
// sent with a command id, and confirmed when the reply carrying that id is
// ok and the change has come back in the room's order, or rolled back when
// the reply is an error (a conflict is kept in Room.conflicts with the
// current value and who set it). Edits made while offline wait in a bounded
// queue; an edit whose reply was lost is sent again with the same command
// id, which the server answers as the first time without applying it twice.

/** The WebSocket subprotocol of the protocol. */
export const SUBPROTOCOL = "critpath.v1";

/** The protocol's close codes (PROTOCOL.md, Close codes). */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  TOO_BIG: 1009,
  RESTART: 1012,
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  SLOW: 4408,
  RESYNC: 4409,
  RATE_LIMITED: 4429,
});

/**
 * CritpathError is a refused request or an edit that could not be made:
 * code is the protocol's error code (or "disconnected", "timeout",
 * "queue_full", "closed" for the client's own), retry whether the same
 * request may succeed later, conflicts the current values for a conflict.
 */
export class CritpathError extends Error {
  constructor(code, message, detail = {}) {
    super(message || code);
    this.name = "CritpathError";
    this.code = code;
    this.retry = !!detail.retry;
    this.retryAfterMs = detail.retry_after_ms ?? detail.retryAfterMs ?? 0;
    this.conflicts = detail.conflicts ?? [];
    this.where = detail.where ?? "";
  }
}

// Emitter is the small event emitter of Client and Room: on returns the
// function that removes the listener. A listener that throws does not stop
// the others.
class Emitter {
  #listeners = new Map();

  on(type, fn) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  emit(type, value) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}

/** newId returns a random id for a command. */
export function newId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  let s = "";
  for (let i = 0; i < 4; i++) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  return s;
}

/**
 * backoff returns the delay before reconnect attempt n (0, 1, 2 …) with
 * full jitter: a uniform random time between 0 and min(max, base·2^n).
 */
export function backoff(n, base, max, random = Math.random) {
  return Math.floor(random() * Math.min(max, base * 2 ** Math.min(n, 30)));
}

const OPEN = 1; // WebSocket.OPEN

/** createClient returns a Client of the server at url (see Client). */
export function createClient(url, options) {
  return new Client(url, options);
}

/**
 * Client is one connection to a critpath realtime server and the rooms
 * joined through it. Its status is "connecting", "open" (said hello),
 * "reconnecting", "closed" (by close()), "unauthorized" (the token was
 * refused twice in a row) or "failed" (closed by the server for a reason
 * reconnecting does not cure: 4400, 4403); it emits "status", "error",
 * "notification", "job" and "message" (each message received).
 */
export class Client extends Emitter {
  constructor(url, options = {}) {
    super();
    this.url = url;
    this.options = {
      reconnectBase: 250,
      reconnectMax: 10_000,
      requestTimeout: 15_000,
      queueLimit: 256,
      maxRetries: 5,
      cursorHz: 20,
      refreshOnFull: true,
      random: Math.random,
      ...options,
    };
    if (typeof this.options.token !== "function") {
      throw new TypeError("critpath-realtime: options.token must be a function returning the token");
    }
    this.WebSocket = this.options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.WebSocket !== "function") {
      throw new TypeError("critpath-realtime: no WebSocket: give options.WebSocket (Node 20: run with --experimental-websocket)");
    }
    /** The hello reply: {user, name, node, conn, expires, heartbeat_ms, limits}. */
    this.session = null;
    this.status = "connecting";
    this.rooms = new Map();
    this.queued = 0; // edits not yet answered, over every room
    this._ws = null;
    this._requests = new Map();
    this._nextId = 1;
    this._attempt = 0;
    this._authFailures = 0;
    this._stopped = false;
    this._timers = new Set();
    this._pingTimer = null;
    if (this.options.connect !== false) this._open();
  }

  /** room returns the room id, created (not joined) when new. */
  room(id) {
    let r = this.rooms.get(id);
    if (!r) this.rooms.set(id, (r = new Room(this, id)));
    return r;
  }

  /**
   * join joins room id (once however many times it is called) and
   * returns it; each join is undone by one call of its leave.
   */
  join(id) {
    const r = this.room(id);
    r.acquire();
    return r;
  }

  /** close closes the connection for good: nothing reconnects. */
  close() {
    this._stopped = true;
    for (const t of this._timers) clearTimeout(t);
    this._timers.clear();
    this._stopPing();
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      try {
        ws.close(CloseCode.NORMAL);
      } catch {}
    }
    this._failRequests("closed", "the client was closed");
    for (const r of this.rooms.values()) r._dropEdits(new CritpathError("closed", "the client was closed"));
    this._setStatus("closed");
  }

  /**
   * connect opens the connection again after the client stopped trying
   * (status "unauthorized" or "failed"), say once the application has a
   * token that works; edits still queued are sent then.
   */
  connect() {
    if (this._stopped || this._ws || !["unauthorized", "failed"].includes(this.status)) return;
    this._authFailures = 0;
    this._attempt = 0;
    this._open();
  }

  /** reconnect drops the connection and opens a new one at once. */
  reconnect() {
    if (this._stopped) return;
    const ws = this._ws;
    if (ws) this._closed(ws, 4000, "reconnect", 0);
  }

  /** ping sends a ping and resolves to the server's time. */
  async ping() {
    return (await this._request({ op: "ping" })).time;
  }

  _setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    this.emit("status", s);
    for (const r of this.rooms.values()) r._changed();
  }

  _timer(fn, ms) {
    const t = setTimeout(() => {
      this._timers.delete(t);
      fn();
    }, ms);
    this._timers.add(t);
    return t;
  }

  _open() {
    if (this._stopped) return;
    this._setStatus(this._attempt === 0 && !this.session ? "connecting" : "reconnecting");
    let ws;
    try {
      ws = new this.WebSocket(this.url, [SUBPROTOCOL]);
    } catch (err) {
      this.emit("error", err);
      this._scheduleReconnect();
      return;
    }
    this._ws = ws;
    ws.onopen = () => {
      if (this._ws !== ws) return;
      this._hello("connect").catch((err) => {
        // A refused token, a token function that failed, or no reply:
        // this connection is no good (the server closes it too).
        this.emit("error", err);
        if (err.code === "unauthorized") this._closed(ws, CloseCode.UNAUTHORIZED, err.message);
        else this._closed(ws, 1006, err.message);
      });
    };
    ws.onmessage = (ev) => {
      if (this._ws === ws) this._frame(ev.data);
    };
    ws.onclose = (ev) => this._closed(ws, ev.code, ev.reason);
    // Some WebSockets (Node's) report a failed handshake only as an error,
    // with no close after it; and a handshake may hang on a dead network.
    // Either ends this attempt (the close, if it comes, is ignored).
    ws.onerror = () => this._closed(ws, 1006, "error");
    const handshake = this._timer(() => {
      if (this._ws === ws && ws.readyState === 0) this._closed(ws, 1006, "handshake timeout");
    }, this.options.requestTimeout);
    const opened = ws.onopen;
    ws.onopen = (ev) => {
      clearTimeout(handshake);
      this._timers.delete(handshake);
      opened(ev);
    };
  }

  async _hello(reason) {
    const token = await this.options.token({ reason });
    const data = await this._request({ op: "hello", token });
    this.session = data;
    this._authFailures = 0;
    if (reason === "connect") {
      this._attempt = 0;
      this._setStatus("open");
      this._startPing(data.heartbeat_ms);
      for (const r of this.rooms.values()) r._connected();
    }
    return data;
  }

  _startPing(ms) {
    this._stopPing();
    const every = this.options.pingEvery ?? ms ?? 25_000;
    if (!(every > 0)) return;
    this._pingTimer = setInterval(() => {
      this._request({ op: "ping" }, every).catch((err) => {
        // No answer within an interval: the connection is dead though
        // no close came (a cut link); drop it and reconnect.
        if (err.code === "timeout") this.reconnect();
      });
    }, every);
  }

  _stopPing() {
    if (this._pingTimer) clearInterval(this._pingTimer);
    this._pingTimer = null;
  }

  // _closed handles the end of ws as its close code says (PROTOCOL.md).
  _closed(ws, code, reason, delay) {
    if (this._ws !== ws) return;
    this._ws = null;
    this._stopPing();
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      if (ws.readyState < 2) ws.close(CloseCode.NORMAL);
    } catch {}
    if (code === CloseCode.TOO_BIG) {
      // The edit in flight was too big: sent again, it would be refused
      // again, for ever.
      for (const r of this.rooms.values()) if (r._inflight) r._inflight.fatal = new CritpathError("too_large", "the server closed the connection: the request was over its message size");
    }
    this._failRequests("disconnected", `the connection closed (${code})`, true);
    for (const r of this.rooms.values()) r._disconnected();
    if (this._stopped) return;
    this.emit("close", { code, reason });
    switch (code) {
      case CloseCode.BAD_REQUEST:
      case CloseCode.FORBIDDEN:
        this.emit("error", new CritpathError(code === CloseCode.FORBIDDEN ? "forbidden" : "bad_request", `the server closed the connection with ${code} ${reason || ""}`.trim()));
        for (const r of this.rooms.values()) r._dropEdits(new CritpathError("closed", "the connection failed"));
        this._setStatus("failed");
        return;
      case CloseCode.UNAUTHORIZED:
        // The next connect calls the token function again; twice refused
        // in a row, the token function is not giving a good one.
        if (++this._authFailures >= 2) {
          this.emit("error", new CritpathError("unauthorized", "the server refused the token"));
          this._setStatus("unauthorized");
          return;
        }
        break;
      case CloseCode.RESYNC:
        for (const r of this.rooms.values()) r._forget();
        break;
      case CloseCode.RATE_LIMITED:
        // Back off for longer than a dropped connection would.
        this._attempt = Math.max(this._attempt, 4);
        break;
    }
    this._scheduleReconnect(delay);
  }

  _scheduleReconnect(delay) {
    if (this._stopped) return;
    this._setStatus("reconnecting");
    const o = this.options;
    const ms = delay ?? backoff(this._attempt++, o.reconnectBase, o.reconnectMax, o.random);
    this._timer(() => this._open(), ms);
  }

  _failRequests(code, message, retry = false) {
    const reqs = [...this._requests.values()];
    this._requests.clear();
    for (const q of reqs) {
      clearTimeout(q.timer);
      q.reject(new CritpathError(code, message, { retry }));
    }
  }

  _send(msg) {
    const ws = this._ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  // _request sends msg with a new id and resolves to its reply's data, or
  // rejects with a CritpathError.
  _request(msg, timeout = this.options.requestTimeout) {
    return new Promise((resolve, reject) => {
      const id = String(this._nextId++);
      if (!this._send({ id, ...msg })) {
        reject(new CritpathError("disconnected", "not connected", { retry: true }));
        return;
      }
      const timer = setTimeout(() => {
        if (this._requests.delete(id)) reject(new CritpathError("timeout", `no reply to ${msg.op} within ${timeout} ms`, { retry: true }));
      }, timeout);
      this._requests.set(id, { resolve, reject, timer, op: msg.op });
    });
  }

  _frame(text) {
    let msgs;
    try {
      msgs = JSON.parse(text);
    } catch (err) {
      this.emit("error", new CritpathError("bad_frame", `a frame that is not JSON: ${err.message}`));
      return;
    }
    if (!Array.isArray(msgs)) msgs = [msgs];
    for (const m of msgs) {
      if (!m || typeof m !== "object") continue;
      this.emit("message", m);
      this._message(m);
    }
  }

  _message(m) {
    switch (m.type) {
      case "reply": {
        const q = this._requests.get(m.re);
        if (!q) {
          // A refused cursor or typing (replied without re), or a reply
          // that came after its request timed out.
          const e = m.data?.error;
          if (e) this.emit("error", new CritpathError(e.code || "internal", e.message, e));
          return;
        }
        this._requests.delete(m.re);
        clearTimeout(q.timer);
        const r = m.data || {};
        if (r.ok) q.resolve(r.data ?? {});
        else {
          const e = r.error || {};
          q.reject(new CritpathError(e.code || "internal", e.message, e));
        }
        return;
      }
      case "auth.expiring":
        this._hello("refresh").catch((err) => this.emit("error", err));
        return;
    }
    if (m.type === "notification") this.emit("notification", m);
    if (m.type === "job") this.emit("job", m);
    const r = this.rooms.get(m.room);
    if (r) r._message(m);
  }
}

// The durable types that carry a change ({base, ops, resolutions, skipped}).
const changeTypes = new Set([
  "task.changed",
  "task.created",
  "task.deleted",
  "link.added",
  "link.removed",
  "assignment.added",
  "assignment.removed",
  "resource.changed",
  "calendar.changed",
  "progress",
  "change",
]);

// How many out-of-order messages a room keeps while it waits for a replay
// before it gives up and asks for a snapshot instead.
const maxBuffered = 5000;

/**
 * Room is one project's room: its position (epoch, seq), the project's
 * state as the application sees it (the server's, with this client's
 * edits not yet confirmed applied over it), presence and conflicts. It
 * emits "state" on every change of its view, "durable" for each durable
 * message taken in the room's order (once each, none skipped), "change"
 * and "recalc" for each one that changed the state, "conflict", "resolution", "presence",
 * "cursor", "typing", "job" and "error".
 */
export class Room extends Emitter {
  constructor(client, id) {
    super();
    this.client = client;
    this.id = id;
    this.status = "idle"; // idle, joining, joined, left, error
    this.role = null;
    this.epoch = null;
    this.seq = null; // the last durable message applied; null: none (join with a snapshot)
    this.error = null;
    this.presence = {}; // by connection
    this.conflicts = [];
    this._refs = 0;
    this._confirmed = null; // the server's state
    this._edits = []; // this client's edits, in the order they were made
    this._buffer = new Map(); // durable messages past a gap, by seq
    this._replaying = false;
    this._inflight = null;
    this._early = []; // presence diffs received while joining
    this._view = null;
    this._state = null;
    this._stateOf = { confirmed: undefined, edits: -1 };
    this._editsVersion = 0;
    this._cursor = { last: 0, next: null, timer: null };
  }

  /** state is the project as the application should show it (see stateOf). */
  get state() {
    const k = this._stateOf;
    if (k.confirmed !== this._confirmed || k.edits !== this._editsVersion) {
      this._state = this._visible();
      this._stateOf = { confirmed: this._confirmed, edits: this._editsVersion };
    }
    return this._state;
  }

  /** rev is the project revision of the server's state the room holds. */
  get rev() {
    return this._confirmed ? this._confirmed.rev : 0;
  }

  /** pending is the number of this client's edits not yet confirmed. */
  get pending() {
    return this._edits.length;
  }

  /**
   * view is everything a renderer needs, as one object that is replaced
   * whenever any of it changes: {room, status, roomStatus, role, state,
   * presence, conflicts, pending, seq, epoch, error}.
   */
  get view() {
    if (!this._view) {
      this._view = Object.freeze({
        room: this.id,
        status: this.client.status,
        roomStatus: this.status,
        role: this.role,
        state: this.state,
        presence: Object.values(this.presence),
        conflicts: this.conflicts,
        pending: this._edits.length,
        seq: this.seq,
        epoch: this.epoch,
        error: this.error,
      });
    }
    return this._view;
  }

  /** subscribe calls fn on every change of the view; it returns the unsubscriber. */
  subscribe(fn) {
    return this.on("state", fn);
  }

  /** acquire joins the room if this is its first holder. */
  acquire() {
    if (this._refs++ === 0) {
      this.status = "joining";
      this.error = null;
      if (this.client.status === "open") this._join();
      this._changed();
    }
    return this;
  }

  /** leave undoes one join; the last one leaves the room. */
  leave() {
    if (this._refs === 0 || --this._refs > 0) return;
    this.status = "left";
    this.client._request({ op: "leave", room: this.id }).catch(() => {});
    this._dropEdits(new CritpathError("closed", "the room was left"));
    this._forget();
    this._confirmed = null;
    this.presence = {};
    this._early = [];
    this._changed();
  }

  /** release is leave, for symmetry with acquire. */
  release() {
    this.leave();
  }

  // Edits. Each returns a promise of the store's outcome ({revision,
  // delta, resolutions, skipped, duplicate}) or a CritpathError; opts may
  // give base (the revision the user saw; the room's by default), bases
  // (per field) and command (to send an edit again under its first id).

  /** patch sets fields of task (descriptive or schedule fields). */
  patch(task, fields, opts = {}) {
    const ops = Object.entries(fields).map(([field, value]) => ({ op: "set", task, field, value }));
    return this._edit("task.patch", { task, fields }, ops, opts, task, Object.keys(fields));
  }

  /** progress sets progress fields of task (percent_complete, actual_start, actual_finish, remaining). */
  progress(task, fields, opts = {}) {
    const ops = Object.entries(fields).map(([field, value]) => ({ op: "set", task, field, value }));
    return this._edit("progress", { task, fields }, ops, opts, task, Object.keys(fields));
  }

  /** createTask adds task (its id given), in the schedule JSON's names ({id, name, duration}) or Go's ({ID, Name, Duration}). */
  createTask(task, opts = {}) {
    const t = wire(task);
    return this._edit("task.create", { new: t }, [{ op: "add_task", new: t }], opts);
  }

  /** deleteTask removes the task id. */
  deleteTask(task, opts = {}) {
    return this._edit("task.delete", { task }, [{ op: "remove_task", task }], opts);
  }

  /** addLink adds link {pred, succ, type, lag}. */
  addLink(link, opts = {}) {
    const id = opts.opId ?? newId();
    const l = wire(link);
    return this._edit("link.add", { link: l, op_id: id }, [{ op: "add_link", id, link: l }], opts);
  }

  /** removeLink removes link (by pred, succ and type). */
  removeLink(link, opts = {}) {
    const id = opts.opId ?? newId();
    const l = wire(link);
    return this._edit("link.remove", { link: l, op_id: id }, [{ op: "remove_link", id, link: l }], opts);
  }

  /** assign adds assignment {task, resource, units}. */
  assign(assignment, opts = {}) {
    const id = opts.opId ?? newId();
    const a = wire(assignment);
    return this._edit("assign.add", { assignment: a, op_id: id }, [{ op: "assign", id, assignment: a }], opts);
  }

  /** unassign removes assignment (by task and resource). */
  unassign(assignment, opts = {}) {
    const id = opts.opId ?? newId();
    const a = wire(assignment);
    return this._edit("assign.remove", { assignment: a, op_id: id }, [{ op: "unassign", id, assignment: a }], opts);
  }

  /**
   * cursor sends this connection's pointer, at most cursorHz (20) times a
   * second: a call within the interval is held, and only the latest held
   * one is sent when the interval ends.
   */
  cursor(pos) {
    const c = this._cursor;
    const every = 1000 / this.client.options.cursorHz;
    const now = Date.now();
    c.next = pos;
    if (c.timer) return;
    const wait = c.last + every - now;
    const flush = () => {
      c.timer = null;
      if (!c.next) return;
      const p = c.next;
      c.next = null;
      c.last = Date.now();
      if (this.status === "joined") this.client._send({ op: "cursor", room: this.id, ...p });
    };
    if (wait <= 0) flush();
    else c.timer = this.client._timer(flush, wait);
  }

  /** setPresence says what task and field this connection is viewing or editing. */
  setPresence(p = {}) {
    return this.client._request({ op: "presence", room: this.id, ...p });
  }

  /** typing says this connection is typing in task's field. */
  typing(task, field) {
    this.client._send({ op: "typing", room: this.id, task, field });
  }

  /** dismissConflict removes conflict c (an entry of conflicts), or all when c is omitted. */
  dismissConflict(c) {
    this.conflicts = c === undefined ? [] : this.conflicts.filter((x) => x !== c);
    this._changed();
  }

  /** resync drops the room's copy and joins again with a snapshot. */
  resync() {
    this._forget();
    if (this.status !== "left" && this._refs > 0 && this.client.status === "open") this._join();
  }

  // Connection events from the client.

  _connected() {
    if (this._refs > 0 && this.status !== "left") this._join();
  }

  _disconnected() {
    this._replaying = false;
    if (this._inflight) {
      this._inflight.sent = false; // sent again, same command, once joined again
      this._inflight = null;
    }
    if (this.status === "joined") this.status = "joining";
    this._changed();
  }

  // _forget drops the room's position: the next join asks for a snapshot.
  _forget() {
    this.seq = null;
    this.epoch = null;
    this._buffer.clear();
    this._replaying = false;
  }

  async _join() {
    this.status = "joining";
    const req = { op: "join", room: this.id };
    if (this.seq !== null && this.epoch) Object.assign(req, { seq: this.seq, epoch: this.epoch });
    let d;
    try {
      d = await this.client._request(req);
    } catch (err) {
      if (err.code === "disconnected" || this.status === "left") return;
      if (err.code === "resync") {
        this._forget();
        return this._join();
      }
      if (err.retry || err.code === "timeout") {
        this.client._timer(() => this.client.status === "open" && this._refs > 0 && this._join(), backoff(2, 250, 5000, this.client.options.random));
        return;
      }
      this.status = "error";
      this.error = err;
      this._dropEdits(err);
      this.emit("error", err);
      this._changed();
      return;
    }
    if (this.status === "left") return;
    this.role = d.role ?? this.role;
    this.epoch = d.epoch ?? this.epoch;
    if (d.mode !== "replay" || this.seq === null) {
      this._confirmed = stateOf(d);
      this.seq = d.seq ?? 0;
      this.client.emit("snapshot", this);
      this._settle();
    }
    // Diffs that came before the reply (the server may send one as the
    // join itself changes the room's presence) go over its presence.
    this.presence = {};
    for (const p of d.presence ?? []) this.presence[p.conn] = p;
    const early = this._early;
    this._early = [];
    for (const diff of early) this._presence(diff);
    this.status = "joined";
    this.error = null;
    if (d.mode === "replay" && d.count > 0) this._awaitReplay();
    this._drain();
    this._changed();
    this._pump();
  }

  _message(m) {
    if (this.status === "left" || this.status === "idle") return;
    if (m.seq > 0 && m.type !== "beacon") return this._durable(m);
    switch (m.type) {
      case "beacon":
        if (this.status !== "joined") return;
        if (m.epoch && this.epoch && m.epoch !== this.epoch) return this.resync();
        if (m.seq > this.seq) this._replay();
        return;
      case "resync":
        return this.resync();
      case "presence":
        if (this.status !== "joined") this._early.push(m.data || {});
        return this._presence(m.data || {});
      case "cursor":
      case "typing":
        this.emit(m.type, m.data);
        return;
      case "job":
        this.emit("job", m);
        return;
    }
  }

  _durable(m) {
    if (this.status !== "joined" || this.seq === null) {
      // Joining: the reply says where the room's copy stands; keep what
      // comes before it and sort it out then.
      this._keep(m);
      return;
    }
    if (m.epoch && this.epoch && m.epoch !== this.epoch) return this.resync();
    if (m.seq <= this.seq) return; // a duplicate
    if (m.seq > this.seq + 1) {
      this._keep(m);
      this._replay();
      return;
    }
    this._apply(m);
    this._drain();
  }

  _keep(m) {
    this._buffer.set(m.seq, m);
    if (this._buffer.size > maxBuffered) this.resync();
  }

  // _drain applies the kept messages that now follow the room's position.
  _drain() {
    if (this.seq === null) return;
    for (const s of this._buffer.keys()) if (s <= this.seq) this._buffer.delete(s);
    let m;
    while ((m = this._buffer.get(this.seq + 1))) {
      this._buffer.delete(m.seq);
      if (m.epoch && this.epoch && m.epoch !== this.epoch) return this.resync();
      this._apply(m);
    }
    if (this._buffer.size > 0) this._replay();
  }

  async _replay() {
    if (this._replaying || this.status !== "joined") return;
    this._replaying = true;
    const from = this.seq;
    try {
      await this.client._request({ op: "replay", room: this.id, seq: from, epoch: this.epoch });
    } catch (err) {
      this._replaying = false;
      if (err.code === "resync") this.resync();
      return;
    }
    this._awaitReplay();
  }

  // _awaitReplay waits for the missed messages that follow a replay's (or
  // a join's) reply; if a gap is still there a moment later, it asks again.
  _awaitReplay() {
    this._replaying = true;
    this.client._timer(() => {
      this._replaying = false;
      if (this._buffer.size > 0 && this.status === "joined") this._drain();
    }, 1000);
  }

  // _apply applies the durable message m, the next in the room's order.
  _apply(m) {
    this.seq = m.seq;
    this.emit("durable", m);
    const s = this._confirmed;
    if (s && changeTypes.has(m.type)) {
      if (!(m.rev > s.rev)) return; // in the snapshot already
      const d = m.data || {};
      this._confirmed = applyOps(s, d.ops || [], m.rev);
      const me = this.client.session && this.client.session.user;
      for (const r of d.resolutions || []) {
        if (me && r.lost_by === me && m.actor !== me) this._conflict({ kind: "overwritten", command: m.command, by: m.actor, at: m.time, ...r });
      }
      this.emit("change", m);
    } else if (s && m.type === "schedule.recalc") {
      if (!(m.rev > s.scheduleRev)) return;
      const d = m.data || {};
      this._confirmed = d.full ? { ...s, stale: true, scheduleRev: m.rev } : applyDelta(s, d.delta, m.rev);
      this.emit("recalc", m);
      if (d.full && this.client.options.refreshOnFull) this.client._timer(() => this.resync(), 0);
    } else if (m.type === "job") {
      this.emit("job", m);
    } else if (m.type === "project.created" && !s && m.data) {
      this._confirmed = stateOf({ rev: m.rev, project: m.data });
    }
    this._settle();
    this._changed();
  }

  _presence(d) {
    const p = { ...this.presence };
    for (const e of d.left || []) delete p[e.conn];
    for (const e of d.joined || []) p[e.conn] = e;
    for (const e of d.changed || []) p[e.conn] = e;
    this.presence = p;
    this.emit("presence", d);
    this._changed();
  }

  _conflict(c) {
    this.conflicts = [...this.conflicts, c];
    this.emit(c.kind === "overwritten" ? "resolution" : "conflict", c);
  }

  _edit(op, payload, ops, opts, task, fields) {
    const client = this.client;
    if (client.queued >= client.options.queueLimit) {
      return Promise.reject(new CritpathError("queue_full", `${client.queued} edits are waiting already (queueLimit)`));
    }
    if (this.status === "left" || this.status === "idle" || this.status === "error") {
      return Promise.reject(this.error ?? new CritpathError("not_joined", `room ${this.id} is not joined`));
    }
    const e = { op, payload, ops, command: opts.command ?? newId(), base: opts.base ?? this.rev, bases: opts.bases, deps: {}, attempts: 0, sent: false, revision: null };
    // A field this client is changing already: its earlier edit is what
    // the user saw, so this one's base for the field is that edit's
    // revision, once it has one (edits are sent one at a time).
    if (task && fields && !opts.bases) {
      for (const f of fields) {
        for (let i = this._edits.length - 1; i >= 0; i--) {
          if (this._edits[i].ops.some((o) => o.op === "set" && o.task === task && o.field === f)) {
            e.deps[f] = this._edits[i];
            break;
          }
        }
      }
    }
    e.promise = new Promise((resolve, reject) => {
      e.resolve = resolve;
      e.reject = reject;
    });
    this._edits.push(e);
    client.queued++;
    this._editsVersion++;
    this._changed();
    this._pump();
    return e.promise;
  }

  // _pump sends the next edit, one at a time per room, when joined.
  _pump() {
    if (this._inflight || this.status !== "joined" || this.client.status !== "open") return;
    const e = this._edits.find((x) => x.revision === null && !x.sent && !x.waiting);
    if (!e) return;
    e.sent = true;
    e.attempts++;
    this._inflight = e;
    const req = { op: e.op, room: this.id, ...e.payload, base: e.base, command: e.command };
    let bases = e.bases;
    for (const [f, dep] of Object.entries(e.deps)) {
      if (dep.revision !== null && dep.revision > e.base) (bases ??= {})[f] = dep.revision;
    }
    if (bases) req.bases = bases;
    const max = this.client.session?.limits?.message_bytes;
    if (max > 0 && JSON.stringify(req).length + 16 > max) {
      e.fatal = new CritpathError("too_large", `the edit is over the server's ${max} bytes a message`);
      queueMicrotask(() => this._refused(e, e.fatal));
      return;
    }
    this.client._request(req).then(
      (outcome) => this._answered(e, outcome),
      (err) => this._refused(e, err),
    );
  }

  _answered(e, outcome) {
    if (this._inflight === e) this._inflight = null;
    e.revision = outcome.revision ?? 0;
    this.client.queued--;
    e.resolve(outcome);
    for (const r of outcome.resolutions || []) this.emit("resolution", { kind: "overwrote", command: e.command, ...r });
    this._settle();
    this._changed();
    this._pump();
  }

  _refused(e, err) {
    if (this._inflight === e) this._inflight = null;
    if (this.status === "left") return;
    if (e.fatal) err = e.fatal;
    const o = this.client.options;
    if (err.code === "disconnected" || ((err.retry || err.code === "not_joined") && e.attempts < o.maxRetries)) {
      // Sent again with the same command: the store applies it once.
      e.sent = false;
      if (err.code !== "disconnected") {
        e.waiting = true;
        const wait = err.retryAfterMs || backoff(e.attempts, o.reconnectBase, o.reconnectMax, o.random);
        this.client._timer(() => {
          e.waiting = false;
          this._pump();
        }, wait);
      }
      this._pump();
      return;
    }
    this._edits = this._edits.filter((x) => x !== e);
    this.client.queued--;
    for (const c of err.conflicts) {
      const mine = e.ops.find((o) => o.task === c.task && o.field === c.field);
      this._conflict({ kind: "conflict", command: e.command, mine: mine ? mine.value : undefined, ...c });
    }
    e.reject(err);
    if (err.code === "future") this.resync();
    this._editsVersion++;
    this._changed();
    this._pump();
  }

  // _dropEdits rejects every edit not yet answered with err.
  _dropEdits(err) {
    const open = this._edits.filter((e) => e.revision === null);
    this._edits = [];
    this._inflight = null;
    this.client.queued -= open.length;
    for (const e of open) e.reject(err);
    this._editsVersion++;
  }

  // _settle forgets the edits the server's state has caught up with.
  _settle() {
    const rev = this.rev;
    const before = this._edits.length;
    this._edits = this._edits.filter((e) => e.revision === null || e.revision > rev);
    if (this._edits.length !== before) this._editsVersion++;
  }

  _visible() {
    let s = this._confirmed;
    if (!s) return null;
    for (const e of this._edits) s = applyOps(s, e.ops, s.rev, true);
    return s;
  }

  _changed() {
    this._view = null;
    this.emit("state", this);
  }
}

/**
 * stateOf returns the project state of a join's snapshot (or of a
 * project.created message's project): a plain object
 *
 *	{rev, scheduleRev, project, schedule, finish, tasks, order, links,
 *	 resources, assignments, calendars, stale}
 *
 * where tasks maps each id to the task's fields (as the project's JSON
 * has them) with its computed dates and floats from the schedule over
 * them (start, finish, early_start, …, total_float, free_float, critical,
 * percent_complete, work_hours, cost, as the schedule's JSON names them);
 * order is the tasks' ids in the project's order; links and assignments
 * are arrays; resources map ids and calendars names to themselves;
 * project holds the project's other fields and schedule the schedule's
 * project line (its start, finish and progress).
 */
export function stateOf(d) {
  const p = d.project || {};
  const { tasks = [], links = [], resources = [], assignments = [], calendars = [], ...project } = p;
  const sched = d.schedule || {};
  const byId = {};
  const order = [];
  for (const t of tasks) {
    byId[t.id] = plain(t);
    order.push(t.id);
  }
  for (const t of sched.tasks || []) {
    if (!byId[t.id]) order.push(t.id);
    byId[t.id] = { ...byId[t.id], ...t };
  }
  const res = {};
  for (const r of resources) res[r.id] = r;
  const cals = {};
  for (const c of calendars) cals[c.name] = c;
  const rev = d.rev ?? 0;
  return {
    rev,
    scheduleRev: d.schedule ? rev : 0,
    project,
    schedule: sched.project ?? null,
    finish: sched.project ? sched.project.finish : null,
    tasks: byId,
    order,
    links: links.map(linkOf),
    resources: res,
    assignments: assignments.map(plain),
    calendars: cals,
    stale: !d.schedule,
  };
}

/**
 * snake returns a Go field name (PercentComplete, ID) as the JSON of the
 * schedule names it (percent_complete, id); other names as they are.
 */
export function snake(k) {
  if (!/^[A-Z]/.test(k)) return k;
  return k
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * pascal returns a schedule JSON name (percent_complete, id) as the Go
 * field name the protocol's task, link and assignment objects use
 * (PercentComplete, ID); a Go name as it is.
 */
export function pascal(k) {
  if (/^[A-Z]/.test(k)) return k;
  if (k === "id") return "ID";
  return k
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

// wire returns a task, link or assignment under the protocol's (Go's)
// names: a link's {pred, succ} as {Pred, Succ} and so on, nested objects
// too (a constraint's type and date), but for a task's custom fields,
// whose keys are their names.
function wire(o) {
  if (Array.isArray(o)) return o.map(wire);
  if (!o || typeof o !== "object") return o;
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    const K = pascal(k);
    out[K] = K === "Fields" ? v : wire(v);
  }
  return out;
}

// plain returns o with its keys as the schedule's JSON names them: ops
// carry tasks, links and assignments as Go encodes them (Pred, Units …).
function plain(o) {
  const out = {};
  for (const [k, v] of Object.entries(o || {})) out[snake(k)] = v;
  return out;
}

/**
 * linkOf returns a link as the state holds it, {pred, succ, type, lag, …},
 * from any of its encodings: the project's ({from, to}), an op's ({Pred,
 * Succ, Type, Lag}) or the protocol's; type is "FS" when not given.
 */
export function linkOf(l) {
  const o = plain(l);
  if (o.pred === undefined && o.from !== undefined) o.pred = o.from;
  if (o.succ === undefined && o.to !== undefined) o.succ = o.to;
  delete o.from;
  delete o.to;
  if (!o.type) o.type = "FS";
  return o;
}

const linkKey = (l) => `${l.pred}\u0000${l.succ}\u0000${l.type || "FS"}`;
const assignKey = (a) => `${a.task}\u0000${a.resource}`;

/**
 * applyOps returns s with the store's ops applied (set, add_task,
 * remove_task, add_link, remove_link, assign, unassign, set_resource,
 * set_calendar) at revision rev; s itself is not changed. optimistic
 * marks the tasks it touches as changed by an edit not yet confirmed.
 */
export function applyOps(s, ops, rev, optimistic = false) {
  let tasks = s.tasks;
  let order = s.order;
  let links = s.links;
  let assignments = s.assignments;
  let resources = s.resources;
  let calendars = s.calendars;
  const own = (x, orig) => (x === orig ? { ...x } : x);
  for (const o of ops) {
    switch (o.op) {
      case "set": {
        const t = tasks[o.task];
        if (!t) break;
        tasks = own(tasks, s.tasks);
        tasks[o.task] = { ...t, [o.field]: parse(o.value), ...(optimistic ? { pending: true } : {}) };
        break;
      }
      case "add_task": {
        const t = plain(o.new);
        tasks = own(tasks, s.tasks);
        if (!tasks[t.id]) order = [...order, t.id];
        tasks[t.id] = { ...tasks[t.id], ...t, ...(optimistic ? { pending: true } : {}) };
        break;
      }
      case "remove_task": {
        if (!tasks[o.task]) break;
        tasks = own(tasks, s.tasks);
        delete tasks[o.task];
        order = order.filter((id) => id !== o.task);
        links = links.filter((l) => l.pred !== o.task && l.succ !== o.task);
        assignments = assignments.filter((a) => a.task !== o.task);
        break;
      }
      case "add_link": {
        const l = linkOf(o.link);
        const k = linkKey(l);
        links = [...links.filter((x) => linkKey(x) !== k), l];
        break;
      }
      case "remove_link": {
        const k = linkKey(linkOf(o.link));
        links = links.filter((l) => linkKey(l) !== k);
        break;
      }
      case "assign": {
        const a = plain(o.assignment);
        const k = assignKey(a);
        assignments = [...assignments.filter((x) => assignKey(x) !== k), a];
        break;
      }
      case "unassign": {
        const k = assignKey(plain(o.assignment));
        assignments = assignments.filter((a) => assignKey(a) !== k);
        break;
      }
      case "set_resource": {
        const r = resources[o.resource];
        if (!r) break;
        resources = own(resources, s.resources);
        resources[o.resource] = { ...r, [o.field]: parse(o.value) };
        break;
      }
      case "set_calendar": {
        calendars = own(calendars, s.calendars);
        const c = plain(o.calendar);
        calendars[c.name] = c;
        break;
      }
    }
  }
  return { ...s, rev: Math.max(s.rev, rev), tasks, order, links, assignments, resources, calendars };
}

// parse returns a set op's value: ops built by this client carry the
// value itself, the server's carry it as JSON (already decoded).
const parse = (v) => v;

/**
 * taskResult returns a delta's task result under the names the schedule's
 * JSON gives its fields (work in hours, as work_hours).
 */
export function taskResult(r) {
  const out = {};
  for (const [k, v] of Object.entries(r || {})) {
    if (k === "Work") out.work_hours = Math.round((v / 60) * 100) / 100;
    else out[snake(k)] = v;
  }
  return out;
}

/**
 * applyDelta returns s with a schedule.recalc's delta applied: each moved
 * task's new dates, floats and progress over its old ones, and the
 * project's new finish.
 */
export function applyDelta(s, delta, rev) {
  if (!delta) return { ...s, scheduleRev: rev };
  const changes = delta.Changes ?? delta.changes ?? [];
  const finish = delta.Finish ?? delta.finish;
  let tasks = s.tasks;
  for (const c of changes) {
    const id = c.ID ?? c.id;
    const nw = taskResult(c.New ?? c.new);
    if (!nw.id || !tasks[id]) continue; // removed, or not in this copy
    if (tasks === s.tasks) tasks = { ...tasks };
    tasks[id] = { ...tasks[id], ...nw };
  }
  const out = { ...s, tasks, scheduleRev: rev };
  if (Array.isArray(finish) && finish[1]) {
    out.finish = finish[1];
    if (s.schedule) out.schedule = { ...s.schedule, finish: finish[1] };
  }
  return out;
}

/**
 * usersOf groups presence entries (a view's presence) by user, for
 * avatars: [{user, name, state, task, field, conns}] in the order users
 * first appear, where state is "editing" when any of the user's
 * connections is editing (its task and field then), and conns holds the
 * user's entries, one per connection (tab).
 */
export function usersOf(presence) {
  const by = new Map();
  for (const p of presence) {
    let u = by.get(p.user);
    if (!u) by.set(p.user, (u = { user: p.user, name: p.name ?? p.user, state: "viewing", task: undefined, field: undefined, conns: [] }));
    u.conns.push(p);
    if (p.state === "editing" && u.state !== "editing") Object.assign(u, { state: "editing", task: p.task, field: p.field });
    else if (u.state !== "editing" && p.task && !u.task) u.task = p.task;
  }
  return [...by.values()];
}
