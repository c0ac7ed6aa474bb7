// Bridges our C# tests to the official livekit-server-sdk: one command per run,
// a JSON request on stdin, a JSON answer on stdout, a non-zero exit with the SDK's error otherwise.
import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier, WebhookReceiver } from 'livekit-server-sdk';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

const commands = {
  // An access token minted by the SDK.
  async 'make-token'(req) {
    const at = new AccessToken(req.apiKey, req.apiSecret, {
      identity: req.identity,
      name: req.name,
      ttl: req.ttlSeconds,
      metadata: req.metadata,
      attributes: req.attributes,
    });
    if (req.grant) at.addGrant(req.grant);
    if (req.kind) at.kind = req.kind;
    return { token: await at.toJwt() };
  },

  // The SDK's verdict on a token and the claims it read.
  async 'verify-token'(req) {
    const claims = await new TokenVerifier(req.apiKey, req.apiSecret).verify(req.token);
    return { claims };
  },

  // The Authorization header the LiveKit server puts on a webhook: a token with no identity,
  // valid for five minutes, whose sha256 claim is the base64 SHA-256 of the body.
  async 'sign-webhook'(req) {
    const at = new AccessToken(req.apiKey, req.apiSecret, { ttl: '5m' });
    at.sha256 = createHash('sha256').update(Buffer.from(req.body, 'utf8')).digest('base64');
    return { authorization: await at.toJwt() };
  },

  // The SDK's webhook receiver on a body and header we produced.
  async 'receive-webhook'(req) {
    const event = await new WebhookReceiver(req.apiKey, req.apiSecret).receive(req.body, req.authorization);
    return { event: event.toJson() };
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error(`unknown command '${process.argv[2]}'; expected one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}

try {
  process.stdout.write(JSON.stringify(await command(await readStdin())));
} catch (error) {
  console.error(error?.message ?? String(error));
  process.exit(1);
}
