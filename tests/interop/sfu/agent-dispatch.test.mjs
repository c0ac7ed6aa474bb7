// The stand-in's /agent endpoint: a worker registers, is asked for a dispatched job, gets a token minted for the
// job's room, and a termination; /agent without the agent grant is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessToken } from 'livekit-server-sdk';
import {
  AvailabilityResponse, JobType, ParticipantPermission, RegisterWorkerRequest, ServerMessage, UpdateWorkerStatus, WorkerMessage,
  WorkerPing, WorkerStatus,
} from '@livekit/protocol';
import WebSocket from 'ws';
import { API_KEY, API_SECRET, startSfu } from './harness.mjs';
import { verifyJoinToken } from './lib/token.mjs';

async function workerToken(agent, secret = API_SECRET) {
  const at = new AccessToken(API_KEY, secret, { identity: 'worker' });
  at.addGrant({ agent });
  return at.toJwt();
}

function connect(sfu, token) {
  const ws = new WebSocket(`${sfu.url}/agent`, { headers: { Authorization: `Bearer ${token}` } });
  const inbox = [];
  const waiters = [];
  ws.on('message', (data) => {
    const msg = ServerMessage.fromBinary(new Uint8Array(data)).message;
    const w = waiters.findIndex((x) => x.kind === msg.case);
    if (w >= 0) waiters.splice(w, 1)[0].resolve(msg.value); else inbox.push(msg);
  });
  const next = (kind) => {
    const i = inbox.findIndex((m) => m.case === kind);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0].value);
    return new Promise((resolve) => waiters.push({ kind, resolve }));
  };
  const send = (message) => ws.send(Buffer.from(new WorkerMessage({ message }).toBinary()));
  return { ws, next, send, opened: new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); }) };
}

describe('agent dispatch', () => {
  let sfu;
  before(async () => { sfu = await startSfu(); });
  after(() => sfu.stop());

  it('refuses a worker without the agent grant, or signed with another secret', async () => {
    await assert.rejects(connect(sfu, await workerToken(false)).opened, /401/);
    await assert.rejects(connect(sfu, await workerToken(true, 'not-the-secret-at-all-00000000')).opened, /401/);
  });

  async function register(agentName, permissions) {
    const w = connect(sfu, await workerToken(true));
    await w.opened;
    w.send({ case: 'register', value: new RegisterWorkerRequest({ type: JobType.JT_ROOM, agentName,
      allowedPermissions: permissions && new ParticipantPermission(permissions) }) });
    w.id = (await w.next('register')).workerId;
    return w;
  }

  /** Waits for an event the stand-in logged (a signal, no sleeping). */
  async function eventually(match) {
    for (;;) {
      const found = (await sfu.call('GET', 'events')).events.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Accepts every job offered, under identity 'scribe'; counts them. */
  function acceptAll(w) {
    w.taken = 0;
    (async () => {
      while (w.ws.readyState === WebSocket.OPEN) {
        const a = await w.next('availability');
        w.taken++;
        w.send({ case: 'availability', value: new AvailabilityResponse({ jobId: a.job.id, available: true, participantIdentity: 'scribe' }) });
      }
    })();
  }

  it('spreads jobs over the available workers at random by load, and offers a full one nothing', async () => {
    const [a, b, full] = [await register('spread'), await register('spread'), await register('spread')];
    full.send({ case: 'updateWorker', value: new UpdateWorkerStatus({ status: WorkerStatus.WS_FULL, load: 1 }) });
    await eventually((e) => e.event === 'worker_status' && e.workerId === full.id && e.status === 'WS_FULL');
    [a, b, full].forEach(acceptAll);
    for (let i = 0; i < 24; i++) {
      assert.equal((await sfu.call('POST', `rooms/spread-${i}/dispatch`, { agentName: 'spread' })).assigned, true);
    }
    assert.ok(a.taken > 0 && b.taken > 0, `both available workers take jobs (${a.taken}, ${b.taken})`);
    assert.equal(full.taken, 0);
    [a, b, full].forEach((w) => w.ws.close());
  });

  it('terminates a job when its agent leaves the room, once, and sends nothing to a worker that is gone', async () => {
    const w = await register('leaver', { hidden: true, canSubscribe: true, canPublishData: true });
    acceptAll(w);
    const { jobId } = await sfu.call('POST', 'rooms/left/dispatch', { agentName: 'leaver' });
    await sfu.call('POST', 'rooms/left/participants', { identity: 'scribe', kind: 'agent' });
    await sfu.call('DELETE', 'rooms/left/participants/scribe');
    assert.equal((await w.next('termination')).jobId, jobId);
    const ended = (await sfu.call('GET', 'events')).events.filter((e) => e.event === 'job_terminated' && e.jobId === jobId);
    assert.deepEqual(ended.map((e) => [e.status, e.reason, e.sent]), [['JS_FAILED', 'agent worker left the room', true]]);

    // The identity joins again (our own rejoin) and leaves: that job is over, nothing more is sent.
    await sfu.call('POST', 'rooms/left/participants', { identity: 'scribe', kind: 'agent' });
    await sfu.call('DELETE', 'rooms/left/participants/scribe');
    assert.equal((await sfu.call('GET', 'events')).events.filter((e) => e.event === 'job_terminated' && e.jobId === jobId).length, 1);

    // A job whose worker's socket closed: its agent leaving sends nothing.
    const { jobId: orphan } = await sfu.call('POST', 'rooms/orphan/dispatch', { agentName: 'leaver' });
    await sfu.call('POST', 'rooms/orphan/participants', { identity: 'scribe', kind: 'agent' });
    w.ws.close();
    await eventually((e) => e.event === 'worker_gone' && e.workerId === w.id);
    await sfu.call('DELETE', 'rooms/orphan/participants/scribe');
    const gone = (await sfu.call('GET', 'events')).events.filter((e) => e.event === 'job_terminated' && e.jobId === orphan);
    assert.deepEqual(gone.map((e) => e.sent), [false]);
  });

  it('registers, offers a dispatched job, assigns it with a job token, answers pings and terminates', async () => {
    const w = connect(sfu, await workerToken(true));
    await w.opened;
    w.send({ case: 'register', value: new RegisterWorkerRequest({ type: JobType.JT_ROOM, agentName: 'scribe-test',
      allowedPermissions: new ParticipantPermission({ hidden: true, canSubscribe: true, canPublishData: true }) }) });
    assert.match((await w.next('register')).workerId, /^AW_/);

    const dispatched = sfu.call('POST', 'rooms/dispatched/dispatch', { agentName: 'scribe-test' });
    const availability = await w.next('availability');
    assert.equal(availability.job.room.name, 'dispatched');
    assert.equal(availability.job.agentName, 'scribe-test');
    w.send({ case: 'availability', value: new AvailabilityResponse({ jobId: availability.job.id, available: true, participantIdentity: 'scribe' }) });
    const assignment = await w.next('assignment');
    assert.deepEqual(await dispatched, { jobId: availability.job.id, assigned: true, identity: 'scribe' });

    const claims = verifyJoinToken(assignment.token, API_KEY, API_SECRET);
    assert.equal(claims.sub, 'scribe');
    assert.equal(claims.kind, 'agent');
    assert.equal(claims.attributes['lk.agent_name'], 'scribe-test');
    assert.deepEqual([claims.video.room, claims.video.hidden, claims.video.canSubscribe, claims.video.canPublish],
      ['dispatched', true, true, false]);

    w.send({ case: 'ping', value: new WorkerPing({ timestamp: 42n }) });
    assert.equal((await w.next('pong')).lastTimestamp, 42n);

    await sfu.call('DELETE', `rooms/dispatched/dispatch/${availability.job.id}`);
    assert.equal((await w.next('termination')).jobId, availability.job.id);
    w.ws.close();
  });

  it('ends a job answered with terminate, without an assignment', async () => {
    const w = connect(sfu, await workerToken(true));
    await w.opened;
    w.send({ case: 'register', value: new RegisterWorkerRequest({ type: JobType.JT_ROOM, agentName: 'busy' }) });
    await w.next('register');
    const dispatched = sfu.call('POST', 'rooms/other/dispatch', { agentName: 'busy' });
    const availability = await w.next('availability');
    w.send({ case: 'availability', value: new AvailabilityResponse({ jobId: availability.job.id, terminate: true }) });
    assert.equal((await dispatched).status, 'JS_SUCCESS');
    w.ws.close();
  });
});
