/**
 * SIGKILL during a reactivation (create the Jamf user from the tombstone, re-add it to each
 * static group), at every Jamf call of it, before and after Jamf applies the call. After a
 * restart on the same store and the IdP's repeat: one Jamf user, same SCIM id, both groups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setActive, startKillRig, userInTwoGroups, userView, type KillPhase, type KillRig } from './kill-support.js';

const PHASES: KillPhase[] = ['before Jamf applies it', 'after Jamf applied it'];
const CALLS = ['POST /JSSResource/users/id/:id', 'PUT /JSSResource/usergroups/id/:id', 'PUT /JSSResource/usergroups/id/:id'];
const CASES = CALLS.flatMap((call, i) => PHASES.map((phase): [number, KillPhase, string] => [i + 1, phase, call]));

describe('server killed (SIGKILL) during a reactivation', () => {
  let rig: KillRig;
  let expected: unknown;

  const deactivated = async (k: string) => {
    const id = await userInTwoGroups(rig.idp, k);
    await rig.idp.expect(200, 'PATCH', `/Users/${id}`, setActive(false));
    return id;
  };

  beforeAll(async () => {
    rig = await startKillRig();
    const id = await deactivated('rclean');
    const res = await rig.idp.expect(200, 'PATCH', `/Users/${id}`, setActive(true));
    expect(res.json()).toMatchObject({ id, active: true });
    expected = await userView(rig, 'rclean', id);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('uninterrupted: one Jamf user again, in both groups, under the same SCIM id', () => {
    expect(expected).toMatchObject({
      jamfUsers: [{ name: 'uK@example.com', fullName: 'User K', position: 'Engineer', groups: ['gK-a', 'gK-b'] }],
      jamfGroups: [
        { name: 'gK-a', members: ['uK@example.com'] },
        { name: 'gK-b', members: ['uK@example.com'] },
      ],
      store: [{ userName: 'uK@example.com', status: 'active', inJamf: true, externalId: 'ext-K', groups: [] }],
      scim: { userName: 'uK@example.com', active: true, groups: ['gK-a', 'gK-b'] },
    });
  });

  it.each(CASES)('killed at Jamf call %i of the reactivation, %s (%s)', async (nth, phase, call) => {
    const k = `r${nth}${phase.startsWith('before') ? 'b' : 'a'}`;
    const id = await deactivated(k);
    const starts = rig.server.starts;
    const kill = rig.killAt(nth, phase);

    const res = await rig.idp.expect(200, 'PATCH', `/Users/${id}`, setActive(true));

    expect(kill.killedCall()).toBe(call);
    expect(rig.server.starts).toBe(starts + 1);
    expect(res.json()).toMatchObject({ id, active: true });
    expect(await userView(rig, k, id)).toEqual(expected);
  });
});
