// An agent never keeps a room open: when the last participant who is not an agent leaves, the room closes after
// the departure timeout and the SDK sees itself disconnected (here with a short timeout).
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { dispose, Room, RoomEvent } from '@livekit/rtc-node';
import { agentToken, eventually, nextEvent, startSfu } from './harness.mjs';

let sfu;
after(async () => {
  sfu?.stop();
  await dispose();
});

it('closes a room left to agents after the departure timeout, disconnecting the agent', async () => {
  sfu = await startSfu({ departureTimeoutMs: 500 });
  await sfu.call('POST', 'rooms/lonely/participants', { identity: 'alice' });
  const room = new Room();
  await room.connect(sfu.url, await agentToken('scribe-agent', 'lonely'), { autoSubscribe: false });
  const disconnected = nextEvent(room, RoomEvent.Disconnected);
  await sfu.call('DELETE', 'rooms/lonely/participants/alice');
  await disconnected;
  const finished = await eventually('room_finished', async () => (await sfu.call('GET', 'events')).events
    .find((e) => e.event === 'room_finished' && e.room === 'lonely'));
  assert.equal(finished.reason, 'departure timeout');
});
