import type { PoolClient } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgAuditSql } from '../../src/store/pg-audit.js';
import { openPgStore, type PgStateStore, type PgStoreOptions } from '../../src/store/pg-store.js';
import { USER_SQL } from '../../src/store/pg-users.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { user } from './fixtures.js';

/** A promise with its resolve, to hold a transaction open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('PostgreSQL state store', () => {
  let db: TestDatabase;
  const stores: PgStateStore[] = [];
  const open = async (options?: PgStoreOptions) => {
    const store = await openPgStore(db.url, options);
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    const store = stores[0];
    if (store !== undefined) await store.pool.query('TRUNCATE users, groups, audit');
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('keeps concurrent transactions apart: neither sees the rows the other has not committed', async () => {
    const store = await open();
    const aWrote = gate();
    const bWrote = gate();
    const aLooked = gate();
    const a = store.transaction(async () => {
      await store.putUser(user({ scimId: '1', jamfId: 1 }));
      aWrote.open();
      await bWrote.promise;
      expect(await store.getUser('2')).toBeNull();
      aLooked.open();
      return (await store.getUser('1'))?.scimId;
    });
    const b = store.transaction(async () => {
      await aWrote.promise;
      await store.putUser(user({ scimId: '2', jamfId: 2, userName: 'bob' }));
      expect(await store.getUser('1')).toBeNull();
      bWrote.open();
      // Not committed before A has looked: read committed would show A the row then.
      await aLooked.promise;
      return (await store.getUser('2'))?.scimId;
    });
    expect(await Promise.all([a, b])).toEqual(['1', '2']);
    expect((await store.getUsersByJamfIds([1, 2])).size).toBe(2);
  });

  it('shows another replica a transaction only once it commits', async () => {
    const one = await open({ applicationName: 'replica-1' });
    const two = await open({ applicationName: 'replica-2' });
    const wrote = gate();
    const finish = gate();
    const tx = one.transaction(async () => {
      await one.putUser(user());
      await one.audit.append({
        time: '2026-03-01T10:00:00.000Z', requestId: null, credential: null, action: 'user.created', resourceType: 'User',
        scimId: '1', name: 'Ada@Example.com', jamfIds: [1], members: [], outcome: 'success', detail: null, jamfCalls: [],
      });
      wrote.open();
      await finish.promise;
    });
    await wrote.promise;
    expect(await two.getUser('1')).toBeNull();
    expect(await two.findUsersByUserName('ada@example.com')).toEqual([]);
    expect((await two.audit.query({ limit: 10 })).total).toBe(0);
    finish.open();
    await tx;
    expect(await two.getUser('1')).toEqual(user());
    expect((await two.audit.query({ user: 'ADA@example.com', limit: 10 })).total).toBe(1);
    const names = await one.pool.query<{ name: string }>("SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'replica-%' ORDER BY 1");
    expect(names.rows.map((r) => r.name)).toEqual(['replica-1', 'replica-2']);
  });

  it('gives the connection back after a failed transaction or savepoint, even with a pool of one', async () => {
    const store = await open({ poolSize: 1 });
    for (let i = 0; i < 3; i++) {
      await expect(
        store.transaction(async () => {
          await store.putUser(user());
          // A statement error aborts the transaction; the rollback still releases the connection.
          await store.putUser(user({ jamfId: 'x' as unknown as number })).catch(() => undefined);
          throw new Error(`boom ${i}`);
        }),
      ).rejects.toThrow(`boom ${i}`);
    }
    await expect(store.transaction(() => store.putUser(user({ jamfId: 'x' as unknown as number })))).rejects.toThrow(/integer/);
    await store.transaction(async () => {
      await expect(store.transaction(() => store.putUser(user({ jamfId: 'x' as unknown as number })))).rejects.toThrow(/integer/);
      await store.putUser(user());
    });
    expect(await store.getUser('1')).toEqual(user());
    expect(store.pool.totalCount).toBe(1);
    expect(store.pool.idleCount).toBe(1);
  });

  it('runs work a transaction started and did not wait for outside it, not in the next transaction', async () => {
    // One connection: the next transaction gets the one the first gave back.
    const store = await open({ poolSize: 1 });
    const later = gate();
    let late: Promise<unknown> = Promise.resolve();
    await store.transaction(async () => {
      late = later.promise.then(() => store.putUser(user()));
    });
    await expect(
      store.transaction(async () => {
        later.open();
        await store.getUser('2');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await late;
    expect(await store.getUser('1')).toEqual(user());
  });

  it('drops an idle connection the server ended, reports it, and opens another', async () => {
    const failed = gate();
    const errors: Error[] = [];
    const store = await open({
      poolSize: 1,
      onPoolError: (error) => {
        errors.push(error);
        failed.open();
      },
    });
    const pid = (await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const other = await open();
    await other.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await failed.promise;
    expect(errors).toHaveLength(1);
    await store.putUser(user());
    expect(await store.getUser('1')).toEqual(user());
  });

  it('prepares the statements every request runs, once per connection', async () => {
    const store = await open({ poolSize: 1 });
    await store.putUser(user());
    await store.getUser('1');
    await store.findUsersByUserName('ada@example.com');
    await store.getUser('1');
    const prepared = await store.pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
    expect(prepared.rows.map((r) => r.name)).toEqual(['store.byUserName', 'store.getUser', 'store.putUser']);
  });

  it('answers each lookup from an index, never by reading every row', async () => {
    const store = await open({ poolSize: 1 });
    const client: PoolClient = await store.pool.connect();
    try {
      // On tables this small a scan is cheapest; forbidding it shows which index a query can use.
      await client.query('SET enable_seqscan = off');
      const plan = async (text: string, values: unknown[]) =>
        (await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${text}`, values })).rows.map((r) => r['QUERY PLAN']).join('\n');
      const users: Array<[string, unknown[], string]> = [
        [USER_SQL.getUserByJamfId, [1], 'users_jamf_id_key'],
        [USER_SQL.byJamfIds, [[1, 2]], 'users_jamf_id_key'],
        [USER_SQL.byUserName, ['a'], 'users_user_name_key'],
        [USER_SQL.byExternalId, ['a'], 'users_external_id'],
        [USER_SQL.tombstones, [10, 0], 'users_not_active'],
        [USER_SQL.countTombstones, [], 'users_not_active'],
        [USER_SQL.pending, [], 'users_pending'],
        [USER_SQL.inGroup, [3], 'users_tombstone_groups'],
        [USER_SQL.scanAfter, ['1', 10], 'users_pkey'],
      ];
      for (const [text, values, index] of users) expect(await plan(text, values), text).toContain(index);
      const audit: Array<[Parameters<typeof pgAuditSql>[0], string[]]> = [
        [{ user: 'alice', limit: 10 }, ['audit_scim_id', 'audit_name_key', 'audit_members']],
        [{ group: 'Staff', limit: 10 }, ['audit_scim_id', 'audit_name_key']],
        [{ action: ['user.deleted'], limit: 10 }, ['audit_action']],
        [{ outcome: 'failure', limit: 10 }, ['audit_failures']],
        [{ since: '2026-01-01', limit: 10 }, ['audit_time']],
      ];
      for (const [query, indexes] of audit) {
        const { text, values } = pgAuditSql(query);
        const shown = await plan(text, values);
        for (const index of indexes) expect(shown, JSON.stringify(query)).toContain(index);
        expect(shown, JSON.stringify(query)).not.toMatch(/Seq Scan/);
      }
    } finally {
      client.release();
    }
  });
});
