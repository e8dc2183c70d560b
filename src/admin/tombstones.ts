/**
 * Deactivated users: the store rows that keep a user readable as `active: false` after it was
 * deleted in Jamf Pro, and restore it (groups, site, extension attributes) on reactivation. A purge
 * removes one for good: the IdP then sees the user as unknown and a later provisioning creates it
 * afresh. Jamf Pro holds nothing of a tombstone, so a purge makes no Jamf call.
 */
import { requestContext, runInRequest } from '../audit/context.js';
import type { UserRecord } from '../provisioning/ports.js';
import { ConsoleError } from './reply.js';
import type { ConsoleDeps } from './types.js';

export interface DeactivatedUser {
  id: string;
  userName: string;
  externalId: string | null;
  /** `inactive`, or a lifecycle step that began and did not finish (the next SCIM request completes it). */
  status: UserRecord['status'];
  deactivatedAt: string | null;
  /** The credential of the request that deactivated it, from the audit trail. */
  deactivatedBy: string | null;
  /** Static groups the user returns to on reactivation. */
  groups: number;
}

export function createTombstones(deps: Pick<ConsoleDeps, 'store' | 'audit' | 'trail' | 'users'>) {
  const { store, audit } = deps;

  const describe = async (row: UserRecord): Promise<DeactivatedUser> => {
    const entry = (await audit.query({ user: row.scimId, action: ['user.deactivated'], outcome: 'success', limit: 1 })).entries[0];
    return {
      id: row.scimId,
      userName: row.userName,
      externalId: row.externalId,
      status: row.status,
      // Rows older than the audit trail: an inactive row was last written by its deactivation.
      deactivatedAt: entry?.time ?? (row.status === 'inactive' ? row.lastModified : null),
      deactivatedBy: entry?.credential ?? null,
      groups: row.groupIds.length,
    };
  };

  return {
    /** `startIndex` is 1-based, as in SCIM lists. */
    async list(startIndex: number, count: number): Promise<{ total: number; results: DeactivatedUser[] }> {
      const rows = await store.listTombstones(startIndex - 1, count);
      const results: DeactivatedUser[] = [];
      for (const row of rows) results.push(await describe(row));
      return { total: await store.countTombstones(), results };
    },

    /** Under the user's lock, so a reactivation in flight cannot lose its row halfway. */
    purge(scimId: string, requestId: string): Promise<void> {
      return deps.users.withLock(scimId, async () => {
        const row = await store.getUser(scimId);
        if (row === null) throw new ConsoleError(404, `no deactivated user has the id ${scimId}`);
        if (row.status === 'active') throw new ConsoleError(409, `${row.userName} is active in Jamf Pro; only a deactivated user can be purged`);
        if (row.status !== 'inactive') {
          throw new ConsoleError(409, `${row.userName} is ${row.status}: a step in Jamf Pro did not finish; the next SCIM request for the user completes it`);
        }
        await store.deleteUser(scimId);
        await runInRequest(requestContext(requestId, 'admin'), () =>
          deps.trail.record({
            action: 'tombstone.purged',
            resourceType: 'User',
            scimId,
            name: row.userName,
            jamfIds: [],
            outcome: 'success',
            detail: { groupIds: row.groupIds },
          }),
        );
      });
    },
  };
}
