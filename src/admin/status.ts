/**
 * The console's status page and its connection check. Status never waits long on Jamf Pro: it
 * is built from what the server already knows (reachability from every Jamf call, the client's
 * queue and refused privileges) plus the Jamf Pro version, which is asked for at most every
 * 5 minutes and waited for at most briefly, so a Jamf Pro that does not answer cannot hang the page.
 */
import { readFileSync } from 'node:fs';
import type { CheckStep } from '../check/connection-check.js';
import { ConsoleError } from './reply.js';
import type { ConsoleSources } from './types.js';
import type { JamfDirectory } from '../provisioning/ports.js';

const VERSION_FRESH_MS = 5 * 60_000;
/** After a failed version read, the next status may ask again this much sooner. */
const VERSION_RETRY_MS = 30_000;
const VERSION_WAIT_MS = 1500;

export interface CheckResult {
  ranAt: string;
  ok: boolean;
  steps: CheckStep[];
}

/** The version in package.json: two levels up from here both in src/admin and in dist/admin. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function briefly<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export function createConsoleStatus(sources: ConsoleSources & { jamf: Pick<JamfDirectory, 'serverInfo'> }) {
  const now = sources.now ?? Date.now;
  const version = sources.version ?? packageVersion();
  const startedAt = sources.startedAt ?? new Date(now());
  let jamfVersion: string | null = null;
  let askedAt: number | undefined;
  let asking: Promise<void> | undefined;
  let lastCheck: CheckResult | null = null;
  let checking = false;

  const refreshVersion = (): Promise<void> | undefined => {
    const wait = jamfVersion === null ? VERSION_RETRY_MS : VERSION_FRESH_MS;
    if (asking === undefined && (askedAt === undefined || now() - askedAt >= wait)) {
      askedAt = now();
      asking = sources.jamf
        .serverInfo()
        .then(
          (info) => {
            jamfVersion = info.version;
          },
          // A failure shows as reachability (every Jamf call feeds it); the version stays as last read.
          () => undefined,
        )
        .finally(() => {
          asking = undefined;
        });
    }
    return asking;
  };

  return {
    async status() {
      const pending = refreshVersion();
      if (pending !== undefined) await briefly(pending, VERSION_WAIT_MS);
      const health = sources.health.snapshot();
      const queue = sources.client.stats();
      return {
        version,
        uptimeSeconds: Math.max(0, Math.floor((now() - startedAt.getTime()) / 1000)),
        startedAt: startedAt.toISOString(),
        jamf: {
          url: sources.jamfUrl,
          reachable: health.reachable,
          ...('since' in health ? { since: health.since } : {}),
          lastError: 'lastError' in health ? health.lastError : null,
          lastSuccess: 'lastSuccess' in health ? (health.lastSuccess ?? null) : null,
          version: jamfVersion,
          tokenPath: sources.client.tokenPath(),
          missingPrivileges: sources.client.missingPrivileges(),
          queue: { queued: queue.queued, inFlight: queue.inFlight, limit: sources.queueLimit },
        },
        check: lastCheck,
      };
    },

    /** Creates and deletes a test user and group in Jamf Pro; one at a time, the result kept for status. */
    async runCheck(): Promise<CheckResult> {
      if (checking) throw new ConsoleError(409, 'a connection check is running; wait for its result');
      checking = true;
      try {
        const ranAt = new Date(now()).toISOString();
        const steps = await sources.runCheck();
        lastCheck = { ranAt, ok: steps.every((s) => s.ok), steps };
        return lastCheck;
      } finally {
        checking = false;
      }
    },
  };
}
