import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, ExchangeError } from '../../src/jamf/exchange.js';

/** A real listener: the handler must read what a socket delivers (Buffers, several chunks). */
describe('exchange (one request on undici dispatch)', () => {
  let server: Server;
  let pool: Pool;
  let respond: (res: ServerResponse) => void;

  beforeEach(async () => {
    server = createServer((_req, res) => respond(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  });

  afterEach(async () => {
    await pool.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = () => exchange(pool, { path: '/x', method: 'GET', headers: {} }, 5_000);

  it('decodes a body sent in chunks that split a multi-byte character, and drops a UTF-8 BOM', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<name>R&amp;D ü 漢字</name>', 'utf8')]);
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      // "漢" is three bytes; the cut falls inside it.
      const cut = bytes.length - 10;
      res.write(bytes.subarray(0, cut));
      setImmediate(() => res.end(bytes.subarray(cut)));
    };
    expect(await get()).toEqual({ status: 200, body: '<name>R&amp;D ü 漢字</name>', setCookie: undefined, retryAfter: undefined });
  });

  it('reads every Set-Cookie line and the first Retry-After, whatever their case', async () => {
    respond = (res) => {
      res.setHeader('Set-Cookie', ['jpro-ingress=n1; Path=/', 'other=x']);
      res.setHeader('RETRY-AFTER', '7');
      res.writeHead(503);
      res.end('');
    };
    expect(await get()).toEqual({ status: 503, body: '', setCookie: ['jpro-ingress=n1; Path=/', 'other=x'], retryAfter: '7' });
  });

  it('rejects with the transport error when the connection drops', async () => {
    respond = (res) => res.socket?.destroy();
    const err = await get().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExchangeError);
    expect((err as ExchangeError).timedOut).toBe(false);
    expect((err as ExchangeError).transportError).toBeInstanceOf(Error);
  });
});
