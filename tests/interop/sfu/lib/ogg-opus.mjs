// Reads the Opus packets out of an Ogg Opus file (RFC 7845), each with its duration in 48 kHz samples, so the
// stand-in can send them as RTP the way a browser's encoder would.
import { readFileSync } from 'node:fs';

const frameSizes48k = (config) => {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1]; // hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3]; // CELT: 2.5, 5, 10, 20 ms
};

/** Samples (48 kHz) an Opus packet holds, from its TOC byte (RFC 6716 section 3.1). */
export function opusPacketSamples(packet) {
  const toc = packet[0];
  const perFrame = frameSizes48k(toc >> 3);
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] & 0x3f) : 2;
  return perFrame * frames;
}

/** All audio packets of the file (the OpusHead and OpusTags header packets skipped). */
export function readOggOpus(file) {
  const data = readFileSync(file);
  const packets = [];
  let pending = [];
  let offset = 0;
  while (offset + 27 <= data.length) {
    if (data.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error(`${file}: not an Ogg stream at ${offset}`);
    const segments = data[offset + 26];
    const table = data.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const lace of table) {
      pending.push(data.subarray(body, body + lace));
      body += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    offset = body;
  }
  if (packets.length < 2 || packets[0].toString('latin1', 0, 8) !== 'OpusHead') throw new Error(`${file}: not Ogg Opus`);
  return packets.slice(2).filter((p) => p.length > 0).map((payload) => ({ payload, samples: opusPacketSamples(payload) }));
}
