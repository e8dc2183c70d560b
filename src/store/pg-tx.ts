import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { PoolClient, QueryArrayConfig, QueryArrayResult, QueryConfig, QueryResult, QueryResultRow } from 'pg';

/**
 * How the state store and the audit store of one `openPgStore` reach the database: a statement
 * runs on the connection of the transaction its caller is in, else on any pooled connection.
 */
export interface PgRunner {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
  queryRows<R extends unknown[]>(config: QueryArrayConfig): Promise<QueryArrayResult<R>>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

interface Transaction {
  client: PoolClient;
  savepoints: number;
  /** Ended: work that `fn` started and did not wait for must not use a connection given back. */
  done: boolean;
}

export function createPgRunner(pool: pg.Pool): PgRunner {
  // The transaction follows the async context of `fn`, not an argument: the provisioning code
  // that calls the store and the audit recorder inside a transaction never learns about it.
  const current = new AsyncLocalStorage<Transaction>();
  const target = (): pg.Pool | PoolClient => {
    const tx = current.getStore();
    return tx !== undefined && !tx.done ? tx.client : pool;
  };

  async function nested<T>(tx: Transaction, fn: () => Promise<T>): Promise<T> {
    const savepoint = `s${++tx.savepoints}`;
    await tx.client.query(`SAVEPOINT ${savepoint}`);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // Should the rollback fail, the connection is gone and the outer transaction fails with
      // it; the caller learns of `fn`'s error, the one it can act on.
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw error;
    }
    await tx.client.query(`RELEASE SAVEPOINT ${savepoint}`);
    return result;
  }

  return {
    query: <R extends QueryResultRow>(config: QueryConfig) => target().query<R>(config),
    queryRows: <R extends unknown[]>(config: QueryArrayConfig) => target().query<R>(config),

    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      const outer = current.getStore();
      if (outer !== undefined && !outer.done) return nested(outer, fn);
      const client = await pool.connect();
      const tx: Transaction = { client, savepoints: 0, done: false };
      // A connection whose rollback failed is in an unknown state: releasing it with the error
      // makes the pool close it instead of handing it to the next caller.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
      } catch (error) {
        tx.done = true;
        client.release(error as Error);
        throw error;
      }
      try {
        const result = await current.run(tx, fn);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // After a failed COMMIT the transaction is over already and this ROLLBACK only warns.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        tx.done = true;
        client.release(broken);
      }
    },
  };
}
