// One room the agent is in: joined through the SDK with autoSubscribe off, subscribing only to the microphones
// of participants whose kind the silo transcribes, turning each into 16 kHz mono PCM frames for the silo.
import { describe, forgetSecret, keepSecret, log } from './log.mjs';

const SAMPLE_RATE = 16000;
// The SDK hands JavaScript a frame per track per FRAME_MS even during DTX silence (zeros): per-frame work in this
// process is most of a silent track's cost. 100 ms frames cost about half of 20 ms ones (agent-load, 200 silent
// tracks: 0.48 against 0.98 of a core) and match the transcriber's own 100 ms chunks.
const FRAME_MS = 100;
// Digital silence: what the SDK's jitter buffer yields while no packets arrive (Opus DTX). Nothing above this
// peak reaches the silo; real speech is never this quiet for a whole frame (about -84 dBFS).
const SILENCE_PEAK = 2;
// Silent frames are not sent, but the first SILENCE_MARK_MS of each silence are marked, a frame at a time, with an
// empty frame at the offset the silence has reached: the silo's voice detector hears the pause on the media clock
// and closes the utterance now rather than at the next word, and a stall anywhere between here and the silo is
// never taken for a pause. A longer silence is filled by the next frame's offset.
const SILENCE_MARK_MS = 3000;
const NO_SAMPLES = new Int16Array(0);

export function isSilent(samples) {
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (s > SILENCE_PEAK || s < -SILENCE_PEAK) {
      return false;
    }
  }
  return true;
}

export class AgentRoom {
  #rtc;
  #channel;
  #onGone;
  #room = null;
  #tracks = new Map(); // trackSid -> { handle, reader, frames, silent, started }
  #chain = Promise.resolve();
  #leaving = false;
  #gone = false;

  constructor(rtc, channel, join, onGone) {
    this.#rtc = rtc;
    this.#channel = channel;
    this.#onGone = onGone;
    this.name = join.room;
    this.url = join.url;
    this.identity = join.identity;
    this.kinds = new Set((join.transcribeKinds ?? ['standard']).map((k) => String(k).toLowerCase()));
    this.setToken(join.token);
  }

  /** A repeated join replaces only the token (kept for the next connect after a restart of ours). */
  setToken(token) {
    if (this.token) {
      forgetSecret(this.token);
    }
    this.token = token;
    keepSecret(token);
  }

  async connect() {
    const rtc = this.#rtc;
    const room = new rtc.Room();
    this.#room = room;
    this.#wire(room);
    try {
      await room.connect(this.url, this.token, { autoSubscribe: false, dynacast: false });
    } catch (error) {
      if (!this.#leaving) {
        this.#channel.send({ type: 'joinFailed', room: this.name, error: describe(error) });
      }
      this.#finish(null);
      return;
    }
    if (this.#leaving) {
      await room.disconnect().catch(() => {});
      this.#finish('leave');
      return;
    }
    const remotes = [...room.remoteParticipants.values()];
    this.#channel.send({
      type: 'joined',
      room: this.name,
      participantSid: room.localParticipant?.sid ?? '',
      participants: remotes.map((p) => this.#describeParticipant(p)),
    });
    log.info('joined room', { room: this.name, participants: remotes.length });
    for (const participant of remotes) {
      for (const publication of participant.trackPublications.values()) {
        this.#consider(publication, participant);
      }
    }
  }

  async leave() {
    this.#leaving = true;
    if (this.#room?.isConnected) {
      await this.#room.disconnect().catch((error) => log.warn('disconnect failed', { room: this.name, error: describe(error) }));
    }
    this.#finish('leave');
  }

  transcription(message) {
    if (typeof message.text !== 'string' || message.text.length === 0) {
      this.#channel.send({ type: 'error', room: this.name, message: `empty transcription refused (segment ${message.segmentId})` });
      return;
    }
    this.#serially('transcription', async (participant) => {
      const final = message.final === true;
      await participant.publishTranscription({
        participantIdentity: message.speaker,
        trackSid: message.trackSid,
        segments: [{
          id: message.segmentId,
          text: message.text,
          startTime: BigInt(Math.max(0, Math.round(message.startMs ?? 0))),
          endTime: BigInt(Math.max(0, Math.round(message.endMs ?? 0))),
          language: message.language ?? '',
          final,
        }],
      });
      const writer = await participant.streamText({
        topic: 'lk.transcription',
        senderIdentity: message.speaker,
        attributes: {
          'lk.segment_id': message.segmentId,
          'lk.transcribed_track_id': message.trackSid,
          'lk.transcription_final': final ? 'true' : 'false',
        },
      });
      await writer.write(message.text);
      await writer.close();
    });
  }

  data(message) {
    const payload = Buffer.from(message.payload ?? '', 'base64');
    this.#serially('data', (participant) => participant.publishData(payload, { reliable: true, topic: message.topic }));
  }

  // Sends keep their order within a room (an interim segment never overtakes its final), one at a time.
  #serially(what, send) {
    this.#chain = this.#chain.then(async () => {
      const participant = this.#room?.isConnected ? this.#room.localParticipant : null;
      if (!participant) {
        this.#channel.send({ type: 'error', room: this.name, message: `${what} dropped: not connected` });
        return;
      }
      try {
        await send(participant);
      } catch (error) {
        this.#channel.send({ type: 'error', room: this.name, message: `${what} failed: ${describe(error)}` });
      }
    });
  }

  #wire(room) {
    const E = this.#rtc.RoomEvent;
    room.on(E.TrackPublished, (publication, participant) => this.#consider(publication, participant));
    room.on(E.TrackSubscribed, (track, publication, participant) => this.#subscribed(track, publication, participant));
    room.on(E.TrackUnsubscribed, (_track, publication) => this.#ended(publication.sid, 'unsubscribed'));
    room.on(E.TrackUnpublished, (publication) => this.#ended(publication.sid, 'unpublished'));
    room.on(E.TrackMuted, (publication) => this.#muted(publication, true));
    room.on(E.TrackUnmuted, (publication) => this.#muted(publication, false));
    room.on(E.ParticipantDisconnected, (participant) => this.#participantLeft(participant));
    room.on(E.Reconnecting, () => this.#channel.send({ type: 'reconnecting', room: this.name }));
    room.on(E.Reconnected, () => this.#channel.send({ type: 'reconnected', room: this.name }));
    room.on(E.Disconnected, (reason) => this.#finish(this.#leaving ? 'leave' : this.#reasonName(reason)));
  }

  #consider(publication, participant) {
    const rtc = this.#rtc;
    if (publication.source !== rtc.TrackSource.SOURCE_MICROPHONE || publication.kind !== rtc.TrackKind.KIND_AUDIO) {
      return;
    }
    if (!this.#transcribes(participant) || publication.subscribed) {
      return;
    }
    publication.setSubscribed(true);
  }

  #transcribes(participant) {
    const kind = this.#kindName(participant.kind);
    return kind !== 'agent' && participant.identity !== this.identity && this.kinds.has(kind);
  }

  #subscribed(track, publication, participant) {
    if (publication.source !== this.#rtc.TrackSource.SOURCE_MICROPHONE || !this.#transcribes(participant) || this.#tracks.has(publication.sid)) {
      return;
    }
    const handle = this.#channel.nextHandle();
    const entry = { handle, reader: null, frames: 0, silent: 0, started: Date.now() };
    this.#tracks.set(publication.sid, entry);
    this.#channel.send({
      type: 'track',
      room: this.name,
      handle,
      identity: participant.identity,
      participantSid: participant.sid ?? '',
      name: participant.name ?? '',
      kind: this.#kindName(participant.kind),
      trackSid: publication.sid,
      muted: publication.muted === true,
    });
    this.#pump(track, entry).catch((error) => log.warn('audio stream failed', { room: this.name, handle, error: describe(error) }));
  }

  async #pump(track, entry) {
    const stream = new this.#rtc.AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1, frameSizeMs: FRAME_MS });
    entry.reader = stream.getReader();
    let offset = 0;
    let silentFor = 0;
    for (;;) {
      const { value: frame, done } = await entry.reader.read();
      if (done) {
        break;
      }
      const samples = frame.samplesPerChannel;
      if (isSilent(frame.data)) {
        entry.silent++;
        silentFor += samples;
        if (silentFor <= (SILENCE_MARK_MS * SAMPLE_RATE) / 1000) {
          this.#channel.sendAudio(entry.handle, offset + samples, NO_SAMPLES);
        }
      } else {
        silentFor = 0;
        this.#channel.sendAudio(entry.handle, offset, frame.data);
        entry.frames++;
      }
      offset += samples;
    }
  }

  #muted(publication, muted) {
    const entry = this.#tracks.get(publication.sid);
    if (entry) {
      this.#channel.send({ type: 'muted', room: this.name, handle: entry.handle, muted });
    }
  }

  #ended(trackSid, reason) {
    const entry = this.#tracks.get(trackSid);
    if (!entry) {
      return;
    }
    this.#tracks.delete(trackSid);
    entry.reader?.cancel().catch(() => {});
    const seconds = (Date.now() - entry.started) / 1000;
    log.info('track ended', { room: this.name, handle: entry.handle, reason, seconds, framesSent: entry.frames, silentFramesDropped: entry.silent });
    this.#channel.send({ type: 'trackEnded', room: this.name, handle: entry.handle, reason });
  }

  #participantLeft(participant) {
    for (const publication of participant.trackPublications.values()) {
      this.#ended(publication.sid, 'participantLeft');
    }
    this.#channel.send({ type: 'participantLeft', room: this.name, identity: participant.identity, participantSid: participant.sid ?? '' });
  }

  // Leaves the room for good; `reason` null means the join never succeeded (joinFailed already said so).
  #finish(reason) {
    if (this.#gone) {
      return;
    }
    this.#gone = true;
    for (const trackSid of [...this.#tracks.keys()]) {
      this.#ended(trackSid, reason ?? 'left');
    }
    if (reason !== null) {
      this.#channel.send({ type: 'left', room: this.name, reason });
    }
    forgetSecret(this.token);
    this.#onGone(this);
  }

  #describeParticipant(participant) {
    return { identity: participant.identity, sid: participant.sid ?? '', name: participant.name ?? '', kind: this.#kindName(participant.kind) };
  }

  #kindName(kind) {
    return (this.#rtc.ParticipantKind[kind] ?? 'standard').toLowerCase();
  }

  #reasonName(reason) {
    return (this.#rtc.DisconnectReason[reason] ?? 'unknown').toLowerCase();
  }
}
