import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/jamf/limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('limiter', () => {
  it('never runs more than max tasks and starts the rest in FIFO order', async () => {
    const limiter = createLimiter(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const done = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await gate.promise;
        running -= 1;
        return i;
      }),
    );
    await tick();
    expect(limiter.stats()).toEqual({ inFlight: 2, queued: 3 });
    gates[1]?.resolve();
    await tick();
    gates[0]?.resolve();
    await tick();
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('puts urgent tasks at the front of the queue', async () => {
    const limiter = createLimiter(1);
    const gate = deferred();
    const order: string[] = [];
    const first = limiter.run(() => gate.promise);
    const normal = limiter.run(async () => void order.push('normal'));
    const urgent = limiter.run(async () => void order.push('urgent'), { urgent: true });
    gate.resolve();
    await Promise.all([first, normal, urgent]);
    expect(order).toEqual(['urgent', 'normal']);
  });

  it('releases the slot when a task throws', async () => {
    const limiter = createLimiter(1);
    await expect(
      limiter.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    await expect(limiter.run(() => Promise.reject(new Error('async boom')))).rejects.toThrow('async boom');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });

  it('drain rejects queued tasks and lets running ones finish', async () => {
    const limiter = createLimiter(1);
    const gate = deferred();
    const running = limiter.run(async () => {
      await gate.promise;
      return 'done';
    });
    const queued = limiter.run(async () => 'never');
    limiter.drain(new Error('closed'));
    await expect(queued).rejects.toThrow('closed');
    gate.resolve();
    expect(await running).toBe('done');
  });

  it('hands a freed slot to the next queued task before the finished task\'s caller resumes', async () => {
    const limiter = createLimiter(1);
    const order: string[] = [];
    const first = limiter.run(async () => 'first').then(() => void order.push('first resumed'));
    const second = limiter.run(async () => void order.push('second started'));
    await Promise.all([first, second]);
    // No tick between one Jamf call's end and the next one's start: the slot never sits idle.
    expect(order).toEqual(['second started', 'first resumed']);
    expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0 });
  });

  it('rejects a non-positive limit', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
