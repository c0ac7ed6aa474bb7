// One SDK participant's connection: the signalling WebSocket (protobuf SignalRequest/SignalResponse) and the two
// peer connections LiveKit uses in its dual-PC mode: the subscriber PC the server offers (our tracks and data to
// the client) and the publisher PC the client offers (its data channels, to us).
import {
  ClientConfiguration,
  DataPacket,
  DisconnectReason,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  Pong,
  ReconnectResponse,
  ServerInfo,
  ServerInfo_Edition,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SignalTarget,
  TrickleRequest,
} from '@livekit/protocol';
import { MediaStream, RTCPeerConnection } from 'werift';

const PING_INTERVAL_S = 5;
const PING_TIMEOUT_S = 15;
export const SERVER_VERSION = '1.9.0';

/**
 * werift writes port 0 (rejected) for an inactive m-section yet keeps its mid in the BUNDLE group; libwebrtc
 * refuses that (the client's recv-only audio/video sections, our unsubscribed tracks), so an inactive section
 * goes out as bundled on the discard port instead, as LiveKit's own server writes it.
 */
export function bundleInactiveSections(sdp) {
  return sdp.replace(/^m=(audio|video) 0 /gm, 'm=$1 9 ');
}

function peerConfig() {
  return { bundlePolicy: 'max-bundle', iceUseIpv4: true, iceUseIpv6: false };
}

export class RtcSession {
  constructor({ room, participant, ws, autoSubscribe, log }) {
    this.room = room;
    this.participant = participant;
    this.autoSubscribe = autoSubscribe;
    this.log = log;
    this.subscriptions = new Map(); // trackSid -> { transceiver, track }
    this.closed = false;
    this.negotiating = false;
    this.renegotiate = false;
    this.pendingRemoteCandidates = { [SignalTarget.PUBLISHER]: [], [SignalTarget.SUBSCRIBER]: [] };

    this.subPc = new RTCPeerConnection(peerConfig());
    this.subPc.onIceCandidate.subscribe((c) => c && this._trickle(c, SignalTarget.SUBSCRIBER));
    this.subPc.connectionStateChange.subscribe((s) => this._onPcState('subscriber', s));
    // LiveKit's server opens these on the subscriber PC to deliver data to the client.
    this.subReliable = this.subPc.createDataChannel('_reliable', { ordered: true });
    this.subLossy = this.subPc.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 });
    this.pubPc = null;
    // The last reliable data sequence received from the client: the resume answer carries it so the SDK resends
    // only what came later, and a packet resent anyway is dropped, as LiveKit's server does.
    this.lastReliableSequence = 0;
    this.attach(ws);
  }

  attach(ws) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      let request;
      try {
        request = SignalRequest.fromBinary(new Uint8Array(data));
      } catch (err) {
        this.log('bad signal request', { error: String(err) });
        return;
      }
      this._onRequest(request).catch((err) => this.log('signal handling failed', { error: String(err?.stack ?? err) }));
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = null;
    });
  }

  send(message) {
    if (!this.ws || this.ws.readyState !== 1) return;
    this.ws.send(Buffer.from(new SignalResponse({ message }).toBinary()));
  }

  sendJoin(serverVersion = SERVER_VERSION) {
    const p = this.participant;
    this.send({ case: 'join', value: new JoinResponse({
      room: this.room.toInfo(),
      participant: p.toInfo(),
      otherParticipants: this.room.visibleTo(p).map((o) => o.toInfo()),
      serverVersion,
      serverInfo: new ServerInfo({ edition: ServerInfo_Edition.Standard, version: serverVersion, protocol: 16,
        nodeId: 'standin' }),
      iceServers: [],
      subscriberPrimary: true,
      pingInterval: PING_INTERVAL_S,
      pingTimeout: PING_TIMEOUT_S,
      clientConfiguration: new ClientConfiguration({}),
      fastPublish: false,
    }) });
    // The server starts the subscriber connection at once (data channels, then tracks as they are subscribed).
    if (this.autoSubscribe) {
      for (const other of this.room.visibleTo(p)) for (const t of other.tracks.values()) this._subscribe(other, t);
    }
    this.negotiate();
  }

  sendReconnect() {
    this.send({ case: 'reconnect', value: new ReconnectResponse({ iceServers: [],
      clientConfiguration: new ClientConfiguration({}), lastMessageSeq: this.lastReliableSequence }) });
  }

  sendParticipantUpdate(update) {
    this.send({ case: 'update', value: update });
  }

  sendLeave(reason, action = LeaveRequest_Action.DISCONNECT) {
    this.send({ case: 'leave', value: new LeaveRequest({ canReconnect: action !== LeaveRequest_Action.DISCONNECT,
      reason, action }) });
  }

  /** Forwards a (rewritten) data packet to this client over its subscriber data channel. */
  sendData(packet, reliable = true) {
    const dc = reliable ? this.subReliable : this.subLossy;
    if (dc.readyState === 'open') dc.send(Buffer.from(packet.toBinary()));
  }

  // ---- subscriptions ----

  onTrackPublished(publisher, track) {
    if (this.autoSubscribe && publisher !== this.participant && !publisher.hidden) {
      this._subscribe(publisher, track);
      this.negotiate();
    }
  }

  _subscribe(publisher, track) {
    if (this.subscriptions.has(track.sid) || !track.senders) return;
    const stream = new MediaStream({ id: `${publisher.sid}|${track.sid}` });
    const transceiver = this.subPc.addTransceiver('audio', { direction: 'sendonly', streams: [stream] });
    track.senders.add(transceiver.sender);
    this.subscriptions.set(track.sid, { transceiver, track, publisher });
  }

  unsubscribeTrack(trackSid) {
    const sub = this.subscriptions.get(trackSid);
    if (!sub) return;
    this.subscriptions.delete(trackSid);
    sub.track.senders.delete(sub.transceiver.sender);
    try {
      sub.transceiver.setDirection('inactive');
    } catch {
      // a closed PC has nothing left to renegotiate
    }
    this.negotiate();
  }

  unsubscribeParticipant(publisher) {
    for (const [sid, sub] of this.subscriptions) if (sub.publisher === publisher) this.unsubscribeTrack(sid);
  }

  describeSubscriptions() {
    return [...this.subscriptions.keys()];
  }

  // ---- negotiation of the subscriber PC (server offers) ----

  async negotiate() {
    if (this.closed) return;
    if (this.negotiating) {
      this.renegotiate = true;
      return;
    }
    this.negotiating = true;
    try {
      const offer = await this.subPc.createOffer();
      await this.subPc.setLocalDescription(offer);
      this.send({ case: 'offer', value: new SessionDescription({ type: 'offer', sdp: bundleInactiveSections(this.subPc.localDescription.sdp) }) });
    } catch (err) {
      this.negotiating = false;
      this.log('subscriber offer failed', { error: String(err?.stack ?? err) });
    }
  }

  async _onSubscriberAnswer(sdp) {
    await this.subPc.setRemoteDescription({ type: 'answer', sdp });
    await this._flushCandidates(SignalTarget.SUBSCRIBER);
    this.negotiating = false;
    if (this.renegotiate) {
      this.renegotiate = false;
      await this.negotiate();
    }
  }

  // ---- the publisher PC (client offers) ----

  async _onPublisherOffer(sdp) {
    if (!this.pubPc) {
      this.pubPc = new RTCPeerConnection(peerConfig());
      this.pubPc.onIceCandidate.subscribe((c) => c && this._trickle(c, SignalTarget.PUBLISHER));
      this.pubPc.connectionStateChange.subscribe((s) => this._onPcState('publisher', s));
      this.pubPc.onDataChannel.subscribe((dc) => {
        const reliable = dc.label === '_reliable';
        dc.onMessage.subscribe((data) => {
          if (typeof data === 'string') return;
          if (reliable && !this._isFreshReliable(data)) return;
          this.onClientData?.(data, reliable);
        });
      });
    }
    await this.pubPc.setRemoteDescription({ type: 'offer', sdp });
    await this._flushCandidates(SignalTarget.PUBLISHER);
    const answer = await this.pubPc.createAnswer();
    await this.pubPc.setLocalDescription(answer);
    if (process.env.SFU_DEBUG_SDP) this.log("publisher sdp", { offer: sdp, answer: this.pubPc.localDescription.sdp });
    this.send({ case: 'answer', value: new SessionDescription({ type: 'answer', sdp: bundleInactiveSections(this.pubPc.localDescription.sdp) }) });
  }

  _isFreshReliable(bytes) {
    let sequence = 0;
    try {
      sequence = DataPacket.fromBinary(bytes).sequence;
    } catch {
      return true;
    }
    if (sequence === 0) return true;
    if (sequence <= this.lastReliableSequence) return false;
    this.lastReliableSequence = sequence;
    return true;
  }

  _trickle(candidate, target) {
    const init = candidate.toJSON ? candidate.toJSON() : candidate;
    this.send({ case: 'trickle', value: new TrickleRequest({
      candidateInit: JSON.stringify({ candidate: init.candidate, sdpMid: init.sdpMid ?? '0',
        sdpMLineIndex: init.sdpMLineIndex ?? 0 }),
      target,
    }) });
  }

  async _addRemoteCandidate(target, init) {
    const pc = target === SignalTarget.PUBLISHER ? this.pubPc : this.subPc;
    if (!pc || !pc.remoteDescription) {
      this.pendingRemoteCandidates[target].push(init);
      return;
    }
    await pc.addIceCandidate(init).catch((err) => this.log('addIceCandidate failed', { error: String(err) }));
  }

  async _flushCandidates(target) {
    const pending = this.pendingRemoteCandidates[target].splice(0);
    for (const c of pending) await this._addRemoteCandidate(target, c);
  }

  _onPcState(which, state) {
    this.log('pc state', { identity: this.participant.identity, pc: which, state });
    if ((state === 'failed' || state === 'closed') && !this.closed && !this.ws) this.onGone?.('pc ' + state);
  }

  // ---- requests from the client ----

  async _onRequest(request) {
    const { case: kind, value } = request.message;
    switch (kind) {
      case 'offer':
        await this._onPublisherOffer(value.sdp);
        break;
      case 'answer':
        await this._onSubscriberAnswer(value.sdp);
        break;
      case 'trickle': {
        const init = JSON.parse(value.candidateInit);
        await this._addRemoteCandidate(value.target, init);
        break;
      }
      case 'pingReq':
        this.send({ case: 'pongResp', value: new Pong({ lastPingTimestamp: value.timestamp, timestamp: BigInt(Date.now()) }) });
        break;
      case 'ping':
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        break;
      case 'subscription': {
        this.log('update subscription', { identity: this.participant.identity, trackSids: value.trackSids, subscribe: value.subscribe });
        for (const sid of value.trackSids) {
          if (!value.subscribe) {
            this.unsubscribeTrack(sid);
            continue;
          }
          const found = this.room.findTrack(sid);
          if (found && found.participant !== this.participant) this._subscribe(found.participant, found.track);
        }
        await this.negotiate();
        break;
      }
      case 'leave':
        this.onLeave?.();
        break;
      case 'syncState':
      case 'trackSetting':
      case 'updateMetadata':
      case 'subscriptionPermission':
      case 'updateAudioTrack':
        break;
      default:
        this.log('signal request ignored', { kind });
    }
  }

  async close({ leaveReason } = {}) {
    if (this.closed) return;
    if (leaveReason !== undefined) this.sendLeave(leaveReason);
    this.closed = true;
    for (const sid of [...this.subscriptions.keys()]) {
      const sub = this.subscriptions.get(sid);
      sub.track.senders.delete(sub.transceiver.sender);
    }
    this.subscriptions.clear();
    const ws = this.ws;
    if (ws) setTimeout(() => ws.close(), 50);
    await Promise.allSettled([this.subPc.close(), this.pubPc?.close()]);
  }

  /** Cuts the signalling connection without a leave (the peer connections stay), so the SDK has to resume. */
  drop() {
    this.ws?.terminate();
    this.ws = null;
  }
}

export { DisconnectReason, LeaveRequest_Action };
