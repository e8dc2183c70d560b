/** A static or smart user group a user belongs to, as listed in the Classic `user_groups` element. */
export interface JamfGroupRef {
  id: number;
  name: string;
  isSmart: boolean;
}

/** A Jamf Pro end user, decoded from the Classic XML record (`GET /JSSResource/users/id/{id}`). */
export interface JamfUser {
  id: number;
  /** Jamf's `name`: the username, unique case-insensitively. */
  name: string;
  fullName: string;
  email: string;
  phoneNumber: string;
  position: string;
  managedAppleId: string;
  /** Every group the user is in (smart and static). Empty when read from `/api/v1/users`. */
  groups: JamfGroupRef[];
  /**
   * What the Classic record holds beyond the SCIM-mapped fields (jamf-pro-api.md §2.3). Absent
   * when read from `/api/v1/users`, which has none of it (§3.1).
   */
  extras?: JamfUserExtras;
}

export interface JamfRef {
  id: number;
  name: string;
}

/** The writable elements of a Classic user that SCIM does not map (§2.3, §2.6). */
export interface JamfUserExtras {
  /** Users may be in several sites (§2.3). */
  sites: JamfRef[];
  extensionAttributes: Array<JamfRef & { value: string }>;
  /** null: not LDAP-linked (`-1`/`None`). */
  ldapServer: JamfRef | null;
  enableCustomPhotoUrl: boolean;
  customPhotoUrl: string;
}

/** Fields a create or partial update writes. Omitted fields are left unchanged; `''` clears one. */
export interface JamfUserWrite {
  name?: string;
  fullName?: string;
  /** Written to both `email` and `email_address` (jamf-pro-api.md §2.5). */
  email?: string;
  phoneNumber?: string;
  position?: string;
  managedAppleId?: string;
  /** Replaces the user's sites (§2.6); `[]` clears them. */
  siteIds?: number[];
  /** Only the attributes listed are written, by id; `''` clears one (§2.6). */
  extensionAttributes?: Array<{ id: number; value: string }>;
  /** `-1` unlinks (§2.6). */
  ldapServerId?: number;
  enableCustomPhotoUrl?: boolean;
  customPhotoUrl?: string;
}

/** One entry of the Classic `GET /JSSResource/users` list. */
export interface JamfUserSummary {
  id: number;
  name: string;
}

/** One page of `GET /api/v1/users` (Jamf Pro ≥ 11.26), decoded into the same user shape. */
export interface JamfUserPage {
  totalCount: number;
  users: JamfUser[];
}

export interface JamfUserPageQuery {
  /** 0-based page number. */
  page: number;
  /** 1..1000 */
  pageSize: number;
  /** RSQL filter, e.g. `username=="jdoe"`. */
  filter?: string;
  /** `prop:asc|desc` (§3.1); default `id:asc`. */
  sort?: string;
}

/** One entry of `GET /JSSResource/usergroups`. */
export interface JamfGroupSummary {
  id: number;
  name: string;
  isSmart: boolean;
}

export interface JamfGroupMember {
  id: number;
  username: string;
}

export interface JamfGroup {
  id: number;
  name: string;
  isSmart: boolean;
  members: JamfGroupMember[];
}

export interface JamfGroupCreate {
  name: string;
  memberIds: number[];
}

/** A group update sent as one Classic PUT (jamf-pro-api.md §4.4). */
export interface JamfGroupUpdate {
  name?: string;
  addIds?: number[];
  removeIds?: number[];
  /** Replaces the whole membership (`<users>`); exclusive with addIds/removeIds. */
  replaceIds?: number[];
}

/**
 * How a create may resolve an unclear outcome (a 5xx, a reset, a timeout): a same-named object
 * found afterwards is taken as the one this create made only when that can be proven.
 */
export interface JamfCreateOptions {
  /**
   * The caller saw the name absent in Jamf before this create and no other request of this server
   * for the name ran since (it holds the name's lock). Without it, an object found after the first
   * unclear attempt may be somebody else's.
   */
  absentBefore?: boolean;
  /** True when a Jamf id already belongs to another resource of this server: never adopted. */
  claimed?: (id: number) => boolean | Promise<boolean>;
}

export interface JamfServerInfo {
  version: string;
  /** `/api/v1/users` is served (Jamf Pro ≥ 11.26). */
  hasUsersApi: boolean;
}

/** Everything the server asks of Jamf Pro. Implemented by `createJamfClient`. */
export interface JamfApi {
  serverInfo(): Promise<JamfServerInfo>;

  /** null when Jamf answers 404. */
  getUser(id: number): Promise<JamfUser | null>;
  getUserByName(name: string): Promise<JamfUser | null>;
  /** Case-insensitive; empty when none match. */
  findUsersByEmail(email: string): Promise<JamfUser[]>;
  listUsers(): Promise<JamfUserSummary[]>;
  /** Only when `serverInfo().hasUsersApi`. Sorted by id ascending unless `sort` says otherwise. */
  pageUsers(query: JamfUserPageQuery): Promise<JamfUserPage>;
  /**
   * Returns the new id. Never creates two users: an unclear failure is resolved by a name lookup,
   * and a same-named user that this create cannot prove it made is a JamfDuplicateError.
   */
  createUser(user: JamfUserWrite & { name: string }, options?: JamfCreateOptions): Promise<number>;
  updateUser(id: number, user: JamfUserWrite): Promise<void>;
  /** Throws JamfError kind 'not_found' when the user does not exist. */
  deleteUser(id: number): Promise<void>;

  /** Smart and static. */
  listGroups(): Promise<JamfGroupSummary[]>;
  /** null when Jamf answers 404. */
  getGroup(id: number): Promise<JamfGroup | null>;
  /** As createUser. */
  createGroup(group: JamfGroupCreate, options?: JamfCreateOptions): Promise<number>;
  updateGroup(id: number, update: JamfGroupUpdate): Promise<void>;
  deleteGroup(id: number): Promise<void>;
}
