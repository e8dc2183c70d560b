/**
 * A Classic POST is never blindly repeated: after an unclear failure (lost response, timeout,
 * 502, 504, or 500, whose outcome Jamf does not tell) the object is looked up by name, and only
 * when it is not there is the POST sent again. 503 and 429 mean "not applied" and are retried by
 * http-core itself.
 *
 * A same-named object found after an unclear attempt is taken as this create's own only when
 * that is proven: the name was absent before that attempt (the caller saw it absent, or a lookup
 * after an earlier attempt of this create found nothing) and the id is not another resource's.
 * Otherwise it may be a user an administrator made by hand, and adopting it would hand someone
 * else's account to the IdP (which deletes it on deactivation): the create is refused as a
 * duplicate.
 */
import { isJamfError, JamfDuplicateError, type JamfError } from './errors.js';
import type { JamfContext } from './context.js';
import type { JamfCreateOptions } from './types.js';

export interface CreateOnceSpec extends JamfCreateOptions {
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
  // Whether the name was absent before every attempt that may have landed.
  let proven = spec.absentBefore === true;
  const adopt = async (id: number, round: number): Promise<number> => {
    if (!proven || (await spec.claimed?.(id)) === true) {
      ctx.logger.warn({ jamf: { route: spec.route, attempt: round + 1 } }, 'jamf create had an unclear outcome and a same-named object exists that this create cannot prove it made');
      throw new JamfDuplicateError('Duplicate name: an object of this name exists in Jamf Pro and this request cannot prove it created it', spec.route);
    }
    ctx.logger.warn({ jamf: { route: spec.route, attempt: round + 1 } }, 'jamf create had an unclear outcome; found the created object by name');
    return id;
  };
  for (let round = 0; ; round += 1) {
    try {
      return await spec.post();
    } catch (err) {
      if (!isJamfError(err)) throw err;
      if (err.kind === 'conflict' && lastUnclear !== undefined) {
        // The earlier POST landed after all, but the lookup missed it (a Jamf Cloud node that had
        // not refreshed yet, §5): one more lookup before reporting a duplicate.
        const id = await spec.lookup();
        if (id !== undefined) return adopt(id, round);
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
    if (id !== undefined) return adopt(id, round);
    // Absent now: whatever the next attempt finds under this name, it made (the caller holds the
    // name's lock, so no other request of this server creates it meanwhile).
    proven = true;
    if (round >= ctx.retries) throw lastUnclear;
    await ctx.backoff(round);
  }
}
