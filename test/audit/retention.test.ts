import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAuditRetention, type AuditRetention } from '../../src/audit/retention.js';
import { openSqliteStore, type SqliteStateStore } from '../../src/store/sqlite-store.js';
import { auditEntry } from './fixtures.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const daysBefore = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('audit retention', () => {
  const open: Array<SqliteStateStore | AuditRetention> = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const o of open.splice(0)) {
      if ('stop' in o) o.stop();
      else o.close();
    }
  });

  async function setup(options: { batch?: number; entries?: string[] } = {}) {
    const store = openSqliteStore(':memory:');
    open.push(store);
    for (const time of options.entries ?? []) await store.audit.append(auditEntry({ time }));
    const calls: number[] = [];
    const audit = {
      pruneOlderThan: async (time: string, batch: number) => {
        const n = await store.audit.pruneOlderThan(time, batch);
        calls.push(n);
        return n;
      },
    };
    const logger = { info: vi.fn(), error: vi.fn() };
    const start = (intervalMs?: number) => {
      const retention = startAuditRetention({ audit, days: 90, now: () => NOW, logger, batch: options.batch, intervalMs });
      open.push(retention);
      return retention;
    };
    return { store, calls, logger, start, left: async () => (await store.audit.query({ limit: 1000 })).entries.map((e) => e.time) };
  }

  it('deletes entries older than the retention at start, keeps the rest, and logs how many', async () => {
    const kept = [daysBefore(89), daysBefore(1)];
    const t = await setup({ entries: [daysBefore(400), daysBefore(91), ...kept] });
    const retention = t.start();
    // runOnce joins the pass the start began.
    expect(await retention.runOnce()).toBe(2);
    expect((await t.left()).sort()).toEqual(kept.sort());
    expect(t.logger.info).toHaveBeenCalledTimes(1);
    expect(t.logger.info.mock.calls[0]?.[0]).toMatchObject({ pruned: 2, retentionDays: 90, olderThan: daysBefore(90) });
    expect(t.logger.error).not.toHaveBeenCalled();
  });

  it('deletes a backlog in batches and lets other work run between them', async () => {
    const t = await setup({ batch: 10, entries: Array.from({ length: 95 }, (_, i) => daysBefore(100 + i)) });
    t.start();
    // One batch ran at start; the event loop turns before the next (this tick was queued first).
    await tick();
    expect(t.calls).toEqual([10]);
    while ((await t.left()).length > 0) await tick();
    await tick();
    expect(t.calls).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(t.logger.info).toHaveBeenCalledTimes(1);
    expect(t.logger.info.mock.calls[0]?.[0]).toMatchObject({ pruned: 95 });
  });

  it('runs again every interval and says nothing when there was nothing to delete', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const t = await setup();
    const retention = t.start(60_000);
    await retention.runOnce();
    expect(t.calls).toEqual([0]);
    await t.store.audit.append(auditEntry({ time: daysBefore(120) }));
    vi.advanceTimersByTime(60_000);
    await retention.runOnce();
    expect(t.calls).toEqual([0, 1]);
    expect(t.logger.info).toHaveBeenCalledTimes(1);
    retention.stop();
    vi.advanceTimersByTime(600_000);
    expect(t.calls).toEqual([0, 1]);
  });

  it('logs a failed delete and keeps running instead of throwing', async () => {
    const logger = { info: vi.fn(), error: vi.fn() };
    const audit = {
      pruneOlderThan: () => {
        throw new Error('database is locked');
      },
    };
    const retention = startAuditRetention({ audit, days: 30, now: () => NOW, logger });
    open.push(retention);
    await expect(retention.runOnce()).resolves.toBe(0);
    expect(logger.error).toHaveBeenCalled();
    expect(logger.info).not.toHaveBeenCalled();
  });
});
