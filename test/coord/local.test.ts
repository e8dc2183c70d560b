import { describe, expect, it } from 'vitest';
import { createLocalCoordination } from '../../src/coord/local.js';

describe('coordination for one process', () => {
  it('serialises work per key in arrival order and counts the waiters', async () => {
    const coord = createLocalCoordination();
    const order: number[] = [];
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (started = resolve));
    const first = coord.withLock('user:1', () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
    const rest = [1, 2, 3].map((n) => coord.withLock('user:1', async () => void order.push(n)));
    expect(coord.waiting()).toBe(3);
    await inside;
    release();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([1, 2, 3]);
    expect(coord.waiting()).toBe(0);
  });

  it('bounds Jamf calls with the in-process limiter', async () => {
    const limiter = createLocalCoordination().jamfLimiter(2);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.run(async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('throttles failures per address over the sliding minute', async () => {
    let t = 0;
    const throttle = createLocalCoordination({ now: () => t }).authThrottle(2);
    expect(await throttle.fail('a')).toBe(1);
    expect(await throttle.retryAfter('a')).toBe(0);
    expect(await throttle.fail('a')).toBe(2);
    expect(await throttle.retryAfter('a')).toBe(60);
    t = 60_001;
    expect(await throttle.retryAfter('a')).toBe(0);
  });

  it('skips exclusive work already running, and checks and closes without a database', async () => {
    const coord = createLocalCoordination();
    let release: () => void = () => undefined;
    const first = coord.runExclusive('sweep', () => new Promise<void>((resolve) => (release = resolve)));
    expect(await coord.runExclusive('sweep', async () => undefined)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await coord.runExclusive('sweep', async () => undefined)).toBe(true);
    await expect(coord.check()).resolves.toBeUndefined();
    await coord.close();
    expect(coord.kind).toBe('local');
  });
});
