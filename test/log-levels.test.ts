import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../src/simulator/index.js';
import { simulatorEnv } from './config-support.js';
import { captureLogs } from './helper.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOKEN = 'log-level-test-token-0123456789';
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** The error Node's HTTP parser hands to `clientError` for an oversized head, with its raw packet. */
async function realClientError(head: string): Promise<Error> {
  const server = createServer();
  const caught = new Promise<Error>((done) =>
    server.on('clientError', (err: Error, socket) => {
      socket.destroy();
      done(err);
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1', () => socket.write(head));
  socket.on('error', () => undefined);
  try {
    return await caught;
  } finally {
    socket.destroy();
    server.close();
  }
}

describe('logging at every level', () => {
  it('logs a Node client error (raw request head in a Buffer) at every level without throwing or leaking the head', async () => {
    const err = await realClientError(`GET / HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`);
    expect(Buffer.isBuffer((err as { rawPacket?: unknown }).rawPacket)).toBe(true);
    for (const level of LEVELS) {
      const { lines, logger } = captureLogs(level);
      // What Fastify's default client error handler does, at trace.
      expect(() => logger[level]({ err }, 'client error')).not.toThrow();
      expect(lines, level).toHaveLength(1);
      const line = JSON.parse(lines[0] as string) as { err: Record<string, unknown> };
      expect(line.err).toMatchObject({ type: 'Error', code: 'HPE_HEADER_OVERFLOW', rawPacket: '[redacted]' });
      expect(lines[0]).not.toContain(TOKEN);
      expect(lines[0]).not.toContain('ppppp');
    }
  });

  it('copes with Buffers, typed arrays, cycles, throwing getters and bigints anywhere in a log object', () => {
    const { lines, logger } = captureLogs('trace');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const hostile = {
      body: Buffer.from(`{"password":"${TOKEN}"}`),
      nested: { bytes: new Uint8Array([1, 2, 3]), list: [cyclic, { Authorization: `Bearer ${TOKEN}` }] },
      getter: Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } }),
      big: 2n ** 70n,
      when: new Date(0),
      err: Object.assign(new Error('outer', { cause: Object.assign(new Error('inner'), { token: TOKEN }) }), { rawPacket: Buffer.from(TOKEN) }),
    };
    expect(() => logger.trace(hostile, 'hostile')).not.toThrow();
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line.body).toBe(`[Buffer ${hostile.body.length} bytes]`);
    expect(line.nested).toEqual({ bytes: '[Uint8Array 3 bytes]', list: [{ name: 'loop', self: '[Circular]' }, { Authorization: '[redacted]' }] });
    expect(line.getter).toEqual({ boom: '[unreadable]' });
    expect(line.big).toBe('1180591620717411303424');
    expect(line.when).toBe('1970-01-01T00:00:00.000Z');
    expect(line.err).toMatchObject({ type: 'Error', message: 'outer', rawPacket: '[redacted]', cause: { message: 'inner', token: '[redacted]' } });
    expect(lines[0]).not.toContain(TOKEN);
  });

  it('redacts secret keys in any letter case, and in child logger bindings', () => {
    const { lines, logger } = captureLogs('info');
    logger.child({ token: TOKEN, component: 'x' }).info({ headers: { AUTHORIZATION: TOKEN, 'Set-Cookie': TOKEN }, Client_Secret: TOKEN }, 'mixed case');
    expect(lines[0]).not.toContain(TOKEN);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ token: '[redacted]', component: 'x', Client_Secret: '[redacted]' });
  });
});

describe('the server process at LOG_LEVEL=trace', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('survives an unauthenticated request with a header over 16 KB, answers 431, and keeps serving', async () => {
    const sim = createSimulator({ seedUsers: 1 });
    const jamfUrl = await sim.listen();
    cleanups.push(() => sim.close());
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-trace-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const child: ChildProcess = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/server.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...simulatorEnv(sim, jamfUrl, TOKEN, join(dir, 'state.db')), LOG_LEVEL: 'trace' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const listening = () => /"url":"(http:\/\/[^"]+)"[^\n]*jamf-scim listening/.exec(out)?.[1];
    while (listening() === undefined) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${out}${err}`);
      await once(child.stdout as NodeJS.ReadableStream, 'data');
    }
    const base = listening() as string;

    const oversized = await request(`${base}/scim/v2/Users`, { headers: { 'x-padding': 'p'.repeat(20 * 1024), cookie: `session=${TOKEN}` } });
    expect(oversized.statusCode).toBe(431);
    expect(await oversized.body.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431' });
    // The same with a bearer token in the oversized head: the token must not reach the log either.
    const withToken = await request(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-padding': 'p'.repeat(20 * 1024) } });
    expect(withToken.statusCode).toBe(431);
    await withToken.body.text();

    expect(child.exitCode).toBeNull();
    const health = await request(`${base}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.text();
    const user = await request(`${base}/scim/v2/Users/1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(user.statusCode).toBe(200);
    await user.body.text();

    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code, err).toBe(0);
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'client error')).toEqual([
      expect.objectContaining({ status: 431, code: 'HPE_HEADER_OVERFLOW' }),
      expect.objectContaining({ status: 431, code: 'HPE_HEADER_OVERFLOW' }),
    ]);
    expect(out + err).not.toContain(TOKEN);
    expect(out + err).not.toContain('ppppp');
  });
});
