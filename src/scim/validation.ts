import type { z } from 'zod';
import { badRequest } from './errors.js';
import type { ScimError, ScimType } from './errors.js';

/** Renders a zod issue path as a SCIM attribute path: `emails[0].value`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** The first zod issue as a 400 whose detail names the attribute, so an admin can act on it. */
export function zodToScimError(error: z.ZodError, scimType: ScimType = 'invalidValue', prefix = ''): ScimError {
  const issue = error.issues[0];
  if (!issue) return badRequest(scimType, `${prefix}Invalid request.`);
  const path = issuePath(issue.path);
  return badRequest(scimType, `${prefix}${path ? `${path}: ` : ''}${issue.message}`);
}
