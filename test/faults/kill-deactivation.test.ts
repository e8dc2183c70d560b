/**
 * SIGKILL during a deactivation (read the Jamf user, write the tombstone, delete the Jamf user),
 * at every Jamf call of it, before and after Jamf applies the call. After a restart on the same
 * store and the IdP's repeat, everything is as after an uninterrupted deactivation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setActive, startKillRig, userInTwoGroups, userView, type KillPhase, type KillRig } from './kill-support.js';

const CASES: Array<[number, KillPhase, string]> = [
  [1, 'before Jamf applies it', 'GET /JSSResource/users/id/:id'],
  [1, 'after Jamf applied it', 'GET /JSSResource/users/id/:id'],
  [2, 'before Jamf applies it', 'DELETE /JSSResource/users/id/:id'],
  [2, 'after Jamf applied it', 'DELETE /JSSResource/users/id/:id'],
];

describe('server killed (SIGKILL) during a deactivation', () => {
  let rig: KillRig;
  let expected: unknown;

  beforeAll(async () => {
    rig = await startKillRig();
    const id = await userInTwoGroups(rig.idp, 'dclean');
    const res = await rig.idp.expect(200, 'PATCH', `/Users/${id}`, setActive(false));
    expect(res.json()).toMatchObject({ id, active: false });
    expected = await userView(rig, 'dclean', id);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('uninterrupted: the user is gone from Jamf, its tombstone remembers both groups, the IdP reads it inactive', () => {
    expect(expected).toMatchObject({
      jamfUsers: [],
      jamfGroups: [
        { name: 'gK-a', members: [] },
        { name: 'gK-b', members: [] },
      ],
      store: [{ userName: 'uK@example.com', status: 'inactive', inJamf: false, externalId: 'ext-K', groups: ['gK-a', 'gK-b'] }],
      scim: { userName: 'uK@example.com', active: false, groups: ['gK-a', 'gK-b'] },
    });
  });

  it.each(CASES)('killed at Jamf call %i of the deactivation, %s (%s)', async (nth, phase, call) => {
    const k = `d${nth}${phase.startsWith('before') ? 'b' : 'a'}`;
    const id = await userInTwoGroups(rig.idp, k);
    const starts = rig.server.starts;
    const kill = rig.killAt(nth, phase);

    const res = await rig.idp.expect(200, 'PATCH', `/Users/${id}`, setActive(false));

    expect(kill.killedCall()).toBe(call);
    expect(rig.server.starts).toBe(starts + 1);
    expect(res.json()).toMatchObject({ id, active: false });
    expect(await userView(rig, k, id)).toEqual(expected);
  });
});
