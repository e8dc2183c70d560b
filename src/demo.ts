import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startServer } from './runtime.js';
import { createSimulator } from './simulator/index.js';

/**
 * `npm run demo`: the SCIM server against an embedded Jamf Pro simulator, with nothing to set up.
 * State lives in a temporary directory removed on exit.
 */
async function main(): Promise<void> {
  const sim = createSimulator({ seedUsers: 5, seedGroups: 1 });
  const jamfUrl = await sim.listen(0);
  const token = process.env.SCIM_BEARER_TOKENS?.split(',')[0]?.trim() || `demo-${randomBytes(18).toString('base64url')}`;
  const adminToken = process.env.ADMIN_TOKEN?.trim() || `demo-admin-${randomBytes(24).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-demo-'));
  const config = loadConfig({
    JAMF_URL: jamfUrl,
    JAMF_CLIENT_ID: sim.clientId,
    JAMF_CLIENT_SECRET: sim.clientSecret,
    SCIM_BEARER_TOKENS: `demo:${token}`,
    ADMIN_TOKEN: adminToken,
    PORT: process.env.PORT ?? '8080',
    HOST: process.env.HOST ?? '127.0.0.1',
    STATE_URL: join(dir, 'state.db'),
    // At info every SCIM request and Jamf call shows, 4xx and 5xx answers included.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  });
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: process.stdout.isTTY });
  let running;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    // A start that fails (the port is taken, say) leaves nothing behind.
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // A wildcard listen address is not one a client can call; show loopback instead.
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const origin = `http://${host}:${(running.app.server.address() as { port: number }).port}`;
  const base = `${origin}/scim/v2`;
  const auth = `-H 'Authorization: Bearer ${token}'`;
  const jamfToken = `curl -s -X POST '${jamfUrl}/api/v1/oauth/token' -d 'grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}'`;
  console.log(`jamf-scim demo (embedded Jamf Pro simulator at ${jamfUrl})

  SCIM base URL: ${base}
  Bearer token:  ${token}
  Admin console: ${origin}/admin
  Admin token:   ${adminToken}   (sign in to the console with it; also the admin API's bearer token)

  Simulated Jamf Pro: ${jamfUrl}
  API client id:      ${sim.clientId}
  API client secret:  ${sim.clientSecret}

Try:
  curl -s ${auth} '${base}/Users?count=10'
  curl -s ${auth} -H 'Content-Type: application/scim+json' -X POST '${base}/Users' \\
    -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@example.com","type":"work","primary":true}],"active":true}'
  curl -s ${auth} '${base}/Groups?excludedAttributes=members'

What the server did in Jamf (the audit trail, newest first):
  curl -s -H 'Authorization: Bearer ${adminToken}' '${origin}/admin/api/audit?count=20'

What Jamf Pro holds (the simulator's Classic API, with a token of its API client):
  ${jamfToken}
  curl -s -H "Authorization: Bearer <access_token from above>" '${jamfUrl}/JSSResource/users'

Press Ctrl+C to stop.`);

  const stop = async () => {
    await running.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error('demo failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
