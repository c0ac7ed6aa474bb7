// The page around the views: the status line, the element a view draws into, and the work a view started
// (timers, streams) that stops when the reader leaves it.
import { HttpError } from "./api.js";

/** Raised on document when the server refuses the stored key (401); sign-in listens. */
export const KEY_REFUSED = "scribe:key-refused";

export const viewRoot = document.getElementById("view");
const status = document.getElementById("status");

let cleanups = [];
let carried = "";

export function say(message) {
  status.textContent = message;
}

/** An action's outcome for the view it leads to (the status line is soon overwritten by refreshes). */
export function carry(message) {
  carried = message;
}

/** The message carried to this view, once. */
export function takeCarried() {
  const message = carried;
  carried = "";
  return message;
}

/** Runs `cleanup` when the current view is left. */
export function onLeave(cleanup) {
  cleanups.push(cleanup);
}

export function leaveView() {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
}

/** Runs `work` now and `ms` after each run ends, until the view is left. */
export function every(ms, work) {
  let stopped = false;
  let timer;
  const tick = async () => {
    if (stopped) return;
    try { await work(); } catch (error) { report(error); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  onLeave(() => { stopped = true; clearTimeout(timer); });
}

/** A failed call: a refused key sends the reader back to sign in; anything else is said in the status line. */
export function report(error) {
  if (error instanceof HttpError && error.status === 401) {
    document.dispatchEvent(new CustomEvent(KEY_REFUSED));
    return;
  }
  say(`Could not refresh: ${error.message}`);
}
