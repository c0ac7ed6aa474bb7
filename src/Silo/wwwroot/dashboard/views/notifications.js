// Notifications: events for the backend that are not delivered yet.
import { getJson } from "../api.js";
import { badge, h, notice, tell } from "../dom.js";
import { formatTime } from "../format.js";
import { keyedTable } from "../keyed-table.js";
import { every, say } from "../page.js";

const COLUMNS = [
  { title: "Event", header: true, width: "20%", render: (n) => h("code", {}, n.id) },
  { title: "Type", width: "14%", render: (n) => n.type },
  { title: "Room", width: "12%", render: (n) => n.room },
  { title: "Created", width: "12%", render: (n) => formatTime(n.createdAt) },
  { title: "Attempts", numeric: true, width: "10%", render: (n) => n.attempts },
  { title: "Next attempt", width: "12%", render: (n) => formatTime(n.nextAttemptAt) },
  { title: "Last error", width: "20%", render: (n) => (n.lastError ? badge(n.lastError, "bad") : "") },
];

export function showNotifications(root) {
  const unconfigured = notice();
  const table = keyedTable({ caption: "Events for the backend not yet delivered", empty: "Every event was delivered.", columns: COLUMNS });
  root.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Notifications")), unconfigured, table.element);
  every(2000, async () => {
    const outbox = await getJson("/api/notifications");
    tell(unconfigured, outbox.configured ? "" : "Notifications:Url is not set: no events are sent to a backend.");
    table.update(outbox.pending, (n) => n.id);
    say(`Notifications updated ${new Date().toLocaleTimeString()}`);
  });
}
