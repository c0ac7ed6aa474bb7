// Cluster: the silos, their status and what each hosts.
import { getJson } from "../api.js";
import { badge, h } from "../dom.js";
import { formatTime } from "../format.js";
import { keyedTable } from "../keyed-table.js";
import { every, say } from "../page.js";

const COLUMNS = [
  { title: "Silo", header: true, width: "18%", render: (s) => [s.name || s.address, s.isThisSilo ? h("span", { class: "hint" }, " (this one)") : ""] },
  { title: "Address", width: "26%", render: (s) => h("code", {}, s.address) },
  { title: "Status", width: "12%", render: (s) => badge(s.status, s.status === "Active" ? "ok" : s.status === "Dead" ? "bad" : "warn") },
  { title: "Started", width: "16%", render: (s) => formatTime(s.startedAt) },
  { title: "Rooms", numeric: true, width: "9%", render: (s) => s.rooms ?? 0 },
  { title: "Speakers", numeric: true, width: "9%", render: (s) => s.participants ?? 0 },
  { title: "All grains", numeric: true, width: "10%", render: (s) => s.activations ?? "—" },
];

export function showCluster(root) {
  const table = keyedTable({ caption: "Silos", empty: "No silo is known.", columns: COLUMNS });
  root.replaceChildren(
    h("div", { class: "heading" }, h("h1", {}, "Cluster"),
      h("a", { href: "/orleans/", target: "_blank", rel: "noopener" }, "Orleans dashboard", h("span", { class: "visually-hidden" }, " (opens in a new tab)"))),
    table.element);
  every(2000, async () => {
    table.update(await getJson("/api/cluster"), (s) => s.address);
    say(`Cluster updated ${new Date().toLocaleTimeString()}`);
  });
}
