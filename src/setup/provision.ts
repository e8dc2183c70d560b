/** The Jamf side of setup: the API role and API client jamf-scim, made once and reused by name. */
import { parseVersion } from '../jamf/server-info.js';
import { SetupError } from './errors.js';
import { OLD_JAMF_ADVICE, type ApiIntegration, type JamfAdmin } from './jamf-admin.js';
import { OPTIONAL_PRIVILEGES, SERVER_PRIVILEGES } from '../check/privileges.js';

export const ROLE_NAME = 'jamf-scim';
export const CLIENT_NAME = 'jamf-scim';

/**
 * Exactly the privileges the README's "Setting up Jamf Pro: API role and client" lists: users and
 * static groups in full, plus Read Smart User Groups (a smart group's id is told apart faster).
 */
export const REQUIRED_PRIVILEGES: readonly string[] = [...SERVER_PRIVILEGES, ...OPTIONAL_PRIVILEGES];

/** The server refreshes ahead of expiry, so the lifetime only bounds how long a leaked token works. */
export const TOKEN_LIFETIME_SECONDS = 300;

/** API roles and clients came with Jamf Pro 10.49.0 (developer.jamf.com "Client Credentials"). */
const SINCE: readonly [number, number] = [10, 49];

/** Jamf Cloud nodes pick up a new client within about a minute (jamf-pro-api.md §5). */
const ACCEPT_ATTEMPTS = 13;
const ACCEPT_PAUSE_MS = 5_000;

export interface ProvisionDeps {
  admin: JamfAdmin;
  /** The client id and secret the .env already holds, when it does. */
  existing?: { clientId: string; clientSecret: string };
  /**
   * Asked only when the client exists already: whether to give it a new secret (the previous one
   * stops working). `hasWorkingSecret`: the .env's secret for it is accepted.
   */
  rotate(hasWorkingSecret: boolean): Promise<boolean>;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
}

export interface Provisioned {
  clientId: string;
  clientSecret: string;
  /** Whether the secret is new (an IdP is not affected, the server's .env is). */
  newSecret: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

async function checkJamf(admin: JamfAdmin): Promise<void> {
  const version = await admin.version();
  const v = parseVersion(version);
  if (v && (v[0] < SINCE[0] || (v[0] === SINCE[0] && v[1] < SINCE[1]))) {
    throw new SetupError(`Jamf Pro ${version} has no API roles and clients (they came with 10.49). ${OLD_JAMF_ADVICE}`);
  }
  const available = await admin.privileges();
  const missing = REQUIRED_PRIVILEGES.filter((p) => !available.includes(p));
  if (missing.length > 0) {
    throw new SetupError(`this Jamf Pro offers no API role privilege named ${missing.map((p) => `"${p}"`).join(', ')}: create the role by hand and rerun with --client-id`);
  }
}

async function ensureRole(deps: ProvisionDeps): Promise<void> {
  const { admin, log } = deps;
  const role = await admin.findRole(ROLE_NAME);
  if (!role) {
    const created = await admin.createRole(ROLE_NAME, REQUIRED_PRIVILEGES);
    log(`Created the API role ${ROLE_NAME} (id ${created.id}) with ${REQUIRED_PRIVILEGES.length} privileges.`);
    return;
  }
  if (sameSet(role.privileges, REQUIRED_PRIVILEGES)) {
    log(`Reusing the API role ${ROLE_NAME} (id ${role.id}); its privileges are right.`);
    return;
  }
  const added = REQUIRED_PRIVILEGES.filter((p) => !role.privileges.includes(p));
  const removed = role.privileges.filter((p) => !REQUIRED_PRIVILEGES.includes(p));
  await admin.updateRole(role.id, role.displayName, REQUIRED_PRIVILEGES);
  const changes = [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
  log(`Corrected the privileges of the API role ${ROLE_NAME} (id ${role.id}): ${changes.join('; ')}.`);
}

async function ensureClient(deps: ProvisionDeps): Promise<{ client: ApiIntegration; created: boolean }> {
  const { admin, log } = deps;
  const found = await admin.findClient(CLIENT_NAME);
  if (!found) {
    const client = await admin.createClient({
      authorizationScopes: [ROLE_NAME],
      displayName: CLIENT_NAME,
      enabled: true,
      accessTokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    });
    log(`Created the API client ${CLIENT_NAME} (id ${client.id}, client id ${client.clientId}), enabled, role ${ROLE_NAME}.`);
    return { client, created: true };
  }
  if (found.enabled && sameSet(found.authorizationScopes, [ROLE_NAME])) {
    log(`Reusing the API client ${CLIENT_NAME} (id ${found.id}, client id ${found.clientId}).`);
    return { client: found, created: false };
  }
  const client = await admin.updateClient(found.id, {
    authorizationScopes: [ROLE_NAME],
    displayName: found.displayName,
    enabled: true,
    accessTokenLifetimeSeconds: found.accessTokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS,
  });
  log(`Reusing the API client ${CLIENT_NAME} (id ${found.id}); set it enabled with only the role ${ROLE_NAME}.`);
  return { client, created: false };
}

/** Waits until the token endpoint accepts the client: a new one reaches every Jamf Cloud node late. */
async function awaitAccepted(deps: ProvisionDeps, clientId: string, clientSecret: string): Promise<void> {
  for (let attempt = 1; attempt <= ACCEPT_ATTEMPTS; attempt++) {
    if (await deps.admin.clientWorks(clientId, clientSecret)) return;
    if (attempt === 1) deps.log('Waiting for Jamf Pro to accept the new client secret (Jamf Cloud takes up to a minute) ...');
    if (attempt < ACCEPT_ATTEMPTS) await deps.sleep(ACCEPT_PAUSE_MS);
  }
  throw new SetupError(`Jamf Pro does not accept the client ${clientId} yet: its secret is in the env file; run npm run check in a minute`);
}

/** Role, then client, then (when needed) a secret; every step reuses what a previous run made. */
export async function provision(deps: ProvisionDeps): Promise<Provisioned> {
  await checkJamf(deps.admin);
  await ensureRole(deps);
  const { client, created } = await ensureClient(deps);
  if (!created) {
    const existing = deps.existing?.clientId === client.clientId ? deps.existing : undefined;
    const works = existing !== undefined && (await deps.admin.clientWorks(existing.clientId, existing.clientSecret));
    if (!(await deps.rotate(works))) {
      if (works && existing) return { clientId: existing.clientId, clientSecret: existing.clientSecret, newSecret: false };
      throw new SetupError(`the API client ${CLIENT_NAME} has no secret this setup knows, and no new one was made: nothing written`);
    }
  }
  const { clientId, clientSecret } = await deps.admin.newSecret(client.id);
  deps.log(created ? 'Generated its client secret.' : 'Generated a new client secret; the previous one no longer works.');
  await awaitAccepted(deps, clientId, clientSecret);
  return { clientId, clientSecret, newSecret: true };
}
