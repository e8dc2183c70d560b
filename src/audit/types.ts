/**
 * The audit trail: one entry per change this server makes in Jamf and per lifecycle step, kept in
 * the state store (issue: "what did the server do in Jamf, for whom, on whose request").
 */

export const AUDIT_ACTIONS = [
  'user.created',
  'user.updated',
  /** Deleted in Jamf; the tombstone keeps the user readable as inactive. */
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  /** A SCIM user took over a Jamf user of its userName that no SCIM user held. */
  'user.adopted',
  'group.created',
  'group.renamed',
  'group.members_added',
  'group.members_removed',
  'group.deleted',
  /** An administrator removed a tombstone (admin API or console). */
  'tombstone.purged',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'success' | 'failure';

/** One Jamf call an audited action took (the Jamf call log line carries the same request id). */
export interface JamfCallNote {
  method: string;
  /** The route template, e.g. `/JSSResource/users/id/:id`; never a query or a body. */
  route: string;
  /** HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
  ms: number;
}

/** What a provisioning step reports; the recorder adds time, request and credential. */
export interface AuditEvent {
  action: AuditAction;
  resourceType: 'User' | 'Group';
  /** SCIM id of the user or group; null when the step failed before one existed. */
  scimId: string | null;
  /** userName or displayName. */
  name: string | null;
  /** Jamf ids the step touched: the user's or the group's (old and new on a reactivation). */
  jamfIds: number[];
  /** SCIM ids of the users a membership step added or removed (so filtering by a user finds it). */
  members?: string[];
  outcome: AuditOutcome;
  /**
   * Anything else worth keeping: `error` (message) and `status` of a failure, `changed`
   * attribute names of an update, `from`/`to` of a rename, `skipped` pieces of a restore.
   * Never a secret or a password.
   */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends Omit<AuditEvent, 'members' | 'detail'> {
  /** Increasing; newest has the highest. The paging cursor. */
  seq: number;
  /** ISO-8601 UTC. */
  time: string;
  /** The SCIM request's id (`x-request-id` or generated); null for background work. */
  requestId: string | null;
  /** Name of the IdP credential that made the request (`okta` of `SCIM_BEARER_TOKENS=okta:…`). */
  credential: string | null;
  members: string[];
  detail: Record<string, unknown> | null;
  jamfCalls: JamfCallNote[];
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface AuditQuery {
  /** A user's SCIM id or userName (case-insensitive); also matches membership steps naming it. */
  user?: string;
  /** A group's SCIM id or displayName (case-insensitive). */
  group?: string;
  action?: readonly AuditAction[];
  outcome?: AuditOutcome;
  /** ISO-8601; inclusive. */
  since?: string;
  /** ISO-8601; exclusive. */
  until?: string;
  /** Entries older than this seq (the `next` cursor of the previous page). */
  before?: number;
  /** Entries newer than this seq (polling for new ones). */
  after?: number;
  /** 1..1000. */
  limit: number;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Entries matching the filters (ignoring `before`/`after`). */
  total: number;
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

export interface AuditStore {
  /** Joins the state store's transaction when called inside one (StateStore.transaction). */
  append(entry: NewAuditEntry): Promise<number>;
  query(query: AuditQuery): Promise<AuditPage>;
  /** Deletes at most `batch` entries older than `time`; returns how many it deleted. */
  pruneOlderThan(time: string, batch: number): Promise<number>;
  /** Entries with seq above `after`, oldest first (`npm run migrate-state`); keeps each entry's seq. */
  scan(after: number, limit: number): Promise<AuditEntry[]>;
  /** Writes entries read by `scan` of another store, with their seq (migrating state). */
  importEntries(entries: readonly AuditEntry[]): Promise<void>;
}
