// react.test.js: useProjectSocket renders a room's state and renders
// again on a remote change, with the React the test hands it.
import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import TestRenderer from "react-test-renderer";
import { makeUseProjectSocket, provideReact, useProjectSocket as defaultHook } from "../react.js";
import { skip, client, newProject, joined, settled } from "./helpers.js";

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const { act } = TestRenderer;
const useProjectSocket = makeUseProjectSocket(React);

// eventually retries check, inside act so that React renders, until it
// passes or ms have gone.
async function eventually(check, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > end) throw err;
    }
    await act(() => new Promise((r) => setTimeout(r, 20)));
  }
}

test("useProjectSocket renders the state and updates on a remote change", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  // Direct, not through the proxy live.test.js cuts (the files run at once).
  const ca = client(t, "alice", { direct: true });
  const b = await joined(client(t, "bob", { direct: true }).join(pid));
  const task = b.state.order.find((id) => !b.state.tasks[id].summary);
  let last = null;
  function TaskName({ c, room, id }) {
    const s = useProjectSocket(c, room);
    last = s;
    return React.createElement("span", null, s.state ? `${s.status} ${s.state.tasks[id].name}` : s.status);
  }
  let r;
  await act(async () => {
    r = TestRenderer.create(React.createElement(TaskName, { c: ca, room: pid, id: task }));
  });
  const text = () => r.toJSON().children.join("");
  await eventually(() => assert.equal(text(), `open ${b.state.tasks[task].name}`));
  assert.equal(last.roomStatus, "joined");
  assert.ok(last.presence.length >= 0);

  // A remote change renders.
  await b.patch(task, { name: "Changed by bob" });
  await eventually(() => assert.equal(text(), "open Changed by bob"));

  // The hook's patch is optimistic.
  let p;
  await act(async () => {
    p = last.patch(task, { name: "Mine" });
  });
  assert.equal(text(), "open Mine");
  const out = await p;
  await settled(last.handle, out.revision);
  await eventually(() => assert.equal(last.pending, 0));
  assert.equal(text(), "open Mine");

  // Unmounting leaves the room.
  const room = last.handle;
  await act(async () => r.unmount());
  assert.equal(room.status, "left");
});

test("the default useProjectSocket takes the React given to provideReact", { skip, timeout: 20000 }, async (t) => {
  const pid = await newProject();
  const c = client(t, "erin", { direct: true });
  provideReact(React);
  let seen = null;
  function Status() {
    seen = defaultHook(c, pid);
    return React.createElement("i", null, seen.roomStatus);
  }
  let r;
  await act(async () => {
    r = TestRenderer.create(React.createElement(Status));
  });
  await eventually(() => assert.equal(seen.roomStatus, "joined"));
  await act(async () => r.unmount());
});
