import { afterEach, describe, expect, it, vi } from 'vitest';
import { JamfError, type JamfErrorKind } from '../src/jamf/errors.js';
import type { MissingPrivilege } from '../src/jamf/privilege-refusals.js';
import type { JamfReachability } from '../src/jamf-health.js';
import { createReadiness } from '../src/readiness.js';

const DOWN: JamfReachability = { reachable: false, since: '2026-12-01T09:00:00.000Z', lastError: 'GET /JSSResource/users/id/:id answered 503' };
const WRITABLE = { store: 'sqlite', writable: true };
const UP: JamfReachability = { reachable: true, since: '2026-12-01T09:00:00.000Z', lastSuccess: '2026-12-01T09:00:00.000Z' };

function setup(
  opts: { checkToken?: () => Promise<void>; writable?: () => Promise<void>; health?: JamfReachability; missingPrivileges?: () => MissingPrivilege[] } = {},
) {
  let clock = 0;
  let health: JamfReachability = opts.health ?? { reachable: 'unknown' };
  const checkToken = vi.fn(opts.checkToken ?? (() => Promise.resolve()));
  const readiness = createReadiness({
    store: { checkWritable: opts.writable ?? (async () => undefined) },
    jamf: { checkToken, ...(opts.missingPrivileges === undefined ? {} : { missingPrivileges: opts.missingPrivileges }) },
    health: { snapshot: () => health },
    now: () => clock,
    recheckMs: 10_000,
    waitMs: 750,
  });
  return {
    readiness,
    checkToken,
    advance: (ms: number) => {
      clock += ms;
    },
    setHealth: (h: JamfReachability) => {
      health = h;
    },
  };
}

const rejection = new JamfError(
  'unauthorized',
  'Jamf Pro rejected the API client credentials (client id "scim"): invalid_client: Client authentication failed',
  400,
  'POST /api/v1/oauth/token',
);

describe('readiness', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is ready with Jamf Pro down: an outage hits every replica alike', async () => {
    const t = setup({ health: DOWN, checkToken: () => Promise.reject(new JamfError('network', 'connection to Jamf Pro failed (ECONNREFUSED)')) });
    expect(await t.readiness()).toEqual({ ready: true, jamf: DOWN, state: WRITABLE });
  });

  it('asks Jamf Pro at most once per recheck interval while it is down', async () => {
    const t = setup({ health: DOWN, checkToken: () => Promise.reject(new JamfError('timeout', 'Jamf Pro did not answer within 15000 ms')) });
    for (let i = 0; i < 5; i++) await t.readiness();
    expect(t.checkToken).toHaveBeenCalledTimes(1);
    t.advance(10_000);
    await t.readiness();
    expect(t.checkToken).toHaveBeenCalledTimes(2);
  });

  it('is not ready when Jamf Pro refuses the credentials, and says so without another token request per probe', async () => {
    let refuse = true;
    const t = setup({ health: UP, checkToken: () => (refuse ? Promise.reject(rejection) : Promise.resolve()) });
    const first = await t.readiness();
    expect(first).toEqual({ ready: false, reason: `Jamf Pro token could not be obtained: ${rejection.message}`, jamf: UP, state: WRITABLE });
    expect(await t.readiness()).toMatchObject({ ready: false });
    expect(t.checkToken).toHaveBeenCalledTimes(1);

    // Once the API client is fixed in Jamf Pro, the next check after the interval sees it.
    refuse = false;
    t.advance(10_000);
    expect(await t.readiness()).toEqual({ ready: true, jamf: UP, state: WRITABLE });
  });

  it('keeps a refusal while Jamf Pro is down, since an outage says nothing about the credentials', async () => {
    let failure: Error = rejection;
    const t = setup({ health: UP, checkToken: () => Promise.reject(failure) });
    expect(await t.readiness()).toMatchObject({ ready: false });
    failure = new JamfError('unavailable', 'Service Unavailable', 503);
    t.setHealth(DOWN);
    t.advance(10_000);
    expect(await t.readiness()).toMatchObject({ ready: false, jamf: DOWN });
    expect(t.checkToken).toHaveBeenCalledTimes(2);
  });

  it.each<[JamfErrorKind, number | undefined, boolean]>([
    ['unauthorized', 401, false],
    ['bad_request', 400, false],
    ['forbidden', 403, false],
    ['not_found', 404, false],
    ['unavailable', 503, true],
    ['network', undefined, true],
    ['timeout', undefined, true],
    ['server', 500, true],
  ])('a token request failing with %s (%s) leaves the replica ready: %s', async (kind, status, ready) => {
    const t = setup({ checkToken: () => Promise.reject(new JamfError(kind, 'x', status, 'POST /api/v1/oauth/token')) });
    expect((await t.readiness()).ready).toBe(ready);
  });

  it('answers within the wait from what is known when the token request hangs', async () => {
    vi.useFakeTimers();
    const t = setup({ checkToken: () => new Promise<void>(() => undefined) });
    let answer: unknown;
    void t.readiness().then((r) => (answer = r));
    await vi.advanceTimersByTimeAsync(749);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toEqual({ ready: true, jamf: { reachable: 'unknown' }, state: WRITABLE });
    // The request in flight is shared, not repeated by the next probe.
    void t.readiness();
    await vi.advanceTimersByTimeAsync(750);
    expect(t.checkToken).toHaveBeenCalledTimes(1);
  });

  it('stays ready but lists the privileges Jamf Pro refused, since the calls that need others still work', async () => {
    let missing: MissingPrivilege[] = [{ privilege: 'Update User', calls: ['PUT /JSSResource/users/id/:id'], since: '2026-12-01T09:00:00.000Z' }];
    const t = setup({ health: UP, missingPrivileges: () => missing });
    expect(await t.readiness()).toEqual({ ready: true, jamf: { ...UP, missingPrivileges: missing }, state: WRITABLE });
    missing = [];
    expect(await t.readiness()).toEqual({ ready: true, jamf: UP, state: WRITABLE });
  });

  it('is not ready when the state store cannot be written, without asking Jamf Pro', async () => {
    const t = setup({
      writable: async () => {
        throw new Error('attempt to write a readonly database');
      },
    });
    expect(await t.readiness()).toEqual({
      ready: false,
      reason: 'state store is not writable: attempt to write a readonly database',
      jamf: { reachable: 'unknown' },
      state: { store: 'sqlite', writable: false },
    });
    expect(t.checkToken).not.toHaveBeenCalled();
  });

  it('is not ready when the state store does not answer within the wait (a database out of reach)', async () => {
    vi.useFakeTimers();
    try {
      const t = setup({ writable: () => new Promise<void>(() => undefined) });
      const answer = t.readiness();
      await vi.advanceTimersByTimeAsync(750);
      expect(await answer).toEqual({
        ready: false,
        reason: 'state store is not writable: no answer within 750 ms',
        jamf: { reachable: 'unknown' },
        state: { store: 'sqlite', writable: false },
      });
      expect(t.checkToken).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
