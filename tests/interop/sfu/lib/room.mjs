// A room as the stand-in SFU keeps it: participants (simulated ones and SDK-connected ones), their microphone
// tracks, what a viewer would have received, and the forwarding rules LiveKit's server applies to data.
import { randomBytes } from 'node:crypto';
import {
  DataPacket,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  ParticipantUpdate,
  Room as RoomInfo,
  TrackInfo,
  TrackSource,
  TrackType,
} from '@livekit/protocol';

/** LiveKit's ids: a prefix and 12 base62-ish characters. */
export function newSid(prefix) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

const kindEnum = {
  standard: ParticipantInfo_Kind.STANDARD,
  ingress: ParticipantInfo_Kind.INGRESS,
  egress: ParticipantInfo_Kind.EGRESS,
  sip: ParticipantInfo_Kind.SIP,
  agent: ParticipantInfo_Kind.AGENT,
};

export class Participant {
  constructor({ identity, name = '', kind = 'standard', hidden = false, metadata = '', attributes = {}, permissions }) {
    this.sid = newSid('PA_');
    this.identity = identity;
    this.name = name;
    this.kind = kind;
    this.hidden = hidden;
    this.metadata = metadata;
    this.attributes = attributes;
    this.permissions = permissions ?? { canSubscribe: true, canPublish: true, canPublishData: true };
    this.joinedAt = Date.now();
    this.version = 1;
    this.tracks = new Map(); // trackSid -> MicrophoneTrack (simulated) or a published track record
    this.session = null; // RtcSession when connected through the SDK
    this.disconnected = false;
  }

  toInfo(state = ParticipantInfo_State.ACTIVE) {
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      state: this.disconnected ? ParticipantInfo_State.DISCONNECTED : state,
      metadata: this.metadata,
      attributes: this.attributes,
      joinedAt: BigInt(Math.floor(this.joinedAt / 1000)),
      joinedAtMs: BigInt(this.joinedAt),
      version: this.version,
      kind: kindEnum[this.kind] ?? ParticipantInfo_Kind.STANDARD,
      isPublisher: this.tracks.size > 0,
      permission: new ParticipantPermission({
        canSubscribe: this.permissions.canSubscribe,
        canPublish: this.permissions.canPublish,
        canPublishData: this.permissions.canPublishData,
        hidden: this.hidden,
        agent: this.kind === 'agent',
      }),
      tracks: [...this.tracks.values()].map((t) => t.toInfo()),
    });
  }

  describe() {
    return { identity: this.identity, sid: this.sid, name: this.name, kind: this.kind, hidden: this.hidden,
      metadata: this.metadata, attributes: this.attributes };
  }
}

export class TrackRecord {
  constructor({ sid = newSid('TR_'), name = 'microphone', muted = false }) {
    this.sid = sid;
    this.name = name;
    this.muted = muted;
  }

  toInfo() {
    return new TrackInfo({
      sid: this.sid,
      type: TrackType.AUDIO,
      name: this.name,
      muted: this.muted,
      source: TrackSource.MICROPHONE,
      mimeType: 'audio/opus',
      stereo: false,
      disableDtx: false,
    });
  }
}

export class Room {
  constructor(name, { onEvent, departureTimeoutMs }) {
    this.name = name;
    this.sid = newSid('RM_');
    this.createdAt = Date.now();
    this.participants = new Map(); // identity -> Participant
    this.received = { transcriptions: [], textStreams: [], data: [] };
    this.openStreams = new Map(); // stream id -> { header, senderIdentity, generated, chunks }
    this.closed = false;
    this._onEvent = onEvent;
    this._departureTimeoutMs = departureTimeoutMs;
    this._departureTimer = null;
  }

  toInfo() {
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      emptyTimeout: 300,
      departureTimeout: Math.round(this._departureTimeoutMs / 1000),
      creationTime: BigInt(Math.floor(this.createdAt / 1000)),
      creationTimeMs: BigInt(this.createdAt),
      numParticipants: [...this.participants.values()].filter((p) => !p.hidden).length,
    });
  }

  event(type, participant, extra = {}) {
    this._onEvent({ at: new Date().toISOString(), event: type, room: this.name, roomSid: this.sid,
      participant: participant?.describe(), ...extra });
  }

  /** Whom `viewer` is shown: everyone else but hidden participants (LiveKit lists hidden ones to nobody). */
  visibleTo(viewer) {
    return [...this.participants.values()].filter((p) => p !== viewer && !p.hidden && !p.disconnected);
  }

  sessions() {
    return [...this.participants.values()].filter((p) => p.session).map((p) => p.session);
  }

  add(participant) {
    this.participants.set(participant.identity, participant);
    this._cancelDeparture();
    this.event('participant_joined', participant);
    this.broadcastUpdate(participant);
  }

  remove(participant, reason) {
    if (this.participants.get(participant.identity) !== participant) return;
    participant.disconnected = true;
    for (const track of participant.tracks.values()) track.stop?.();
    for (const session of this.sessions()) session.unsubscribeParticipant(participant);
    this.participants.delete(participant.identity);
    this.event('participant_left', participant, { reason });
    this.broadcastUpdate(participant);
    this._scheduleDepartureIfOnlyAgents();
  }

  publish(participant, track) {
    participant.tracks.set(track.sid, track);
    participant.version++;
    this.event('track_published', participant, { track: { sid: track.sid, name: track.name, source: 'microphone' } });
    this.broadcastUpdate(participant);
    for (const session of this.sessions()) session.onTrackPublished(participant, track);
  }

  unpublish(participant, track) {
    if (!participant.tracks.delete(track.sid)) return;
    track.stop?.();
    participant.version++;
    for (const session of this.sessions()) session.unsubscribeTrack(track.sid);
    this.event('track_unpublished', participant, { track: { sid: track.sid, name: track.name } });
    this.broadcastUpdate(participant);
  }

  setMuted(participant, track, muted) {
    track.muted = muted;
    participant.version++;
    this.broadcastUpdate(participant);
  }

  broadcastUpdate(participant) {
    if (participant.hidden) return;
    const update = new ParticipantUpdate({ participants: [participant.toInfo()] });
    for (const p of this.participants.values()) {
      if (p !== participant && p.session) p.session.sendParticipantUpdate(update);
    }
  }

  findTrack(trackSid) {
    for (const p of this.participants.values()) {
      const track = p.tracks.get(trackSid);
      if (track) return { participant: p, track };
    }
    return null;
  }

  /** An agent never keeps a room open: once only agents are left, the room closes after the departure timeout. */
  _scheduleDepartureIfOnlyAgents() {
    const others = [...this.participants.values()].filter((p) => p.kind !== 'agent');
    if (others.length > 0 || this._departureTimer || this.closed) return;
    this._departureTimer = setTimeout(() => this.onDeparture?.(), this._departureTimeoutMs);
  }

  _cancelDeparture() {
    const nonAgent = [...this.participants.values()].some((p) => p.kind !== 'agent');
    if (nonAgent && this._departureTimer) {
      clearTimeout(this._departureTimer);
      this._departureTimer = null;
    }
  }

  dispose() {
    this.closed = true;
    if (this._departureTimer) clearTimeout(this._departureTimer);
  }

  // ---- data from an SDK participant: the server's forwarding rules, then what a viewer records ----

  /** Applies LiveKit's rules to a data packet from `sender`; returns the packet as others receive it, or null. */
  onData(sender, bytes) {
    let packet;
    try {
      packet = DataPacket.fromBinary(bytes);
    } catch {
      return null;
    }
    const at = new Date().toISOString();
    const shownSender = sender.hidden ? '' : sender.identity;
    const value = packet.value;
    switch (value.case) {
      case 'transcription': {
        if (sender.kind !== 'agent') return null; // the server forwards transcriptions from agents only
        const t = value.value;
        this.received.transcriptions.push({
          receivedAt: at,
          sender: shownSender,
          transcribedParticipantIdentity: t.transcribedParticipantIdentity,
          trackId: t.trackId,
          segments: t.segments.map((s) => ({ id: s.id, text: s.text, startTime: Number(s.startTime),
            endTime: Number(s.endTime), final: s.final, language: s.language })),
        });
        break;
      }
      case 'user': {
        const u = value.value;
        this.received.data.push({ receivedAt: at, topic: u.topic ?? '', sender: shownSender,
          payload: Buffer.from(u.payload).toString('base64') });
        break;
      }
      case 'streamHeader': {
        const h = value.value;
        const named = packet.participantIdentity;
        const onBehalf = sender.kind === 'agent' && named && named !== sender.identity;
        const senderIdentity = onBehalf ? named : shownSender;
        const generated = onBehalf || (h.contentHeader.case === 'textHeader' && h.contentHeader.value.generated);
        this.openStreams.set(h.streamId, { header: h, senderIdentity, generated, chunks: [] });
        packet.participantIdentity = senderIdentity;
        break;
      }
      case 'streamChunk': {
        const open = this.openStreams.get(value.value.streamId);
        if (open) {
          open.chunks.push(Buffer.from(value.value.content));
          packet.participantIdentity = open.senderIdentity;
        }
        break;
      }
      case 'streamTrailer': {
        const tr = value.value;
        const open = this.openStreams.get(tr.streamId);
        if (!open) break;
        this.openStreams.delete(tr.streamId);
        packet.participantIdentity = open.senderIdentity;
        if (open.header.contentHeader.case !== 'textHeader') break; // byte streams are not recorded
        this.received.textStreams.push({
          receivedAt: at,
          streamId: tr.streamId,
          topic: open.header.topic,
          senderIdentity: open.senderIdentity,
          attributes: { ...open.header.attributes, ...tr.attributes },
          text: Buffer.concat(open.chunks).toString('utf8'),
          generated: open.generated,
        });
        break;
      }
      default:
        break;
    }
    if (value.case !== 'streamHeader' && value.case !== 'streamChunk' && value.case !== 'streamTrailer') {
      packet.participantIdentity = shownSender;
    }
    packet.participantSid = sender.hidden ? '' : sender.sid;
    return packet;
  }
}
