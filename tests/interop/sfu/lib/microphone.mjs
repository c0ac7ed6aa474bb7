// A simulated participant's microphone: plays Ogg Opus utterances as Opus RTP at the real pace, to every
// subscriber's RTP sender, and sends nothing between utterances, as a browser does with Opus DTX.
import { RtpHeader, RtpPacket } from 'werift';
import { readOggOpus } from './ogg-opus.mjs';
import { TrackRecord } from './room.mjs';

export class MicrophoneTrack extends TrackRecord {
  constructor(opts) {
    super(opts);
    this.senders = new Set(); // werift RTCRtpSender per subscriber
    this.sequence = Math.floor(Math.random() * 0x10000);
    this.timestampBase = Math.floor(Math.random() * 0x7fffffff);
    this.clockStart = null; // ms at which the RTP clock was at timestampBase
    this.timers = new Set();
    this.packetsSent = 0;
    this.stopped = false;
  }

  /** Schedules each utterance `atMs` after now; a file is read up front so a missing file fails the call. */
  play(utterances) {
    const start = Date.now();
    this.clockStart ??= start;
    for (const u of utterances) {
      const packets = readOggOpus(u.file);
      this._after(Math.max(0, u.atMs ?? 0), () => this._playPackets(packets, start + (u.atMs ?? 0), u.file));
    }
  }

  _after(ms, fn) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(timer);
  }

  _playPackets(packets, startedAt, file) {
    // The RTP clock runs with wall time (48 kHz), so the timestamp jump across a DTX gap matches the silence.
    let samplesSoFar = 0;
    let index = 0;
    let firstPacketAtMs = null;
    const sendNext = () => {
      if (this.stopped || index >= packets.length) return;
      const packet = packets[index];
      const timestamp = (this.timestampBase + Math.round((startedAt - this.clockStart) * 48) + samplesSoFar) >>> 0;
      if (!this.muted) this._send(packet.payload, timestamp, index === 0);
      firstPacketAtMs ??= Date.now();
      samplesSoFar += packet.samples;
      index++;
      // When the last packet left is what a caption latency is measured from (the speaker's last voiced sample).
      if (index === packets.length) {
        this.onUtterancePlayed?.({ file, firstPacketAtMs, lastPacketAtMs: Date.now(), packets: packets.length,
          muted: this.muted });
      }
      // Pace against the schedule, not the previous timer, so the stream does not drift.
      const due = startedAt + (samplesSoFar / 48);
      this._after(Math.max(0, due - Date.now()), sendNext);
    };
    sendNext();
  }

  _send(payload, timestamp, marker) {
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsSent++;
    for (const sender of this.senders) {
      const header = new RtpHeader({ payloadType: 111, sequenceNumber: this.sequence, timestamp, marker, ssrc: 0 });
      sender.sendRtp(new RtpPacket(header, payload)).catch(() => {});
    }
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.senders.clear();
  }
}
