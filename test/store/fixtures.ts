import type { UserRecord } from '../../src/provisioning/ports.js';

/** An active user row; `over` changes what a test is about. */
export const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  scimId: '1',
  jamfId: 1,
  userName: 'Ada@Example.com',
  externalId: 'okta-1',
  status: 'active',
  attributes: { userName: 'Ada@Example.com', name: { givenName: 'Ada' }, locale: 'en-GB' },
  writtenFullName: 'Ada',
  groupIds: [],
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  jamfSnapshot: null,
  ...over,
});
