#!/usr/bin/env node
// The stand-in SFU: LiveKit signalling and WebRTC for the real client SDK, plus a control API for tests.
// Usage: node sfu.mjs --key K --secret S [--port 0] [--departure-timeout-ms 20000]
import { createServer } from 'node:http';
import { LeaveRequest, SignalResponse } from '@livekit/protocol';
import { WebSocketServer } from 'ws';
import { MicrophoneTrack } from './lib/microphone.mjs';
import { Participant, Room } from './lib/room.mjs';
import { DisconnectReason, LeaveRequest_Action, RtcSession } from './lib/rtc-session.mjs';
import { AgentDispatch } from './lib/agent-dispatch.mjs';
import { participantFromClaims, TokenError, verifyAgentToken, verifyJoinToken } from './lib/token.mjs';

function parseArgs(argv) {
  const args = { port: 0, departureTimeoutMs: 20000 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--key') args.key = value;
    else if (name === '--secret') args.secret = value;
    else if (name === '--port') args.port = Number(value);
    else if (name === '--departure-timeout-ms') args.departureTimeoutMs = Number(value);
    else throw new Error(`unknown argument ${name}`);
  }
  if (!args.key || !args.secret) throw new Error('--key and --secret are required');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const rooms = new Map();
const events = [];
const agents = new AgentDispatch({ key: args.key, secret: args.secret, log, onEvent: (e) => events.push(e),
  roomSid: (name) => getRoom(name, true).sid });

function onRoomEvent(e) {
  events.push(e);
  if (e.event === 'participant_left') agents.participantLeft(e.room, e.participant?.identity);
}

function log(message, fields = {}) {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...fields })}\n`);
}

function getRoom(name, create) {
  let room = rooms.get(name);
  if (!room && create) {
    room = new Room(name, { onEvent: onRoomEvent, departureTimeoutMs: args.departureTimeoutMs });
    room.onDeparture = () => closeRoom(room, 'departure timeout');
    rooms.set(name, room);
    events.push({ at: new Date().toISOString(), event: 'room_started', room: name, roomSid: room.sid });
  }
  return room;
}

async function closeRoom(room, why) {
  if (room.closed) return;
  room.dispose();
  // The server disconnects everyone before it reports the room finished.
  for (const p of [...room.participants.values()]) {
    await p.session?.close({ leaveReason: DisconnectReason.ROOM_DELETED });
    room.remove(p, 'room closed');
  }
  rooms.delete(room.name);
  events.push({ at: new Date().toISOString(), event: 'room_finished', room: room.name, roomSid: room.sid, reason: why });
}

// ---- signalling ----

function rejectUpgrade(socket, status, text) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n`
    + `Connection: close\r\n\r\n${text}`);
}

function tokenOf(req, url) {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('access_token') ?? '';
}

function checkToken(req, url) {
  const claims = verifyJoinToken(tokenOf(req, url), args.key, args.secret);
  return participantFromClaims(claims);
}

const wss = new WebSocketServer({ noServer: true });

function onUpgrade(req, socket, head) {
  const url = new URL(req.url, 'http://localhost');
  // Only the dual-PC signalling of /rtc is served: /rtc/v1 answers 404, which makes the Rust SDK fall back.
  if (url.pathname === '/agent') return onAgentUpgrade(req, socket, head, url);
  if (url.pathname !== '/rtc') return rejectUpgrade(socket, 404, 'Not Found');
  let who;
  try {
    who = checkToken(req, url);
  } catch (err) {
    const text = err instanceof TokenError ? err.message : 'invalid token';
    log('join refused', { reason: text });
    return rejectUpgrade(socket, 401, text);
  }
  wss.handleUpgrade(req, socket, head, (ws) => onSignalConnection(ws, who, url));
}

// Agent workers: /agent with a token carrying the agent grant (401 otherwise), as the server's agent service.
function onAgentUpgrade(req, socket, head, url) {
  try {
    verifyAgentToken(tokenOf(req, url), args.key, args.secret);
  } catch (err) {
    log('agent worker refused', { reason: err instanceof TokenError ? err.message : 'invalid token' });
    return rejectUpgrade(socket, 401, err instanceof TokenError ? err.message : 'invalid token');
  }
  wss.handleUpgrade(req, socket, head, (ws) => agents.attach(ws));
}

function onSignalConnection(ws, who, url) {
  const reconnect = url.searchParams.get('reconnect') === '1';
  const room = getRoom(who.room, !reconnect);
  if (reconnect) {
    const sid = url.searchParams.get('sid');
    const existing = room && [...room.participants.values()].find((p) => p.sid === sid && p.session && !p.session.closed);
    if (!existing) {
      // Nothing to resume: ask for a full reconnect, as the server does when it no longer knows the participant.
      ws.send(Buffer.from(new SignalResponse({ message: { case: 'leave', value: new LeaveRequest({
        canReconnect: true, reason: DisconnectReason.STATE_MISMATCH, action: LeaveRequest_Action.RECONNECT }) } }).toBinary()));
      setTimeout(() => ws.close(), 50);
      return;
    }
    log('resume', { room: room.name, identity: existing.identity });
    existing.session.attach(ws);
    existing.session.sendReconnect();
    room.event('participant_resumed', existing);
    return;
  }
  const previous = room.participants.get(who.identity);
  if (previous) {
    previous.session?.close({ leaveReason: DisconnectReason.DUPLICATE_IDENTITY });
    room.remove(previous, 'duplicate identity');
  }
  const participant = new Participant({
    identity: who.identity, name: who.name, kind: who.kind, hidden: who.hidden, metadata: who.metadata,
    attributes: who.attributes,
    permissions: { canSubscribe: who.canSubscribe, canPublish: who.canPublish, canPublishData: who.canPublishData },
  });
  const session = new RtcSession({ room, participant, ws, autoSubscribe: url.searchParams.get('auto_subscribe') !== '0',
    log: (m, f) => log(m, { room: room.name, ...f }) });
  participant.session = session;
  session.onClientData = (bytes, reliable) => {
    if (!participant.permissions.canPublishData) return;
    const forwarded = room.onData(participant, bytes);
    if (!forwarded) return;
    for (const other of room.participants.values()) {
      if (other === participant || !other.session) continue;
      const dest = forwarded.destinationIdentities;
      if (dest.length > 0 && !dest.includes(other.identity)) continue;
      other.session.sendData(forwarded, reliable);
    }
  };
  session.onLeave = () => {
    session.close();
    room.remove(participant, 'client leave');
  };
  session.onGone = (why) => {
    session.close();
    room.remove(participant, why);
  };
  room.add(participant);
  session.sendJoin();
  log('joined', { room: room.name, identity: participant.identity, kind: participant.kind, hidden: participant.hidden });
}

// ---- control API ----

function json(res, status, body) {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(text);
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function microphoneOf(participant) {
  return [...participant.tracks.values()].find((t) => t instanceof MicrophoneTrack);
}

function describeRoom(room) {
  return {
    name: room.name,
    sid: room.sid,
    participants: [...room.participants.values()].map((p) => ({
      ...p.describe(),
      connected: p.session ? Boolean(p.session.ws) : !p.disconnected,
      simulated: !p.session,
      tracks: [...p.tracks.values()].map((t) => ({ sid: t.sid, name: t.name, muted: t.muted,
        packetsSent: t.packetsSent ?? 0 })),
      subscriptions: p.session ? p.session.describeSubscriptions() : [],
    })),
  };
}

async function control(req, res, parts) {
  // parts: ['rooms', room, ...] or ['events']
  if (parts[0] === 'events' && req.method === 'GET') return json(res, 200, { events });
  if (parts[0] === 'agent-workers' && parts[1] === 'drop' && req.method === 'POST') {
    return json(res, 200, { dropped: agents.dropWorkers() });
  }
  if (parts[0] !== 'rooms' || !parts[1]) return json(res, 404, { error: 'not found' });
  const roomName = decodeURIComponent(parts[1]);
  const rest = parts.slice(2);
  const method = req.method;
  const key = `${method} ${rest.map((p, i) => (i === 1 ? ':id' : p)).join('/')}`;

  if (key === 'POST participants') {
    const body = await readJson(req);
    const room = getRoom(roomName, true);
    if (!body.identity) return json(res, 400, { error: 'identity required' });
    if (room.participants.has(body.identity)) return json(res, 409, { error: 'identity already in room' });
    const p = new Participant({ identity: body.identity, name: body.name ?? body.identity, kind: body.kind ?? 'standard',
      hidden: body.hidden === true });
    room.add(p);
    return json(res, 200, { sid: p.sid, identity: p.identity });
  }

  if (key === 'POST dispatch') {
    // As CreateAgentDispatch: the room is created if needed, and the job offered to the name's workers.
    const body = await readJson(req);
    if (!body.agentName) return json(res, 400, { error: 'agentName required' });
    return json(res, 200, await agents.dispatch(roomName, body.agentName, body.metadata ?? ''));
  }
  if (key === 'DELETE dispatch/:id') {
    return json(res, agents.terminate(decodeURIComponent(rest[1])) ? 200 : 404, { terminated: rest[1] });
  }

  const room = getRoom(roomName, false);
  if (!room) return json(res, 404, { error: 'no such room' });
  if (key === 'GET ') return json(res, 200, describeRoom(room));
  if (key === 'GET received') return json(res, 200, room.received);
  if (key === 'POST close') {
    await closeRoom(room, 'closed by test');
    return json(res, 200, { closed: true });
  }

  const participant = rest[1] ? room.participants.get(decodeURIComponent(rest[1])) : undefined;
  if (!participant) return json(res, 404, { error: 'no such participant' });

  switch (key) {
    case 'DELETE participants/:id':
      await participant.session?.close({ leaveReason: DisconnectReason.PARTICIPANT_REMOVED });
      room.remove(participant, 'removed');
      return json(res, 200, { removed: true });
    case 'POST participants/:id/drop': {
      // {forget: true} also ends the session on the server side, so the SDK's resume is refused and it must join
      // afresh (the full reconnect); without it the peer connections survive and the SDK resumes.
      const body = await readJson(req);
      room.event('participant_dropped', participant);
      if (participant.session) {
        participant.session.drop();
        if (body.forget === true) {
          await participant.session.close();
          room.remove(participant, 'connection lost');
        }
      } else {
        room.remove(participant, 'connection lost');
      }
      return json(res, 200, { dropped: true });
    }
    case 'POST participants/:id/microphone': {
      const body = await readJson(req);
      let track = microphoneOf(participant);
      const fresh = !track;
      track ??= new MicrophoneTrack({});
      track.onUtterancePlayed ??= (played) => room.event('utterance_played', participant,
        { track: { sid: track.sid, name: track.name }, ...played });
      try {
        track.play(body.utterances ?? []);
      } catch (err) {
        return json(res, 400, { error: String(err.message ?? err) });
      }
      if (fresh) room.publish(participant, track);
      return json(res, 200, { trackSid: track.sid });
    }
    case 'POST participants/:id/microphone/mute': {
      const body = await readJson(req);
      const track = microphoneOf(participant);
      if (!track) return json(res, 404, { error: 'no microphone' });
      room.setMuted(participant, track, body.muted === true);
      return json(res, 200, { muted: track.muted });
    }
    case 'DELETE participants/:id/microphone': {
      const track = microphoneOf(participant);
      if (!track) return json(res, 404, { error: 'no microphone' });
      room.unpublish(participant, track);
      return json(res, 200, { unpublished: track.sid });
    }
    default:
      return json(res, 404, { error: `unknown control call ${key}` });
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  try {
    if (url.pathname.startsWith('/_standin/')) {
      const remote = req.socket.remoteAddress ?? '';
      if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) return json(res, 403, { error: 'loopback only' });
      return await control(req, res, url.pathname.slice('/_standin/'.length).split('/').filter(Boolean));
    }
    if (url.pathname === '/rtc/validate' || url.pathname === '/rtc/v1/validate') {
      try {
        checkToken(req, url);
        res.writeHead(200).end('success');
      } catch (err) {
        res.writeHead(401).end(err instanceof TokenError ? err.message : 'invalid token');
      }
      return;
    }
    res.writeHead(404).end('not found');
  } catch (err) {
    log('request failed', { path: url.pathname, error: String(err?.stack ?? err) });
    if (!res.headersSent) json(res, 500, { error: String(err.message ?? err) });
  }
});
server.on('upgrade', onUpgrade);
server.listen(args.port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const room of rooms.values()) for (const p of room.participants.values()) p.session?.close();
    server.close();
    setTimeout(() => process.exit(0), 100).unref();
  });
}
