// A real OpenID Connect provider for end-to-end tests: client credentials
// with RS256 JWT access tokens for one audience.
//
// Environment:
//   OIDC_CLIENTS   JSON: [{"id": "...", "secret": "...", "claims": {...}}]
//                  (claims are added to that client's access tokens)
//   OIDC_AUDIENCE  the resource indicator / audience (an absolute URI)
//   OIDC_TTL       access token lifetime in seconds (default 300)
//
// Prints "oidc-provider listening on http://127.0.0.1:PORT" when ready.
// GET /_stats answers {"tokenRequests": n, "tokensIssued": n}.
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const audience = process.env.OIDC_AUDIENCE || 'urn:camunda:api';
const ttl = Number(process.env.OIDC_TTL || '300');
const stats = { tokenRequests: 0, tokensIssued: 0 };

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          audience,
          scope: 'camunda',
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (ctx, token) => {
      const client = clients.find((c) => c.id === token.clientId);
      return client && client.claims ? client.claims : undefined;
    },
  });
  provider.on('server_error', (ctx, err) => { process.stderr.write(`oidc-provider server_error: ${err.stack}\n`); });
  provider.on('access_token.issued', () => { stats.tokensIssued += 1; });
  provider.on('client_credentials.issued', () => { stats.tokensIssued += 1; });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/_stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.method === 'POST' && req.url.startsWith('/token')) {
      stats.tokenRequests += 1;
    }
    callback(req, res);
  });
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
