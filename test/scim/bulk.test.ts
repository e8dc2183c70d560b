import { describe, expect, it } from 'vitest';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA, parseBulkRequest, resolvePath, resolveReferences, type BulkOperation } from '../../src/scim/bulk.js';
import { runBulk, type BulkOutcome } from '../../src/scim/bulk-run.js';
import { ScimError } from '../../src/scim/errors.js';

const LIMITS = { maxOperations: 100 };
const request = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({ schemas: [BULK_REQUEST_SCHEMA], Operations, ...extra });
const post = (bulkId: string, data: Record<string, unknown> = {}) => ({ method: 'POST', path: '/Users', bulkId, data: { userName: bulkId, ...data } });
const group = (bulkId: string, ...members: string[]) => ({ method: 'POST', path: '/Groups', bulkId, data: { displayName: bulkId, members: members.map((value) => ({ value })) } });

const thrown = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScimError) return err;
  }
  throw new Error('expected a ScimError');
};

describe('parseBulkRequest (RFC 7644 §3.7)', () => {
  it('reads operations, their bulkIds and the bulkIds they refer to in path and data', () => {
    const parsed = parseBulkRequest(
      request([post('u1'), group('g1', 'bulkId:u1', '7'), { method: 'patch', path: '/Groups/bulkId:g1', data: { Operations: [] } }], { failOnErrors: 2 }),
      LIMITS,
    );
    expect(parsed.failOnErrors).toBe(2);
    expect(parsed.operations.map((o) => [o.method, o.bulkId, o.references, o.invalid])).toEqual([
      ['POST', 'u1', [], undefined],
      ['POST', 'g1', ['u1'], undefined],
      ['PATCH', undefined, ['g1'], undefined],
    ]);
  });

  it('refuses the whole message when it is not a BulkRequest, has too many operations or repeats a bulkId', () => {
    expect(thrown(() => parseBulkRequest({ Operations: [] }, LIMITS))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(thrown(() => parseBulkRequest(request({} as unknown as unknown[]), LIMITS))).toMatchObject({ status: 400 });
    const tooMany = thrown(() => parseBulkRequest(request([post('a'), post('b')]), { maxOperations: 1 }));
    expect(tooMany.status).toBe(413);
    expect(tooMany.scimType).toBeUndefined();
    expect(thrown(() => parseBulkRequest(request([post('a'), post('a')]), LIMITS))).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(thrown(() => parseBulkRequest(request([], { failOnErrors: 0 }), LIMITS))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('marks one faulty operation and leaves the others', () => {
    const cases: Array<[unknown, number, string]> = [
      [{ method: 'GET', path: '/Users/1' }, 400, 'invalidValue'],
      [{ method: 'POST', path: '/Users', data: {} }, 400, 'invalidValue'],
      [{ method: 'POST', path: '/Users/1', bulkId: 'x', data: {} }, 400, 'invalidPath'],
      [{ method: 'DELETE', path: '/Users' }, 400, 'invalidPath'],
      [{ method: 'DELETE', path: '/Bulk/1' }, 400, 'invalidPath'],
      [{ method: 'PUT', path: '/Users/1?attributes=id', data: {} }, 400, 'invalidPath'],
      [{ method: 'PUT', path: '/Users/1' }, 400, 'invalidSyntax'],
      [group('g', 'bulkId:nobody'), 400, 'invalidValue'],
      ['not an object', 400, 'invalidSyntax'],
    ];
    for (const [op, status, scimType] of cases) {
      const [bad, good] = parseBulkRequest(request([op, post('ok')]), LIMITS).operations;
      expect(bad?.invalid, JSON.stringify(op)).toMatchObject({ status, scimType });
      expect(good?.invalid).toBeUndefined();
    }
  });

  it('marks every operation on a cycle of references with 409, not those that only lead into it', () => {
    const ops = parseBulkRequest(request([group('a', 'bulkId:b'), group('b', 'bulkId:a'), group('self', 'bulkId:self'), group('c', 'bulkId:a')]), LIMITS).operations;
    expect(ops.map((o) => o.invalid?.status)).toEqual([409, 409, 409, undefined]);
  });
});

describe('resolving references (§3.7.2)', () => {
  it('replaces whole `bulkId:` values and path segments, nothing else', () => {
    const ids = new Map([['u1', '42']]);
    expect(resolveReferences({ members: [{ value: 'bulkId:u1' }, { value: 'bulkId:u1 and more' }], n: 3 }, ids)).toEqual({
      members: [{ value: '42' }, { value: 'bulkId:u1 and more' }],
      n: 3,
    });
    expect(resolvePath('/Users/bulkId:u1', ids)).toBe('/Users/42');
  });
});

/** An executor that answers after `release`; each POST creates an id from its bulkId. */
function fakeExecutor(fail: (op: BulkOperation) => number | undefined = () => undefined) {
  const calls: Array<{ op: BulkOperation; path: string; data: unknown }> = [];
  let inFlight = 0;
  let peak = 0;
  const execute = async (op: BulkOperation, path: string, data: unknown): Promise<BulkOutcome> => {
    calls.push({ op, path, data });
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await Promise.resolve();
    inFlight -= 1;
    const status = fail(op);
    if (status !== undefined) return { status, error: new ScimError(status, 'no').toBody() };
    return { status: op.method === 'POST' ? 201 : 200, id: op.method === 'POST' ? `id-${op.bulkId}` : path.split('/')[2] };
  };
  return { calls, execute, peak: () => peak };
}

describe('runBulk', () => {
  it('runs an operation after those it refers to, with their ids in its data and path', async () => {
    const fake = fakeExecutor();
    const job = parseBulkRequest(request([{ method: 'DELETE', path: '/Groups/bulkId:g' }, group('g', 'bulkId:u'), post('u')]), LIMITS);
    const res = await runBulk(job, fake.execute, { concurrency: 5 });
    expect(res.schemas).toEqual([BULK_RESPONSE_SCHEMA]);
    expect(fake.calls.map((c) => c.op.index)).toEqual([2, 1, 0]);
    expect(fake.calls[1]?.data).toEqual({ displayName: 'g', members: [{ value: 'id-u' }] });
    expect(fake.calls[2]?.path).toBe('/Groups/id-g');
    expect(res.Operations.map((o) => `${o.method} ${o.status}`)).toEqual(['DELETE 200', 'POST 201', 'POST 201']);
  });

  it('fails, unattempted, an operation whose reference failed, also when it comes first', async () => {
    const fake = fakeExecutor((op) => (op.bulkId === 'u' ? 409 : undefined));
    const job = parseBulkRequest(request([group('g', 'bulkId:u'), post('u'), post('v')]), LIMITS);
    const res = await runBulk(job, fake.execute, { concurrency: 5 });
    expect(res.Operations.map((o) => [o.bulkId, o.status, o.response?.scimType])).toEqual([
      ['g', '400', 'invalidValue'],
      ['u', '409', undefined],
      ['v', '201', undefined],
    ]);
    expect(fake.calls.map((c) => c.op.bulkId)).toEqual(['u', 'v']);
  });

  it('fails a job whose only operation refers to an invalid one (nothing left waiting)', async () => {
    const fake = fakeExecutor();
    const job = parseBulkRequest(request([group('g', 'bulkId:bad'), { method: 'POST', path: '/Users/1', bulkId: 'bad', data: {} }]), LIMITS);
    const res = await runBulk(job, fake.execute, { concurrency: 5 });
    expect(res.Operations.map((o) => o.status)).toEqual(['400', '400']);
    expect(fake.calls).toEqual([]);
  });

  it('stops starting operations once failOnErrors errors are counted', async () => {
    const fake = fakeExecutor((op) => (op.bulkId === 'b' || op.bulkId === 'c' ? 400 : undefined));
    const job = parseBulkRequest(request([post('a'), post('b'), post('c'), post('d')], { failOnErrors: 1 }), LIMITS);
    const res = await runBulk(job, fake.execute, { concurrency: 1 });
    expect(res.Operations.map((o) => `${o.bulkId} ${o.status}`)).toEqual(['a 201', 'b 400']);
    expect(res.Operations[1]?.response).toMatchObject({ status: '400', detail: 'no' });
  });

  it('runs operations on one resource in request order, others alongside', async () => {
    const fake = fakeExecutor();
    const job = parseBulkRequest(
      request([
        { method: 'PATCH', path: '/Users/7', data: { Operations: [] } },
        { method: 'DELETE', path: '/users/7' },
        { method: 'DELETE', path: '/Users/8' },
      ]),
      LIMITS,
    );
    const started: number[][] = [];
    const res = await runBulk(
      job,
      async (op, path, data) => {
        started.push([op.index, fake.calls.length]);
        return fake.execute(op, path, data);
      },
      { concurrency: 5 },
    );
    // The PATCH and the other user's DELETE start together; the DELETE of user 7 only after the PATCH.
    expect(started).toEqual([
      [0, 0],
      [2, 1],
      [1, 2],
    ]);
    expect(res.Operations.map((o) => o.status)).toEqual(['200', '200', '200']);
  });

  it('fails, rather than drops, operations no order can satisfy', async () => {
    const fake = fakeExecutor();
    // The PATCH needs the PUT's result, but the PUT, on the same user, waits for the PATCH.
    const job = parseBulkRequest(
      request([
        { method: 'PATCH', path: '/Users/1', data: { manager: 'bulkId:p' } },
        { method: 'PUT', path: '/Users/1', bulkId: 'p', data: {} },
      ]),
      LIMITS,
    );
    const res = await runBulk(job, fake.execute, { concurrency: 5 });
    expect(res.Operations.map((o) => o.status)).toEqual(['409', '409']);
    expect(fake.calls).toEqual([]);
  });

  it('keeps at most `concurrency` operations in flight', async () => {
    const fake = fakeExecutor();
    const job = parseBulkRequest(request(Array.from({ length: 12 }, (_, i) => post(`u${i}`))), LIMITS);
    const res = await runBulk(job, fake.execute, { concurrency: 3 });
    expect(res.Operations).toHaveLength(12);
    expect(fake.peak()).toBe(3);
  });

  it('answers an operation whose executor throws with its SCIM error, or a generic 500', async () => {
    const job = parseBulkRequest(request([post('a'), post('b')]), LIMITS);
    const res = await runBulk(
      job,
      async (op) => {
        if (op.bulkId === 'a') throw new ScimError(404, 'gone');
        throw new Error('boom');
      },
      { concurrency: 2 },
    );
    expect(res.Operations.map((o) => [o.status, o.response?.detail])).toEqual([
      ['404', 'gone'],
      ['500', 'Internal server error'],
    ]);
  });
});
