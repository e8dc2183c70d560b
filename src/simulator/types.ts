import type { FastifyInstance } from 'fastify';
import type { ApiAccessState } from './api-access.js';
import type { NamedRecords } from './records.js';

/** A Jamf end user as the Classic API stores it (jamf-pro-api.md §2.3). Field names follow the XML. */
export interface SimUser {
  id: number;
  /** The username; unique case-insensitively (§2.9). */
  name: string;
  full_name: string;
  /** `email` and `email_address` always carry the same value (§2.3, §7.6). */
  email: string;
  email_address: string;
  phone_number: string;
  position: string;
  managed_apple_id: string;
  enable_custom_photo_url: boolean;
  custom_photo_url: string;
  /** `{ id: -1, name: 'None' }` = not LDAP-linked. */
  ldap_server: SimRef;
  extension_attributes: SimExtensionAttribute[];
  /** Users may belong to several sites (§2.3). */
  sites: SimRef[];
}

export interface SimRef {
  id: number;
  name: string;
}

export type SimExtensionAttributeType = 'String' | 'Integer' | 'Date';

export interface SimExtensionAttribute {
  id: number;
  name: string;
  type: SimExtensionAttributeType;
  value: string;
}

/** A user extension attribute as defined in Jamf (`/JSSResource/userextensionattributes`, jamf-pro-api.md §7.9). */
export interface SimExtensionAttributeDefinition {
  name: string;
  type: SimExtensionAttributeType;
}

export type SimDeviceKind = 'computer' | 'mobile_device';

/** A computer or mobile device of the inventory; its assigned user shows it under the user's `<links>` (§2.3). */
export interface SimDevice {
  kind: SimDeviceKind;
  /** Computers and mobile devices count their ids separately, as in Jamf. */
  id: number;
  name: string;
  /** The assigned user; undefined once that user is deleted. */
  userId: number | undefined;
}

/** One smart-group criterion (§4.5). The simulator evaluates it against user fields. */
export interface SimCriterion {
  name: string;
  priority: number;
  and_or: 'and' | 'or';
  search_type: string;
  value: string;
  opening_paren: boolean;
  closing_paren: boolean;
}

export interface SimGroup {
  id: number;
  /** Unique case-insensitively. */
  name: string;
  is_smart: boolean;
  is_notify_on_change: boolean;
  /** `{ id: -1, name: 'None' }` = no site. */
  site: SimRef;
  criteria: SimCriterion[];
  /** Static members; for a smart group without criteria, its fixed member set. */
  memberIds: Set<number>;
}

export interface SimulatorState {
  /** Users and groups by id, with a name index that follows `set`, `delete` and in-place renames (records.ts). */
  users: NamedRecords<SimUser>;
  groups: NamedRecords<SimGroup>;
  nextUserId: number;
  nextGroupId: number;
  /** Site id → name. Users reference sites by id (§2.3). */
  sites: Map<number, string>;
  nextSiteId: number;
  /** User extension attribute id → definition. */
  userExtensionAttributes: Map<number, SimExtensionAttributeDefinition>;
  nextUserExtensionAttributeId: number;
  /** Devices by `${kind}:${id}` (see `deviceKey`). */
  devices: Map<string, SimDevice>;
  nextDeviceId: Record<SimDeviceKind, number>;
  /** API roles and clients made through the Jamf Pro API (api-access.ts). */
  apiAccess: ApiAccessState;
}

export type Fault = 'reset-before' | 'reset-after' | 'slow' | number;

export interface TargetedFault {
  method?: string;
  /** Route template, e.g. `/JSSResource/users/id/:id`. */
  route?: string;
  count?: number;
  fault: Fault;
}

/**
 * One Jamf call as the simulator serves it (admin routes excluded). 'received': counted, not yet
 * served (no latency, fault or handler yet). 'settled' (once per call): its outcome is decided (applied by the
 * handler, or refused) and the response is about to be written; `status` is absent when the
 * connection ended without an answer ('reset-before', or the client gave up first).
 */
export interface SimCall {
  phase: 'received' | 'settled';
  method: string;
  /** Route template, e.g. `/JSSResource/users/id/:id`. */
  route: string;
  status?: number;
}

/**
 * Awaited before the call goes on. A fault returned on 'received' replaces the configured faults
 * for this call (no random draw, no targeted fault consumed); on 'settled' the result is ignored.
 */
export type SimCallListener = (call: SimCall) => void | Fault | undefined | Promise<void | Fault | undefined>;

/** Which Jamf calls a trap holds (see `Simulator.trap`). */
export interface TrapSpec {
  /** e.g. 'PUT'; any method when absent. */
  method?: string;
  /** Route template, e.g. '/JSSResource/usergroups/id/:id'; any Jamf route (token routes included) when absent. */
  route?: string;
  /**
   * 'received' (default): held on arrival, before the serving queue and before the handler applies it.
   * 'settled': held after the handler applied (or refused) it, before the response is written.
   */
  phase?: 'received' | 'settled';
  /** How many matching calls are held (default 1); later matches pass through untouched. */
  count?: number;
}

export interface Trap {
  /**
   * Resolves with the call when the n-th (1-based, default 1) held call is being held. Rejects when
   * n is beyond the trap's count, or when the trap is released (or the simulator closed) before it.
   */
  hit(n?: number): Promise<SimCall>;
  /** Calls held so far (released or not). */
  readonly held: number;
  /**
   * Lets every held call go on, and stops holding further ones. A fault given (only meaningful for
   * phase 'received') replaces the configured faults for the held calls, as an onCall listener's
   * returned fault does.
   */
  release(fault?: Fault): void;
}

/**
 * How the Classic API treats overlapping PUTs to one user or one user group. Jamf documents no
 * behaviour; its own Terraform provider keeps its Classic acceptance tests serial because "Classic
 * has known concurrency issues when multiple writes hit the same resource type"
 * (jamf/terraform-provider-jamfplatform, internal/resources/pro/user_group/resource_acceptance_test.go),
 * and deploymenttheory/terraform-provider-jamfpro recommends `-parallelism=1` (jamf-pro-api.md §11).
 * The failure mode is unconfirmed [U], so both candidates can be chosen:
 * - 'atomic': each write applies to the current record (no anomaly);
 * - 'lost-update': a write applies its body to the record as it was when the write arrived, so it
 *   silently undoes what overlapping writes committed meanwhile;
 * - 'fail': a write whose record was changed by another write since it arrived answers 500
 *   "Unable to update the database" and applies nothing.
 */
export type ConcurrentWrites = 'atomic' | 'lost-update' | 'fail';

/**
 * How a Classic user write (POST/PUT) that names a site (by id or name) or a user extension
 * attribute (by id) Jamf does not have is treated. No public source shows Jamf's answer [U]:
 * - 'accept': the reference is taken as given (an unknown id is stored with the name sent, or a
 *   made-up one; an unknown site named without an id is dropped);
 * - 'refuse': the whole write answers 409 `Error: Problem with site` / `Error: Problem with
 *   extension attribute` and applies nothing.
 */
export type UnknownReferences = 'accept' | 'refuse';

/**
 * Which spellings of the OAuth token endpoint answer (jamf-pro-api.md §1.1, §11); the other one
 * answers 404 like any route Jamf does not serve. `/api/v1/oauth/token` is the only one in the
 * served Jamf Pro API schema (11.23.2 … 11.30.1); Jamf's admin guide, Jamf's MUT
 * (`tokenManagement.swift`) and ruby-jss use `/api/oauth/token`; the release that first served
 * `/v1/` is not public, and current ones serve both ('both', the default).
 */
export type TokenPaths = 'both' | 'v1-only' | 'legacy-only';

export interface FaultConfig {
  /** Share of Jamf API calls (not token/admin routes) answered with a status from `errorStatuses`. */
  errorRate?: number;
  /** Default [500, 502, 503]. */
  errorStatuses?: number[];
  /** Share of calls whose connection is destroyed without a response, before applying the operation. */
  resetRate?: number;
  /** Share of calls delayed by `slowMs`. */
  slowRate?: number;
  slowMs?: number;
  /**
   * Targeted, deterministic faults, consumed in order: the next `count` (default 1) calls matching
   * method/route get `fault`. 'reset-after' applies the operation, then destroys the socket (the
   * "lost response" case); a number answers with that status without applying.
   */
  next?: TargetedFault[];
}

export interface SimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  /** Basic-auth token flow (`POST /api/v1/auth/token`). */
  username?: string;
  password?: string;
  /** Lifetime of client-credential tokens; user tokens always last 30 minutes (§1.2). */
  tokenLifetimeSeconds?: number;
  /** Below 11.26, `/api/v1/users` answers 404 (§3.1). */
  version?: string;
  seedUsers?: number;
  seedGroups?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** Requests served at once; more wait in FIFO order. */
  maxConcurrent?: number;
  faults?: FaultConfig;
  /** Privileges of the API client (§6). */
  privileges?: string[];
  /**
   * Privileges of the Jamf Pro user account behind Basic → bearer tokens (§1.2); 'all' (default)
   * is a full-access administrator. A Jamf account's privileges carry the same names as API role
   * privileges ("Create API Roles", …: the served schema's x-required-privileges).
   */
  accountPrivileges?: string[] | 'all';
  /** Clock in ms, used for token expiry. */
  now?: () => number;
  /** RNG in [0, 1) for jitter and faults; default a PRNG seeded with `seed`. */
  random?: () => number;
  seed?: number;
  /** Overlapping Classic PUTs to one user or user group (default 'atomic'); see {@link ConcurrentWrites}. */
  concurrentWrites?: ConcurrentWrites;
  /** Classic user writes naming an unknown site or extension attribute (default 'accept'); see {@link UnknownReferences}. */
  unknownReferences?: UnknownReferences;
  /**
   * The 409 message for a duplicate username or user-group name, after `Error: ` (default
   * 'Duplicate name'). Jamf's wording for users and groups is not public (jamf-pro-api.md §11).
   */
  duplicateNameMessage?: string;
  /** OAuth token endpoints served (default 'both'); see {@link TokenPaths}. */
  tokenPaths?: TokenPaths;
  /**
   * Extra latency of the unpaged Classic lists (`GET /JSSResource/users`, `GET /JSSResource/usergroups`)
   * per 1,000 records they return (default 0): on large tenants they take far longer than a single
   * record (jamf-pro-api.md §11, [U] no published timing).
   */
  listLatencyPerThousandMs?: number;
  /** Reuse the data of a previous instance ("simulator restarted, state kept"). */
  state?: SimulatorState;
  logger?: boolean;
}

export type Knobs = Required<
  Pick<SimulatorOptions, 'latencyMs' | 'jitterMs' | 'faults' | 'tokenLifetimeSeconds' | 'version' | 'privileges' | 'accountPrivileges' | 'concurrentWrites' | 'unknownReferences' | 'duplicateNameMessage' | 'tokenPaths' | 'listLatencyPerThousandMs'>
> & { maxConcurrent: number | undefined };

export type KnobPatch = Partial<
  Pick<
    SimulatorOptions,
    'latencyMs' | 'jitterMs' | 'maxConcurrent' | 'faults' | 'tokenLifetimeSeconds' | 'version' | 'privileges' | 'accountPrivileges' | 'concurrentWrites' | 'unknownReferences' | 'duplicateNameMessage' | 'tokenPaths' | 'listLatencyPerThousandMs'
  >
>;

/** A user as `Simulator.addUser` creates it; ids must name registered sites and extension attributes. */
export interface AddUserSpec {
  name: string;
  fullName?: string;
  email?: string;
  phoneNumber?: string;
  position?: string;
  managedAppleId?: string;
  /** No LDAP registry: the server is named `LDAP Server N`. */
  ldapServerId?: number;
  sites?: number[];
  extensionAttributes?: Array<{ id: number; value: string }>;
}

export interface DeviceAssignment {
  username: string;
  /** Default 'computer'. */
  kind?: SimDeviceKind;
  /**
   * The device reporting the username: an existing device of this kind and name is reassigned,
   * otherwise a new one is added (named `Computer N` / `Mobile Device N` when absent).
   */
  deviceName?: string;
  /** Only used when the user is created. */
  realname?: string;
  email?: string;
}

export interface DeviceAssignmentResult {
  userId: number;
  /** True when no user had the username and Jamf created one. */
  created: boolean;
  deviceId: number;
}

export interface Simulator {
  readonly app: FastifyInstance;
  readonly state: SimulatorState;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Binds 127.0.0.1 (port 0 by default) and returns the base URL. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Calls by `${METHOD} ${routeTemplate}`, faulted and rejected ones included; admin routes excluded. */
  counters(): Record<string, number>;
  totalCalls(filter?: (key: string) => boolean): number;
  resetCounters(): void;
  /** Peak number of Jamf requests in flight at once (queued ones included); reset by resetCounters. */
  maxObservedConcurrency(): number;
  /**
   * Peak number of Classic PUTs in flight at once to one user or one user group (from arrival, before
   * the 'received' listeners, until settled); reset by resetCounters. Observed whatever
   * `concurrentWrites` says, so a client can be checked to keep one writer per record.
   */
  maxConcurrentWrites(): number;
  setKnobs(k: KnobPatch): void;
  /** Every issued token becomes invalid now. */
  expireTokens(): void;
  /** Calls `listener` for every Jamf call (see SimCall); returns the function that removes it. */
  onCall(listener: SimCallListener): () => void;
  /** Holds the matching Jamf calls until `release()` (see TrapSpec); close() releases them too. */
  trap(spec: TrapSpec): Trap;
  seed(users: number, groups: number): void;
  /** Throws on a duplicate name, or on a site or extension attribute id not in the registries. */
  addUser(u: AddUserSpec): number;
  addGroup(g: { name: string; isSmart?: boolean; memberIds?: number[] }): number;
  /** Adds a site (name unique case-insensitively) and returns its id. */
  addSite(name: string): number;
  /** Removes the site, and removes it from every user and group that had it; throws on an unknown id. */
  deleteSite(id: number): void;
  /** Adds a user extension attribute (name unique case-insensitively, type 'String' by default) and returns its id. */
  addUserExtensionAttribute(def: { name: string; type?: SimExtensionAttributeType }): number;
  /** Removes the extension attribute and every user's value of it; throws on an unknown id. */
  deleteUserExtensionAttribute(id: number): void;
  /**
   * Assigns a username to a device the way a device's inventory does: Jamf creates the end user
   * when none has that username (case-insensitive), then links the device to it.
   */
  assignDevice(a: DeviceAssignment): DeviceAssignmentResult;
}
