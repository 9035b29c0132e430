// state.test.js: the pure parts of critpath-realtime.js (no server): the
// state of a snapshot, ops and deltas applied to it, the back-off, and
// that the TypeScript declarations declare what the module exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as rt from "../critpath-realtime.js";
import * as react from "../react.js";

const snapshot = {
  rev: 4,
  project: {
    name: "P",
    start: "2027-01-03T08:00:00+06:00",
    tasks: [
      { id: "A", name: "Dig", duration: "2d" },
      { id: "B", name: "Pour", duration: "3d" },
    ],
    links: [{ from: "A", to: "B" }],
    resources: [{ id: "R", name: "Crew" }],
    assignments: [{ task: "A", resource: "R", units: 1 }],
  },
  schedule: {
    project: { name: "P", start: "2027-01-03T08:00:00+06:00", finish: "2027-01-07T17:00:00+06:00" },
    tasks: [
      { id: "A", name: "Dig", start: "2027-01-03T08:00:00+06:00", finish: "2027-01-04T17:00:00+06:00", total_float: 0, critical: true },
      { id: "B", name: "Pour", start: "2027-01-05T08:00:00+06:00", finish: "2027-01-07T17:00:00+06:00", total_float: 0, critical: true },
    ],
  },
};

test("stateOf merges the schedule's dates over the project's tasks", () => {
  const s = rt.stateOf(snapshot);
  assert.equal(s.rev, 4);
  assert.equal(s.scheduleRev, 4);
  assert.deepEqual(s.order, ["A", "B"]);
  assert.equal(s.tasks.A.duration, "2d");
  assert.equal(s.tasks.A.finish, "2027-01-04T17:00:00+06:00");
  assert.equal(s.finish, "2027-01-07T17:00:00+06:00");
  assert.equal(s.project.name, "P");
  assert.equal(s.project.tasks, undefined);
  assert.equal(s.resources.R.name, "Crew");
  assert.equal(s.stale, false);
  assert.equal(rt.stateOf({ rev: 1, project: snapshot.project }).stale, true);
});

test("applyOps applies each kind of op without changing its input", () => {
  const s = rt.stateOf(snapshot);
  const frozen = JSON.stringify(s);
  const cases = [
    { name: "set", ops: [{ op: "set", task: "A", field: "duration", value: "5d" }], check: (t) => assert.equal(t.tasks.A.duration, "5d") },
    { name: "set on a missing task", ops: [{ op: "set", task: "Z", field: "name", value: "x" }], check: (t) => assert.equal(t.tasks.Z, undefined) },
    { name: "add_task", ops: [{ op: "add_task", new: { id: "C", name: "Cure" } }], check: (t) => assert.deepEqual(t.order, ["A", "B", "C"]) },
    {
      name: "remove_task takes its links and assignments",
      ops: [{ op: "remove_task", task: "A" }],
      check: (t) => {
        assert.deepEqual(t.order, ["B"]);
        assert.equal(t.links.length, 0);
        assert.equal(t.assignments.length, 0);
      },
    },
    { name: "add_link again replaces", ops: [{ op: "add_link", link: { Pred: "A", Succ: "B", Type: "FS", Lag: "1d" } }], check: (t) => assert.deepEqual(t.links, [{ pred: "A", succ: "B", type: "FS", lag: "1d" }]) },
    { name: "remove_link", ops: [{ op: "remove_link", link: { pred: "A", succ: "B", type: "FS" } }], check: (t) => assert.equal(t.links.length, 0) },
    { name: "assign", ops: [{ op: "assign", assignment: { task: "B", resource: "R", units: 0.5 } }], check: (t) => assert.equal(t.assignments.length, 2) },
    { name: "unassign", ops: [{ op: "unassign", assignment: { task: "A", resource: "R" } }], check: (t) => assert.equal(t.assignments.length, 0) },
    { name: "set_resource", ops: [{ op: "set_resource", resource: "R", field: "name", value: "Gang" }], check: (t) => assert.equal(t.resources.R.name, "Gang") },
    { name: "set_calendar", ops: [{ op: "set_calendar", calendar: { name: "Night" } }], check: (t) => assert.ok(t.calendars.Night) },
  ];
  for (const c of cases) {
    const got = rt.applyOps(s, c.ops, 5);
    c.check(got);
    assert.equal(got.rev, 5, c.name);
    assert.equal(JSON.stringify(s), frozen, `${c.name} changed its input`);
  }
  assert.equal(rt.applyOps(s, [{ op: "set", task: "A", field: "name", value: "x" }], 4, true).tasks.A.pending, true);
});

test("applyDelta takes a delta in Go's field names or the schedule's", () => {
  const s = rt.stateOf(snapshot);
  for (const delta of [
    { Changes: [{ ID: "B", Old: { ID: "B" }, New: { ID: "B", Finish: "2027-01-10T17:00:00+06:00", TotalFloat: 0, Work: 90 } }], Finish: ["2027-01-07T17:00:00+06:00", "2027-01-10T17:00:00+06:00"] },
    { changes: [{ id: "B", old: { id: "B" }, new: { id: "B", finish: "2027-01-10T17:00:00+06:00", total_float: 0, work_hours: 1.5 } }], finish: ["2027-01-07T17:00:00+06:00", "2027-01-10T17:00:00+06:00"] },
  ]) {
    const got = rt.applyDelta(s, delta, 5);
    assert.equal(got.tasks.B.finish, "2027-01-10T17:00:00+06:00");
    assert.equal(got.tasks.B.work_hours, 1.5);
    assert.equal(got.tasks.B.duration, "3d");
    assert.equal(got.finish, "2027-01-10T17:00:00+06:00");
    assert.equal(got.schedule.finish, "2027-01-10T17:00:00+06:00");
    assert.equal(got.scheduleRev, 5);
    assert.equal(s.tasks.B.finish, "2027-01-07T17:00:00+06:00");
  }
});

test("snake and linkOf read Go's field names and the project's", () => {
  for (const [in_, want] of [["ID", "id"], ["PercentComplete", "percent_complete"], ["EarlyStart", "early_start"], ["total_float", "total_float"], ["Work", "work"]]) {
    assert.equal(rt.snake(in_), want);
  }
  assert.deepEqual(rt.linkOf({ from: "A", to: "B", lag: "1d" }), { pred: "A", succ: "B", lag: "1d", type: "FS" });
  assert.deepEqual(rt.linkOf({ Pred: "A", Succ: "B", Type: "SS", Lag: "0d" }), { pred: "A", succ: "B", type: "SS", lag: "0d" });
  const s = rt.applyOps(rt.stateOf(snapshot), [{ op: "add_task", new: { ID: "C", Name: "Cure", PercentComplete: 0 } }, { op: "remove_link", link: { Pred: "A", Succ: "B", Type: "FS" } }], 5);
  assert.equal(s.tasks.C.name, "Cure");
  assert.equal(s.links.length, 0);
});

test("pascal gives the protocol's names of tasks, links and assignments", () => {
  for (const [in_, want] of [["id", "ID"], ["pred", "Pred"], ["percent_complete", "PercentComplete"], ["ignore_resource_calendars", "IgnoreResourceCalendars"], ["Units", "Units"]]) {
    assert.equal(rt.pascal(in_), want);
  }
});

test("usersOf groups connections by user, editing first", () => {
  const p = (user, conn, extra = {}) => ({ user, conn, node: "n", since: "2027-01-01T00:00:00Z", state: "viewing", ...extra });
  const got = rt.usersOf([p("a", "1"), p("b", "2", { name: "Bee", task: "T" }), p("a", "3", { state: "editing", task: "X", field: "duration" })]);
  assert.deepEqual(
    got.map((u) => [u.user, u.name, u.state, u.task, u.field, u.conns.map((c) => c.conn)]),
    [
      ["a", "a", "editing", "X", "duration", ["1", "3"]],
      ["b", "Bee", "viewing", "T", undefined, ["2"]],
    ],
  );
});

test("backoff is full jitter under a doubling cap", () => {
  assert.equal(rt.backoff(0, 250, 10000, () => 0), 0);
  assert.equal(rt.backoff(0, 250, 10000, () => 0.999999), 249);
  assert.equal(rt.backoff(3, 250, 10000, () => 0.5), 1000);
  assert.equal(rt.backoff(10, 250, 10000, () => 0.5), 5000);
  assert.equal(rt.backoff(1e6, 250, 10000, () => 0.5), 5000);
  for (let n = 0; n < 20; n++) {
    const d = rt.backoff(n, 250, 10000);
    assert.ok(d >= 0 && d < Math.min(10000, 250 * 2 ** n), `attempt ${n}: ${d}`);
  }
});

test("a client without a WebSocket or a token function says what is missing", () => {
  assert.throws(() => rt.createClient("ws://x", {}), /options\.token/);
  assert.throws(() => rt.createClient("ws://x", { token: () => "t", WebSocket: 42, connect: false }), /no WebSocket/);
});

// declared returns the names a .d.ts file exports with "export declare".
function declared(file) {
  const text = readFileSync(new URL(file, import.meta.url), "utf8");
  return [...text.matchAll(/^export declare (?:const|function|class) (\w+)/gm)].map((m) => m[1]).sort();
}

test("the declarations declare what the modules export", () => {
  assert.deepEqual(declared("../critpath-realtime.d.ts"), Object.keys(rt).sort());
  assert.deepEqual(declared("../react.d.ts"), Object.keys(react).sort());
});
