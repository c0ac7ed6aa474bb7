// Our log lines on stdout: one JSON object per line, shaped like the SDK's own pino lines (numeric level, msg),
// so the silo reads both the same way. Nothing secret may reach them: tokens and the channel secret are
// replaced wherever they appear, and so is anything shaped like a JWT.
const secrets = new Set();
const jwtShape = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;

export function keepSecret(value) {
  if (typeof value === 'string' && value.length >= 8) {
    secrets.add(value);
  }
}

export function forgetSecret(value) {
  secrets.delete(value);
}

export function redact(text) {
  let clean = String(text ?? '');
  for (const secret of secrets) {
    clean = clean.split(secret).join('[redacted]');
  }
  return clean.replace(jwtShape, '[redacted-jwt]');
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 };

function write(level, msg, fields) {
  const line = { level: LEVELS[level], time: Date.now(), name: 'scribe-media', msg: redact(msg) };
  for (const [key, value] of Object.entries(fields ?? {})) {
    line[key] = typeof value === 'string' ? redact(value) : value;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}

export const log = {
  debug: (msg, fields) => write('debug', msg, fields),
  info: (msg, fields) => write('info', msg, fields),
  warn: (msg, fields) => write('warn', msg, fields),
  error: (msg, fields) => write('error', msg, fields),
};

export function describe(error) {
  return redact(error instanceof Error ? error.message : String(error));
}
