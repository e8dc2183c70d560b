import { describe, expect, it } from 'vitest';
import { createTokenManager, refreshSkewMs, type IssuedToken } from '../../src/jamf/token-manager.js';

function setup(lifetimeMs = 60_000) {
  let clock = 1_000_000;
  let issued = 0;
  const pending: Array<() => void> = [];
  const manager = createTokenManager({
    now: () => clock,
    fetch: () =>
      new Promise<IssuedToken>((resolve) => {
        issued += 1;
        const token = `t${issued}`;
        pending.push(() => resolve({ token, lifetimeMs }));
      }),
  });
  return {
    manager,
    settle: () => pending.shift()?.(),
    advance: (ms: number) => {
      clock += ms;
    },
    issued: () => issued,
  };
}

describe('token manager', () => {
  it('shares one refresh between concurrent callers', async () => {
    const t = setup();
    const all = Promise.all([t.manager.get(), t.manager.get(), t.manager.get()]);
    t.settle();
    expect(await all).toEqual(['t1', 't1', 't1']);
    expect(t.issued()).toBe(1);
    expect(await t.manager.get()).toBe('t1');
    expect(t.issued()).toBe(1);
  });

  it('offers the cached token without a promise while it is fresh, and none once a refresh is due', async () => {
    const t = setup(60_000);
    expect(t.manager.current?.()).toBeUndefined();
    const first = t.manager.get();
    t.settle();
    expect(await first).toBe('t1');
    expect(t.manager.current?.()).toBe('t1');
    t.advance(54_001);
    expect(t.manager.current?.()).toBeUndefined();
    t.manager.invalidate('t1');
    expect(t.issued()).toBe(1);
  });

  it('refreshes ahead of expiry (10 % of a 60 s lifetime)', async () => {
    const t = setup(60_000);
    const first = t.manager.get();
    t.settle();
    await first;
    t.advance(53_000);
    expect(await t.manager.get()).toBe('t1');
    t.advance(1_500);
    const second = t.manager.get();
    t.settle();
    expect(await second).toBe('t2');
  });

  it('invalidates only the token that was rejected (no stampede)', async () => {
    const t = setup();
    const first = t.manager.get();
    t.settle();
    const stale = await first;
    t.manager.invalidate(stale);
    const fresh = t.manager.get();
    t.settle();
    expect(await fresh).toBe('t2');
    // A late 401 for the old token must not throw away the new one.
    t.manager.invalidate(stale);
    expect(await t.manager.get()).toBe('t2');
    expect(t.issued()).toBe(2);
  });

  it('lets the next caller retry after a failed refresh', async () => {
    let calls = 0;
    const manager = createTokenManager({
      now: () => 0,
      fetch: async () => {
        calls += 1;
        if (calls === 1) throw new Error('down');
        return { token: 'ok', lifetimeMs: 60_000 };
      },
    });
    await expect(manager.get()).rejects.toThrow('down');
    expect(await manager.get()).toBe('ok');
  });

  it('computes the skew', () => {
    expect(refreshSkewMs(60_000)).toBe(6_000);
    expect(refreshSkewMs(30 * 60_000)).toBe(30_000);
    expect(refreshSkewMs(60_000, 5)).toBe(5_000);
    expect(refreshSkewMs(4_000, 5)).toBe(2_000);
  });
});
