import { createSimulator } from './simulator.js';

/**
 * `npm run simulator`: a Jamf Pro stand-in on SIMULATOR_HOST:SIMULATOR_PORT for the demo and manual
 * testing. Plain Node code, so it also runs as `node dist/simulator/main.js` after a build.
 */
function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const env = process.env;
const sim = createSimulator({
  seedUsers: intEnv('SIMULATOR_SEED_USERS', 0),
  seedGroups: intEnv('SIMULATOR_SEED_GROUPS', 0),
  latencyMs: intEnv('SIMULATOR_LATENCY_MS', 0),
  ...(env['SIMULATOR_VERSION'] ? { version: env['SIMULATOR_VERSION'] } : {}),
  ...(env['SIMULATOR_CLIENT_ID'] ? { clientId: env['SIMULATOR_CLIENT_ID'] } : {}),
  ...(env['SIMULATOR_CLIENT_SECRET'] ? { clientSecret: env['SIMULATOR_CLIENT_SECRET'] } : {}),
});

// listen() binds 127.0.0.1; SIMULATOR_HOST (e.g. 0.0.0.0 in a container) goes through the app.
const host = env['SIMULATOR_HOST'] || '127.0.0.1';
const url = await sim.app.listen({ port: intEnv('SIMULATOR_PORT', 9090), host });
console.log(`Jamf Pro simulator listening on ${url}`);
console.log(`  client id:     ${sim.clientId}`);
console.log(`  client secret: ${sim.clientSecret}`);
console.log(`  admin:         ${url}/__simulator/state`);

const shutdown = (signal: string): void => {
  console.log(`${signal} received, closing`);
  sim.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
