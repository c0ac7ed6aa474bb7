// The stand-in's copy of LiveKit's data forwarding rules (protocols.md section 5), without a client: which packets a
// viewer receives and with which sender.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataPacket, DataStream_Chunk, DataStream_Header, DataStream_TextHeader, DataStream_Trailer, Transcription,
  TranscriptionSegment, UserPacket } from '@livekit/protocol';
import { Participant, Room } from './lib/room.mjs';
import { verifyJoinToken } from './lib/token.mjs';
import { AccessToken } from 'livekit-server-sdk';

function newRoom() {
  const events = [];
  return { room: new Room('r', { onEvent: (e) => events.push(e), departureTimeoutMs: 20000 }), events };
}

const transcription = () => new DataPacket({ value: { case: 'transcription', value: new Transcription({
  transcribedParticipantIdentity: 'alice', trackId: 'TR_a', segments: [new TranscriptionSegment({ id: 's', text: 'hi',
    startTime: 0n, endTime: 10n, final: true, language: 'en' })] }) } }).toBinary();

function sendTextStream(room, sender, { named, text }) {
  const packets = [
    new DataPacket({ participantIdentity: named, value: { case: 'streamHeader', value: new DataStream_Header({
      streamId: 'st', topic: 'lk.transcription', mimeType: 'text/plain', attributes: { 'lk.segment_id': 's' },
      contentHeader: { case: 'textHeader', value: new DataStream_TextHeader({}) } }) } }),
    new DataPacket({ participantIdentity: named, value: { case: 'streamChunk', value: new DataStream_Chunk({
      streamId: 'st', chunkIndex: 0n, content: new TextEncoder().encode(text) }) } }),
    new DataPacket({ participantIdentity: named, value: { case: 'streamTrailer', value: new DataStream_Trailer({
      streamId: 'st' }) } }),
  ];
  return packets.map((p) => room.onData(sender, p.toBinary()));
}

describe('LiveKit forwarding rules in the stand-in room', () => {
  it('forwards a transcription only from an agent, with a blank sender when the agent is hidden', () => {
    const { room } = newRoom();
    const person = new Participant({ identity: 'mallory', kind: 'standard' });
    const agent = new Participant({ identity: 'scribe', kind: 'agent', hidden: true });
    assert.equal(room.onData(person, transcription()), null);
    const forwarded = room.onData(agent, transcription());
    assert.equal(forwarded.participantIdentity, '');
    assert.deepEqual(room.received.transcriptions.map((t) => [t.sender, t.transcribedParticipantIdentity]), [['', 'alice']]);
  });

  it('blanks the sender of user data from a hidden participant and keeps a visible one', () => {
    const { room } = newRoom();
    const hidden = new Participant({ identity: 'ghost', kind: 'agent', hidden: true });
    const visible = new Participant({ identity: 'carol' });
    const user = new DataPacket({ value: { case: 'user', value: new UserPacket({ topic: 't',
      payload: new Uint8Array([1, 2]) }) } }).toBinary();
    room.onData(hidden, user);
    room.onData(visible, user);
    assert.deepEqual(room.received.data.map((d) => [d.sender, d.topic, d.payload]), [['', 't', 'AQI='], ['carol', 't', 'AQI=']]);
  });

  it('keeps the named sender of an agent\'s text stream and marks it generated; blanks it from anyone else hidden', () => {
    const { room } = newRoom();
    const agent = new Participant({ identity: 'scribe', kind: 'agent', hidden: true });
    const sneaky = new Participant({ identity: 'sneaky', kind: 'standard', hidden: true });
    const fromAgent = sendTextStream(room, agent, { named: 'alice', text: 'héllo' });
    assert.ok(fromAgent.every((p) => p.participantIdentity === 'alice'));
    sendTextStream(room, sneaky, { named: 'alice', text: 'fake' });
    assert.deepEqual(room.received.textStreams.map((s) => [s.senderIdentity, s.generated, s.text]),
      [['alice', true, 'héllo'], ['', false, 'fake']]);
  });

  it('checks tokens as LiveKit does: signature, issuer, roomJoin and room', async () => {
    const mint = async (grant, key = 'k', secret = 'a-secret-long-enough-for-hs256-signing') => {
      const at = new AccessToken(key, secret, { identity: 'x' });
      at.addGrant(grant);
      return at.toJwt();
    };
    const secret = 'a-secret-long-enough-for-hs256-signing';
    assert.equal(verifyJoinToken(await mint({ roomJoin: true, room: 'r' }), 'k', secret).sub, 'x');
    assert.throws(() => verifyJoinToken('', 'k', secret), /no authorization/);
    const otherKey = await mint({ roomJoin: true, room: 'r' }, 'other');
    assert.throws(() => verifyJoinToken(otherKey, 'k', secret), /API key/);
    const otherSecret = await mint({ roomJoin: true, room: 'r' }, 'k', 'wrong-secret-wrong-secret-wrong');
    assert.throws(() => verifyJoinToken(otherSecret, 'k', secret), /signature/);
    const noJoin = await mint({ room: 'r' });
    assert.throws(() => verifyJoinToken(noJoin, 'k', secret), /roomJoin/);
  });
});
