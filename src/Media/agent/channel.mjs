// The media channel's framing (docs: src/Media/README.md and the contract): u32 big-endian length of the rest,
// u8 kind, payload. Kind 1 is one JSON object with a `type`; kind 2 is audio (media -> silo only).
export const KIND_JSON = 1;
export const KIND_AUDIO = 2;
export const MAX_FRAME = 1 << 20;

/** Encodes one JSON message. */
export function jsonFrame(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame.writeUInt32BE(1 + body.length, 0);
  frame.writeUInt8(KIND_JSON, 4);
  body.copy(frame, 5);
  return frame;
}

/** Encodes one audio frame: handle, sample offset (16 kHz samples since the track's stream began), PCM16 LE. */
export function audioFrame(handle, sampleOffset, pcm) {
  const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const frame = Buffer.allocUnsafe(13 + bytes.length);
  frame.writeUInt32BE(9 + bytes.length, 0);
  frame.writeUInt8(KIND_AUDIO, 4);
  frame.writeUInt32BE(handle >>> 0, 5);
  frame.writeUInt32BE(sampleOffset >>> 0, 9);
  // Int16Array is little-endian on every platform Node runs the SDK on (x64, arm64).
  bytes.copy(frame, 13);
  return frame;
}

/** Splits a byte stream into JSON messages; calls onMessage for each, throws on a malformed frame. */
export class FrameReader {
  #pending = Buffer.alloc(0);

  constructor(onMessage) {
    this.onMessage = onMessage;
  }

  push(chunk) {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 4) {
      const length = this.#pending.readUInt32BE(0);
      if (length < 1 || length > MAX_FRAME) {
        throw new Error(`bad frame length ${length}`);
      }
      if (this.#pending.length < 4 + length) {
        return;
      }
      const kind = this.#pending.readUInt8(4);
      const payload = this.#pending.subarray(5, 4 + length);
      this.#pending = this.#pending.subarray(4 + length);
      if (kind !== KIND_JSON) {
        throw new Error(`unexpected frame kind ${kind}`);
      }
      const message = JSON.parse(payload.toString('utf8'));
      if (message === null || typeof message !== 'object' || typeof message.type !== 'string') {
        throw new Error('a JSON frame must be an object with a type');
      }
      this.onMessage(message);
    }
  }
}
