/**
 * The request sequences Okta and Microsoft Entra ID send over an integration's life
 * (idp-behaviour.md A1, A2), as an IdP drives them: each request repeated while it fails.
 */
import type { Idp } from './idp.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const eq = (attribute: string, value: string) => encodeURIComponent(`${attribute} eq "${value}"`);

/** Users that exist in Jamf before the IdP is connected (Okta links them instead of creating). */
export const PREEXISTING = [{ name: 'linus.okta@example.com', fullName: 'Linus T', email: 'linus.okta@example.com' }];

interface Person {
  userName: string;
  given: string;
  family: string;
  externalId: string;
}

// ---- Okta (A1) ----

function oktaProfile(p: Person): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName: p.userName,
    name: { givenName: p.given, familyName: p.family },
    emails: [{ primary: true, value: p.userName, type: 'work' }],
    displayName: `${p.given} ${p.family}`,
    locale: 'en-US',
    externalId: p.externalId,
    groups: [],
    password: 'okta-placeholder-Pw1!',
    active: true,
  };
}

/**
 * Assignment: existence check by userName, then POST, or link + whole-object PUT (AIW). A 409 to
 * the POST means an earlier attempt created the user after all; Okta's next try of the
 * assignment starts again with the existence check, which then finds it.
 */
async function oktaAssign(idp: Idp, p: Person): Promise<string> {
  for (let round = 0; round < 3; round++) {
    const found = await idp.expect(200, 'GET', `/Users?filter=${eq('userName', p.userName)}&startIndex=1&count=100`);
    const hit = found.json().Resources[0] as { id: string } | undefined;
    if (hit) {
      const got = await idp.expect(200, 'GET', `/Users/${hit.id}`);
      await idp.expect(200, 'PUT', `/Users/${hit.id}`, { ...got.json(), ...oktaProfile(p) });
      return hit.id;
    }
    const created = await idp.expect([201, 409], 'POST', '/Users', oktaProfile(p));
    if (created.status === 201) return created.json().id as string;
  }
  throw new Error(`Okta could not assign ${p.userName}`);
}

/** Group Push: lookup by displayName, then POST (a 409 after a lost create: look up again). */
async function oktaPushGroup(idp: Idp, displayName: string, members: string[]): Promise<string> {
  for (let round = 0; round < 3; round++) {
    const found = await idp.expect(200, 'GET', `/Groups?filter=${eq('displayName', displayName)}&startIndex=1&count=100`);
    const hit = found.json().Resources[0] as { id: string } | undefined;
    if (hit) return hit.id;
    const body = { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) };
    const created = await idp.expect([201, 409], 'POST', '/Groups', body);
    if (created.status === 201) return created.json().id as string;
  }
  throw new Error(`Okta could not push group ${displayName}`);
}

async function oktaSetActive(idp: Idp, id: string, active: boolean): Promise<void> {
  // OIN apps: PATCH without a path, value an object (A1.1).
  const res = await idp.expect(200, 'PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active } }));
  if (res.json().active !== active) throw new Error(`user ${id} answered active ${res.json().active}`);
}

export async function oktaLifecycle(idp: Idp): Promise<void> {
  const ada = await oktaAssign(idp, { userName: 'ada.okta@example.com', given: 'Ada', family: 'Lovelace', externalId: '00uada' });
  const grace = await oktaAssign(idp, { userName: 'grace.okta@example.com', given: 'Grace', family: 'Hopper', externalId: '00ugrace' });
  const linus = await oktaAssign(idp, { userName: 'linus.okta@example.com', given: 'Linus', family: 'Torvalds', externalId: '00ulinus' });
  await idp.expect(200, 'GET', `/Users/${ada}`);

  const eng = await oktaPushGroup(idp, 'Okta Engineering', []);
  const design = await oktaPushGroup(idp, 'Okta Design', [ada]);
  // Membership: additions and a removal in one PATCH.
  await idp.expect(204, 'PATCH', `/Groups/${eng}`, patch({ op: 'add', path: 'members', value: [{ value: ada }, { value: grace }] }));
  await idp.expect(
    204,
    'PATCH',
    `/Groups/${eng}`,
    patch({ op: 'add', path: 'members', value: [{ value: linus }] }, { op: 'remove', path: `members[value eq "${grace}"]` }),
  );
  await idp.expect(204, 'PATCH', `/Groups/${design}`, patch({ op: 'replace', value: { id: design, displayName: 'Okta Design Team' } }));
  // Replace the whole membership (PUT with the member list).
  await idp.expect(200, 'PUT', `/Groups/${design}`, {
    schemas: [GROUP_SCHEMA],
    id: design,
    displayName: 'Okta Design Team',
    members: [{ value: ada }, { value: grace }],
  });

  // Profile update (AIW): GET, then PUT of the whole object.
  const current = (await idp.expect(200, 'GET', `/Users/${ada}`)).json();
  await idp.expect(200, 'PUT', `/Users/${ada}`, { ...current, title: 'Analyst <Engines & "Notes">', phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }] });

  // Ada, in both groups, is deactivated and reactivated: same id, memberships restored.
  await oktaSetActive(idp, ada, false);
  const inactive = (await idp.expect(200, 'GET', `/Users/${ada}`)).json();
  if (inactive.active !== false) throw new Error('deactivated user reads as active');
  await oktaSetActive(idp, ada, true);
  // Grace stays deactivated (Okta never deletes).
  await oktaSetActive(idp, grace, false);

  const temp = await oktaPushGroup(idp, 'Okta Temp', [linus]);
  await idp.delete(`/Groups/${temp}`);
}

// ---- Entra (A2) ----

function entraCreateBody(p: Person): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: p.externalId,
    userName: p.userName,
    active: 'True',
    displayName: `${p.given} ${p.family}`,
    emails: [{ primary: true, type: 'work', value: p.userName }],
    meta: { resourceType: 'User' },
    name: { formatted: `${p.given} ${p.family}`, familyName: p.family, givenName: p.given },
    roles: [],
    [ENTERPRISE]: { department: 'R&D' },
  };
}

/** Entra queries by the matching attribute, then creates; after a 409 its next cycle queries again and links. */
async function entraProvision(idp: Idp, p: Person): Promise<string> {
  for (let round = 0; round < 3; round++) {
    const found = await idp.expect(200, 'GET', `/Users?filter=${eq('userName', p.userName)}`);
    const hit = found.json().Resources[0] as { id: string } | undefined;
    if (hit) {
      // Matched: Entra sends what differs from its mapping, one op per attribute.
      await idp.expect(
        200,
        'PATCH',
        `/Users/${hit.id}`,
        patch(
          { op: 'Replace', path: 'externalId', value: p.externalId },
          { op: 'Replace', path: 'displayName', value: `${p.given} ${p.family}` },
          { op: 'Replace', path: 'name.givenName', value: p.given },
          { op: 'Replace', path: 'name.familyName', value: p.family },
          { op: 'Replace', path: 'name.formatted', value: `${p.given} ${p.family}` },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: p.userName },
          { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'R&D' },
        ),
      );
      return hit.id;
    }
    const created = await idp.expect([201, 409], 'POST', '/Users', entraCreateBody(p));
    if (created.status === 201) return created.json().id as string;
  }
  throw new Error(`Entra could not provision ${p.userName}`);
}

async function entraGroup(idp: Idp, displayName: string, externalId: string): Promise<string> {
  for (let round = 0; round < 3; round++) {
    const found = await idp.expect(200, 'GET', `/Groups?excludedAttributes=members&filter=${eq('displayName', displayName)}`);
    const hit = found.json().Resources[0] as { id: string } | undefined;
    if (hit) {
      await idp.expect(204, 'PATCH', `/Groups/${hit.id}`, patch({ op: 'Replace', path: 'externalId', value: externalId }));
      return hit.id;
    }
    const body = { schemas: [GROUP_SCHEMA, ADSCIM_GROUP], externalId, displayName, meta: { resourceType: 'Group' } };
    const created = await idp.expect([201, 409], 'POST', '/Groups', body);
    if (created.status === 201) return created.json().id as string;
  }
  throw new Error(`Entra could not create group ${displayName}`);
}

export async function entraLifecycle(idp: Idp): Promise<void> {
  const alan = await entraProvision(idp, { userName: 'alan.entra@example.com', given: 'Alan', family: 'Turing', externalId: 'a1a1-guid' });
  const barbara = await entraProvision(idp, { userName: 'barbara.entra@example.com', given: 'Barbara', family: 'Liskov', externalId: 'b2b2-guid' });
  const edsger = await entraProvision(idp, { userName: 'edsger.entra@example.com', given: 'Edsger', family: 'Dijkstra', externalId: 'e3e3-guid' });

  // Profile changes: one op per attribute (default), then the aadOptscim062020 no-path form.
  await idp.expect(
    200,
    'PATCH',
    `/Users/${alan}`,
    patch(
      { op: 'Replace', path: 'displayName', value: 'Alan M. Turing' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alan.turing@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Alan M.' },
      { op: 'Replace', path: 'name.formatted', value: 'Alan M. Turing' },
      { op: 'Add', path: 'title', value: 'Cryptanalyst & <Lead>' },
    ),
  );
  await idp.expect(
    200,
    'PATCH',
    `/Users/${barbara}`,
    patch({
      op: 'replace',
      value: { displayName: 'Barbara H. Liskov', 'name.givenName': 'Barbara H.', 'name.formatted': 'Barbara H. Liskov', [`${ENTERPRISE}:employeeNumber`]: '42' },
    }),
  );

  const ops = await entraGroup(idp, 'Entra Ops', 'g-ops-guid');
  await idp.expect(
    204,
    'PATCH',
    `/Groups/${ops}`,
    patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: alan }, { $ref: null, value: barbara }, { $ref: null, value: edsger }] }),
  );
  await idp.expect(204, 'PATCH', `/Groups/${ops}`, patch({ op: 'Remove', path: 'members', value: [{ value: edsger }] }));
  await idp.expect(204, 'PATCH', `/Groups/${ops}`, patch({ op: 'Replace', path: 'displayName', value: 'Entra Operations' }));
  const labs = await entraGroup(idp, 'Entra Labs', 'g-labs-guid');
  await idp.expect(204, 'PATCH', `/Groups/${labs}`, patch({ op: 'Add', path: 'members', value: [{ value: alan }, { value: edsger }] }));
  // aadOptscim062020 removal by filter, and a replace of the whole membership.
  await idp.expect(204, 'PATCH', `/Groups/${labs}`, patch({ op: 'remove', path: `members[value eq "${edsger}"]` }));
  await idp.expect(204, 'PATCH', `/Groups/${ops}`, patch({ op: 'replace', path: 'members', value: [{ value: alan }, { value: barbara }, { value: edsger }] }));
  await idp.expect(200, 'GET', `/Groups/${ops}?excludedAttributes=members`);

  // Alan, in both groups, is disabled and restored (string booleans, A2.2).
  await idp.expect(200, 'PATCH', `/Users/${alan}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
  const disabled = (await idp.expect(200, 'GET', `/Users?filter=${eq('userName', 'alan.entra@example.com')}`)).json();
  if (disabled.Resources[0]?.active !== false) throw new Error('disabled user is not listed as inactive');
  await idp.expect(200, 'PATCH', `/Users/${alan}`, patch({ op: 'Replace', path: 'active', value: 'True' }));

  // Barbara: soft-deleted, then hard-deleted 30 days later; Edsger: hard-deleted while active.
  await idp.expect(200, 'PATCH', `/Users/${barbara}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
  await idp.delete(`/Users/${barbara}`);
  await idp.delete(`/Users/${edsger}`);

  const temp = await entraGroup(idp, 'Entra Temp', 'g-temp-guid');
  await idp.delete(`/Groups/${temp}`);
}
