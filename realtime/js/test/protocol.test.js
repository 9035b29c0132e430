// protocol.test.js: the client's side of the protocol, driven message by
// message through a fake WebSocket, for what a real server does not do on
// demand: duplicates, gaps, beacons ahead, a new epoch, each close code,
// lost replies, retries, the offline queue's bound and the cursor's rate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient, CloseCode } from "../critpath-realtime.js";

// FakeSocket is a WebSocket whose server is the test.
class FakeSocket {
  static all = [];
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  // The server's side.
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  frame(...msgs) {
    this.onmessage?.({ data: JSON.stringify(msgs) });
  }
  drop(code, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  last(op) {
    return this.sent.findLast((m) => m.op === op);
  }
  ops() {
    return this.sent.map((m) => m.op);
  }
  reply(req, data) {
    this.frame({ type: "reply", re: req.id, time: "2027-01-01T00:00:00Z", data: { ok: true, data } });
  }
  refuse(req, error) {
    this.frame({ type: "reply", re: req.id, time: "2027-01-01T00:00:00Z", data: { ok: false, error } });
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const snapshot = (seq, rev, epoch = "E1") => ({
  room: "P",
  role: "planner",
  mode: "snapshot",
  epoch,
  seq,
  rev,
  presence: [],
  project: { start: "2027-01-03T08:00:00+06:00", tasks: [{ id: "A", name: "a", duration: "2d" }, { id: "B", name: "b", duration: "3d" }] },
  schedule: { project: { start: "2027-01-03T08:00:00+06:00", finish: "2027-01-07T17:00:00+06:00" }, tasks: [{ id: "A", start: "2027-01-03T08:00:00+06:00" }, { id: "B" }] },
});

const change = (seq, rev, ops, extra = {}) => ({ type: "task.changed", room: "P", seq, epoch: "E1", rev, time: "2027-01-01T00:00:00Z", actor: "bob", data: { base: rev - 1, ops }, ...extra });

// connect returns a client on a fake socket that said hello and joined P
// with a snapshot at seq 5, rev 3.
async function connect(t, opts = {}) {
  FakeSocket.all = [];
  const c = createClient("ws://fake/ws", { token: () => "tok", WebSocket: FakeSocket, random: () => 0, pingEvery: 0, ...opts });
  t.after(() => c.close());
  const ws = FakeSocket.all[0];
  assert.deepEqual(ws.protocols, ["critpath.v1"]);
  ws.open();
  await tick();
  ws.reply(ws.last("hello"), { user: "me", node: "n", conn: "n.1", heartbeat_ms: 25000 });
  await tick();
  assert.equal(c.status, "open");
  const room = c.join("P");
  const join = ws.last("join");
  assert.equal(join.seq, undefined);
  ws.reply(join, snapshot(5, 3));
  await tick();
  assert.equal(room.status, "joined");
  return { c, ws, room };
}

// reconnected returns the socket that replaced the last, said hello on.
async function reconnected(c) {
  await tick(5);
  const ws = FakeSocket.all.at(-1);
  ws.open();
  await tick();
  ws.reply(ws.last("hello"), { user: "me", node: "n", conn: "n.2", heartbeat_ms: 25000 });
  await tick();
  return ws;
}

test("duplicates are dropped, changes in the snapshot skipped, gaps replayed in order", async (t) => {
  const { ws, room } = await connect(t);
  const applied = [];
  room.on("durable", (m) => applied.push(m.seq));
  ws.frame(change(5, 3, [{ op: "set", task: "A", field: "name", value: "old" }])); // the snapshot's position: a duplicate
  ws.frame(change(6, 3, [{ op: "set", task: "A", field: "name", value: "in snapshot" }])); // rev 3 is in the snapshot
  assert.equal(room.state.tasks.A.name, "a");
  ws.frame(change(7, 4, [{ op: "set", task: "A", field: "name", value: "new" }]));
  ws.frame(change(7, 4, [{ op: "set", task: "A", field: "name", value: "again" }]));
  assert.equal(room.state.tasks.A.name, "new");
  assert.equal(room.rev, 4);

  ws.frame(change(9, 6, [{ op: "set", task: "B", field: "name", value: "nine" }]));
  assert.equal(room.seq, 7, "applied past a gap");
  const replay = ws.last("replay");
  assert.deepEqual([replay.room, replay.seq, replay.epoch], ["P", 7, "E1"]);
  ws.reply(replay, { seq: 9, count: 2 });
  ws.frame(change(8, 5, [{ op: "set", task: "B", field: "name", value: "eight" }]), change(9, 6, [{ op: "set", task: "B", field: "name", value: "nine" }]));
  assert.deepEqual(applied, [6, 7, 8, 9]);
  assert.equal(room.state.tasks.B.name, "nine");
  assert.equal(room.rev, 6);
});

test("a beacon ahead asks for a replay; a new epoch or a resync asks for a snapshot", async (t) => {
  const { ws, room } = await connect(t);
  ws.frame({ type: "beacon", room: "P", seq: 5, epoch: "E1", time: "2027-01-01T00:00:00Z" });
  assert.equal(ws.last("replay"), undefined, "replay on a beacon at the client's position");
  // One message past the client's: the last one was lost.
  ws.frame({ type: "beacon", room: "P", seq: 6, epoch: "E1", time: "2027-01-01T00:00:00Z" });
  assert.equal(ws.last("replay").seq, 5);
  assert.equal(room.seq, 5, "a beacon taken for a message");
  ws.reply(ws.last("replay"), { seq: 6, count: 1 });
  ws.frame(change(6, 4, [{ op: "set", task: "A", field: "name", value: "lost" }]));
  assert.equal(room.state.tasks.A.name, "lost");

  const joins = ws.ops().filter((o) => o === "join").length;
  ws.frame({ ...change(7, 5, []), epoch: "E2" });
  const join = ws.last("join");
  assert.equal(ws.ops().filter((o) => o === "join").length, joins + 1);
  assert.equal(join.seq, undefined);
  ws.reply(join, snapshot(2, 9, "E2"));
  await tick();
  assert.equal(room.epoch, "E2");
  assert.equal(room.seq, 2);
  assert.equal(room.rev, 9);

  ws.frame({ type: "resync", room: "P", time: "2027-01-01T00:00:00Z" });
  assert.equal(ws.last("join").seq, undefined);
  assert.equal(ws.ops().filter((o) => o === "join").length, joins + 2);
});

test("each close code is handled as PROTOCOL.md says", async (t) => {
  const cases = [
    { code: CloseCode.RESTART, reconnects: true, seq: 5 },
    { code: CloseCode.SLOW, reconnects: true, seq: 5 },
    { code: 1006, reconnects: true, seq: 5 },
    { code: CloseCode.RATE_LIMITED, reconnects: true, seq: 5 },
    { code: CloseCode.RESYNC, reconnects: true, seq: undefined },
    { code: CloseCode.FORBIDDEN, reconnects: false, status: "failed" },
    { code: CloseCode.BAD_REQUEST, reconnects: false, status: "failed" },
  ];
  for (const k of cases) {
    await t.test(`close ${k.code}`, async (t) => {
      // The rate-limited back-off is long: make it short here.
      const { c, ws } = await connect(t, { reconnectBase: 1, reconnectMax: 4 });
      ws.drop(k.code);
      await tick(20);
      if (!k.reconnects) {
        assert.equal(FakeSocket.all.length, 1, "reconnected");
        assert.equal(c.status, k.status);
        return;
      }
      const ws2 = await reconnected(c);
      const join = ws2.last("join");
      assert.equal(join.seq, k.seq);
      if (k.seq !== undefined) assert.equal(join.epoch, "E1");
    });
  }
});

test("a refused token is asked for again once, then the client stops", async (t) => {
  const { c, ws } = await connect(t);
  ws.drop(CloseCode.UNAUTHORIZED);
  await tick(5);
  assert.equal(FakeSocket.all.length, 2);
  FakeSocket.all[1].open();
  await tick();
  FakeSocket.all[1].drop(CloseCode.UNAUTHORIZED);
  await tick(5);
  assert.equal(c.status, "unauthorized");
  assert.equal(FakeSocket.all.length, 2);
  // The application has a good token again.
  c.connect();
  const ws3 = await reconnected(c);
  assert.equal(c.status, "open");
  assert.equal(ws3.last("join").seq, 5);
});

test("an edit whose reply was lost is sent again with the same command, and retried when told to", async (t) => {
  const { c, ws, room } = await connect(t);
  const p = room.patch("A", { duration: "4d" });
  assert.equal(room.state.tasks.A.duration, "4d");
  const first = ws.last("task.patch");
  assert.deepEqual([first.base, first.task, first.fields.duration], [3, "A", "4d"]);
  ws.drop(1006);
  assert.equal(room.state.tasks.A.duration, "4d", "rolled back on a disconnect");
  const ws2 = await reconnected(c);
  const join = ws2.last("join");
  ws2.reply(join, { room: "P", role: "planner", mode: "replay", epoch: "E1", seq: 5, rev: 3, presence: [], count: 0 });
  await tick();
  const second = ws2.last("task.patch");
  assert.equal(second.command, first.command);
  ws2.refuse(second, { code: "rate_limited", message: "slow down", retry: true, retry_after_ms: 10 });
  await tick(30);
  const third = ws2.last("task.patch");
  assert.notEqual(third.id, second.id);
  assert.equal(third.command, first.command);
  ws2.reply(third, { revision: 4, delta: { Changes: [], Finish: ["", ""], Recomputed: 0 } });
  assert.equal((await p).revision, 4);
  assert.equal(room.pending, 1, "confirmed before its change came back");
  ws2.frame(change(6, 4, [{ op: "set", task: "A", field: "duration", value: "4d" }], { command: first.command }));
  assert.equal(room.pending, 0);
  assert.equal(room.state.tasks.A.duration, "4d");
  assert.equal(room.state.tasks.A.pending, undefined);
});

test("a second edit of a field this client is changing gives the first's revision as its base", async (t) => {
  const { ws, room } = await connect(t);
  const p1 = room.patch("A", { duration: "4d" });
  const p2 = room.patch("A", { duration: "5d", name: "x" });
  assert.equal(room.state.tasks.A.duration, "5d");
  assert.equal(ws.sent.filter((m) => m.op === "task.patch").length, 1, "sent before the first was answered");
  ws.reply(ws.last("task.patch"), { revision: 4 });
  await p1;
  await tick();
  const second = ws.last("task.patch");
  assert.equal(second.base, 3);
  assert.deepEqual(second.bases, { duration: 4 });
  ws.refuse(second, { code: "conflict", message: "stale", retry: false, conflicts: [{ op: 0, task: "A", field: "duration", current: "9d", version: 4, by: "bob", at: "2027-01-01T00:00:00Z", base: 3 }] });
  await assert.rejects(p2, (e) => e.code === "conflict");
  assert.equal(room.conflicts.length, 1);
  assert.equal(room.conflicts[0].current, "9d");
  assert.equal(room.conflicts[0].mine, "5d");
  assert.equal(room.state.tasks.A.duration, "4d", "the refused edit is rolled back, the confirmed one stays");
  assert.equal(room.state.tasks.A.name, "a");
});

test("the offline queue is bounded", async (t) => {
  const { ws, room } = await connect(t, { queueLimit: 2 });
  ws.drop(1006);
  const a = room.patch("A", { name: "1" });
  const b = room.patch("B", { name: "2" });
  await assert.rejects(room.patch("A", { name: "3" }), (e) => e.code === "queue_full");
  assert.equal(room.state.tasks.A.name, "1");
  assert.equal(room.pending, 2);
  room.client.close();
  await assert.rejects(a, (e) => e.code === "closed");
  await assert.rejects(b, (e) => e.code === "closed");
});

test("the cursor is sent at most 20 times a second, the latest last", async (t) => {
  const { ws, room } = await connect(t);
  const start = Date.now();
  let n = 0;
  while (Date.now() - start < 500) {
    room.cursor({ task: "A", x: n++, y: 0 });
    await tick(2);
  }
  await tick(60);
  const sent = ws.sent.filter((m) => m.op === "cursor");
  const elapsed = Date.now() - start;
  assert.ok(sent.length <= Math.ceil(elapsed / 50) + 1, `${sent.length} cursors in ${elapsed} ms`);
  assert.ok(sent.length >= 5, `only ${sent.length} cursors`);
  assert.equal(sent.at(-1).x, n - 1);
  assert.ok(sent.every((m) => m.id === undefined && m.room === "P"));
});

test("an edit over the server's message size is refused, not sent or sent again", async (t) => {
  FakeSocket.all = [];
  const c = createClient("ws://fake/ws", { token: () => "tok", WebSocket: FakeSocket, random: () => 0, pingEvery: 0 });
  t.after(() => c.close());
  const ws = FakeSocket.all[0];
  ws.open();
  await tick();
  ws.reply(ws.last("hello"), { user: "me", node: "n", conn: "n.1", heartbeat_ms: 25000, limits: { message_bytes: 1024 } });
  await tick();
  const room = c.join("P");
  ws.reply(ws.last("join"), snapshot(5, 3));
  await tick();
  await assert.rejects(room.patch("A", { notes: "x".repeat(2000) }), (e) => e.code === "too_large");
  assert.equal(ws.last("task.patch"), undefined);
  assert.equal(room.pending, 0);
  assert.equal(room.state.tasks.A.notes, undefined);

  // One the client let through and the server closed the connection for.
  const p = room.patch("A", { notes: "y".repeat(700) });
  assert.ok(ws.last("task.patch"));
  ws.drop(CloseCode.TOO_BIG);
  await assert.rejects(p, (e) => e.code === "too_large");
  const ws2 = await reconnected(c);
  ws2.reply(ws2.last("join"), { room: "P", role: "planner", mode: "replay", epoch: "E1", seq: 5, rev: 3, presence: [], count: 0 });
  await tick();
  assert.equal(ws2.last("task.patch"), undefined);
});
