// Endpoints: the speech endpoints with health, sessions, load and drain state, and Drain/Undrain.
// COLUMNS is the table's whole layout: a new field of GET /api/endpoints is one more entry there.
import { HttpError, api, getJsonIfServed } from "../api.js";
import { badge, h, notice, tell } from "../dom.js";
import { keyedTable } from "../keyed-table.js";
import { every, report, say } from "../page.js";
import { healthBadge } from "../states.js";

/** "used / cap" with a meter, for any count against a cap (sessions today). */
export function countAgainstCap(endpoint, used, cap, what) {
  return h("span", { class: "meter" },
    h("meter", { min: 0, max: Math.max(1, cap ?? 1), value: used ?? 0, "aria-label": `${endpoint.name} ${what}` }),
    `${used ?? 0} / ${cap ?? "?"}`);
}

/** The table's columns; `act(endpoint, verb)` runs a drain or undrain. */
export const COLUMNS = (act) => [
  { title: "Endpoint", header: true, width: "11%", render: (e) => e.name },
  { title: "Model / URL", width: "24%", render: (e) => [h("div", {}, e.model ?? ""), h("code", {}, e.url ?? "")] },
  { title: "Health", width: "10%", render: healthBadge },
  { title: "Sessions", width: "15%", render: (e) => countAgainstCap(e, e.sessions, e.maxSessions, "sessions") },
  { title: "Load", numeric: true, width: "7%", render: (e) => (typeof e.reportedLoad === "number" ? `${Math.round(e.reportedLoad * 100)} %` : "—") },
  { title: "Drain", width: "10%", render: (e) => badge(e.drained ? "Drained" : "In service", e.drained ? "warn" : "ok") },
  { title: "Last error", width: "13%", render: (e) => e.lastError ?? "" },
  {
    title: "Action", width: "10%",
    render: (e) => h("button", {
      type: "button", class: "secondary", "data-endpoint": e.name,
      "aria-label": `${e.drained ? "Undrain" : "Drain"} ${e.name}`,
      onclick: () => act(e, e.drained ? "undrain" : "drain"),
    }, e.drained ? "Undrain" : "Drain"),
  },
];

export function showEndpoints(root) {
  const missing = notice();
  const act = async (endpoint, verb) => {
    try {
      await api(`/api/endpoints/${encodeURIComponent(endpoint.name)}/${verb}`, { method: "POST" });
      say(`${endpoint.name}: ${verb === "drain" ? "draining" : "taking new sessions again"}`);
      await refresh();
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) say(`This silo cannot ${verb} endpoints yet (404).`);
      else report(error);
    }
  };
  const table = keyedTable({ caption: "Speech endpoints", empty: "No endpoint is configured.", columns: COLUMNS(act) });
  root.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Endpoints")), missing, table.element);

  const refresh = async () => {
    const endpoints = await getJsonIfServed("/api/endpoints");
    if (endpoints === null) {
      tell(missing, "This silo does not report endpoints yet (GET /api/endpoints is not served).");
      table.update([], (e) => e.name, "Not reported by this silo.");
      return;
    }
    tell(missing, "");
    table.update(endpoints, (e) => e.name);
    say(`Endpoints updated ${new Date().toLocaleTimeString()}`);
  };
  every(2000, refresh);
}
