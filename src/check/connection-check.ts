import { randomBytes } from 'node:crypto';
import { isJamfError, JamfPrivilegeError } from '../jamf/errors.js';
import type { JamfApi } from '../jamf/types.js';

export interface CheckStep {
  name: string;
  ok: boolean;
  /** What was seen, or what to do about a failure. */
  detail: string;
}

/** The Jamf API role privilege each step needs (jamf-pro-api.md §6). */
const PRIVILEGE: Record<string, string> = {
  'Read users': 'Read User',
  'Create a user': 'Create User',
  'Update a user': 'Update User',
  'Delete a user': 'Delete User',
  'Read static user groups': 'Read Static User Groups',
  'Create a static user group': 'Create Static User Groups',
  'Update a static user group': 'Update Static User Groups',
  'Delete a static user group': 'Delete Static User Groups',
};

function explain(step: string, err: unknown): string {
  // The client names the privilege of the refused call; the step's own is the fallback.
  if (err instanceof JamfPrivilegeError) return `add the privilege "${err.privilege}" to the API role`;
  const privilege = PRIVILEGE[step];
  if (isJamfError(err) && (err.kind === 'forbidden' || err.kind === 'unauthorized' || /not authorized/i.test(err.message))) {
    return privilege ? `add the privilege "${privilege}" to the API role` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export interface CheckTarget {
  jamf: Pick<
    JamfApi,
    'serverInfo' | 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser' | 'getUser' | 'listGroups' | 'createGroup' | 'updateGroup' | 'deleteGroup'
  >;
  /** Obtains a token (proves the credentials). */
  checkToken: () => Promise<void>;
  /** OAuth clients: the token path tried first (JAMF_TOKEN_PATH) and the one that answered. */
  tokenPath?: { configured: string; answered: () => string };
}

/** The names of the check's own test user and group; nothing else in Jamf carries it. */
const TEST_PREFIX = 'jamf-scim-connection-check-';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function tokenDetail(path: CheckTarget['tokenPath']): string {
  // Without an OAuth token path the client signs in with JAMF_USERNAME and JAMF_PASSWORD.
  if (path === undefined) return 'the Jamf Pro user name and password work';
  const answered = path.answered();
  const base = `the API client credentials work (token from POST ${answered})`;
  // The client falls back by itself (src/jamf/token-path.ts); the setting only saves a 404 per start.
  return answered === path.configured ? base : `${base}; ${path.configured} answered 404, set JAMF_TOKEN_PATH=${answered} to skip it`;
}

/**
 * Tries every Jamf operation the server needs, on a throwaway user and group that are deleted
 * again whatever happens, so the check leaves nothing behind in Jamf Pro.
 */
export async function runConnectionCheck(target: CheckTarget): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const run = async <T>(name: string, fn: () => Promise<T>, describe: (v: T) => string): Promise<T | undefined> => {
    try {
      const v = await fn();
      steps.push({ name, ok: true, detail: describe(v) });
      return v;
    } catch (err) {
      steps.push({ name, ok: false, detail: explain(name, err) });
      return undefined;
    }
  };
  const skip = (name: string, why: string) => steps.push({ name, ok: false, detail: `not tried: ${why}` });
  /** After a failed delete, the administrator is told exactly what to remove by hand. */
  const leftover = (what: string) => {
    const last = steps[steps.length - 1];
    if (last && !last.ok) last.detail += `; delete the test ${what} in Jamf Pro by hand`;
  };

  await run('Obtain a token', target.checkToken, () => tokenDetail(target.tokenPath));
  if (!steps[0]?.ok) {
    for (const name of ['Read the Jamf Pro version', ...Object.keys(PRIVILEGE)]) skip(name, 'no token');
    return steps;
  }
  await run('Read the Jamf Pro version', () => target.jamf.serverInfo(), (i) =>
    `${i.version}${i.hasUsersApi ? ' (paged /api/v1/users available)' : ' (Classic listing; /api/v1/users needs 11.26+)'}`,
  );
  const users = await run('Read users', () => target.jamf.listUsers(), (u) => count(u.length, 'user'));
  const groups = await run('Read static user groups', () => target.jamf.listGroups(), (g) => count(g.filter((x) => !x.isSmart).length, 'static group'));

  // A check that was stopped half-way (Ctrl-C, a lost connection) left its test objects behind;
  // their names say they are this check's, so this run removes them first.
  const leftUsers = (users ?? []).filter((u) => u.name.startsWith(TEST_PREFIX));
  const leftGroups = (groups ?? []).filter((g) => !g.isSmart && g.name.startsWith(TEST_PREFIX));
  if (leftUsers.length + leftGroups.length > 0) {
    await run(
      'Remove what an earlier check left',
      async () => {
        for (const g of leftGroups) await target.jamf.deleteGroup(g.id);
        for (const u of leftUsers) await target.jamf.deleteUser(u.id);
      },
      () => `deleted ${[...leftUsers.map((u) => `user ${u.name}`), ...leftGroups.map((g) => `group ${g.name}`)].join(', ')}`,
    );
  }

  const suffix = randomBytes(4).toString('hex');
  const userName = `${TEST_PREFIX}${suffix}`;
  const userId = await run('Create a user', () => target.jamf.createUser({ name: userName, fullName: 'jamf-scim connection check' }), (id) => `created ${userName} (id ${id})`);
  let groupId: number | undefined;
  try {
    if (userId === undefined) skip('Update a user', 'no test user');
    else await run('Update a user', () => target.jamf.updateUser(userId, { position: 'connection check' }), () => 'updated');

    groupId = await run(
      'Create a static user group',
      () => target.jamf.createGroup({ name: `${TEST_PREFIX}${suffix}`, memberIds: [] }),
      (id) => `created (id ${id})`,
    );
    if (groupId === undefined) skip('Update a static user group', 'no test group');
    else {
      const gid = groupId;
      await run(
        'Update a static user group',
        async () => {
          if (userId === undefined) return target.jamf.updateGroup(gid, { name: `${TEST_PREFIX}${suffix}-renamed` });
          await target.jamf.updateGroup(gid, { addIds: [userId] });
          await target.jamf.updateGroup(gid, { removeIds: [userId] });
        },
        () => 'membership changed',
      );
    }
  } finally {
    if (groupId === undefined) skip('Delete a static user group', 'no test group');
    else {
      const gid = groupId;
      await run('Delete a static user group', () => target.jamf.deleteGroup(gid), () => 'deleted the test group');
      leftover(`static user group ${TEST_PREFIX}${suffix} (id ${gid})`);
    }
    if (userId === undefined) skip('Delete a user', 'no test user');
    else {
      await run('Delete a user', () => target.jamf.deleteUser(userId), () => 'deleted the test user');
      leftover(`user ${userName} (id ${userId})`);
    }
  }
  return steps;
}

/** A plain-text table an administrator can read in a terminal or a CI log. */
export function formatCheck(steps: CheckStep[]): string {
  const width = Math.max(...steps.map((s) => s.name.length));
  const lines = steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'}  ${s.name.padEnd(width)}  ${s.detail}`);
  const failed = steps.filter((s) => !s.ok).length;
  lines.push('', failed === 0 ? 'All checks passed: jamf-scim can provision this Jamf Pro.' : `${failed} check(s) failed.`);
  return lines.join('\n');
}
