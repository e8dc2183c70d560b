/**
 * The two stores behind the store port, for the contract suites (design.md §7.9): each test opens
 * a store of its own, SQLite in memory or PostgreSQL on a database of its own.
 */
import type { AuditStore } from '../../src/audit/types.js';
import type { StateStore, StoreScan } from '../../src/provisioning/ports.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { freshDatabase } from '../support/postgres.js';

export interface OpenedStore {
  kind: 'sqlite' | 'postgres';
  store: StateStore & StoreScan;
  audit: AuditStore;
  close(): Promise<void>;
}

export interface Backend {
  kind: OpenedStore['kind'];
  open(): Promise<OpenedStore>;
}

export const BACKENDS: Backend[] = [
  {
    kind: 'sqlite',
    async open() {
      const store = openSqliteStore(':memory:');
      return { kind: 'sqlite', store, audit: store.audit, close: async () => store.close() };
    },
  },
  {
    kind: 'postgres',
    async open() {
      const db = await freshDatabase();
      const store = await openPgStore(db.url);
      return {
        kind: 'postgres',
        store,
        audit: store.audit,
        async close() {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];
