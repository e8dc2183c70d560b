import type { Logger } from 'pino';
import type { AuditStore } from './types.js';

const DAY_MS = 86_400_000;

export interface AuditRetentionOptions {
  audit: Pick<AuditStore, 'pruneOlderThan'>;
  /** AUDIT_RETENTION_DAYS. */
  days: number;
  now: () => Date;
  logger: Pick<Logger, 'info' | 'error'>;
  intervalMs?: number;
  /** Entries one delete removes. */
  batch?: number;
}

export interface AuditRetention {
  stop(): void;
  /** One pass; resolves with how many entries it deleted. A pass already running is joined. */
  runOnce(): Promise<number>;
}

/**
 * Deletes audit entries older than the retention, at start and every `intervalMs`. A delete runs
 * on the event loop's thread and holds SQLite's write lock, so a large backlog (a first start
 * after an upgrade, a shortened retention) is deleted in batches with the event loop let through
 * between them: a SCIM request waits for one batch at most, never for the whole backlog.
 */
export function startAuditRetention(options: AuditRetentionOptions): AuditRetention {
  const { audit, days, now, logger } = options;
  const batch = options.batch ?? 500;
  let stopped = false;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const cutoff = new Date(now().getTime() - days * DAY_MS).toISOString();
    let pruned = 0;
    try {
      while (!stopped) {
        const deleted = await audit.pruneOlderThan(cutoff, batch);
        pruned += deleted;
        if (deleted < batch) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      logger.error({ err, pruned }, 'audit retention failed; retrying at the next interval');
    }
    if (pruned > 0) logger.info({ pruned, olderThan: cutoff, retentionDays: days }, 'audit entries past their retention deleted');
    return pruned;
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void runOnce(), options.intervalMs ?? 3_600_000);
  timer.unref();
  void runOnce();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    runOnce,
  };
}
