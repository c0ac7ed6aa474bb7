// Access-token checks as LiveKit's server does them: an HS256 JWT signed with the API secret, issued by the API key,
// inside its validity window, whose `video` grant allows joining the named room.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class TokenError extends Error {}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function verifySignedToken(token, apiKey, apiSecret, nowSeconds) {
  if (!token) throw new TokenError('no authorization token');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('malformed token');
  let header;
  let claims;
  try {
    header = decodePart(parts[0]);
    claims = decodePart(parts[1]);
  } catch {
    throw new TokenError('malformed token');
  }
  if (header.alg !== 'HS256') throw new TokenError(`unsupported algorithm ${header.alg}`);
  const expected = createHmac('sha256', apiSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('invalid signature');
  if (claims.iss !== apiKey) throw new TokenError('unknown API key');
  // LiveKit's token verifier allows a minute of clock skew either side.
  if (typeof claims.exp === 'number' && claims.exp + 60 < nowSeconds) throw new TokenError('token expired');
  if (typeof claims.nbf === 'number' && claims.nbf - 60 > nowSeconds) throw new TokenError('token not valid yet');
  return claims;
}

/** Returns the claims of a valid agent worker token (the `agent` grant, as /agent requires), or throws TokenError. */
export function verifyAgentToken(token, apiKey, apiSecret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const claims = verifySignedToken(token, apiKey, apiSecret, nowSeconds);
  if (claims.video?.agent !== true) throw new TokenError('permissions denied: no agent grant');
  return claims;
}

/** Returns the claims of a valid join token, or throws TokenError saying why it is refused. */
export function verifyJoinToken(token, apiKey, apiSecret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const claims = verifySignedToken(token, apiKey, apiSecret, nowSeconds);
  const video = claims.video ?? {};
  if (!video.roomJoin) throw new TokenError('permissions denied: no roomJoin grant');
  if (!video.room) throw new TokenError('permissions denied: no room in grant');
  if (!claims.sub) throw new TokenError('identity cannot be empty');
  return claims;
}

/** The participant facts the room needs, taken from verified claims (absent grants default as LiveKit's do). */
export function participantFromClaims(claims) {
  const video = claims.video ?? {};
  const isAgent = claims.kind === 'agent' || video.agent === true;
  return {
    identity: claims.sub,
    name: claims.name ?? '',
    metadata: claims.metadata ?? '',
    attributes: claims.attributes ?? {},
    room: video.room,
    kind: isAgent ? 'agent' : (claims.kind || 'standard'),
    hidden: video.hidden === true,
    canSubscribe: video.canSubscribe !== false,
    canPublish: video.canPublish !== false,
    canPublishData: video.canPublishData !== false,
  };
}

/** Signs claims as an HS256 JWT with the API secret, issued by the API key (as the server signs a job's token). */
export function signToken(claims, apiKey, apiSecret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iss: apiKey, nbf: nowSeconds, ...claims })).toString('base64url');
  const signature = createHmac('sha256', apiSecret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}
