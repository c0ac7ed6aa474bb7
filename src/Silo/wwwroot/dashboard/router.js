// Hash routes (#/rooms, #/room/{name}, #/endpoints, #/cluster, #/notifications) to views.
import { can, currentCaller, currentKey } from "./api.js";
import { h } from "./dom.js";
import { leaveView, say, takeCarried, viewRoot } from "./page.js";
import { forgetKey } from "./signin.js";
import { showCluster } from "./views/cluster.js";
import { showEndpoints } from "./views/endpoints.js";
import { showNotifications } from "./views/notifications.js";
import { showRoom } from "./views/room.js";
import { showRooms } from "./views/rooms.js";

/** Each view draws into the view element; `argument` is what follows its name in the hash (a room's name). */
const VIEWS = {
  rooms: showRooms,
  room: showRoom,
  endpoints: showEndpoints,
  cluster: showCluster,
  notifications: showNotifications,
};

const nav = document.getElementById("nav");
const signOut = document.getElementById("sign-out");
const caller = document.getElementById("caller");

/** Draws the view the hash names, or the sign-in form when no key is stored. */
export function route() {
  if (!currentKey()) {
    forgetKey();
    return;
  }
  leaveView();
  signOut.hidden = false;
  nav.hidden = false;
  for (const item of nav.querySelectorAll("li[data-scope]")) item.hidden = !can(item.dataset.scope);
  caller.textContent = `Signed in as ${currentCaller().name}`;
  caller.hidden = false;

  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const first = nav.querySelector("li[data-scope]:not([hidden]) a[data-view]");
  const page = VIEWS[name] ? name : can("transcripts:read") ? "rooms" : first?.dataset.view ?? "rooms";
  for (const link of nav.querySelectorAll("a[data-view]")) {
    if (link.dataset.view === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  say("");
  VIEWS[page](viewRoot, decodeURIComponent(rest.join("/")));
  const carried = takeCarried();
  if (carried) viewRoot.querySelector(".heading")?.after(h("p", { class: "notice done", role: "status" }, carried));
  document.getElementById("main").focus({ preventScroll: true });
}

export function startRouting() {
  window.addEventListener("hashchange", route);
  route();
}
