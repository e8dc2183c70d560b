import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { FastifyInstance } from 'fastify';
import { createJamfClient, type JamfClient } from '../../src/jamf/index.js';
import type { StateStore } from '../../src/provisioning/ports.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

describe('built-in HTTPS', () => {
  let dir: string;
  let app: FastifyInstance;
  let port: number;
  let store: StateStore;
  let jamf: JamfClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jamf-scim-tls-'));
    // A throwaway self-signed certificate, made per run so no key is ever committed.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    store = openSqliteStore(':memory:');
    // Never called: only the HTTPS listener is under test.
    jamf = createJamfClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret', logger: pino({ level: 'silent' }) });
    app = await buildApp({
      jamf,
      store,
      logger: pino({ level: 'silent' }),
      bearerTokens: ['tls-test-token-0123456789'],
      https: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')), minVersion: 'TLSv1.2' },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
    await jamf.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves over TLS 1.2+', async () => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const res = await request(`https://127.0.0.1:${port}/healthz`, { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ status: 'ok' });
    await dispatcher.close();
  });

  it('answers an oversized header over TLS with the same SCIM 431 as over plain HTTP', async () => {
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const res = await request(`https://127.0.0.1:${port}/scim/v2/Users`, { dispatcher, headers: { 'x-padding': 'p'.repeat(64 * 1024) } });
    expect(res.statusCode).toBe(431);
    expect(res.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(await res.body.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431' });
    await dispatcher.close();
  });

  it('refuses TLS 1.1 (Entra requires 1.2 or newer)', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err) => resolve(err.message));
    });
    expect(outcome).not.toBe('connected');
  });
});
