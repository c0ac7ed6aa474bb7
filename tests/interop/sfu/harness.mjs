// Shared by the stand-in's tests and its measurement script: start the SFU, call its control API, mint tokens,
// make test speech, read PCM off an AudioStream, wait for a condition.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AudioStream } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';

const here = dirname(fileURLToPath(import.meta.url));
export const API_KEY = 'standin-key';
export const API_SECRET = 'standin-secret-that-is-long-enough-for-hs256';

/** Starts sfu.mjs on a free port; resolves once it printed its ready line. */
export async function startSfu({ departureTimeoutMs = 20000 } = {}) {
  const child = spawn(process.execPath, [join(here, 'sfu.mjs'), '--key', API_KEY, '--secret', API_SECRET, '--port', '0',
    '--departure-timeout-ms', String(departureTimeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  createInterface({ input: child.stderr }).on('line', (l) => logs.push(l));
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sfu exited with ${code}: ${logs.join('\n')}`)));
  });
  const { port } = JSON.parse(line);
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/_standin/${path}`, { method, headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { child, port, url: `ws://127.0.0.1:${port}`, logs, call, stop: () => child.kill('SIGTERM') };
}

export async function agentToken(identity, room, { secret = API_SECRET } = {}) {
  const at = new AccessToken(API_KEY, secret, { identity, name: identity, kind: 'agent', ttl: '1h' });
  at.addGrant({ roomJoin: true, room, hidden: true, agent: true, canSubscribe: true, canPublishData: true,
    canPublish: false });
  return at.toJwt();
}

/** Makes an Ogg Opus file of synthetic speech (flite's slt voice, opusenc) and returns its path. */
export function makeSpeech(text, name, dir = mkdtempSync(join(tmpdir(), 'standin-speech-'))) {
  const wav = join(dir, `${name}.wav`);
  const opus = join(dir, `${name}.opus`);
  if (!existsSync(opus)) {
    execFileSync('flite', ['-voice', 'slt', '-t', text, '-o', wav]);
    execFileSync('opusenc', ['--quiet', wav, opus]);
  }
  return opus;
}

export function rms(samples) {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Reads 16 kHz mono frames from a remote audio track into `frames` ({at, samples, rms, zero}) until stopped. */
export function recordTrack(track) {
  const stream = new AudioStream(track, { sampleRate: 16000, numChannels: 1 });
  const frames = [];
  let stopped = false;
  const done = (async () => {
    for await (const frame of stream) {
      if (stopped) break;
      const level = rms(frame.data);
      frames.push({ at: Date.now(), samples: frame.samplesPerChannel, rate: frame.sampleRate,
        channels: frame.channels, rms: level, zero: frame.data.every((v) => v === 0) });
    }
  })();
  return { frames, stop: async () => { stopped = true; await stream.cancel?.().catch(() => {}); await Promise.race([done, new Promise((r) => setTimeout(r, 200))]); } };
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs` saying what it waited for. */
export async function eventually(what, probe, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the arguments of the next `event` the emitter fires that passes `filter`. */
export function nextEvent(emitter, event, filter = () => true, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    function handler(...args) {
      if (!filter(...args)) return;
      clearTimeout(timer);
      emitter.off(event, handler);
      resolve(args);
    }
    emitter.on(event, handler);
  });
}
