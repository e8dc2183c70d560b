/**
 * DELETE by id for users and groups. Deleting is retried after an unclear outcome like any
 * idempotent call, which turns "the first attempt deleted it, its response was lost" into a 404
 * on the repeat; that 404 is the success it hides.
 */
import { assertJamfId, type JamfContext } from './context.js';
import { errorFromResponse } from './html-error.js';
import { fillRoute } from './url.js';

/** A 404 on the first attempt: nothing to delete (not_found). A 404 after an unclear attempt: done. */
export async function deleteById(ctx: JamfContext, template: string, id: number, affinityKey: string): Promise<void> {
  assertJamfId(id, `DELETE ${template}`);
  const res = await ctx.call({
    method: 'DELETE',
    route: template,
    path: fillRoute(template, { id }),
    accept: 'application/xml',
    allow: [404],
    affinity: [affinityKey],
  });
  if (res.status === 404 && !res.afterUnclear) throw errorFromResponse(404, res.body, `DELETE ${template}`);
}
