/** The audit entries of group writes (src/audit): which steps a change is, named by SCIM ids. */
import type { AuditTrail } from '../audit/recorder.js';
import { recordFailure, recordSuccess, type AuditSubject } from '../audit/steps.js';
import type { GroupChange } from './group-changes.js';

const groupSubject = (action: AuditSubject['action'], scimId: string | null, name: string | null, jamfId: number | null, members: readonly string[] = []): AuditSubject => ({
  action,
  resourceType: 'Group',
  scimId,
  name,
  jamfIds: jamfId === null ? [] : [jamfId],
  members: [...new Set(members)],
});

export function createGroupAudit(trail: AuditTrail) {
  /** The steps of one change: a rename, additions (or a whole new membership), removals. */
  function steps(id: string, c: GroupChange): Array<{ subject: AuditSubject; detail?: Record<string, unknown> }> {
    const jamfId = Number(id);
    const name = c.displayName ?? null;
    const out: Array<{ subject: AuditSubject; detail?: Record<string, unknown> }> = [];
    if (c.displayName !== undefined) out.push({ subject: groupSubject('group.renamed', id, name, jamfId), detail: { to: c.displayName } });
    if (c.replace !== undefined || c.removeAll) {
      // The whole membership was set: the entry lists who is in the group now.
      out.push({ subject: groupSubject('group.members_added', id, name, jamfId, [...(c.replace ?? []), ...(c.add ?? [])]), detail: { membershipReplaced: true } });
    } else if ((c.add ?? []).length > 0) out.push({ subject: groupSubject('group.members_added', id, name, jamfId, c.add) });
    if ((c.remove ?? []).length > 0) out.push({ subject: groupSubject('group.members_removed', id, name, jamfId, c.remove) });
    return out;
  }

  return {
    async created(id: number, name: string, members: readonly string[]): Promise<void> {
      await recordSuccess(trail, groupSubject('group.created', String(id), name, id, members));
    },
    async createFailed(name: string, members: readonly string[], err: unknown): Promise<void> {
      await recordFailure(trail, groupSubject('group.created', null, name, null, members), err);
    },
    async changed(id: string, c: GroupChange): Promise<void> {
      for (const s of steps(id, c)) await recordSuccess(trail, s.subject, s.detail);
    },
    /** One entry for a refused change: its first step, which Jamf refused with the rest. */
    async changeFailed(id: string, c: GroupChange, err: unknown): Promise<void> {
      const first = steps(id, c)[0];
      if (first !== undefined) await recordFailure(trail, first.subject, err, first.detail);
    },
    async deleted(id: string): Promise<void> {
      await recordSuccess(trail, groupSubject('group.deleted', id, null, Number(id)));
    },
    async deleteFailed(id: string, err: unknown): Promise<void> {
      await recordFailure(trail, groupSubject('group.deleted', id, null, Number(id)), err);
    },
  };
}

export type GroupAudit = ReturnType<typeof createGroupAudit>;
