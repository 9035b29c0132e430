// live.test.js: critpath-realtime.js against a real hub (see helpers.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { skip, client, newProject, joined, settled, until, waitFor, control, comparable } from "./helpers.js";

// leaf returns the first task of state that is not a summary, with a
// duration, critical as asked.
function leaf(state, critical) {
  const id = state.order.find((id) => {
    const t = state.tasks[id];
    return !t.summary && t.duration && !!t.critical === critical && !t.milestone;
  });
  assert.ok(id, `no ${critical ? "critical" : "non-critical"} leaf task`);
  return id;
}

test("join gets a snapshot: the project, its schedule, the position and presence", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const c = client(t, "alice");
  const room = c.join(pid);
  await joined(room);
  assert.equal(c.status, "open");
  assert.equal(room.role, "planner");
  assert.ok(room.epoch, "no epoch");
  assert.equal(typeof room.seq, "number");
  const s = room.state;
  assert.ok(s.rev >= 1, `rev ${s.rev}`);
  assert.equal(s.order.length, 167);
  assert.equal(s.stale, false);
  for (const id of s.order) {
    assert.ok(s.tasks[id].start && s.tasks[id].finish, `task ${id} has no dates`);
  }
  assert.ok(Date.parse(s.finish) > Date.parse(s.project.start));
  assert.ok(s.links.length > 0 && s.links.every((l) => l.pred && l.succ && l.type));
  await until(room, (r) => Object.values(r.presence).some((p) => p.user === "alice" && p.conn === c.session.conn), "alice's presence");
});

test("an edit is applied at once and confirmed by the reply carrying its command", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const c = client(t, "alice");
  const room = await joined(c.join(pid));
  const rev0 = room.rev;
  const task = leaf(room.state, false);

  const p = room.patch(task, { name: "Renamed" });
  assert.equal(room.state.tasks[task].name, "Renamed", "not applied at once");
  assert.equal(room.state.tasks[task].pending, true);
  assert.equal(room.pending, 1);
  const out = await p;
  assert.ok(out.revision > rev0, `revision ${out.revision} after ${rev0}`);
  await settled(room, out.revision);
  assert.equal(room.state.tasks[task].name, "Renamed");
  assert.equal(room.state.tasks[task].pending, undefined);

  // A schedule field: the change comes back with the schedule.recalc
  // that moves the dates and the project's finish.
  const crit = leaf(room.state, true);
  const finish0 = Date.parse(room.state.finish);
  const days = parseInt(room.state.tasks[crit].duration, 10);
  const out2 = await room.patch(crit, { duration: `${days + 20}d` });
  await settled(room, out2.revision);
  assert.ok(Date.parse(room.state.finish) > finish0, `finish ${room.state.finish} not after ${new Date(finish0).toISOString()}`);

  // A fresh copy holds the same.
  const c2 = client(t, "bob");
  const fresh = await joined(c2.join(pid));
  await settled(fresh, out2.revision);
  assert.deepEqual(comparable(room.state), comparable(fresh.state));
});

test("a conflict rolls the optimistic copy back and says what is there and who", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const a = await joined(client(t, "alice").join(pid));
  const b = await joined(client(t, "bob").join(pid));
  const task = leaf(a.state, true);
  const base = a.rev;
  const theirs = await b.patch(task, { duration: "33d" });

  const conflicts = [];
  a.on("conflict", (c) => conflicts.push(c));
  const p = a.patch(task, { duration: "21d" }, { base });
  assert.equal(a.state.tasks[task].duration, "21d", "not applied at once");
  await assert.rejects(p, (err) => err.code === "conflict" && err.conflicts.length === 1);
  assert.equal(conflicts.length, 1);
  const c = conflicts[0];
  assert.equal(c.kind, "conflict");
  assert.equal(c.task, task);
  assert.equal(c.field, "duration");
  assert.equal(c.by, "bob");
  assert.equal(c.version, theirs.revision);
  assert.equal(c.mine, "21d");
  assert.deepEqual(a.view.conflicts, [c]);
  // Rolled back to bob's value.
  await settled(a, theirs.revision);
  assert.equal(a.state.tasks[task].duration, b.state.tasks[task].duration);
  assert.notEqual(a.state.tasks[task].duration, "21d");
  a.dismissConflict(c);
  assert.equal(a.view.conflicts.length, 0);
});

test("a viewer's edit is refused and rolled back", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const v = await joined(client(t, "viewer-vera").join(pid));
  assert.equal(v.role, "viewer");
  const task = v.state.order[2];
  const before = v.state.tasks[task].name;
  await assert.rejects(v.patch(task, { name: "mine" }), (err) => err.code === "forbidden");
  assert.equal(v.state.tasks[task].name, before);
  assert.equal(v.pending, 0);
});

test("two clients editing at once converge on the same project", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const a = await joined(client(t, "alice").join(pid));
  const b = await joined(client(t, "bob").join(pid));
  const leaves = a.state.order.filter((id) => !a.state.tasks[id].summary && a.state.tasks[id].duration);
  const edits = [];
  for (let i = 0; i < 6; i++) {
    edits.push(a.patch(leaves[i], { name: `a${i}` }));
    edits.push(b.patch(leaves[i + 10], { duration: `${3 + i}d` }));
  }
  // The same field from both: the last writer wins, and both end alike.
  edits.push(a.patch(leaves[30], { notes: "from alice" }));
  edits.push(b.patch(leaves[30], { notes: "from bob" }));
  const outs = await Promise.all(edits);
  const last = Math.max(...outs.map((o) => o.revision));
  await settled(a, last);
  await settled(b, last);
  assert.deepEqual(comparable(a.state), comparable(b.state));
  assert.equal(a.state.tasks[leaves[30]].notes, b.state.tasks[leaves[30]].notes);
  const c = await joined(client(t, "carol").join(pid));
  await settled(c, last);
  assert.deepEqual(comparable(c.state), comparable(a.state));
});

test("a cut connection resumes from its position with no gap and no duplicate", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const ca = client(t, "alice");
  let snapshots = 0;
  ca.on("snapshot", () => snapshots++);
  const a = await joined(ca.join(pid));
  const b = await joined(client(t, "bob", { direct: true }).join(pid));
  const seqs = [];
  a.on("durable", (m) => seqs.push(m.seq));

  const leaves = b.state.order.filter((id) => !b.state.tasks[id].summary && b.state.tasks[id].duration);

  let out = await b.patch(leaves[0], { name: "before the cut" });
  await settled(a, out.revision);

  await control("/test/cut?hold=1");
  await until(a, () => ca.status === "reconnecting", "alice's client to see the cut");
  for (let i = 1; i <= 4; i++) out = await b.patch(leaves[i], { duration: `${10 + i}d` });
  // Edits made offline wait in the queue.
  const offline = a.patch(leaves[5], { name: "made offline" });
  assert.equal(a.state.tasks[leaves[5]].name, "made offline");
  assert.equal(ca.queued, 1);
  await control("/test/resume");

  const mine = await offline;
  assert.ok(mine.revision > out.revision);
  await settled(a, mine.revision);
  await settled(b, mine.revision);
  assert.equal(snapshots, 1, "joined again with a snapshot, not from its position");
  assert.ok(seqs.length >= 10, `only ${seqs.length} messages`);
  for (let i = 1; i < seqs.length; i++) {
    assert.equal(seqs[i], seqs[i - 1] + 1, `message ${seqs[i]} after ${seqs[i - 1]}: ${seqs.join(",")}`);
  }
  assert.deepEqual(comparable(a.state), comparable(b.state));
});

test("a token about to expire is refreshed on the open connection", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const reasons = [];
  const c = client(t, "dave", {
    token: ({ reason }) => {
      reasons.push(reason);
      return reason === "refresh" ? "dave+ttl=10m" : "dave+ttl=31s";
    },
  });
  const room = await joined(c.join(pid));
  await room.setPresence({ state: "viewing" });
  await waitFor(() => reasons.includes("refresh"), "the refresh");
  await c.ping();
  assert.equal(c.status, "open");
  assert.deepEqual(reasons, ["connect", "refresh"]);
});

test("a refused token ends in status unauthorized, not a reconnect loop", { skip, timeout: 20000 }, async (t) => {
  let calls = 0;
  const c = client(t, "nobody", {
    token: () => {
      calls++;
      return "nobody";
    },
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`status ${c.status} after ${calls} tokens`)), 5000);
    c.on("status", (s) => s === "unauthorized" && (clearTimeout(timer), resolve()));
  });
  assert.equal(calls, 2);
});

test("every kind of edit goes through and comes back into the state", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const a = await joined(client(t, "alice").join(pid));
  const b = await joined(client(t, "bob").join(pid));
  const s = a.state;
  const [x, y] = s.order.filter((id) => !s.tasks[id].summary && s.tasks[id].duration);
  const parent = s.tasks[x].parent;
  const resource = Object.keys(s.resources)[0];

  const steps = [
    ["createTask", () => a.createTask({ id: "NEW", name: "Curing", duration: "4d", parent }), (st, confirmed) => st.tasks.NEW && st.tasks.NEW.name === "Curing" && (!confirmed || !!st.tasks.NEW.finish)],
    ["addLink", () => a.addLink({ pred: x, succ: "NEW", type: "FS", lag: "1d" }), (st) => st.links.some((l) => l.pred === x && l.succ === "NEW" && l.type === "FS")],
    ["assign", () => a.assign({ task: "NEW", resource, units: 2 }), (st) => st.assignments.some((m) => m.task === "NEW" && m.resource === resource && m.units === 2)],
    ["progress", () => a.progress(y, { percent_complete: 40, actual_start: s.tasks[y].start }), (st) => st.tasks[y].percent_complete === 40],
    ["unassign", () => a.unassign({ task: "NEW", resource }), (st) => !st.assignments.some((m) => m.task === "NEW")],
    ["removeLink", () => a.removeLink({ pred: x, succ: "NEW", type: "FS" }), (st) => !st.links.some((l) => l.succ === "NEW")],
    ["deleteTask", () => a.deleteTask("NEW"), (st) => !st.tasks.NEW && !st.order.includes("NEW")],
  ];
  for (const [name, edit, holds] of steps) {
    const p = edit();
    assert.ok(holds(a.state), `${name}: not applied at once`);
    const out = await p;
    await settled(a, out.revision);
    await settled(b, out.revision);
    assert.ok(holds(a.state, true), `${name}: not in the sender's state once confirmed`);
    assert.ok(holds(b.state, true), `${name}: not in the other client's state`);
  }
  assert.deepEqual(comparable(a.state), comparable(b.state));
  const c = await joined(client(t, "carol").join(pid));
  assert.deepEqual(comparable(c.state), comparable(a.state));
  assert.equal(c.state.assignments.length, a.state.assignments.length);
  assert.equal(c.state.links.length, a.state.links.length);
});

test("presence and cursors reach the other members", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const ca = client(t, "alice");
  const a = await joined(ca.join(pid));
  const b = await joined(client(t, "bob").join(pid));
  const task = a.state.order[3];
  await a.setPresence({ task, field: "duration", state: "editing" });
  await until(b, (r) => Object.values(r.presence).some((p) => p.user === "alice" && p.state === "editing" && p.task === task), "alice editing in bob's presence");

  const seen = [];
  b.on("cursor", (d) => seen.push(...d.cursors.filter((c) => c.user === "alice")));
  for (let i = 0; i < 20; i++) {
    a.cursor({ task, x: i, y: 1 });
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitFor(() => seen.some((c) => c.x === 19), "alice's last cursor at bob");
  assert.ok(seen.every((c) => c.conn === ca.session.conn && c.task === task));
  assert.ok(seen.length < 20, `${seen.length} cursors for 20 moves in 200 ms`);

  // Leaving takes alice out of bob's presence.
  a.leave();
  await until(b, (r) => !Object.values(r.presence).some((p) => p.user === "alice"), "alice gone from bob's presence", 8000);
});
