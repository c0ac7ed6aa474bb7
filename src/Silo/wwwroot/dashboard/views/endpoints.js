// Endpoints: the speech endpoints with health, sessions, load and drain state, and Drain/Undrain.
// COLUMNS is the table's whole layout: a new field of GET /api/endpoints is one more entry there.
import { HttpError, api, getJsonIfServed } from "../api.js";
import { capacityChart } from "../capacity-chart.js";
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

/** MaxSessions is optional: the API shows int.MaxValue when an endpoint has no socket cap. */
const noSocketCap = (e) => e.maxSessions === undefined || e.maxSessions === null || e.maxSessions >= 2147483647;

/** The table's columns; `act(endpoint, verb)` runs a drain or undrain. */
export const COLUMNS = (act) => [
  { title: "Endpoint", header: true, width: "9%", render: (e) => e.name },
  { title: "Model / URL", width: "15%", render: (e) => [h("div", {}, e.model ?? ""), h("code", {}, e.url ?? "")] },
  { title: "Health", width: "9%", render: healthBadge },
  { title: "Generations", width: "15%", render: (e) => countAgainstCap(e, e.runningGenerations, e.maxGenerations, "running generations") },
  { title: "Sockets", numeric: true, width: "8%", render: (e) => `${e.sessions ?? 0}${noSocketCap(e) ? "" : ` / ${e.maxSessions}`}` },
  { title: "Load", numeric: true, width: "6%", render: (e) => (typeof e.reportedLoad === "number" ? `${Math.round(e.reportedLoad * 100)} %` : "—") },
  { title: "Server queue", numeric: true, width: "9%", render: (e) => (typeof e.requestsWaiting === "number" ? `${e.requestsRunning ?? 0} running, ${e.requestsWaiting} waiting` : "—") },
  { title: "Drain", width: "9%", render: (e) => badge(e.drained ? "Drained" : "In service", e.drained ? "warn" : "ok") },
  { title: "Last error", width: "12%", render: (e) => e.lastError ?? "" },
  {
    title: "Action", width: "8%",
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
  const waiting = h("p", { class: "waiting", "aria-live": "polite" });
  const charts = h("div", { class: "capacity-charts" });
  const admission = h("p", { class: "admission-wait" });
  root.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Endpoints")), missing, waiting, table.element,
    h("section", { "aria-labelledby": "capacity-heading" }, h("h2", { id: "capacity-heading" }, "Generation slots, last 15 minutes"), admission, charts));
  let history = [];
  let lastHistory = 0;

  const refresh = async () => {
    const endpoints = await getJsonIfServed("/api/endpoints");
    if (endpoints === null) {
      tell(missing, "This silo does not report endpoints yet (GET /api/endpoints is not served).");
      table.update([], (e) => e.name, "Not reported by this silo.");
      return;
    }
    tell(missing, "");
    // waitingSpeakers counts the whole fleet: every endpoint reports the same figure.
    const queued = endpoints.length > 0 ? endpoints[0].waitingSpeakers ?? 0 : 0;
    waiting.textContent = `Speakers waiting for a generation slot: ${queued}`;
    table.update(endpoints, (e) => e.name);
    if (Date.now() - lastHistory >= 10_000) {
      // One sample per 10 s on the server: fetching it more often shows nothing new.
      const served = await getJsonIfServed("/api/endpoints/history");
      history = served?.samples ?? [];
      const p99 = served?.admissionWaitP99Ms;
      admission.textContent = typeof p99 === "number" ? `Admission wait p99: ${Math.round(p99)} ms` : "Admission wait p99: no generation admitted yet";
      lastHistory = Date.now();
    }
    charts.replaceChildren(...endpoints.map((e) => capacityChart(e, history)));
    say(`Endpoints updated ${new Date().toLocaleTimeString()}`);
  };
  every(2000, refresh);
}
