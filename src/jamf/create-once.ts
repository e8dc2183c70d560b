/**
 * A Classic POST is never blindly repeated: after an unclear failure (lost response, timeout,
 * 502, 504, or 500, whose outcome Jamf does not tell) the object is looked up by name, and only
 * when it is not there is the POST sent again. 503 and 429 mean "not applied" and are retried by
 * http-core itself.
 */
import { isJamfError, type JamfError } from './errors.js';
import type { JamfContext } from './context.js';

export interface CreateOnceSpec {
  /** e.g. `POST /JSSResource/users/id/0`, for logs. */
  route: string;
  post: () => Promise<number>;
  /** The id of an existing object with the name being created, or undefined. */
  lookup: () => Promise<number | undefined>;
}

function unclear(err: JamfError): boolean {
  return err.unclear || err.status === 500;
}

export async function createOnce(ctx: JamfContext, spec: CreateOnceSpec): Promise<number> {
  let lastUnclear: JamfError | undefined;
  for (let round = 0; ; round += 1) {
    try {
      return await spec.post();
    } catch (err) {
      if (!isJamfError(err)) throw err;
      if (err.kind === 'conflict' && lastUnclear !== undefined) {
        // The earlier POST landed after all, but the lookup missed it (a Jamf Cloud node that had
        // not refreshed yet, §5): one more lookup before reporting a duplicate.
        const id = await spec.lookup();
        if (id !== undefined) return recovered(ctx, spec, id, round);
        throw err;
      }
      if (!unclear(err)) throw err;
      lastUnclear = err;
    }
    let id: number | undefined;
    try {
      id = await spec.lookup();
    } catch {
      // The lookup failing says nothing about the POST; report what happened to the POST.
      throw lastUnclear;
    }
    if (id !== undefined) return recovered(ctx, spec, id, round);
    if (round >= ctx.retries) throw lastUnclear;
    await ctx.backoff(round);
  }
}

function recovered(ctx: JamfContext, spec: CreateOnceSpec, id: number, round: number): number {
  ctx.logger.warn({ jamf: { route: spec.route, attempt: round + 1 } }, 'jamf create had an unclear outcome; found the created object by name');
  return id;
}
