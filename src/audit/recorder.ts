import type { Logger } from 'pino';
import { currentRequest } from './context.js';
import type { AuditEvent, AuditStore } from './types.js';

/** What provisioning records its steps with. */
export interface AuditTrail {
  /** Never rejects; awaited inside a store transaction, the entry commits with it. */
  record(event: AuditEvent): Promise<void>;
}

/** A trail that keeps nothing (tests and tools that build the services without a store of entries). */
export const NO_AUDIT: AuditTrail = { record: async () => undefined };

/**
 * Records a step with the time, the SCIM request and credential it ran for, and the Jamf calls
 * it took since the request's previous entry. The step has already happened in Jamf when this
 * runs, so a store that cannot take the entry is logged (with the entry, which holds no secret)
 * and counted, never turned into a failed SCIM request the IdP would retry.
 */
export function createAuditTrail(deps: { store: AuditStore; logger: Logger; now: () => Date; onFailure?: () => void }): AuditTrail {
  return {
    async record(event) {
      const ctx = currentRequest();
      const entry = {
        time: deps.now().toISOString(),
        requestId: ctx?.requestId ?? null,
        credential: ctx?.credential ?? null,
        action: event.action,
        resourceType: event.resourceType,
        scimId: event.scimId,
        name: event.name,
        jamfIds: event.jamfIds,
        members: event.members ?? [],
        outcome: event.outcome,
        detail: event.detail ?? null,
        jamfCalls: ctx?.takeCalls() ?? [],
      };
      try {
        await deps.store.append(entry);
      } catch (err) {
        deps.onFailure?.();
        deps.logger.error({ err, audit: entry }, 'audit entry could not be stored');
      }
    },
  };
}
