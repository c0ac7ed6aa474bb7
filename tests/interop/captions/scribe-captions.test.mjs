// node --test: the browser module against messages in the shapes the README documents and Scribe sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';

// The module is served to browsers as a plain .js file; a data: URL loads it as an ES module in any node.
const source = await readFile(new URL('../../../src/Silo/wwwroot/client/scribe-captions.js', import.meta.url));
const { ScribeCaptions, TOPIC } = await import('data:text/javascript;base64,' + source.toString('base64'));

const bytes = (message) => new TextEncoder().encode(JSON.stringify(message));
const segment = (id, text, final, startMs) =>
  ({ type: 'segment', id, speaker: id.split(':')[0], speakerName: 'Alice', text, final, startMs, endMs: startMs + 500 });

test('segments are upserted by id and ordered by startMs', () => {
  const calls = [];
  const captions = new ScribeCaptions({ onSegments: (all, changed) => calls.push([all.map((s) => s.text), changed.id]) });

  assert.equal(captions.receive(bytes(segment('bob:TR_b:1.0', 'later', false, 2000))), 'segment');
  captions.receive(bytes(segment('alice:TR_a:1.0', 'hel', false, 100)));
  captions.receive(bytes(segment('alice:TR_a:1.0', 'hello there', true, 100)));

  assert.deepEqual(captions.segments.map((s) => [s.id, s.text, s.final]), [
    ['alice:TR_a:1.0', 'hello there', true],
    ['bob:TR_b:1.0', 'later', false],
  ]);
  assert.deepEqual(calls.at(-1), [['hello there', 'later'], 'alice:TR_a:1.0']);
});

test('a final segment is never replaced by interim text', () => {
  const captions = new ScribeCaptions();
  captions.receive(bytes(segment('alice:TR_a:1.0', 'kept', true, 100)));

  assert.equal(captions.receive(bytes(segment('alice:TR_a:1.0', 'late interim', false, 100))), null);
  assert.equal(captions.segments[0].text, 'kept');
});

test('status messages set the current status', () => {
  const seen = [];
  const captions = new ScribeCaptions({ onStatus: (status) => seen.push(status) });
  assert.equal(captions.status, null);

  assert.equal(captions.receive(bytes({ type: 'status', active: true, language: 'fr' })), 'status');
  captions.receive(bytes({ type: 'status', active: false, language: null }));

  assert.deepEqual(seen, [{ active: true, language: 'fr' }, { active: false, language: null }]);
  assert.deepEqual(captions.status, { active: false, language: null });
});

test('attach listens to the Scribe topic only, and detach stops listening', () => {
  const room = new EventEmitter();
  const captions = new ScribeCaptions();
  const detach = captions.attach(room);

  room.emit('dataReceived', bytes(segment('alice:TR_a:1.0', 'ours', true, 0)), { identity: 'scribe' }, 0, TOPIC);
  room.emit('dataReceived', bytes(segment('mallory:TR_m:1.0', 'other topic', true, 0)), { identity: 'x' }, 0, 'chat');
  room.emit('dataReceived', new TextEncoder().encode('not json'), undefined, 0, TOPIC);
  detach();
  room.emit('dataReceived', bytes(segment('alice:TR_a:2.0', 'after detach', true, 900)), undefined, 0, TOPIC);

  assert.equal(TOPIC, 'lk.scribe.transcript');
  assert.deepEqual(captions.segments.map((s) => s.text), ['ours']);
  assert.equal(room.listenerCount('dataReceived'), 0);
  assert.equal(room.listenerCount('transcriptionReceived'), 0);
});

// livekit-client's RoomEvent.TranscriptionReceived: (segments, participant, publication), as the agent's packets arrive.
test('LiveKit transcriptions are upserted under their segment ids, beside the Scribe topic, never twice', () => {
  const room = new EventEmitter();
  const captions = new ScribeCaptions();
  captions.attach(room);
  const alice = { identity: 'alice', name: 'Alice' };
  const lk = (id, text, final, startTime) => ({ id, text, final, startTime, endTime: startTime + 500, language: 'en' });

  room.emit('transcriptionReceived', [lk('alice:TR_a:1.0', 'hel', false, 100)], alice, undefined);
  room.emit('dataReceived', bytes(segment('alice:TR_a:1.0', 'hello', false, 100)), undefined, 0, TOPIC);
  room.emit('transcriptionReceived', [lk('alice:TR_a:1.0', 'hello there', true, 100)], alice, undefined);
  room.emit('transcriptionReceived', [lk('alice:TR_a:1.0', 'late interim', false, 100), lk('alice:TR_a:2.0', '', false, 900)], alice);

  assert.deepEqual(captions.segments.map((s) => [s.id, s.speaker, s.speakerName, s.text, s.final, s.startMs, s.endMs]), [
    ['alice:TR_a:1.0', 'alice', 'Alice', 'hello there', true, 100, 600],
  ]);
});

// The xunit test (CaptionsModuleTests) writes messages serialised by Scribe itself and names the file here.
test('messages serialised by Scribe are understood', { skip: !process.env.SCRIBE_MESSAGES && 'run from CaptionsModuleTests' }, async () => {
  const messages = JSON.parse(await readFile(process.env.SCRIBE_MESSAGES, 'utf8'));
  const captions = new ScribeCaptions();

  const kinds = messages.map((base64) => captions.receive(Buffer.from(base64, 'base64')));

  assert.deepEqual(kinds, ['status', 'segment', 'segment', 'segment']);
  assert.deepEqual(captions.status, { active: true, language: 'fr' });
  assert.deepEqual(captions.segments.map((s) => [s.speaker, s.speakerName, s.text, s.final, s.startMs, s.endMs]), [
    ['bob', 'Bob', 'bonjour', true, 40, 700],
    ['alice', 'Alice', 'salut tout le monde', true, 120, 1500],
  ]);
});
