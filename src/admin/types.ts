import type { AuditTrail } from '../audit/recorder.js';
import type { AuditStore } from '../audit/types.js';
import type { CheckStep } from '../check/connection-check.js';
import type { MissingPrivilege } from '../jamf/privilege-refusals.js';
import type { JamfReachability } from '../jamf-health.js';
import type { JamfQueueStats } from '../metrics.js';
import type { JamfDirectory, StateStore } from '../provisioning/ports.js';
import type { GroupService } from '../provisioning/group-service.js';
import type { UserService } from '../provisioning/user-service.js';
import type { RequestHistory } from './history.js';

/** What the console shows beyond the services buildApp makes; the runtime wires it (src/runtime.ts). */
export interface ConsoleSources {
  /** JAMF_URL as configured. */
  jamfUrl: string;
  /** Default: the version in package.json. */
  version?: string;
  /** Default: when the routes were registered. */
  startedAt?: Date;
  health: { snapshot(): JamfReachability };
  /** The Jamf client's own state (never a Jamf call). */
  client: { stats(): JamfQueueStats; missingPrivileges(): MissingPrivilege[]; tokenPath(): string };
  /** Queued Jamf calls beyond which SCIM requests get 429 (JAMF_QUEUE_LIMIT). */
  queueLimit: number;
  /** The connection check (src/check/connection-check.ts) against the server's Jamf Pro. */
  runCheck: () => Promise<CheckStep[]>;
  history: Pick<RequestHistory, 'minutes'>;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

/** Everything the console's data routes use. */
export interface ConsoleDeps extends ConsoleSources {
  users: Pick<UserService, 'get' | 'withLock'>;
  groups: Pick<GroupService, 'get'>;
  store: Pick<StateStore, 'getUser' | 'getUsersByJamfIds' | 'listTombstones' | 'countTombstones' | 'deleteUser' | 'getGroups'>;
  jamf: Pick<JamfDirectory, 'listUsers' | 'getUser' | 'serverInfo' | 'listGroups'>;
  audit: AuditStore;
  /** Records the purges (credential `admin`). */
  trail: AuditTrail;
  /** PUBLIC_BASE_URL, for the SCIM view's `meta.location` as GET /scim/v2/Users/<id> and /Groups/<id> show it. */
  publicBaseUrl?: string;
}
