// usage.ts is not run: tsc --noEmit checks that the declarations of
// critpath-realtime.js and react.js describe an application's use of them.
import { createClient, CritpathError, CloseCode, type ProjectState, type ConflictEntry, type Protocol } from "../critpath-realtime.js";
import { makeUseProjectSocket, type ReactLike } from "../react.js";

const client = createClient("ws://localhost:8080/ws", { token: async ({ reason }) => (reason === "refresh" ? "fresh" : "first"), queueLimit: 10 });
const room = client.join("dhaka-tower");
const off = room.subscribe((r) => {
  const s: ProjectState | null = r.view.state;
  if (s) for (const id of s.order) console.log(s.tasks[id].start, s.tasks[id].total_float, s.finish);
  for (const p of r.view.presence) console.log(p.user, p.state);
});
off();
client.on("status", (s) => console.log(s === "reconnecting"));
room.on("conflict", (c: ConflictEntry) => console.log(c.kind === "conflict" ? c.current : c.lost_by));

async function edit(): Promise<number> {
  try {
    const o = await room.patch("A", { duration: "5d" }, { base: room.rev });
    await room.addLink({ pred: "A", succ: "B", type: "FS" });
    room.cursor({ task: "A", x: 1, y: 2 });
    return o.revision;
  } catch (err) {
    if (err instanceof CritpathError && err.code === "conflict") return err.conflicts[0].version;
    throw err;
  }
}
void edit();

// The protocol's types are asyncapi.yaml's (protocol.d.ts).
room.on("change", (m) => {
  const ops: Protocol.Op[] = m.data.ops;
  console.log(m.seq, m.rev, m.command, ops.length);
});
room.on("recalc", (m) => console.log("full" in m.data ? m.data.full : m.data.delta.Finish[1]));
const hello: Protocol.HelloReply | null = client.session;
console.log(hello?.heartbeat_ms);
// @ts-expect-error: no such task field.
void room.patch("A", { durration: "5d" });
// @ts-expect-error: progress takes only progress fields.
void room.progress("A", { name: "x" });
const code: number = CloseCode.SLOW;
console.log(code);

declare const React: ReactLike;
const useProjectSocket = makeUseProjectSocket(React);
function Gantt(): string {
  const { state, presence, status, patch, conflicts } = useProjectSocket(client, "dhaka-tower");
  void patch("A", { name: "x" });
  return `${status} ${presence.length} ${conflicts.length} ${state?.rev ?? 0}`;
}
void Gantt;
