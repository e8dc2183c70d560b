/**
 * One dedicated connection per coordination for LISTEN. PostgreSQL delivers a NOTIFY only to
 * sessions that ran LISTEN before the notifying transaction committed, so waiters call `ready()`
 * before their last attempt; when the connection is down they fall back to polling.
 */
import type pg from 'pg';
import type { PoolClient } from 'pg';
import { errorFields, type CoordLog } from './pg-support.js';

export interface Listener {
  /** Returns the function that stops `handler`. */
  on(channel: string, handler: (payload: string) => void): () => void;
  /** Whether notifications are being received now (connects when needed). */
  ready(): Promise<boolean>;
  close(): void;
}

export function createListener(pool: pg.Pool, channels: readonly string[], log: CoordLog): Listener {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let client: PoolClient | undefined;
  let connecting: Promise<boolean> | undefined;
  let closed = false;

  const drop = (c: PoolClient, err: unknown): void => {
    if (client !== c) return;
    client = undefined;
    connecting = undefined;
    if (!closed) log.warn(errorFields(err), 'coordination LISTEN connection lost; polling until it is back');
    c.release(err instanceof Error ? err : true);
  };

  const connect = (): Promise<boolean> => {
    connecting ??= (async () => {
      let c: PoolClient | undefined;
      try {
        c = await pool.connect();
        const own = c;
        own.on('error', (err) => drop(own, err));
        own.on('end', () => drop(own, new Error('connection ended')));
        own.on('notification', (msg) => {
          for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
        });
        client = own;
        for (const channel of channels) await own.query(`LISTEN ${channel}`);
        if (closed) throw new Error('closed');
        return true;
      } catch (err) {
        if (c !== undefined) drop(c, err);
        connecting = undefined;
        return false;
      }
    })();
    return connecting;
  };

  return {
    on(channel, handler) {
      const set = handlers.get(channel) ?? new Set();
      set.add(handler);
      handlers.set(channel, set);
      return () => set.delete(handler);
    },
    ready: () => (closed ? Promise.resolve(false) : connect()),
    close() {
      closed = true;
      // Destroyed, not returned: a pooled connection would keep its LISTEN registrations.
      if (client !== undefined) drop(client, true);
    },
  };
}
