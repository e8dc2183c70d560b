/** What a refused user write becomes: the SCIM answer, and the audit entry that records it. */
import type { AuditTrail } from '../audit/recorder.js';
import { recordFailure, type AuditSubject } from '../audit/steps.js';
import { userNameTaken } from './duplicates.js';
import { conflict, fromJamfError } from './errors.js';
import type { JamfDirectory } from './ports.js';

export function createWriteRefusals(jamf: Pick<JamfDirectory, 'getUserByName'>, audit: AuditTrail) {
  /** A refused create or rename: 409 `uniqueness` only when a lookup shows the name taken. */
  async function jamfConflict(err: unknown, userName: string, self?: number): Promise<never> {
    let taken: boolean;
    try {
      taken = await userNameTaken(jamf, err, userName, self);
    } catch (lookupErr) {
      throw fromJamfError(lookupErr);
    }
    if (taken) throw conflict(`userName "${userName}" is already taken in Jamf Pro`);
    throw fromJamfError(err);
  }

  return {
    subject: (action: AuditSubject['action'], scimId: string | null, name: string | null, jamfId: number | null): AuditSubject => ({
      action,
      resourceType: 'User',
      scimId,
      name,
      jamfIds: jamfId === null ? [] : [jamfId],
    }),

    /** A Jamf write that failed: recorded with the SCIM answer it becomes, then thrown. */
    async failed(err: unknown, what: AuditSubject, userName: string, self?: number, detail?: Record<string, unknown>): Promise<never> {
      try {
        return await jamfConflict(err, userName, self);
      } catch (answer) {
        await recordFailure(audit, what, answer, detail);
        throw answer;
      }
    },
  };
}
