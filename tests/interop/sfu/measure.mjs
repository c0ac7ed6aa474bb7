// Measures what subscribed tracks cost a Node process running @livekit/rtc-node against the stand-in SFU:
// resident memory, and CPU over a window while the tracks are silent (DTX: no packets) or speaking.
// Usage: node measure.mjs [N ...]        (default: 0 1 20). Not a test: figures depend on the machine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dispose, Room, RoomEvent } from '@livekit/rtc-node';
import { agentToken, makeSpeech, recordTrack, startSfu } from './harness.mjs';

const WINDOW_MS = 10000;

async function child(n, mode, url) {
  const room = new Room();
  const recordings = [];
  // "silent-unread": subscribed but no AudioStream, to tell the SDK's own cost from reading its frames in JS.
  let subscribedCount = 0;
  room.on(RoomEvent.TrackSubscribed, (track) => {
    subscribedCount++;
    if (mode !== 'silent-unread') recordings.push(recordTrack(track));
  });
  await room.connect(url, await agentToken('measure-agent', `m-${mode}-${n}`), { autoSubscribe: true });
  const settleUntil = Date.now() + 20000;
  while (subscribedCount < n && Date.now() < settleUntil) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2000));
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const frames0 = recordings.reduce((s, r) => s + r.frames.length, 0);
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  const frames = recordings.reduce((s, r) => s + r.frames.length, 0) - frames0;
  const zero = recordings.reduce((s, r) => s + r.frames.slice(-100).filter((f) => f.zero).length, 0);
  const result = { n, mode, subscribed: subscribedCount, rssMB: +(process.memoryUsage().rss / 2 ** 20).toFixed(1),
    cpuPercentOfCore: +((cpu.user + cpu.system) / 1000 / elapsed * 100).toFixed(2),
    framesPerSecondPerTrack: recordings.length ? +(frames / (elapsed / 1000) / n).toFixed(1) : 0,
    lastHundredFramesAllZero: recordings.length ? zero === 100 * recordings.length : null };
  for (const r of recordings) r.frames.length = 0;
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await room.disconnect();
  await dispose();
  process.exit(0);
}

async function main(counts) {
  const sfu = await startSfu();
  const speech = makeSpeech('Hello, this is a test of the scribe transcription system.', 'hello');
  const results = [];
  for (const mode of ['silent', 'silent-unread', 'speaking']) {
    for (const n of counts) {
      if (mode !== 'silent' && n === 0) continue;
      const room = `m-${mode}-${n}`;
      for (let i = 0; i < n; i++) {
        await sfu.call('POST', `rooms/${room}/participants`, { identity: `speaker-${i}` });
        // Speaking: back-to-back utterances for the whole run; silent: a microphone that never sends a packet.
        const utterances = mode === 'speaking' ? Array.from({ length: 12 }, (_, k) => ({ atMs: k * 4000, file: speech })) : [];
        await sfu.call('POST', `rooms/${room}/participants/speaker-${i}/microphone`, { utterances });
      }
      const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', String(n), mode, sfu.url],
        { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.on('data', (d) => { out += d; });
      await new Promise((r) => proc.on('exit', r));
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      const result = line ? JSON.parse(line.slice(7)) : { n, mode, error: 'no result' };
      results.push(result);
      console.log(JSON.stringify(result));
      await sfu.call('POST', `rooms/${room}/close`).catch(() => {});
    }
  }
  sfu.stop();
  return results;
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]), process.argv[4], process.argv[5]);
} else {
  const counts = process.argv.slice(2).map(Number);
  await main(counts.length ? counts : [0, 1, 20]);
  process.exit(0);
}
