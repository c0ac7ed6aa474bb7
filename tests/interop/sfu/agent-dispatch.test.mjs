// The stand-in's /agent endpoint: a worker registers, is asked for a dispatched job, gets a token minted for the
// job's room, and a termination; /agent without the agent grant is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccessToken } from 'livekit-server-sdk';
import { AvailabilityResponse, JobType, ParticipantPermission, RegisterWorkerRequest, ServerMessage, WorkerMessage, WorkerPing } from '@livekit/protocol';
import WebSocket from 'ws';
import { API_KEY, API_SECRET, startSfu } from './harness.mjs';
import { verifyJoinToken } from './lib/token.mjs';

async function workerToken(agent) {
  const at = new AccessToken(API_KEY, API_SECRET, { identity: 'worker' });
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

  it('refuses a worker without the agent grant', async () => {
    const w = connect(sfu, await workerToken(false));
    await assert.rejects(w.opened, /401/);
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
