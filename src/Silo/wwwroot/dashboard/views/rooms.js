// Rooms: active and recently finished rooms, refreshed every 2 s, and a form that opens a room by name.
import { getJsonIfServed } from "../api.js";
import { h, notice, tell } from "../dom.js";
import { formatTime, ranFor } from "../format.js";
import { keyedTable } from "../keyed-table.js";
import { every, say } from "../page.js";
import { isFinished, roomStateBadge } from "../states.js";

const speakerNames = (room) => (room.speakers ?? []).map((s) => (typeof s === "string" ? s : s.name || s.identity)).join(", ") || "—";

const COLUMNS = [
  { title: "Room", header: true, width: "22%", render: (r) => h("a", { href: `#/room/${encodeURIComponent(r.name)}` }, r.name) },
  { title: "State", width: "10%", render: (r) => roomStateBadge(r.state) },
  { title: "Speakers", width: "28%", render: speakerNames },
  { title: "Segments", numeric: true, width: "10%", render: (r) => r.segmentCount ?? 0 },
  { title: "Started", width: "15%", render: (r) => formatTime(r.startedAt) },
  { title: "Ran for", width: "15%", render: (r) => ranFor(r.startedAt, r.finishedAt) },
];

export function showRooms(root) {
  const missing = notice();
  const active = keyedTable({ caption: "Active rooms", columns: COLUMNS, empty: "No room is being transcribed." });
  const finished = keyedTable({ caption: "Recently finished", columns: COLUMNS, empty: "No room has finished yet." });
  const roomName = h("input", { id: "room-name", name: "room", required: true, spellcheck: "false", placeholder: "standup" });
  const open = h("form", {
    class: "open-room row",
    onsubmit: (event) => { event.preventDefault(); location.hash = `#/room/${encodeURIComponent(roomName.value.trim())}`; },
  }, h("label", { for: "room-name" }, "Open a room by name"), roomName, h("button", { type: "submit", class: "secondary" }, "Open"));

  root.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Rooms")), open, missing, active.element,
    h("div", { class: "table-gap" }), finished.element);

  every(2000, async () => {
    const listing = await getJsonIfServed("/api/rooms");
    const rooms = Array.isArray(listing) ? listing : listing?.rooms ?? null;
    if (rooms === null) {
      tell(missing, "This silo does not list rooms yet (GET /api/rooms is not served). Open a room by name above.");
      active.update([], (r) => r.name, "Not listed by this silo.");
      finished.update([], (r) => r.name, "Not listed by this silo.");
      return;
    }
    tell(missing, "");
    const byStart = (a, b) => new Date(b.startedAt) - new Date(a.startedAt);
    active.update(rooms.filter((r) => !isFinished(r)).sort(byStart), (r) => r.name);
    finished.update(rooms.filter(isFinished).sort((a, b) => new Date(b.finishedAt ?? 0) - new Date(a.finishedAt ?? 0)), (r) => r.name);
    say(`Rooms updated ${new Date().toLocaleTimeString()}`);
  });
}
