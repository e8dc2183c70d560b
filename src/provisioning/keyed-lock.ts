/** Holds a key across replicas (Coordination.withLock), the key already namespaced. */
export type SharedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Serialises work per key (a SCIM id) inside one process, so a deactivation and a concurrent
 * update of the same user cannot interleave their Jamf calls and store writes. With `shared`
 * (replicas on one database), the caller at the head of this process's line also takes the key
 * there, as `<namespace>:<key>`, so the rule holds across replicas.
 */
export function createKeyedLock(shared?: { lock: SharedLock; namespace: string }) {
  const tails = new Map<string, Promise<unknown>>();
  let waiting = 0;
  const withLock = async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(key);
    const queued = previous !== undefined;
    if (queued) waiting += 1;
    const start = () => {
      if (queued) waiting -= 1;
      return shared ? shared.lock(`${shared.namespace}:${key}`, fn) : fn();
    };
    const run = (previous ?? Promise.resolve()).then(start, start);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
  /** Callers waiting for a key another caller holds. */
  withLock.waiting = () => waiting;
  return withLock;
}

export type KeyedLock = ReturnType<typeof createKeyedLock>;

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
