import { connect } from 'node:net';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN, captureLogs, startTestServer, type TestServer } from '../helper.js';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE, expectScimError } from './users-support.js';

let t: TestServer;
let base: string;
let logs: ReturnType<typeof captureLogs>;
beforeEach(async () => {
  logs = captureLogs('info');
  t = await startTestServer({ seedUsers: 1 }, { logger: logs.logger });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await t.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

/** A request over a real socket (Node's parser limits do not apply to `inject`), read to the end. */
async function send(path: string, headers: Record<string, string> = auth) {
  const res = await request(`${base}${path}`, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, type: res.headers['content-type'], body: JSON.parse(text) as Record<string, unknown> };
}

/** Raw bytes on a fresh connection; resolves with everything the server wrote before closing. */
function raw(bytes: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
  });
}

function expectScimBody(res: { status: number; type: unknown; body: Record<string, unknown> }, status: number) {
  expect(res.status).toBe(status);
  expect(res.type).toBe(SCIM_CONTENT_TYPE);
  expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status), detail: expect.any(String) });
}

const stillServes = async () => expect((await send('/scim/v2/Users/1')).status).toBe(200);

describe('request head limits', () => {
  it('answers a 64 KB header with a SCIM 431, logs it without the request head, and keeps serving', async () => {
    const res = await send('/scim/v2/Users', { ...auth, 'x-padding': 'p'.repeat(64 * 1024) });
    expectScimBody(res, 431);
    expect(res.body.detail).toBe('Request headers are larger than 16 KiB (the URL counts toward that limit)');
    await stillServes();
    const line = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'client error');
    expect(line).toMatchObject({ level: 30, status: 431, code: 'HPE_HEADER_OVERFLOW' });
    expect(logs.lines.join('\n')).not.toContain(TOKEN);
    expect(logs.lines.join('\n')).not.toContain('ppppp');
  });

  it('answers headers just over 16 KiB in total with 431, and just under with a normal answer', async () => {
    expectScimBody(await send('/scim/v2/Users/1', { ...auth, 'x-padding': 'p'.repeat(16 * 1024) }), 431);
    expect((await send('/scim/v2/Users/1', { ...auth, 'x-padding': 'p'.repeat(15 * 1024) })).status).toBe(200);
  });

  it('answers a URL longer than 8192 octets with a SCIM 414, whether or not it fits in the head limit', async () => {
    for (const path of [
      `/scim/v2/Users?filter=${'a'.repeat(9000)}`,
      `/scim/v2/Users/${'1'.repeat(9000)}`,
      `/scim/v2/${'x'.repeat(20_000)}`,
      `/scim/v2/Users?filter=${'a'.repeat(200_000)}`,
    ]) {
      const res = await send(path);
      expectScimBody(res, 414);
      expect(res.body.detail, `${path.length} octets`).toBe('Request URL is longer than 8192 octets');
    }
    // Without a token too: the URL is refused before authentication.
    expectScimBody(await send(`/scim/v2/Users?x=${'a'.repeat(9000)}`, {}), 414);
    await stillServes();
  });

  it('serves a URL of 8000 octets, the least RFC 9110 §4.1 asks every server to take', async () => {
    const path = '/scim/v2/Users/1?attributes=';
    const res = await send(`${path}${'userName,'.repeat(Math.floor((8000 - path.length) / 9))}`);
    expect(res.status).toBe(200);
  });

  it('answers a request Node cannot parse with a SCIM 400 and closes the connection', async () => {
    const answer = await raw('NOT A REQUEST\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain(`Content-Type: ${SCIM_CONTENT_TYPE}`);
    expect(head).toContain('Connection: close');
    expect(JSON.parse(body ?? '')).toEqual({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidSyntax', detail: 'Malformed HTTP request' });
    await stillServes();
  });

  it('answers an oversized head once, however many packets follow it', async () => {
    const answer = await raw(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(200_000)}\r\n\r\n`);
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(logs.lines.filter((l) => l.includes('"client error"'))).toHaveLength(1);
  });

  it('answers the same limits through inject (no socket) for the URL', async () => {
    const res = await t.app.inject({ url: `/scim/v2/Groups?filter=${'a'.repeat(8200)}`, headers: auth });
    expectScimError(res, 414);
  });
});
