import type { NewAuditEntry } from '../../src/audit/types.js';

/** An entry as the recorder writes one; a test overrides what it is about. */
export function auditEntry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    time: '2026-03-01T10:00:00.000Z',
    requestId: 'req-1',
    credential: 'okta',
    action: 'user.created',
    resourceType: 'User',
    scimId: '101',
    name: 'alice@example.com',
    jamfIds: [101],
    members: [],
    outcome: 'success',
    detail: null,
    jamfCalls: [{ method: 'POST', route: '/JSSResource/users/id/{id}', status: 201, ms: 12 }],
    ...overrides,
  };
}
