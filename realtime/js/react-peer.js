// react-peer.js: useProjectSocket bound to the "react" the application's
// import map or bundler resolves (React as a peer dependency). Use
// react.js directly to hand React in yourself instead.
import * as React from "react";
import { makeUseProjectSocket } from "./react.js";

export { makeUseProjectSocket, provideReact } from "./react.js";

/** useProjectSocket is react.js's hook for the application's "react". */
export const useProjectSocket = makeUseProjectSocket(React);
