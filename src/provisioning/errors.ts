import { JamfError, JamfPrivilegeError } from '../jamf/errors.js';
import { ScimError } from '../scim/errors.js';

/** Seconds an IdP should wait before retrying when Jamf Pro is unavailable. */
export const JAMF_RETRY_AFTER_SECONDS = 30;

export const notFound = (detail: string) => new ScimError(404, detail);
export const conflict = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');

/**
 * The adapter edge (design.md §2): a Jamf failure becomes a SCIM error. Jamf rejecting the
 * server's own credentials is a 502, never a 401 the IdP would blame on its token.
 */
export function fromJamfError(err: unknown): Error {
  if (err instanceof ScimError) return err;
  if (!(err instanceof JamfError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.kind) {
    case 'not_found':
      return new ScimError(404, 'Not found in Jamf Pro');
    case 'conflict':
      if (/not authorized/i.test(err.message)) return privilegeError(err);
      return new ScimError(409, `Jamf Pro refused the change: ${err.message}`);
    case 'bad_request':
      return new ScimError(400, `Jamf Pro rejected a value: ${err.message}`, 'invalidValue');
    case 'unauthorized':
    case 'forbidden':
      return privilegeError(err);
    case 'unavailable':
    case 'timeout':
    case 'network':
      return withRetryAfter(new ScimError(503, 'Jamf Pro is unavailable; retry later'));
    case 'server':
      return new ScimError(502, 'Jamf Pro answered with a server error');
  }
}

/** Runs one Jamf call, translating its failure at the adapter edge. */
export async function jamfCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fromJamfError(err);
  }
}

function privilegeError(err: JamfError): ScimError {
  // Jamf named the privilege by refusing a fresh token too: say which one to add to the API role.
  if (err instanceof JamfPrivilegeError) return new ScimError(502, err.message);
  const what = err.route ? ` (${err.route})` : '';
  return new ScimError(
    502,
    `Jamf Pro rejected this server's API client${what}: check JAMF_CLIENT_ID/JAMF_CLIENT_SECRET and the API role privileges`,
  );
}

function withRetryAfter(e: ScimError): ScimError {
  e.retryAfterSeconds = JAMF_RETRY_AFTER_SECONDS;
  return e;
}
