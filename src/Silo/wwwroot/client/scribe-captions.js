// Scribe captions for browsers in a LiveKit room (livekit-client). No dependencies.
//
//   import { ScribeCaptions } from 'https://scribe.example/client/scribe-captions.js';
//   const captions = new ScribeCaptions({
//     onSegments: (segments) => render(segments),  // every segment so far, ordered by startMs
//     onStatus: (status) => showBadge(status),     // { active, language }
//   });
//   const detach = captions.attach(room);          // a livekit-client Room
//
// Scribe sends two kinds of message on the topic 'lk.scribe.transcript' (reliable data packets, UTF-8 JSON):
//   {"type":"segment","id":…,"speaker":…,"speakerName":…,"text":…,"final":bool,"startMs":…,"endMs":…}
//     upsert by id: interim text is replaced by later text; a final segment never changes again.
//   {"type":"status","active":bool,"language":string|null}
//     transcription turned on or off (to everyone), or is on when you join (to you alone).
// In Agent mode Scribe's hidden agent also publishes LiveKit transcriptions (what LiveKit's own UIs show): attach()
// reads those too, under the same segment ids, so the two never make a caption twice.

export const TOPIC = 'lk.scribe.transcript';

/** livekit-client's RoomEvent.DataReceived: (payload, participant, kind, topic). */
const DATA_RECEIVED = 'dataReceived';

/** livekit-client's RoomEvent.TranscriptionReceived: (segments, participant, publication), participant = the speaker. */
const TRANSCRIPTION_RECEIVED = 'transcriptionReceived';

export class ScribeCaptions {
  #segments = new Map();
  #ordered = null;
  #status = null;
  #onSegments;
  #onStatus;

  /**
   * @param {{ onSegments?: (segments: object[], changed: object) => void,
   *           onStatus?: (status: { active: boolean, language: string|null }) => void }} [callbacks]
   */
  constructor({ onSegments, onStatus } = {}) {
    this.#onSegments = onSegments;
    this.#onStatus = onStatus;
  }

  /** Every segment received so far, ordered by startMs (then id). */
  get segments() {
    this.#ordered ??= [...this.#segments.values()].sort(
      (a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.#ordered;
  }

  /** The last status heard ({ active, language }), or null before any. */
  get status() {
    return this.#status;
  }

  /**
   * Listens to a livekit-client Room: data messages on the Scribe topic and LiveKit transcriptions. Returns a function
   * that stops listening.
   * @param {{ on: Function, off: Function }} room
   * @param {string} [event] RoomEvent.DataReceived, if your livekit-client names it differently
   * @param {string} [transcriptionEvent] RoomEvent.TranscriptionReceived, likewise
   */
  attach(room, event = DATA_RECEIVED, transcriptionEvent = TRANSCRIPTION_RECEIVED) {
    const listener = (payload, _participant, _kind, topic) => {
      if (topic === TOPIC) {
        this.receive(payload);
      }
    };
    const transcriptions = (segments, participant) => this.receiveTranscription(segments, participant);
    room.on(event, listener);
    room.on(transcriptionEvent, transcriptions);
    return () => {
      room.off(event, listener);
      room.off(transcriptionEvent, transcriptions);
    };
  }

  /**
   * Takes LiveKit transcription segments ({ id, text, final, startTime, endTime } in ms) of one speaker. Returns how
   * many were taken; empty text is never a caption.
   * @param {object[]} segments
   * @param {{ identity?: string, name?: string }} [participant] the transcribed speaker
   */
  receiveTranscription(segments, participant) {
    let taken = 0;
    for (const s of Array.isArray(segments) ? segments : []) {
      if (typeof s?.id === 'string' && typeof s.text === 'string' && s.text.length > 0) {
        const speaker = participant?.identity ?? '';
        taken += this.#upsert({
          id: s.id, speaker, speakerName: participant?.name || speaker, text: s.text, final: s.final === true,
          startMs: s.startTime, endMs: s.endTime,
        }) ? 1 : 0;
      }
    }

    return taken;
  }

  /**
   * Takes one message (bytes or text). Returns what it was ('segment', 'status') or null when it was not ours.
   * @param {Uint8Array|ArrayBuffer|string} payload
   */
  receive(payload) {
    let message;
    try {
      const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
      message = JSON.parse(text);
    } catch {
      return null;
    }

    if (message?.type === 'segment' && typeof message.id === 'string') {
      return this.#upsert(message) ? 'segment' : null;
    }

    if (message?.type === 'status' && typeof message.active === 'boolean') {
      this.#status = { active: message.active, language: message.language ?? null };
      this.#onStatus?.(this.#status);
      return 'status';
    }

    return null;
  }

  /** Forgets every segment (the status stays). */
  clear() {
    this.#segments.clear();
    this.#ordered = null;
    this.#onSegments?.(this.segments, null);
  }

  #upsert(message) {
    const known = this.#segments.get(message.id);
    if (known?.final && !message.final) {
      return false; // a final is never followed by interim text
    }

    const segment = {
      id: message.id,
      speaker: message.speaker ?? '',
      speakerName: message.speakerName ?? message.speaker ?? '',
      text: message.text ?? '',
      final: message.final === true,
      startMs: Number(message.startMs) || 0,
      endMs: Number(message.endMs) || 0,
    };
    this.#segments.set(segment.id, segment);
    this.#ordered = null;
    this.#onSegments?.(this.segments, segment);
    return true;
  }
}
