// LiveKit's agent dispatch as the server runs it: workers hold a WebSocket on /agent (binary WorkerMessage in,
// ServerMessage out), register under an agent name, and share that name's jobs. A dispatch asks one worker whether it
// is available (answer within 10 s, else the job fails), chosen at random weighted by 1 - load among the available
// ones not asked yet; an available worker gets an assignment with a token minted for the job's room; a terminate
// answer ends the job as done without an agent. The room remembers the job by the identity the worker answered: when
// a participant of that identity leaves the room (for any reason, a duplicate identity included), the job is
// terminated (JS_FAILED, "agent worker left the room"), once. A worker whose socket closes takes its jobs with it:
// nothing is sent for them later (pkg/rtc/room.go RemoveParticipant, pkg/agent/worker.go, pkg/service/agentservice.go).
import { randomBytes } from 'node:crypto';
import {
  AvailabilityRequest, Job, JobAssignment, JobStatus, JobTermination, JobType, RegisterWorkerResponse, ServerInfo,
  ServerMessage, WorkerMessage, WorkerPong,
} from '@livekit/protocol';
import { signToken } from './token.mjs';

const AVAILABILITY_TIMEOUT_MS = 10_000;
const id = (prefix) => `${prefix}${randomBytes(6).toString('hex')}`;

export class AgentDispatch {
  constructor({ key, secret, log, onEvent, roomSid }) {
    Object.assign(this, { key, secret, log, onEvent, roomSid });
    this.workers = new Set();
    this.jobs = new Map(); // id -> { job, worker, status, identity }
    this.agentParticipants = new Map(); // `${room}\n${identity}` -> job id, as the server's room keeps them
  }

  /** A worker's socket, once its token carried the agent grant. */
  attach(ws) {
    const worker = { id: id('AW_'), ws, agentName: null, permissions: null, status: 'WS_AVAILABLE', load: 0, pending: new Map() };
    ws.on('message', (data) => {
      let msg;
      try {
        msg = WorkerMessage.fromBinary(new Uint8Array(data));
      } catch (err) {
        this.log('agent worker: bad message', { error: String(err) });
        return;
      }
      this.onMessage(worker, msg.message);
    });
    ws.on('close', () => {
      this.workers.delete(worker);
      worker.closed = true;
      this.event('worker_gone', { workerId: worker.id });
    });
  }

  send(worker, message) {
    worker.ws.send(Buffer.from(new ServerMessage({ message }).toBinary()));
  }

  onMessage(worker, { case: kind, value }) {
    switch (kind) {
      case 'register':
        worker.agentName = value.agentName;
        worker.permissions = value.allowedPermissions;
        this.workers.add(worker);
        this.send(worker, { case: 'register', value: new RegisterWorkerResponse({ workerId: worker.id, serverInfo: new ServerInfo({}) }) });
        this.event('worker_registered', { workerId: worker.id, agentName: value.agentName, type: JobType[value.type],
          permissions: value.allowedPermissions?.toJson() ?? null });
        return;
      case 'availability': {
        const answer = worker.pending.get(value.jobId);
        if (answer) answer(value);
        return;
      }
      case 'updateJob': {
        const job = this.jobs.get(value.jobId);
        // The server keeps no state for an ended job: a later update of it is ignored (as "unknown job").
        if (job && !['JS_SUCCESS', 'JS_FAILED'].includes(job.status)) job.status = JobStatus[value.status];
        this.event('job_status', { jobId: value.jobId, status: JobStatus[value.status], error: value.error });
        return;
      }
      case 'updateWorker':
        if (value.status !== undefined) worker.status = value.status === 1 ? 'WS_FULL' : 'WS_AVAILABLE';
        worker.load = value.load;
        this.event('worker_status', { workerId: worker.id, status: worker.status, load: value.load, jobCount: value.jobCount });
        return;
      case 'ping':
        this.send(worker, { case: 'pong', value: new WorkerPong({ lastTimestamp: value.timestamp, timestamp: BigInt(Date.now()) }) });
        return;
      default:
    }
  }

  /** CreateAgentDispatch: a room job for the workers registered under agentName. Resolves with the job's outcome. */
  async dispatch(roomName, agentName, metadata = '') {
    const job = new Job({ id: id('AJ_'), type: JobType.JT_ROOM, agentName, metadata, dispatchId: id('AD_'),
      room: { name: roomName, sid: this.roomSid(roomName) } });
    const asked = new Set();
    for (let worker = this.pick(agentName, asked); worker; worker = this.pick(agentName, asked)) {
      asked.add(worker);
      const answer = await this.ask(worker, job);
      if (answer === null) return this.fail(job, 'availability timed out');
      if (answer.terminate) return this.record(job, worker, 'JS_SUCCESS', 'terminated at availability');
      if (!answer.available) continue;
      // The identity is the worker's to give; the server invents none (an empty one fails at join).
      const identity = answer.participantIdentity;
      const token = this.jobToken(job, identity, answer, worker);
      this.record(job, worker, 'JS_RUNNING', null, identity);
      if (identity) this.agentParticipants.set(`${roomName}\n${identity}`, job.id);
      this.send(worker, { case: 'assignment', value: new JobAssignment({ job, token }) });
      this.event('job_assigned', { jobId: job.id, room: roomName, workerId: worker.id, identity });
      return { jobId: job.id, assigned: true, identity };
    }
    return this.fail(job, asked.size === 0 ? 'no worker' : 'no worker available');
  }

  /** The server's choice: at random, weighted by 1 - load, among the name's available workers not asked yet. */
  pick(agentName, asked) {
    const open = [...this.workers].filter((w) => w.agentName === agentName && w.status === 'WS_AVAILABLE' && !asked.has(w))
      .map((w) => ({ w, weight: Math.max(0, 1 - (w.load ?? 0)) })).filter((c) => c.weight > 0);
    let at = Math.random() * open.reduce((sum, c) => sum + c.weight, 0);
    for (const c of open) {
      at -= c.weight;
      if (at <= 0) return c.w;
    }
    return open.at(-1)?.w ?? null;
  }

  /** A participant left a room: if it was a job's agent, the job is terminated (the server's AGENT_LEFT_ROOM). */
  participantLeft(roomName, identity) {
    const key = `${roomName}\n${identity}`;
    const jobId = this.agentParticipants.get(key);
    if (!jobId) return;
    this.agentParticipants.delete(key);
    const entry = this.jobs.get(jobId);
    if (!entry || ['JS_SUCCESS', 'JS_FAILED'].includes(entry.status)) return;
    this.end(jobId, 'JS_FAILED', 'agent worker left the room');
  }

  ask(worker, job) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { worker.pending.delete(job.id); resolve(null); }, AVAILABILITY_TIMEOUT_MS);
      worker.pending.set(job.id, (answer) => { clearTimeout(timer); worker.pending.delete(job.id); resolve(answer); });
      this.send(worker, { case: 'availability', value: new AvailabilityRequest({ job }) });
    });
  }

  /**
   * The server's job token (protocol's agent.BuildAgentToken): kind agent, the job's room, an hour, the answer's
   * identity, name, metadata and attributes plus lk.agent_name, grants from the permissions the worker registered.
   */
  jobToken(job, identity, answer, worker) {
    const now = Math.floor(Date.now() / 1000);
    const p = worker.permissions ?? {};
    return signToken({
      sub: identity, name: answer.participantName, kind: 'agent', exp: now + 3600, metadata: answer.participantMetadata,
      attributes: { ...answer.participantAttributes, 'lk.agent_name': worker.agentName },
      video: { room: job.room.name, roomJoin: true, agent: true, hidden: p.hidden === true,
        canSubscribe: p.canSubscribe === true, canPublish: p.canPublish === true, canPublishData: p.canPublishData === true,
        canUpdateOwnMetadata: p.canUpdateMetadata === true, canSubscribeMetrics: p.canSubscribeMetrics === true },
    }, this.key, this.secret, now);
  }

  /** Cuts every worker's socket without a close frame (a lost connection); returns how many. */
  dropWorkers() {
    const all = [...this.workers];
    for (const worker of all) worker.ws.terminate();
    this.event('workers_dropped', { count: all.length });
    return all.length;
  }

  /** Ends a job (as deleting its dispatch does): termination to its worker, the job done. */
  terminate(jobId) {
    const entry = this.jobs.get(jobId);
    if (!entry?.worker) return false;
    this.end(jobId, 'JS_SUCCESS', null);
    return true;
  }

  /** The server's TerminateJob: only a running job of a connected worker gets a termination; the job ends with it. */
  end(jobId, status, reason) {
    const entry = this.jobs.get(jobId);
    const running = !['JS_SUCCESS', 'JS_FAILED'].includes(entry.status) && !entry.worker.closed;
    if (running) this.send(entry.worker, { case: 'termination', value: new JobTermination({ jobId }) });
    entry.status = status;
    this.event('job_terminated', { jobId, status, reason, sent: running });
  }

  record(job, worker, status, error, identity = null) {
    this.jobs.set(job.id, { job, worker, status, identity });
    if (error) this.event('job_ended', { jobId: job.id, status, reason: error });
    return { jobId: job.id, assigned: false, status, reason: error };
  }

  fail(job, reason) {
    return this.record(job, null, 'JS_FAILED', reason);
  }

  event(name, fields) {
    this.onEvent({ at: new Date().toISOString(), event: name, ...fields });
  }
}
