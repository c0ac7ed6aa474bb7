// A room: whether transcription is on (with Start/Stop), its facts and speakers, the live transcript with
// downloads, and Erase for a finished room when the key holds transcripts:delete.
import { HttpError, api, can, getJsonIfServed } from "../api.js";
import { confirmAction } from "../confirm.js";
import { badge, h, notice, tell } from "../dom.js";
import { formatTime, ranFor } from "../format.js";
import { keyedTable } from "../keyed-table.js";
import { carry, every, report, say } from "../page.js";
import { isFinished, roomStateBadge, speakerStateBadge } from "../states.js";
import { liveTranscript } from "./live-transcript.js";

const SPEAKER_COLOURS = ["#2557c9", "#b4461b", "#1d7a3e", "#8a3fb5", "#0f7587", "#a1306b", "#6b6200", "#4a5568"];
const DOWNLOADS = [
  { format: "text", label: "Text", extension: "txt", type: "text/plain" },
  { format: "vtt", label: "VTT", extension: "vtt", type: "text/vtt" },
  { format: "srt", label: "SRT", extension: "srt", type: "application/x-subrip" },
  { format: "json", label: "JSON", extension: "json", type: "application/json" },
];

export function showRoom(root, name) {
  const base = `/api/rooms/${encodeURIComponent(name)}`;
  const facts = h("dl", { class: "facts" });
  const missing = notice();
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

  const transcript = liveTranscript({ name, base, colourOf, onSpeakerName: (identity, display) => spokenNames.set(identity, display) });
  const downloads = h("div", { class: "downloads", role: "group", "aria-label": "Download the transcript" },
    DOWNLOADS.map((d) => h("button", { type: "button", class: "secondary", "data-format": d.format, onclick: () => download(name, d) }, d.label)));
  const transcriptPanel = h("section", { class: "panel transcript-panel", "aria-labelledby": "transcript-title" },
    h("div", { class: "transcript-head" }, h("h2", { id: "transcript-title" }, "Transcript"), transcript.live, downloads), transcript.element);

  const transcription = transcriptionSwitch(base);
  const refusal = h("p", { class: "notice", role: "alert", hidden: true });
  const erase = h("button", { type: "button", class: "danger", hidden: true, onclick: () => eraseRoom(name, base, refusal) }, "Erase transcript");

  root.replaceChildren(
    h("div", { class: "heading" }, h("h1", {}, `Room ${name}`), erase, h("a", { href: "#/rooms" }, "All rooms")),
    missing, refusal, transcription.element, facts,
    h("div", { class: "room-layout" }, speakers.element, transcriptPanel));

  // Room summary and speakers, every 2 s. Speakers arrive as identities (summary) or as statuses (detail).
  every(2000, async () => {
    // Before the room check: a start may be asked for a room LiveKit has not reported yet.
    // Only a key holding the transcription scope may read or switch it; for others the switch stays hidden.
    if (can("transcription")) transcription.show(await getJsonIfServed(`${base}/transcription`));
    const room = await getJsonIfServed(base);
    erase.hidden = !(room && isFinished(room) && can("transcripts:delete"));
    if (room === null) {
      tell(missing, `No room named “${name}” is known (yet).`);
      speakers.update([], (s) => s.identity);
      return;
    }
    tell(missing, "");
    transcript.roomFinished(isFinished(room));
    facts.replaceChildren(
      ...[["State", roomStateBadge(room.state)], ["Started", formatTime(room.startedAt)],
        ["Ran for", ranFor(room.startedAt, room.finishedAt)], ["Segments", room.segmentCount ?? 0], ["Revision", room.revision ?? 0]]
        .map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
    const statuses = (room.speakerStatus ?? room.speakers ?? []).map((s) => (typeof s === "string" ? { identity: s } : s));
    for (const s of statuses) colourOf(s.identity);
    speakers.update(statuses, (s) => s.identity);
  });
}

/** Transcription on or off, with the one button that flips it (PUT / DELETE on the room's transcription). */
function transcriptionSwitch(base) {
  const element = h("div", { class: "transcription", role: "group", "aria-label": "Transcription", hidden: true });
  let shown = "";
  const show = (status) => {
    // Redrawn only on a change, so the button keeps keyboard focus across refreshes; hidden where the route is not served.
    const next = JSON.stringify(status);
    if (next === shown) return;
    shown = next;
    element.hidden = status === null;
    const on = status?.active === true;
    const details = [status?.language && `language ${status.language}`, status?.requestedBy && `by ${status.requestedBy}`].filter(Boolean).join(", ");
    element.replaceChildren(
      h("span", { class: "label" }, "Transcription"), badge(on ? "On" : "Off", on ? "ok" : "idle"),
      details ? h("span", { class: "details" }, details) : "",
      h("button", { type: "button", class: "secondary", onclick: () => flip(!on) }, on ? "Stop transcription" : "Start transcription"));
  };
  const flip = async (on) => {
    try {
      show(await (await api(`${base}/transcription`, { method: on ? "PUT" : "DELETE" })).json());
    } catch (error) {
      report(error);
    }
  };
  return { element, show };
}

/** Asks, erases (DELETE …/transcript: 204), then back to the rooms; a refusal (409 while active) is shown. */
async function eraseRoom(name, base, refusal) {
  const sure = await confirmAction({
    title: `Erase room ${name}?`,
    text: "Its transcript, its record and its speakers' records are deleted on every silo. This cannot be undone.",
    action: "Erase",
  });
  if (!sure) return;
  try {
    await api(`${base}/transcript`, { method: "DELETE" });
    carry(`Room ${name} was erased.`);
    location.hash = "#/rooms";
  } catch (error) {
    if (error instanceof HttpError && error.status !== 401) {
      tell(refusal, `Not erased: ${error.detail ?? error.message}`);
    } else {
      report(error);
    }
  }
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
