// Scribe admin dashboard: plain ES module, no build step. Every call carries the key (the admin key or a named
// key of Api:Keys) as a bearer token; the key and what it may do (GET /api/me) live in sessionStorage (this tab's
// session only). Views and actions the key's scopes do not allow are not shown.

const KEY_STORAGE = "scribe.adminKey";
const CALLER_STORAGE = "scribe.caller";
const ROOM_STATES = ["Active", "Finished"];
const SPEAKER_STATES = ["Idle", "Starting", "Streaming", "Muted", "WaitingForCapacity", "Stopped", "Error"];
const SPEAKER_COLOURS = ["#2557c9", "#b4461b", "#1d7a3e", "#8a3fb5", "#0f7587", "#a1306b", "#6b6200", "#4a5568"];
const DOWNLOADS = [
  { format: "text", label: "Text", extension: "txt", type: "text/plain" },
  { format: "vtt", label: "VTT", extension: "vtt", type: "text/vtt" },
  { format: "srt", label: "SRT", extension: "srt", type: "application/x-subrip" },
  { format: "json", label: "JSON", extension: "json", type: "application/json" },
];

const view = document.getElementById("view");
const signIn = document.getElementById("sign-in");
const keyForm = document.getElementById("key-form");
const keyInput = document.getElementById("key");
const keyError = document.getElementById("key-error");
const signOut = document.getElementById("sign-out");
const nav = document.getElementById("nav");
const status = document.getElementById("status");

/** Work started by the current view (timers, streams); stopped when the view changes. */
let cleanups = [];

// ---------- small helpers ----------

/** Builds an element: h("td", { class: "num" }, "3"). Children are text or nodes; text is never parsed as HTML. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "style") element.style.cssText = value; // CSSOM: allowed by the page's CSP, unlike style attributes
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// States arrive as numbers or as names in any casing ("Finished", "finished", "waitingForCapacity").
function healthBadge(endpoint) {
  const health = typeof endpoint.health === "string" ? endpoint.health.toLowerCase() : endpoint.healthy ? "healthy" : "unhealthy";
  if (health === "healthy") return badge("Healthy", "ok");
  if (health === "unknown") return badge("Not probed yet", "idle");
  return badge("Unhealthy", "bad");
}

const enumName = (value, names) => {
  if (typeof value === "number") return names[value] ?? String(value);
  const text = value ?? "";
  return names.find((n) => n.toLowerCase() === String(text).toLowerCase()) ?? text;
};

function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : date.toLocaleString([], { dateStyle: "short", timeStyle: "medium" });
}

function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const seconds = Math.floor(ms / 1000);
  const h_ = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h_ > 0 ? `${h_} h ${pad(m)} min` : m > 0 ? `${m} min ${pad(s)} s` : `${s} s`;
}

function ranFor(startedAt, finishedAt) {
  if (!startedAt) return "—";
  const end = finishedAt ? new Date(finishedAt) : new Date();
  return formatDuration(end - new Date(startedAt));
}

function mediaTime(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  return `${hours > 0 ? hours + ":" : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

function say(message) {
  status.textContent = message;
}

function every(ms, work) {
  let stopped = false;
  let timer;
  const tick = async () => {
    if (stopped) return;
    try { await work(); } catch (error) { report(error); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  cleanups.push(() => { stopped = true; clearTimeout(timer); });
}

// ---------- the API ----------

class HttpError extends Error {
  constructor(response) {
    super(`${response.status} ${response.statusText}`);
    this.status = response.status;
  }
}

const currentKey = () => sessionStorage.getItem(KEY_STORAGE);

/** The signed-in key's name and scopes, as GET /api/me answered. */
const currentCaller = () => JSON.parse(sessionStorage.getItem(CALLER_STORAGE) ?? '{"name":"","scopes":[]}');

/** True when the signed-in key holds `scope` (transcription, transcripts:read, transcripts:delete, endpoints, cluster). */
const can = (scope) => currentCaller().scopes.includes(scope);

async function api(path, { method = "GET", key = currentKey(), accept = "application/json" } = {}) {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${key}`, Accept: accept }, cache: "no-store" });
  if (!response.ok) throw new HttpError(response);
  return response;
}

const getJson = async (path) => (await api(path)).json();

/** A GET that answers null when the route is not on this silo (404), so views can say so. */
async function getJsonIfServed(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
}

function report(error) {
  if (error instanceof HttpError && error.status === 401) {
    forgetKey("The server refused the key (401). Enter it again.");
    return;
  }
  say(`Could not refresh: ${error.message}`);
}

// ---------- signing in ----------

function forgetKey(message = "") {
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(CALLER_STORAGE);
  document.getElementById("caller").hidden = true;
  stopView();
  view.replaceChildren();
  signOut.hidden = true;
  nav.hidden = true;
  signIn.hidden = false;
  keyError.textContent = message;
  keyInput.value = "";
  keyInput.focus();
}

keyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  keyError.textContent = "";
  if (!key) return;
  let caller;
  try {
    // Any key may ask who it is: 200 means the key is right, and says what it may do.
    caller = await (await api("/api/me", { key })).json();
  } catch (error) {
    keyError.textContent = error instanceof HttpError && error.status === 401
      ? "That key was refused by the server. Check Admin:ApiKey (or Api:Keys) and try again."
      : `Could not reach the server to check the key (${error.message}).`;
    keyInput.select();
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  sessionStorage.setItem(CALLER_STORAGE, JSON.stringify({ name: caller.name, scopes: caller.scopes }));
  // Lets this browser open /orleans (an HttpOnly cookie scoped to /orleans; see README, "Dashboard").
  if (can("cluster")) {
    try { await api("/dashboard/session", { method: "POST", key }); } catch { /* the Orleans link will say so */ }
  }
  keyInput.value = "";
  signIn.hidden = true;
  route();
});

signOut.addEventListener("click", () => forgetKey());

// ---------- routing ----------

function stopView() {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
}

function route() {
  if (!currentKey()) {
    forgetKey();
    return;
  }
  stopView();
  signIn.hidden = true;
  signOut.hidden = false;
  nav.hidden = false;
  for (const item of nav.querySelectorAll("li[data-scope]")) item.hidden = !can(item.dataset.scope);
  const caller = document.getElementById("caller");
  caller.textContent = `Signed in as ${currentCaller().name}`;
  caller.hidden = false;
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const first = nav.querySelector("li[data-scope]:not([hidden]) a[data-view]");
  const page = name || (can("transcripts:read") ? "rooms" : first?.dataset.view ?? "rooms");
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    if (link.dataset.view === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  say("");
  switch (page) {
    case "room": showRoom(decodeURIComponent(rest.join("/"))); break;
    case "endpoints": showEndpoints(); break;
    case "cluster": showCluster(); break;
    case "notifications": showNotifications(); break;
    default: showRooms(); break;
  }
  document.getElementById("main").focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);

// ---------- keyed tables: rows are updated in place so refreshes do not flicker or jump ----------

function keyedTable({ caption, columns, empty }) {
  const body = h("tbody");
  const table = h("table", {},
    h("caption", {}, caption),
    h("colgroup", {}, columns.map((c) => h("col", { style: c.width ? `width:${c.width}` : undefined }))),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : undefined }, c.title)))),
    body);
  const rows = new Map();
  const update = (items, keyOf, emptyText = empty) => {
    const seen = new Set();
    let previous = null;
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      let row = rows.get(key);
      if (!row) {
        row = h("tr", { "data-key": key }, columns.map((c) => h(c.header ? "th" : "td", { class: c.numeric ? "num" : undefined, scope: c.header ? "row" : undefined })));
        rows.set(key, row);
      }
      columns.forEach((column, index) => {
        const cell = row.children[index];
        const content = column.render(item);
        const nodes = (Array.isArray(content) ? content : [content]).map((c) => (c instanceof Node ? c : document.createTextNode(String(c ?? ""))));
        const same = cell.childNodes.length === nodes.length
          && nodes.every((n, i) => n.isEqualNode(cell.childNodes[i]));
        if (!same) cell.replaceChildren(...nodes);
      });
      const expected = previous ? previous.nextSibling : body.firstChild;
      if (expected !== row) body.insertBefore(row, expected);
      previous = row;
    }
    for (const [key, row] of rows) {
      if (!seen.has(key)) { row.remove(); rows.delete(key); }
    }
    const placeholder = body.querySelector("tr.placeholder");
    if (items.length > 0) placeholder?.remove();
    else if (!placeholder) body.append(h("tr", { class: "placeholder" }, h("td", { class: "empty", colspan: columns.length }, emptyText)));
    else if (placeholder.textContent !== emptyText) placeholder.firstChild.textContent = emptyText;
  };
  return { element: h("div", { class: "panel" }, table), update };
}

function badge(text, tone) {
  return h("span", { class: `badge ${tone}` }, text);
}

function roomStateBadge(state) {
  const name = enumName(state, ROOM_STATES);
  return badge(name, name === "Active" ? "ok" : "idle");
}

function speakerStateBadge(state) {
  const name = enumName(state, SPEAKER_STATES);
  const tone = { Streaming: "ok", Starting: "warn", WaitingForCapacity: "warn", Muted: "idle", Idle: "idle", Stopped: "idle", Error: "bad" }[name] ?? "idle";
  return badge(name === "WaitingForCapacity" ? "Waiting for capacity" : name, tone);
}

// ---------- Rooms ----------

function showRooms() {
  const notice = h("p", { class: "notice", hidden: true });
  const roomColumns = [
    { title: "Room", header: true, width: "22%", render: (r) => h("a", { href: `#/room/${encodeURIComponent(r.name)}` }, r.name) },
    { title: "State", width: "10%", render: (r) => roomStateBadge(r.state) },
    { title: "Speakers", width: "28%", render: (r) => (r.speakers ?? []).map((s) => (typeof s === "string" ? s : s.name || s.identity)).join(", ") || "—" },
    { title: "Segments", numeric: true, width: "10%", render: (r) => r.segmentCount ?? 0 },
    { title: "Started", width: "15%", render: (r) => formatTime(r.startedAt) },
    { title: "Ran for", width: "15%", render: (r) => ranFor(r.startedAt, r.finishedAt) },
  ];
  const active = keyedTable({ caption: "Active rooms", columns: roomColumns, empty: "No room is being transcribed." });
  const finished = keyedTable({ caption: "Recently finished", columns: roomColumns, empty: "No room has finished yet." });
  const roomName = h("input", { id: "room-name", name: "room", required: true, spellcheck: "false", placeholder: "standup" });
  const open = h("form", {
    class: "open-room row",
    onsubmit: (event) => { event.preventDefault(); location.hash = `#/room/${encodeURIComponent(roomName.value.trim())}`; },
  }, h("label", { for: "room-name" }, "Open a room by name"), roomName, h("button", { type: "submit", class: "secondary" }, "Open"));

  view.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Rooms")), open, notice, active.element, h("div", { class: "table-gap" }), finished.element);

  every(2000, async () => {
    const listing = await getJsonIfServed("/api/rooms");
    const rooms = Array.isArray(listing) ? listing : listing?.rooms ?? null;
    if (rooms === null) {
      notice.hidden = false;
      notice.textContent = "This silo does not list rooms yet (GET /api/rooms is not served). Open a room by name above.";
      active.update([], (r) => r.name, "Not listed by this silo.");
      finished.update([], (r) => r.name, "Not listed by this silo.");
      return;
    }
    notice.hidden = true;
    const byStart = (a, b) => new Date(b.startedAt) - new Date(a.startedAt);
    active.update(rooms.filter((r) => enumName(r.state, ROOM_STATES) !== "Finished").sort(byStart), (r) => r.name);
    finished.update(rooms.filter((r) => enumName(r.state, ROOM_STATES) === "Finished")
      .sort((a, b) => new Date(b.finishedAt ?? 0) - new Date(a.finishedAt ?? 0)), (r) => r.name);
    say(`Rooms updated ${new Date().toLocaleTimeString()}`);
  });
}

// ---------- a Room ----------

function showRoom(name) {
  const base = `/api/rooms/${encodeURIComponent(name)}`;
  const facts = h("dl", { class: "facts" });
  const notice = h("p", { class: "notice", hidden: true });
  const colours = new Map();
  const spokenNames = new Map(); // identity → display name, learnt from segments when the API gives identities only
  const colourOf = (identity) => {
    if (!colours.has(identity)) colours.set(identity, SPEAKER_COLOURS[colours.size % SPEAKER_COLOURS.length]);
    return colours.get(identity);
  };

  const speakers = keyedTable({
    caption: "Speakers",
    empty: "No speaker yet.",
    columns: [
      { title: "Speaker", header: true, width: "18%", render: (s) => h("span", { class: "who", style: `color:${colourOf(s.identity)}` }, s.name || spokenNames.get(s.identity) || s.identity) },
      { title: "Identity", width: "14%", render: (s) => s.identity },
      { title: "State", width: "16%", render: (s) => (s.state === undefined ? "—" : speakerStateBadge(s.state)) },
      { title: "Endpoint", width: "14%", render: (s) => s.endpoint ?? "—" },
      { title: "Track / egress", width: "18%", render: (s) => [s.trackSid, s.egressId].filter(Boolean).join(" / ") || "—" },
      { title: "Error", width: "20%", render: (s) => s.error ?? "" },
    ],
  });

  const live = h("span", { class: "live" }, "connecting…");
  const downloads = h("div", { class: "downloads", role: "group", "aria-label": "Download the transcript" },
    DOWNLOADS.map((d) => h("button", { type: "button", class: "secondary", "data-format": d.format, onclick: () => download(name, d) }, d.label)));
  const list = h("ol", { class: "transcript", "aria-label": `Transcript of ${name}` });
  const placeholder = h("li", { class: "placeholder" }, "Waiting for speech…");
  list.append(placeholder);
  const transcriptPanel = h("section", { class: "panel transcript-panel", "aria-labelledby": "transcript-title" },
    h("div", { class: "transcript-head" }, h("h2", { id: "transcript-title" }, "Transcript"), live, downloads), list);

  // Transcription on or off, with the one button that flips it (PUT / DELETE on the room's transcription).
  const transcription = h("div", { class: "transcription", role: "group", "aria-label": "Transcription", hidden: true });
  let shownTranscription = "";
  const showTranscription = (status) => {
    // Redrawn only on a change, so the button keeps keyboard focus across refreshes; hidden where the route is not served.
    const shown = JSON.stringify(status);
    if (shown === shownTranscription) return;
    shownTranscription = shown;
    transcription.hidden = status === null;
    const on = status?.active === true;
    const details = [status?.language && `language ${status.language}`, status?.requestedBy && `by ${status.requestedBy}`].filter(Boolean).join(", ");
    transcription.replaceChildren(
      h("span", { class: "label" }, "Transcription"), badge(on ? "On" : "Off", on ? "ok" : "idle"),
      details ? h("span", { class: "details" }, details) : "",
      h("button", { type: "button", class: "secondary", onclick: () => switchTranscription(!on) }, on ? "Stop transcription" : "Start transcription"));
  };
  const switchTranscription = async (on) => {
    try {
      showTranscription(await (await api(`${base}/transcription`, { method: on ? "PUT" : "DELETE" })).json());
    } catch (error) {
      report(error);
    }
  };

  view.replaceChildren(
    h("div", { class: "heading" }, h("h1", {}, `Room ${name}`), h("a", { href: "#/rooms" }, "All rooms")),
    notice, transcription, facts,
    h("div", { class: "room-layout" }, speakers.element, transcriptPanel));

  // Room summary and speakers, every 2 s. Speakers arrive as identities (summary) or as statuses (detail).
  every(2000, async () => {
    // Before the room check: a start may be asked for a room LiveKit has not reported yet.
    showTranscription(await getJsonIfServed(`${base}/transcription`));
    const room = await getJsonIfServed(base);
    if (room === null) {
      notice.hidden = false;
      notice.textContent = `No room named “${name}” is known (yet).`;
      return;
    }
    notice.hidden = true;
    facts.replaceChildren(
      ...[["State", roomStateBadge(room.state)], ["Started", formatTime(room.startedAt)],
        ["Ran for", ranFor(room.startedAt, room.finishedAt)], ["Segments", room.segmentCount ?? 0], ["Revision", room.revision ?? 0]]
        .map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
    const statuses = (room.speakerStatus ?? room.speakers ?? []).map((s) => (typeof s === "string" ? { identity: s } : s));
    for (const s of statuses) colourOf(s.identity);
    speakers.update(statuses, (s) => s.identity);
  });

  // The transcript: one snapshot, then live changes (SSE, or polling where the stream route is missing).
  const segments = new Map();
  let revision = 0;

  const upsert = (segment) => {
    if (!segment || !segment.id) return;
    if (segment.revision > revision) revision = segment.revision;
    const known = segments.get(segment.id);
    if (known && known.data.isFinal && !segment.isFinal) return; // a final segment never turns back
    if (known && known.data.revision > segment.revision) return;  // an older copy arriving late
    const item = known?.element ?? h("li", { "data-id": segment.id },
      h("time", {}), h("span", { class: "who" }), h("p", { class: "text" }, h("span", { class: "state visually-hidden" }), h("span", { class: "words" })));
    const [time, who, text] = item.children;
    if (segment.speakerName) spokenNames.set(segment.speaker, segment.speakerName);
    item.className = `segment ${segment.isFinal ? "final" : "interim"}`;
    item.style.setProperty("--speaker", colourOf(segment.speaker));
    time.textContent = mediaTime(segment.startMs);
    time.setAttribute("datetime", `PT${Math.max(0, segment.startMs / 1000)}S`);
    who.textContent = segment.speakerName || segment.speaker;
    text.querySelector(".state").textContent = segment.isFinal ? "" : "interim: ";
    text.querySelector(".words").textContent = segment.text;
    segments.set(segment.id, { data: segment, element: item });
    if (!known) place(item, segment);
  };

  // Keeps transcript order (speech start, then speaker); follows the end only when the reader is there.
  const place = (item, segment) => {
    placeholder.remove();
    const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    let before = null;
    for (let node = list.lastElementChild; node; node = node.previousElementSibling) {
      const other = segments.get(node.dataset.id)?.data;
      if (!other) continue;
      if (other.startMs < segment.startMs || (other.startMs === segment.startMs && other.speaker <= segment.speaker)) break;
      before = node;
    }
    list.insertBefore(item, before);
    if (atEnd) list.scrollTop = list.scrollHeight;
  };

  const applyChanges = (body) => {
    if (Array.isArray(body?.segments)) body.segments.forEach(upsert);
    else upsert(body);
    if (typeof body?.revision === "number" && body.revision > revision) revision = body.revision;
  };

  let stopped = false;
  let source = null;
  let pollTimer = null;
  cleanups.push(() => { stopped = true; source?.close(); clearTimeout(pollTimer); });

  const poll = async () => {
    if (stopped) return;
    try {
      applyChanges(await getJson(`${base}/transcript?format=json&since=${revision}`));
      live.textContent = "live (polling every second)";
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) live.textContent = "waiting for the room…";
      else report(error);
    }
    if (!stopped) pollTimer = setTimeout(poll, 1000);
  };

  const stream = () => {
    let opened = false;
    const url = `${base}/transcript/stream?since=${revision}&access_token=${encodeURIComponent(currentKey())}`;
    source = new EventSource(url);
    source.addEventListener("open", () => { opened = true; live.textContent = "live (stream)"; });
    const onEvent = (event) => {
      try { applyChanges(JSON.parse(event.data)); } catch { /* a malformed event is skipped */ }
    };
    source.addEventListener("segment", onEvent);
    source.addEventListener("message", onEvent);
    source.addEventListener("error", () => {
      if (source.readyState !== EventSource.CLOSED) { live.textContent = "reconnecting…"; return; }
      // Closed for good: the route answered 404 (not served yet) or something not an event stream.
      source = null;
      live.textContent = opened ? "stream closed; polling" : "live (polling every second)";
      if (!stopped) poll();
    });
  };

  (async () => {
    try {
      applyChanges(await getJson(`${base}/transcript?format=json`));
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) report(error);
    }
    if (!stopped) stream();
  })();
}

async function download(room, { format, label, extension, type }) {
  try {
    const response = await api(`/api/rooms/${encodeURIComponent(room)}/transcript?format=${format}`, { accept: type });
    const contentType = response.headers.get("content-type") ?? "";
    if (format !== "json" && contentType.includes("application/json")) {
      say(`This silo cannot export ${label} yet (it answered JSON).`);
      return;
    }
    const blob = await response.blob();
    const link = h("a", { href: URL.createObjectURL(blob), download: `${room}.${extension}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    say(`Downloaded ${room}.${extension}`);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 404 || error.status === 400)) say(`This silo cannot export ${label} (${error.status}).`);
    else report(error);
  }
}

// ---------- Endpoints ----------

function showEndpoints() {
  const notice = h("p", { class: "notice", hidden: true });
  const action = async (endpoint, verb) => {
    try {
      await api(`/api/endpoints/${encodeURIComponent(endpoint.name)}/${verb}`, { method: "POST" });
      say(`${endpoint.name}: ${verb === "drain" ? "draining" : "taking new sessions again"}`);
      await refresh();
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) say(`This silo cannot ${verb} endpoints yet (404).`);
      else report(error);
    }
  };
  const table = keyedTable({
    caption: "Speech endpoints",
    empty: "No endpoint is configured.",
    columns: [
      { title: "Endpoint", header: true, width: "11%", render: (e) => e.name },
      { title: "Model / URL", width: "24%", render: (e) => [h("div", {}, e.model ?? ""), h("code", {}, e.url ?? "")] },
      { title: "Health", width: "10%", render: (e) => healthBadge(e) },
      {
        title: "Sessions", width: "15%",
        render: (e) => h("span", { class: "meter" },
          h("meter", { min: 0, max: Math.max(1, e.maxSessions ?? 1), value: e.sessions ?? 0, "aria-label": `${e.name} sessions` }),
          `${e.sessions ?? 0} / ${e.maxSessions ?? "?"}`),
      },
      { title: "Load", numeric: true, width: "7%", render: (e) => (typeof e.reportedLoad === "number" ? `${Math.round(e.reportedLoad * 100)} %` : "—") },
      { title: "Drain", width: "10%", render: (e) => badge(e.drained ? "Drained" : "In service", e.drained ? "warn" : "ok") },
      { title: "Last error", width: "13%", render: (e) => e.lastError ?? "" },
      {
        title: "Action", width: "10%",
        render: (e) => h("button", {
          type: "button", class: "secondary", "data-endpoint": e.name,
          "aria-label": `${e.drained ? "Undrain" : "Drain"} ${e.name}`,
          onclick: () => action(e, e.drained ? "undrain" : "drain"),
        }, e.drained ? "Undrain" : "Drain"),
      },
    ],
  });
  view.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Endpoints")), notice, table.element);

  const refresh = async () => {
    const endpoints = await getJsonIfServed("/api/endpoints");
    if (endpoints === null) {
      notice.hidden = false;
      notice.textContent = "This silo does not report endpoints yet (GET /api/endpoints is not served).";
      table.update([], (e) => e.name, "Not reported by this silo.");
      return;
    }
    notice.hidden = true;
    table.update(endpoints, (e) => e.name);
    say(`Endpoints updated ${new Date().toLocaleTimeString()}`);
  };
  every(2000, refresh);
}

// ---------- Cluster ----------

function showCluster() {
  const table = keyedTable({
    caption: "Silos",
    empty: "No silo is known.",
    columns: [
      { title: "Silo", header: true, width: "18%", render: (s) => [s.name || s.address, s.isThisSilo ? h("span", { class: "hint" }, " (this one)") : ""] },
      { title: "Address", width: "26%", render: (s) => h("code", {}, s.address) },
      { title: "Status", width: "12%", render: (s) => badge(s.status, s.status === "Active" ? "ok" : s.status === "Dead" ? "bad" : "warn") },
      { title: "Started", width: "16%", render: (s) => formatTime(s.startedAt) },
      { title: "Rooms", numeric: true, width: "9%", render: (s) => s.rooms ?? 0 },
      { title: "Speakers", numeric: true, width: "9%", render: (s) => s.participants ?? 0 },
      { title: "All grains", numeric: true, width: "10%", render: (s) => s.activations ?? "—" },
    ],
  });
  view.replaceChildren(
    h("div", { class: "heading" }, h("h1", {}, "Cluster"), h("a", { href: "/orleans/", target: "_blank", rel: "noopener" }, "Orleans dashboard")),
    table.element);
  every(2000, async () => {
    table.update(await getJson("/api/cluster"), (s) => s.address);
    say(`Cluster updated ${new Date().toLocaleTimeString()}`);
  });
}

// ---------- Notifications ----------

function showNotifications() {
  const notice = h("p", { class: "notice", hidden: true });
  const table = keyedTable({
    caption: "Events for the backend not yet delivered",
    empty: "Every event was delivered.",
    columns: [
      { title: "Event", header: true, width: "22%", render: (n) => h("code", {}, n.id) },
      { title: "Type", width: "14%", render: (n) => n.type },
      { title: "Room", width: "12%", render: (n) => n.room },
      { title: "Created", width: "12%", render: (n) => formatTime(n.createdAt) },
      { title: "Attempts", numeric: true, width: "8%", render: (n) => n.attempts },
      { title: "Next attempt", width: "12%", render: (n) => formatTime(n.nextAttemptAt) },
      { title: "Last error", width: "20%", render: (n) => (n.lastError ? badge(n.lastError, "bad") : "") },
    ],
  });
  view.replaceChildren(h("div", { class: "heading" }, h("h1", {}, "Notifications")), notice, table.element);
  every(2000, async () => {
    const outbox = await getJson("/api/notifications");
    notice.hidden = outbox.configured;
    notice.textContent = "Notifications:Url is not set: no events are sent to a backend.";
    table.update(outbox.pending, (n) => n.id);
    say(`Notifications updated ${new Date().toLocaleTimeString()}`);
  });
}

route();
