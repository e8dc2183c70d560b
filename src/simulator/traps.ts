import type { CallHooks } from './call-hooks.js';
import type { Fault, SimCall, Trap, TrapSpec } from './types.js';

export interface Traps {
  create(spec: TrapSpec): Trap;
  /** Releases every trap with `fault` (the simulator is closing: nothing may stay held). */
  releaseAll(fault?: Fault): void;
}

const neverHeld = (held: number, n: number): Error =>
  new Error(`trap released after holding ${held} call(s); call ${n} was never held`);

interface Waiter {
  n: number;
  resolve(call: SimCall): void;
  reject(err: Error): void;
}

/**
 * Traps are call listeners that do not return until released, so a test can hold one exact Jamf
 * call (before it is served, or after it is applied but unanswered) and act meanwhile, with no
 * timing involved.
 */
export function createTraps(hooks: CallHooks): Traps {
  const armed = new Set<(fault?: Fault) => void>();

  const create = (spec: TrapSpec): Trap => {
    const phase = spec.phase ?? 'received';
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`trap count must be a positive integer, got ${count}`);
    const method = spec.method?.toUpperCase();
    const calls: SimCall[] = [];
    const gates: Array<(fault: Fault | undefined) => void> = [];
    let waiters: Waiter[] = [];
    let released = false;

    const matches = (call: SimCall): boolean =>
      call.phase === phase &&
      (method === undefined || call.method === method) &&
      (spec.route === undefined || call.route === spec.route);

    const stop = hooks.add((call) => {
      if (released || calls.length >= count || !matches(call)) return undefined;
      calls.push(call);
      const n = calls.length;
      for (const waiter of waiters.filter((w) => w.n === n)) waiter.resolve(call);
      waiters = waiters.filter((w) => w.n !== n);
      return new Promise<Fault | undefined>((resolve) => gates.push(resolve));
    });

    const release = (fault?: Fault): void => {
      if (released) return;
      released = true;
      stop();
      armed.delete(release);
      // A 'settled' listener's result is ignored by the pipeline; passing none keeps that explicit.
      for (const gate of gates.splice(0)) gate(phase === 'received' ? fault : undefined);
      for (const waiter of waiters.splice(0)) waiter.reject(neverHeld(calls.length, waiter.n));
    };
    armed.add(release);

    return {
      hit(n = 1) {
        if (!Number.isInteger(n) || n < 1 || n > count) {
          return Promise.reject(new RangeError(`trap holds calls 1..${count}, asked for call ${n}`));
        }
        const call = calls[n - 1];
        if (call) return Promise.resolve(call);
        if (released) return Promise.reject(neverHeld(calls.length, n));
        return new Promise<SimCall>((resolve, reject) => waiters.push({ n, resolve, reject }));
      },
      get held() {
        return calls.length;
      },
      release,
    };
  };

  return {
    create,
    releaseAll(fault) {
      for (const release of [...armed]) release(fault);
    },
  };
}
