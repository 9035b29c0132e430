// TypeScript declarations of react-peer.js.
export { makeUseProjectSocket, provideReact } from "./react.js";
export type { ReactLike, ProjectSocket, UseProjectSocket } from "./react.js";
import type { UseProjectSocket } from "./react.js";

/** useProjectSocket is react.js's hook for the application's "react". */
export declare const useProjectSocket: UseProjectSocket;
