// The silo's media process: `node agent.mjs --port N`, the channel secret as the first line of stdin.
// Joins LiveKit rooms as a hidden agent through @livekit/rtc-node and relays over the media channel (TCP on
// 127.0.0.1, framed, see channel.mjs). It lives only as long as the silo: when the channel or stdin closes, it
// leaves its rooms and exits.
import net from 'node:net';
import { FrameReader, audioFrame, jsonFrame } from './channel.mjs';
import { describe, keepSecret, log } from './log.mjs';
import { AgentRoom } from './room.mjs';

const PROTOCOL_VERSION = 1;
// Frames queued beyond this are dropped rather than buffered without bound if the silo stops reading.
const MAX_BUFFERED_BYTES = 8 << 20;

// The SDK logs through pino on stdout; outside production it logs at debug, which is more than the silo wants.
process.env.NODE_ENV ??= 'production';

function portFromArgs(argv) {
  const at = argv.indexOf('--port');
  const port = at >= 0 ? Number(argv[at + 1]) : NaN;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error('usage: node agent.mjs --port N (the channel secret on the first line of stdin)');
  }
  return port;
}

function readSecret() {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        process.stdin.off('data', onData);
        process.stdin.off('end', onEnd);
        resolve(text.slice(0, newline).trim());
      }
    };
    const onEnd = () => reject(new Error('stdin closed before the channel secret'));
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
  });
}

class Agent {
  #socket;
  #rtc;
  #rooms = new Map();
  #handles = 0;
  #droppedFrames = 0;
  #stopping = false;

  constructor(socket, rtc) {
    this.#socket = socket;
    this.#rtc = rtc;
  }

  send(message) {
    if (!this.#socket.destroyed) {
      this.#socket.write(jsonFrame(message));
    }
  }

  sendAudio(handle, offset, pcm) {
    if (this.#socket.destroyed) {
      return;
    }
    if (this.#socket.writableLength > MAX_BUFFERED_BYTES) {
      if (this.#droppedFrames++ % 500 === 0) {
        log.warn('channel backed up: dropping audio', { droppedFrames: this.#droppedFrames });
      }
      return;
    }
    this.#socket.write(audioFrame(handle, offset, pcm));
  }

  nextHandle() {
    this.#handles = (this.#handles + 1) >>> 0;
    return this.#handles;
  }

  handle(message) {
    switch (message.type) {
      case 'join':
        return this.#join(message);
      case 'leave':
        return this.#rooms.get(message.room)?.leave() ?? this.send({ type: 'left', room: message.room, reason: 'leave' });
      case 'transcription':
        return this.#inRoom(message, (room) => room.transcription(message));
      case 'data':
        return this.#inRoom(message, (room) => room.data(message));
      default:
        return this.send({ type: 'error', message: `unknown message type ${JSON.stringify(message.type)}` });
    }
  }

  #join(message) {
    const existing = this.#rooms.get(message.room);
    if (existing) {
      existing.setToken(message.token);
      return;
    }
    const room = new AgentRoom(this.#rtc, this, message, (gone) => {
      if (this.#rooms.get(gone.name) === gone) {
        this.#rooms.delete(gone.name);
      }
    });
    this.#rooms.set(message.room, room);
    room.connect().catch((error) => this.send({ type: 'error', room: message.room, message: describe(error) }));
  }

  #inRoom(message, act) {
    const room = this.#rooms.get(message.room);
    if (!room) {
      this.send({ type: 'error', room: message.room, message: `${message.type} for a room not joined` });
      return;
    }
    act(room);
  }

  /** The silo is gone (or asked us to go): leave every room, then exit. Never outlive the silo. */
  async stop(why, code = 0) {
    if (this.#stopping) {
      return;
    }
    this.#stopping = true;
    log.info('stopping', { why, rooms: this.#rooms.size });
    const leaving = Promise.all([...this.#rooms.values()].map((room) => room.leave()));
    await Promise.race([leaving, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.#socket.destroy();
    process.exit(code);
  }
}

async function main() {
  const port = portFromArgs(process.argv.slice(2));
  const secret = await readSecret();
  keepSecret(secret);
  const rtc = await import('@livekit/rtc-node');
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  const agent = new Agent(socket, rtc);
  const reader = new FrameReader((message) => agent.handle(message));
  socket.on('connect', () => {
    agent.send({ type: 'hello', secret, version: PROTOCOL_VERSION, sdk: '@livekit/rtc-node 1.1.0', pid: process.pid });
    agent.send({ type: 'ready' });
    log.info('channel open', { port, pid: process.pid });
  });
  socket.on('data', (chunk) => {
    try {
      reader.push(chunk);
    } catch (error) {
      log.error('bad frame from the silo', { error: describe(error) });
      agent.stop('bad frame', 1);
    }
  });
  socket.on('error', (error) => log.warn('channel error', { error: describe(error) }));
  socket.on('close', () => agent.stop('channel closed'));
  process.stdin.on('end', () => agent.stop('stdin closed'));
  process.stdin.resume();
  process.on('SIGTERM', () => agent.stop('SIGTERM'));
  process.on('SIGINT', () => agent.stop('SIGINT'));
}

process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error: describe(error) }));
process.on('uncaughtException', (error) => {
  log.error('uncaught exception', { error: describe(error) });
  process.exit(1);
});

main().catch((error) => {
  log.error('media process failed to start', { error: describe(error) });
  process.exit(2);
});
