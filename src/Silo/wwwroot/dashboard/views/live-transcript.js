// A room's live transcript: one snapshot, then changes from the event stream, or by polling every second where
// the stream route is missing. Segments are upserted by id and kept in speech order.
import { HttpError, getJson, streamUrl } from "../api.js";
import { h } from "../dom.js";
import { mediaTime } from "../format.js";
import { onLeave, report } from "../page.js";

/**
 * base: the room's API path. colourOf(identity) → the speaker's colour; onSpeakerName(identity, name) learns
 * display names from segments. Returns { element, live, roomFinished(finished) }: the list, the connection state
 * line, and what the empty list says (a finished room waits for no more speech).
 */
export function liveTranscript({ name, base, colourOf, onSpeakerName }) {
  const live = h("span", { class: "live" }, "connecting…");
  const list = h("ol", { class: "transcript", "aria-label": `Transcript of ${name}`, tabindex: 0 });
  const placeholder = h("li", { class: "placeholder" }, "Waiting for speech…");
  list.append(placeholder);

  const segments = new Map();
  let revision = 0;

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

  const upsert = (segment) => {
    if (!segment || !segment.id) return;
    if (segment.revision > revision) revision = segment.revision;
    const known = segments.get(segment.id);
    if (known && known.data.isFinal && !segment.isFinal) return; // a final segment never turns back
    if (known && known.data.revision > segment.revision) return;  // an older copy arriving late
    const item = known?.element ?? h("li", { "data-id": segment.id },
      h("time", {}), h("span", { class: "who" }), h("p", { class: "text" }, h("span", { class: "state visually-hidden" }), h("span", { class: "words" })));
    const [time, who, text] = item.children;
    if (segment.speakerName) onSpeakerName(segment.speaker, segment.speakerName);
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

  const applyChanges = (body) => {
    if (Array.isArray(body?.segments)) body.segments.forEach(upsert);
    else upsert(body);
    if (typeof body?.revision === "number" && body.revision > revision) revision = body.revision;
  };

  let stopped = false;
  let source = null;
  let pollTimer = null;
  onLeave(() => { stopped = true; source?.close(); clearTimeout(pollTimer); });

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
    source = new EventSource(streamUrl(`${base}/transcript/stream`, revision));
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

  const roomFinished = (finished) => {
    placeholder.textContent = finished ? "Nothing was transcribed in this room." : "Waiting for speech…";
  };
  return { element: list, live, roomFinished };
}
