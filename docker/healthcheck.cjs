// Container HEALTHCHECK: exit 0 when GET /healthz answers 200, else 1. Needs no curl.
// Reads PORT, HOST and TLS_CERT_FILE as the server does: the environment over an optional ./.env.
// With a URL argument it checks that URL instead, e.g. for the Jamf Pro simulator:
//   node docker/healthcheck.cjs http://127.0.0.1:9090/__simulator/state
'use strict';
const fs = require('node:fs');
const { parseEnv } = require('node:util');

let fromFile = {};
try {
  if (fs.existsSync('.env')) fromFile = parseEnv(fs.readFileSync('.env', 'utf8'));
} catch {
  // an unreadable .env is the server's problem to report, not the healthcheck's
}
const env = { ...fromFile, ...process.env };
const value = (key, fallback) => (env[key] === undefined || String(env[key]).trim() === '' ? fallback : String(env[key]).trim());

const port = Number(value('PORT', '8080'));
const bind = value('HOST', '0.0.0.0');
const host = ['0.0.0.0', '::', '[::]'].includes(bind) ? '127.0.0.1' : bind;
const tls = value('TLS_CERT_FILE', '') !== '';

const target = process.argv[2] ? new URL(process.argv[2]) : new URL(`${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`);
const secure = target.protocol === 'https:';

const client = require(secure ? 'node:https' : 'node:http');
const request = client.get(
  target,
  // the certificate names the public host, not 127.0.0.1: only liveness is checked here
  { timeout: 4000, ...(secure ? { rejectUnauthorized: false } : {}) },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', (err) => {
  console.error(`healthcheck: ${err.message}`);
  process.exit(1);
});
