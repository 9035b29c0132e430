// react.js: useProjectSocket, the React hook of critpath-realtime.js.
//
// The module does not import React: the application hands it the React it
// uses, so that there is one React in the page whatever loads it (a
// bundler, an import map, a script tag).
//
//	import * as React from "react";
//	import { makeUseProjectSocket } from "./react.js";
//	export const useProjectSocket = makeUseProjectSocket(React);
//
// or, once at start-up, provideReact(React) and then the default
// useProjectSocket exported here (which also finds a global React, as a
// script tag leaves it on window). react-peer.js does the first for an
// application whose import map or bundler resolves "react".
//
//	const { state, presence, status, patch, conflicts } = useProjectSocket(client, "dhaka-tower");
//
// The hook joins the room while the component is mounted (each mounted
// hook holds the join; the last to unmount leaves) and renders again on
// every change of the room's view (Room.view): state (the project, with
// this client's unconfirmed edits over it), presence, conflicts, status
// (the connection's), roomStatus, pending (edits not yet confirmed), and
// the room's edit functions bound to it, and handle, the Room itself.

let provided = null;

/** provideReact sets the React that the default useProjectSocket uses. */
export function provideReact(React) {
  provided = React;
}

/**
 * makeUseProjectSocket returns useProjectSocket(client, room) for React
 * (18 or later: it uses useSyncExternalStore).
 */
export function makeUseProjectSocket(React) {
  const { useSyncExternalStore, useEffect, useMemo } = React;
  if (typeof useSyncExternalStore !== "function") {
    throw new TypeError("critpath-realtime/react: React 18 or later is needed (useSyncExternalStore)");
  }
  return function useProjectSocket(client, roomId) {
    const room = useMemo(() => (client && roomId ? client.room(roomId) : null), [client, roomId]);
    useEffect(() => {
      if (!room) return undefined;
      room.acquire();
      return () => room.leave();
    }, [room]);
    const subscribe = useMemo(() => (fn) => (room ? room.subscribe(fn) : () => {}), [room]);
    const view = useSyncExternalStore(subscribe, () => (room ? room.view : idle), () => (room ? room.view : idle));
    const actions = useMemo(() => bind(room), [room]);
    return useMemo(() => ({ ...view, ...actions, handle: room }), [view, actions, room]);
  };
}

const idle = Object.freeze({
  room: null,
  status: "closed",
  roomStatus: "idle",
  role: null,
  state: null,
  presence: [],
  conflicts: [],
  pending: 0,
  seq: null,
  epoch: null,
  error: null,
});

const refuse = () => Promise.reject(new Error("critpath-realtime/react: no room"));

function bind(room) {
  const names = ["patch", "progress", "createTask", "deleteTask", "addLink", "removeLink", "assign", "unassign", "cursor", "setPresence", "typing", "dismissConflict", "resync"];
  const out = {};
  for (const n of names) out[n] = room ? room[n].bind(room) : refuse;
  return out;
}

let fromProvided = null;

/**
 * useProjectSocket is the hook for the React given to provideReact, or the
 * global React; it throws when there is neither.
 */
export function useProjectSocket(client, roomId) {
  const React = provided ?? globalThis.React;
  if (!React) {
    throw new Error("critpath-realtime/react: no React: call provideReact(React) first, or use makeUseProjectSocket(React)");
  }
  if (!fromProvided || fromProvided.React !== React) fromProvided = { React, hook: makeUseProjectSocket(React) };
  return fromProvided.hook(client, roomId);
}
