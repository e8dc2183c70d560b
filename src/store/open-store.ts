/**
 * The state store a `STATE_URL` names, with the coordination that goes with it: a SQLite file is
 * one process's own (locks and the Jamf budget in memory), a PostgreSQL database is shared by
 * every replica pointed at it (locks, budget and throttle there too, coord/pg-coord.ts).
 */
import type { AuditStore } from '../audit/types.js';
import { createLocalCoordination } from '../coord/local.js';
import type { Coordination } from '../coord/types.js';
import type { CoordLog } from '../coord/pg-support.js';
import type { StateStore, StoreScan } from '../provisioning/ports.js';
import type { ChangeCounter } from './rows.js';
import { openSqliteStore } from './sqlite-store.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface OpenedState {
  store: StateStore & StoreScan & Partial<ChangeCounter>;
  audit: AuditStore;
  coordination: Coordination;
  kind: StoreKind;
  /** Gives back this replica's leases, then closes the store. */
  close(): Promise<void>;
}

export interface OpenStateOptions {
  /** Connections of this process to PostgreSQL (STATE_POOL_SIZE). */
  poolSize?: number;
  /** Names the connections in `pg_stat_activity` and the replica in lease rows. */
  replicaId?: string;
  /** Where lost leases and other coordination trouble are reported. */
  logger?: CoordLog;
}

export const isPostgresUrl = (stateUrl: string): boolean => /^postgres(ql)?:\/\//i.test(stateUrl.trim());

/** A postgres URL as it may be shown: the password replaced. */
export function redactStateUrl(stateUrl: string): string {
  if (!isPostgresUrl(stateUrl)) return stateUrl;
  try {
    const url = new URL(stateUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

export async function openStateStore(stateUrl: string, options: OpenStateOptions = {}): Promise<OpenedState> {
  if (!isPostgresUrl(stateUrl)) {
    const store = openSqliteStore(stateUrl);
    const coordination = createLocalCoordination();
    return {
      store,
      audit: store.audit,
      coordination,
      kind: 'sqlite',
      close: async () => {
        await coordination.close();
        await store.close();
      },
    };
  }
  // Loaded only when used: a SQLite deployment never opens the PostgreSQL client.
  const [{ openPgStore }, { createPgCoordination }] = await Promise.all([import('./pg-store.js'), import('../coord/pg-coord.js')]);
  const store = await openPgStore(stateUrl, {
    poolSize: options.poolSize,
    applicationName: 'jamf-scim',
    onPoolError: (err) => options.logger?.warn({ err: { message: err.message } }, 'a PostgreSQL connection failed; the pool replaces it'),
  });
  const coordination = createPgCoordination(store.pool, { replicaId: options.replicaId, logger: options.logger });
  return {
    store,
    audit: store.audit,
    coordination,
    kind: 'postgres',
    close: async () => {
      await coordination.close();
      await store.close();
    },
  };
}
