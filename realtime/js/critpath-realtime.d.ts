// TypeScript declarations of critpath-realtime.js. The protocol's own
// types (requests, replies, server messages, conflicts, outcomes) come from
// protocol.d.ts, generated from realtime/asyncapi.yaml; they are exported
// again here as the namespace Protocol.
import type * as P from "./protocol.js";
import type { Conflict, Resolution, Outcome, Presence, Role, HelloReply, ServerMessage, PresenceDiff, Cursor, TaskFields, ProgressFields, TaskInput, LinkInput, AssignmentInput, Delta, Project, Schedule, ProjectCreatedMessage, ChangeMessage, RecalcMessage, JobMessage, NotificationMessage } from "./protocol.js";

export type * as Protocol from "./protocol.js";
export type { Conflict, Resolution, Outcome, Presence, Role, ServerMessage };

/** The WebSocket subprotocol of the protocol. */
export declare const SUBPROTOCOL: "critpath.v1";

/** The protocol's close codes (PROTOCOL.md, Close codes). */
export declare const CloseCode: Readonly<{
  NORMAL: 1000;
  TOO_BIG: 1009;
  RESTART: 1012;
  BAD_REQUEST: 4400;
  UNAUTHORIZED: 4401;
  FORBIDDEN: 4403;
  SLOW: 4408;
  RESYNC: 4409;
  RATE_LIMITED: 4429;
}>;

/** The protocol's error codes and the client's own. */
export type ErrorCode = P.ErrorCode | "disconnected" | "timeout" | "queue_full" | "closed" | "bad_frame";

/** A refused request, or an edit the client could not make. */
export declare class CritpathError extends Error {
  constructor(code: ErrorCode, message?: string, detail?: Partial<P.ErrorData>);
  readonly code: ErrorCode;
  readonly retry: boolean;
  readonly retryAfterMs: number;
  readonly conflicts: Conflict[];
  readonly where: string;
}

/** Why the token function is called. */
export interface TokenRequest {
  /** "connect": a new connection's hello; "refresh": the server said the token is expiring. */
  reason: "connect" | "refresh";
}

/** The constructor of a WebSocket (the browser's, Node's, or the ws package's). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** What the client uses of a WebSocket. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
}

export interface ClientOptions {
  /** Returns the token hello sends: called on every connection and on auth.expiring. */
  token: (req: TokenRequest) => string | Promise<string>;
  /** The WebSocket constructor; globalThis.WebSocket by default. */
  WebSocket?: WebSocketConstructor;
  /** Full-jitter back-off: the n-th reconnect waits up to min(reconnectMax, reconnectBase·2^n) ms; 250 and 10,000 by default. */
  reconnectBase?: number;
  reconnectMax?: number;
  /** How long a request waits for its reply; 15,000 ms by default. */
  requestTimeout?: number;
  /** Edits not yet answered, over every room, before an edit is refused with queue_full; 256 by default. */
  queueLimit?: number;
  /** Sends of an edit refused with a retryable error before it is given up; 5 by default. */
  maxRetries?: number;
  /** Cursor messages a second at most; 20 by default. */
  cursorHz?: number;
  /** Joins again for a snapshot when a schedule.recalc says {full: true}; true by default. */
  refreshOnFull?: boolean;
  /** The interval of the client's pings; the hello's heartbeat_ms by default. */
  pingEvery?: number;
  /** Connect at once (true by default). */
  connect?: boolean;
  /** The random source of the back-off's jitter; Math.random by default. */
  random?: () => number;
}

/** The connection's status. */
export type Status = "connecting" | "open" | "reconnecting" | "closed" | "unauthorized" | "failed";

/** A room's status. */
export type RoomStatus = "idle" | "joining" | "joined" | "left" | "error";

/** The hello's reply. */
export type Session = HelloReply;

/** A task as the state holds it: its fields from the project, its schedule's over them. */
export interface TaskState {
  id: string;
  name?: string;
  parent?: string;
  duration?: string;
  start?: string;
  finish?: string;
  early_start?: string;
  early_finish?: string;
  late_start?: string;
  late_finish?: string;
  total_float?: number;
  free_float?: number;
  critical?: boolean;
  longest_path?: boolean;
  summary?: boolean;
  milestone?: boolean;
  percent_complete?: number;
  work_hours?: number;
  cost?: number;
  /** True while an edit of this client not yet confirmed has changed it. */
  pending?: boolean;
  [field: string]: unknown;
}

/** A link as the state holds it (see linkOf). */
export interface LinkState {
  pred: string;
  succ: string;
  type?: "FS" | "SS" | "FF" | "SF" | string;
  lag?: string;
  [field: string]: unknown;
}

/** An assignment as the state holds it. */
export interface AssignmentState {
  task: string;
  resource: string;
  units?: number;
  [field: string]: unknown;
}

/** The project as a room holds it (see stateOf). Never changed in place. */
export interface ProjectState {
  /** The project revision of the server's state. */
  rev: number;
  /** The revision the schedule's dates are at. */
  scheduleRev: number;
  /** The project's fields other than its lists (name, start, time_zone …). */
  project: Record<string, unknown>;
  /** The schedule's project line: start, finish, percent_complete. */
  schedule: { name?: string; start: string; finish: string; percent_complete?: Record<string, number> } | null;
  finish: string | null;
  tasks: Record<string, TaskState>;
  /** The tasks' ids in the project's order. */
  order: string[];
  links: LinkState[];
  resources: Record<string, Record<string, unknown> & { id: string }>;
  assignments: AssignmentState[];
  calendars: Record<string, Record<string, unknown> & { name: string }>;
  /** True when the schedule's dates are not known at rev (a snapshot without a schedule, or a recalc without its delta). */
  stale: boolean;
}

/** A conflict (an edit of this client refused) or an overwrite (this user's descriptive value lost to another's). */
export type ConflictEntry =
  | (Conflict & { kind: "conflict"; command: string; mine: unknown })
  | (Resolution & { kind: "overwritten"; command?: string; by?: string; at: string });

/** Everything a renderer needs; replaced whenever any of it changes. */
export interface RoomView {
  room: string | null;
  status: Status;
  roomStatus: RoomStatus;
  role: Role | null;
  state: ProjectState | null;
  presence: Presence[];
  conflicts: ConflictEntry[];
  pending: number;
  seq: number | null;
  epoch: string | null;
  error: CritpathError | null;
}

export interface EditOptions {
  /** The revision the user saw; the room's by default. */
  base?: number;
  /** Per field, the version the user saw. */
  bases?: Record<string, number>;
  /** The edit's command id (to send an edit again under its first id); a new one by default. */
  command?: string;
}

export interface SetOptions extends EditOptions {
  /** The op id of a link or assignment op (idempotence); a new one by default. */
  opId?: string;
}

/** A pointer position. */
export interface CursorPosition {
  task?: string;
  field?: string;
  x?: number;
  y?: number;
}

/** A link or an assignment as an edit gives it: the protocol's form ({Pred, Succ} …) or the state's ({pred, succ} …). */
export type LinkEdit = LinkInput | { pred: string; succ: string; type?: P.LinkType; lag?: P.Duration };
export type AssignmentEdit = AssignmentInput | { task: string; resource: string; units?: number; work?: P.Duration };

type Unsubscribe = () => void;

declare class Emitter<Events extends Record<string, unknown>> {
  on<K extends keyof Events & string>(type: K, fn: (value: Events[K]) => void): Unsubscribe;
}

export interface ClientEvents {
  [type: string]: unknown;
  status: Status;
  error: Error;
  close: { code: number; reason: string };
  message: ServerMessage;
  notification: NotificationMessage;
  job: JobMessage;
  snapshot: Room;
}

export interface RoomEvents {
  [type: string]: unknown;
  state: Room;
  durable: ChangeMessage | RecalcMessage | ProjectCreatedMessage | JobMessage | NotificationMessage;
  change: ChangeMessage;
  recalc: RecalcMessage;
  conflict: ConflictEntry;
  resolution: Resolution & { kind: "overwritten" | "overwrote"; command?: string };
  presence: PresenceDiff;
  cursor: { cursors: Cursor[] };
  typing: { user: string; conn: string; task: string; field: string };
  job: JobMessage;
  error: CritpathError;
}

/** One connection to a critpath realtime server and the rooms joined through it. */
export declare class Client extends Emitter<ClientEvents> {
  constructor(url: string, options: ClientOptions);
  readonly url: string;
  readonly status: Status;
  readonly session: Session | null;
  readonly rooms: Map<string, Room>;
  /** Edits not yet answered, over every room. */
  readonly queued: number;
  /** The room id, created (not joined) when new. */
  room(id: string): Room;
  /** Joins room id and returns it; each join is undone by one leave. */
  join(id: string): Room;
  /** Closes the connection for good. */
  close(): void;
  /** Opens the connection again after the client stopped trying (status "unauthorized" or "failed"). */
  connect(): void;
  /** Drops the connection and opens a new one at once. */
  reconnect(): void;
  /** The server's time. */
  ping(): Promise<string>;
}

/** One project's room. */
export declare class Room extends Emitter<RoomEvents> {
  readonly client: Client;
  readonly id: string;
  readonly status: RoomStatus;
  readonly role: Role | null;
  readonly epoch: string | null;
  readonly seq: number | null;
  readonly rev: number;
  readonly pending: number;
  readonly error: CritpathError | null;
  readonly presence: Record<string, Presence>;
  readonly conflicts: ConflictEntry[];
  readonly state: ProjectState | null;
  readonly view: RoomView;
  subscribe(fn: (room: Room) => void): Unsubscribe;
  acquire(): this;
  leave(): void;
  release(): void;
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

export declare function createClient(url: string, options: ClientOptions): Client;
export declare function newId(): string;
export declare function backoff(n: number, base: number, max: number, random?: () => number): number;
/** The state of a join's snapshot ({rev, project, schedule}). */
export declare function stateOf(snapshot: { rev?: number; project?: Project; schedule?: Schedule }): ProjectState;
/** s with the store's ops applied at revision rev. */
export declare function applyOps(s: ProjectState, ops: readonly P.Op[], rev: number, optimistic?: boolean): ProjectState;
/** s with a schedule.recalc's delta applied. */
export declare function applyDelta(s: ProjectState, delta: Delta | null | undefined, rev: number): ProjectState;
/** A delta's task result under the schedule JSON's names. */
export declare function taskResult(r: P.TaskResult): Partial<TaskState>;
/** A Go field name (PercentComplete, ID) as the schedule's JSON names it (percent_complete, id). */
export declare function snake(name: string): string;
/** A link from any of its encodings ({from, to}, {Pred, Succ}, {pred, succ}) as the state holds it. */
export declare function linkOf(link: LinkEdit | P.Link | { from: string; to: string }): LinkState;
/** A schedule JSON name (percent_complete, id) as the Go field name the protocol's objects use (PercentComplete, ID). */
export declare function pascal(name: string): string;
/** One user in a room, with each of their connections (tabs). */
export interface PresenceUser {
  user: string;
  name: string;
  /** "editing" when any of the user's connections is editing (task and field are then that one's). */
  state: "viewing" | "editing";
  task?: string;
  field?: string;
  conns: Presence[];
}
/** Presence entries grouped by user, in the order users first appear. */
export declare function usersOf(presence: readonly Presence[]): PresenceUser[];
