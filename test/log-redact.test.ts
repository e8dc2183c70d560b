import { describe, expect, it } from 'vitest';
import { redact } from '../src/log-redact.js';
import { captureLogs } from './helper.js';

const SECRET = 'copy-on-write-secret-0123456789';

describe('redaction copies only what it changes', () => {
  it('returns the usual log object itself, flat or nested, with nothing to redact', () => {
    const line = { method: 'GET', path: '/scim/v2/Users/12', route: '/scim/v2/Users/:id', status: 200, ms: 1.3 };
    expect(redact(line)).toBe(line);
    const jamf = { jamf: { method: 'GET', route: '/JSSResource/users/id/0', status: 200, ms: 12.4, attempt: 1 }, list: [1, 'a', null, { ok: true }] };
    expect(redact(jamf)).toBe(jamf);
  });

  it('copies the path down to a secret nested in an array inside an object, and leaves the input alone', () => {
    const untouched = { name: 'kept', tags: ['x'] };
    const first = { a: 1 };
    const input = { untouched, body: { list: [first, { Access_Token: SECRET }, { b: 2 }] }, after: 'z' };
    const out = redact(input) as typeof input;
    expect(out).toEqual({ untouched, body: { list: [{ a: 1 }, { Access_Token: '[redacted]' }, { b: 2 }] }, after: 'z' });
    expect(out).not.toBe(input);
    expect(out.untouched).toBe(untouched);
    expect(out.body.list[0]).toBe(first);
    expect(input.body.list[1]).toEqual({ Access_Token: SECRET });
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('keeps the key order of a copied object', () => {
    const out = redact({ a: 1, PassWord: SECRET, c: { d: 2 }, e: 'f' });
    expect(Object.keys(out)).toEqual(['a', 'PassWord', 'c', 'e']);
    expect(out).toEqual({ a: 1, PassWord: '[redacted]', c: { d: 2 }, e: 'f' });
  });

  it('replaces bytes, cycles, Errors, bigints and functions below values that stay', () => {
    const loop: Record<string, unknown> = { id: 1 };
    loop.self = loop;
    const out = redact({ ok: { n: 1 }, deep: { bytes: Buffer.from(SECRET), loop, big: 5n, fn: () => 1, when: new Date(0) }, err: new Error('boom') });
    expect(out.deep).toEqual({ bytes: `[Buffer ${SECRET.length} bytes]`, loop: { id: 1, self: '[Circular]' }, big: '5', when: '1970-01-01T00:00:00.000Z' });
    expect(out.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(Object.getPrototypeOf(out.err)).toBe(Object.prototype);
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('writes undefined and function array items as null, as JSON would', () => {
    const out = redact({ list: [undefined, 1, () => 2, { token: SECRET }] });
    expect(JSON.parse(JSON.stringify(out))).toEqual({ list: [null, 1, null, { token: '[redacted]' }] });
  });

  it('marks a getter that throws, after values that were read fine', () => {
    const hostile = Object.defineProperty({ fine: 1 }, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(redact({ hostile })).toEqual({ hostile: { fine: 1, boom: '[unreadable]' } });
  });

  it('detects cycles in a value walked while another log object is being walked', () => {
    const inner: Record<string, unknown> = { k: 1 };
    inner.again = inner;
    let nested: unknown;
    const loggingToJSON = {
      toJSON() {
        nested = redact({ inner });
        return { done: true };
      },
    };
    const outerLoop: Record<string, unknown> = { when: loggingToJSON };
    outerLoop.self = outerLoop;
    expect(redact({ outerLoop })).toEqual({ outerLoop: { when: { done: true }, self: '[Circular]' } });
    expect(nested).toEqual({ inner: { k: 1, again: '[Circular]' } });
  });
});

describe('child logger bindings', () => {
  it('redacts secrets nested in child bindings, in any letter case, and in a grandchild', () => {
    const { lines, logger } = captureLogs('info');
    const child = logger.child({ ctx: { Authorization: `Bearer ${SECRET}`, who: 'idp' } });
    child.child({ more: [{ COOKIE: SECRET }] }).info('nested bindings');
    expect(lines[0]).not.toContain(SECRET);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ ctx: { Authorization: '[redacted]', who: 'idp' }, more: [{ COOKIE: '[redacted]' }] });
  });

  it('redacts bindings set later, and keeps child options such as a level', () => {
    const { lines, logger } = captureLogs('info');
    const child = logger.child({ reqId: 'r-1' }, {});
    child.setBindings({ token: SECRET });
    const quiet = logger.child({ component: 'quiet' }, { level: 'warn' });
    child.info('one');
    quiet.info('dropped');
    quiet.warn('two');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ reqId: 'r-1', token: '[redacted]', service: 'jamf-scim', msg: 'one' });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ component: 'quiet', msg: 'two' });
  });
});
