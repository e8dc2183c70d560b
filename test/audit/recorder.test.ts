/** What the recorder adds to a step, and that a store refusing an entry never fails the step. */
import { describe, expect, it } from 'vitest';
import { requestContext, runInRequest } from '../../src/audit/context.js';
import { createAuditTrail } from '../../src/audit/recorder.js';
import type { AuditEvent, AuditStore, NewAuditEntry } from '../../src/audit/types.js';
import { captureLogs } from '../helper.js';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const step: AuditEvent = { action: 'user.deleted', resourceType: 'User', scimId: '7', name: 'ada@example.com', jamfIds: [7], outcome: 'success' };

function memoryAudit() {
  const entries: NewAuditEntry[] = [];
  const store: AuditStore = {
    append: async (e) => entries.push(e),
    query: async () => ({ entries: [], total: 0, next: null }),
    pruneOlderThan: async () => 0,
    scan: async () => [],
    importEntries: async () => undefined,
  };
  return { entries, store };
}

describe('audit recorder', () => {
  it('stamps the request and credential, and lists the Jamf calls made since the previous entry of the request', () => {
    const { entries, store } = memoryAudit();
    const trail = createAuditTrail({ store, logger: captureLogs().logger, now: () => NOW });
    const ctx = requestContext('req-1', 'okta');
    runInRequest(ctx, () => {
      ctx.noteCall({ method: 'GET', route: '/JSSResource/users/id/:id', status: 200, ms: 3 });
      trail.record({ ...step, action: 'user.updated' });
      ctx.noteCall({ method: 'DELETE', route: '/JSSResource/users/id/:id', status: 200, ms: 4 });
      trail.record(step);
    });
    expect(entries.map((e) => [e.action, e.requestId, e.credential, e.jamfCalls.map((c) => c.method)])).toEqual([
      ['user.updated', 'req-1', 'okta', ['GET']],
      ['user.deleted', 'req-1', 'okta', ['DELETE']],
    ]);
    expect(entries[0]?.time).toBe(NOW.toISOString());
  });

  it('records background work without a request', () => {
    const { entries, store } = memoryAudit();
    createAuditTrail({ store, logger: captureLogs().logger, now: () => NOW }).record(step);
    expect(entries[0]).toMatchObject({ requestId: null, credential: null, jamfCalls: [], members: [], detail: null });
  });

  it('logs and counts an entry the store cannot take, and does not throw: the change in Jamf has happened', () => {
    const { logger, lines } = captureLogs();
    let failures = 0;
    const store: AuditStore = {
      append: () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      query: async () => ({ entries: [], total: 0, next: null }),
      pruneOlderThan: async () => 0,
      scan: async () => [],
      importEntries: async () => undefined,
    };
    const trail = createAuditTrail({ store, logger, now: () => NOW, onFailure: () => failures++ });
    expect(() => trail.record(step)).not.toThrow();
    expect(failures).toBe(1);
    const line = JSON.parse(lines.find((l) => l.includes('audit entry could not be stored')) ?? '{}') as { audit?: { action: string; scimId: string } };
    expect(line.audit).toMatchObject({ action: 'user.deleted', scimId: '7' });
  });
});
