// TypeScript declarations of react.js.
import type { Client, Room, RoomView, EditOptions, SetOptions, Outcome, LinkEdit, AssignmentEdit, CursorPosition, ConflictEntry } from "./critpath-realtime.js";
import type { TaskFields, ProgressFields, TaskInput } from "./protocol.js";

/** What the hook uses of React (18 or later); the application's React is one. */
export interface ReactLike {
  useSyncExternalStore<T>(subscribe: (onChange: () => void) => () => void, getSnapshot: () => T, getServerSnapshot?: () => T): T;
  useEffect(effect: () => void | (() => void), deps?: readonly unknown[]): void;
  useMemo<T>(factory: () => T, deps: readonly unknown[]): T;
}

/** What useProjectSocket returns: the room's view and its edits bound to it. */
export interface ProjectSocket extends RoomView {
  /** The Room itself (null without a client or room id). */
  handle: Room | null;
  patch(task: string, fields: TaskFields, opts?: EditOptions): Promise<Outcome>;
  progress(task: string, fields: ProgressFields, opts?: EditOptions): Promise<Outcome>;
  createTask(task: TaskInput | { id: string; [field: string]: unknown }, opts?: EditOptions): Promise<Outcome>;
  deleteTask(task: string, opts?: EditOptions): Promise<Outcome>;
  addLink(link: LinkEdit, opts?: SetOptions): Promise<Outcome>;
  removeLink(link: LinkEdit, opts?: SetOptions): Promise<Outcome>;
  assign(assignment: AssignmentEdit, opts?: SetOptions): Promise<Outcome>;
  unassign(assignment: AssignmentEdit, opts?: SetOptions): Promise<Outcome>;
  cursor(pos: CursorPosition): void;
  setPresence(p?: { task?: string; field?: string; state?: "viewing" | "editing" }): Promise<{}>;
  typing(task: string, field: string): void;
  dismissConflict(c?: ConflictEntry): void;
  resync(): void;
}

export type UseProjectSocket = (client: Client | null | undefined, room: string | null | undefined) => ProjectSocket;

/** useProjectSocket for React. */
export declare function makeUseProjectSocket(React: ReactLike): UseProjectSocket;
/** Sets the React the default useProjectSocket uses. */
export declare function provideReact(React: ReactLike): void;
/** The hook for the React given to provideReact, or the global React. */
export declare const useProjectSocket: UseProjectSocket;
