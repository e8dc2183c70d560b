import { describe, expect, it } from 'vitest';
import { createSimulator, createState } from '../../src/simulator/index.js';
import { at, call, clientToken, JSON_TYPE, parseXml, statusParagraphs, useSimulators, XML } from './helpers.js';

const USERS = '/JSSResource/users';
const LISTS = /\.(site|extension_attribute)$/;

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => ({
  method,
  url: `/__simulator${path}`,
  ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
});

const xmlUser = async (sim: Parameters<typeof call>[0], id: number) =>
  at(parseXml((await call(sim, 'GET', `${USERS}/id/${id}`, { accept: XML })).body, LISTS), 'user') as Record<string, unknown>;

describe('sites and user extension attributes as Jamf objects', () => {
  const create = useSimulators();

  it('a rich user from addUser shows site and extension attribute names from the registries, in XML and JSON', async () => {
    const sim = create();
    const main = sim.addSite('Main');
    const branch = sim.addSite('Branch');
    const scim = sim.addUserExtensionAttribute({ name: 'scimExternalId' });
    const badge = sim.addUserExtensionAttribute({ name: 'Badge', type: 'Integer' });
    const id = sim.addUser({
      name: 'jdoe',
      sites: [main, branch],
      extensionAttributes: [{ id: scim, value: 'ext-1' }, { id: badge, value: '42' }],
      ldapServerId: 3,
      managedAppleId: 'jdoe@appleid.example.com',
    });

    const user = await xmlUser(sim, id);
    expect(user['sites']).toEqual({ site: [{ id: String(main), name: 'Main' }, { id: String(branch), name: 'Branch' }] });
    expect(user['extension_attributes']).toEqual({
      extension_attribute: [
        { id: String(scim), name: 'scimExternalId', type: 'String', value: 'ext-1' },
        { id: String(badge), name: 'Badge', type: 'Integer', value: '42' },
      ],
    });
    expect(user).toMatchObject({ ldap_server: { id: '3', name: 'LDAP Server 3' }, managed_apple_id: 'jdoe@appleid.example.com' });

    const json = (await call(sim, 'GET', `${USERS}/id/${id}`, { accept: JSON_TYPE })).json().user;
    expect(json.sites).toEqual([{ id: main, name: 'Main' }, { id: branch, name: 'Branch' }]);
    expect(json.extension_attributes).toEqual([
      { id: scim, name: 'scimExternalId', type: 'String', value: 'ext-1' },
      { id: badge, name: 'Badge', type: 'Integer', value: '42' },
    ]);
  });

  it('addUser and the registries refuse unknown ids and taken names', () => {
    const sim = create();
    const site = sim.addSite('Main');
    const ea = sim.addUserExtensionAttribute({ name: 'vip' });
    expect(() => sim.addSite('MAIN')).toThrow(/Duplicate name/);
    expect(() => sim.addUserExtensionAttribute({ name: 'VIP', type: 'Date' })).toThrow(/Duplicate name/);
    expect(() => sim.addUser({ name: 'a', sites: [site, 9] })).toThrow(/Unknown site ids: 9/);
    expect(() => sim.addUser({ name: 'b', extensionAttributes: [{ id: 8, value: 'x' }] })).toThrow(/8/);
    expect(() => sim.addUser({ name: 'c', extensionAttributes: [{ id: ea, value: 'x' }, { id: ea, value: 'y' }] })).toThrow(/twice/);
    expect(() => sim.deleteSite(99)).toThrow(/Unknown site id: 99/);
    expect(() => sim.deleteUserExtensionAttribute(99)).toThrow(/99/);
    expect(sim.state.users.size).toBe(0);
    expect([...sim.state.sites]).toEqual([[site, 'Main']]);
    expect([...sim.state.userExtensionAttributes]).toEqual([[ea, { name: 'vip', type: 'String' }]]);
  });

  it('deleting a site takes it off every user and group that had it', async () => {
    const sim = create();
    const main = sim.addSite('Main');
    const branch = sim.addSite('Branch');
    const a = sim.addUser({ name: 'a', sites: [main, branch] });
    const b = sim.addUser({ name: 'b', sites: [main] });
    const token = await clientToken(sim);
    await call(sim, 'POST', '/JSSResource/usergroups/id/0', {
      token,
      body: `<user_group><name>G</name><is_smart>false</is_smart><site><id>${main}</id><name>Main</name></site></user_group>`,
    });
    sim.deleteSite(main);
    expect((await xmlUser(sim, a))['sites']).toEqual({ site: [{ id: String(branch), name: 'Branch' }] });
    expect((await xmlUser(sim, b))['sites']).toBe('');
    expect((await call(sim, 'GET', `${USERS}/id/${b}`, { token, accept: JSON_TYPE })).json().user.sites).toEqual([]);
    const group = await call(sim, 'GET', '/JSSResource/usergroups/name/G', { token, accept: JSON_TYPE });
    expect(group.json().user_group.site).toEqual({ id: -1, name: 'None' });
    expect([...sim.state.sites.keys()]).toEqual([branch]);
  });

  it("deleting an extension attribute deletes every user's value of it", async () => {
    const sim = create();
    const scim = sim.addUserExtensionAttribute({ name: 'scimExternalId' });
    const vip = sim.addUserExtensionAttribute({ name: 'vip' });
    const a = sim.addUser({ name: 'a', extensionAttributes: [{ id: scim, value: 'x' }, { id: vip, value: 'yes' }] });
    const b = sim.addUser({ name: 'b', extensionAttributes: [{ id: scim, value: 'y' }] });
    sim.deleteUserExtensionAttribute(scim);
    expect((await xmlUser(sim, a))['extension_attributes']).toEqual({
      extension_attribute: [{ id: String(vip), name: 'vip', type: 'String', value: 'yes' }],
    });
    expect((await xmlUser(sim, b))['extension_attributes']).toBe('');
  });

  it('a restarted simulator given the kept state keeps the registries and their next ids', async () => {
    const state = createState();
    expect(state).toMatchObject({ sites: new Map(), nextSiteId: 1, userExtensionAttributes: new Map(), nextUserExtensionAttributeId: 1 });
    const first = createSimulator({ state });
    first.addSite('Main');
    first.addUserExtensionAttribute({ name: 'vip' });
    await first.close();
    const second = create({ state: first.state });
    expect(second.addSite('Branch')).toBe(2);
    expect(second.addUserExtensionAttribute({ name: 'scim' })).toBe(2);
    expect(second.addUser({ name: 'a', sites: [1, 2] })).toBe(1);
  });
});

describe('Classic user writes naming sites and extension attributes (§2.6)', () => {
  const create = useSimulators();

  it('a known site by id takes its registry name; by name it is found case-insensitively', async () => {
    const sim = create();
    const main = sim.addSite('Main');
    const branch = sim.addSite('Branch');
    const body =
      `<user><name>jdoe</name><sites><site><id>${main}</id><name>Whatever</name></site>` +
      '<site><name>branch</name></site><site><id>-1</id><name>None</name></site></sites></user>';
    expect((await call(sim, 'POST', `${USERS}/id/0`, { body })).statusCode).toBe(201);
    expect((await xmlUser(sim, 1))['sites']).toEqual({ site: [{ id: String(main), name: 'Main' }, { id: String(branch), name: 'Branch' }] });
  });

  it("by default ('accept') unknown site and extension attribute ids are taken as given", async () => {
    const sim = create();
    const body =
      '<user><name>jdoe</name><sites><site><id>7</id><name>Elsewhere</name></site><site><name>Nowhere</name></site></sites>' +
      '<extension_attributes><extension_attribute><id>5</id><value>v</value></extension_attribute></extension_attributes></user>';
    expect((await call(sim, 'POST', `${USERS}/id/0`, { body })).statusCode).toBe(201);
    const user = await xmlUser(sim, 1);
    // A site named only by a name Jamf lacks has no id to keep: it is dropped.
    expect(user['sites']).toEqual({ site: [{ id: '7', name: 'Elsewhere' }] });
    expect(user['extension_attributes']).toEqual({ extension_attribute: [{ id: '5', name: 'Extension Attribute 5', type: 'String', value: 'v' }] });
  });

  it("with 'refuse', a create naming an unknown site is a 409 page and creates nothing", async () => {
    const sim = create({ unknownReferences: 'refuse' });
    sim.addSite('Main');
    const token = await clientToken(sim);
    for (const site of ['<id>7</id>', '<name>Nowhere</name>']) {
      const res = await call(sim, 'POST', `${USERS}/id/0`, { token, body: `<user><name>jdoe</name><sites><site>${site}</site></sites></user>` });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(statusParagraphs(res.body).slice(0, 2)).toEqual(['Conflict', 'Error: Problem with site']);
    }
    expect(sim.state.users.size).toBe(0);
    const ok = await call(sim, 'POST', `${USERS}/id/0`, { token, body: '<user><name>jdoe</name><sites><site><name>MAIN</name></site></sites></user>' });
    expect(ok.statusCode).toBe(201);
  });

  it("with 'refuse', an update naming an unknown extension attribute applies nothing of its body", async () => {
    const sim = create();
    const scim = sim.addUserExtensionAttribute({ name: 'scimExternalId' });
    const site = sim.addSite('Main');
    const id = sim.addUser({ name: 'jdoe', position: 'Eng', extensionAttributes: [{ id: scim, value: 'old' }] });
    sim.setKnobs({ unknownReferences: 'refuse' });
    const body =
      `<user><position>Boss</position><sites><site><id>${site}</id></site></sites><extension_attributes>` +
      `<extension_attribute><id>${scim}</id><value>new</value></extension_attribute>` +
      '<extension_attribute><id>99</id><value>x</value></extension_attribute></extension_attributes></user>';
    const res = await call(sim, 'PUT', `${USERS}/id/${id}`, { body });
    expect([res.statusCode, statusParagraphs(res.body)[1]]).toEqual([409, 'Error: Problem with extension attribute']);
    const user = await xmlUser(sim, id);
    expect(user).toMatchObject({ position: 'Eng', sites: '' });
    expect(user['extension_attributes']).toEqual({ extension_attribute: [{ id: String(scim), name: 'scimExternalId', type: 'String', value: 'old' }] });
  });

  it('an extension attribute the user has can still be written by its name; one it lacks cannot, in either mode', async () => {
    for (const unknownReferences of ['accept', 'refuse'] as const) {
      const sim = create({ unknownReferences });
      const vip = sim.addUserExtensionAttribute({ name: 'vip' });
      sim.addUserExtensionAttribute({ name: 'other' });
      const id = sim.addUser({ name: 'jdoe', extensionAttributes: [{ id: vip, value: 'no' }] });
      const token = await clientToken(sim);
      const byName = (name: string) =>
        `<user><extension_attributes><extension_attribute><name>${name}</name><value>yes</value></extension_attribute></extension_attributes></user>`;
      expect((await call(sim, 'PUT', `${USERS}/id/${id}`, { token, body: byName('vip') })).statusCode).toBe(201);
      const lacking = await call(sim, 'PUT', `${USERS}/id/${id}`, { token, body: byName('other') });
      expect([lacking.statusCode, statusParagraphs(lacking.body)[1]]).toEqual([409, 'Error: Problem with extension attribute']);
      expect((await xmlUser(sim, id))['extension_attributes']).toEqual({
        extension_attribute: [{ id: String(vip), name: 'vip', type: 'String', value: 'yes' }],
      });
    }
  });

  it('the unknownReferences knob is set by PATCH /__simulator/knobs; a bad value is a 400', async () => {
    const sim = create();
    expect((await sim.app.inject(admin('GET', '/knobs'))).json().unknownReferences).toBe('accept');
    const patched = await sim.app.inject(admin('PATCH', '/knobs', { unknownReferences: 'refuse' }));
    expect([patched.statusCode, patched.json().unknownReferences]).toEqual([200, 'refuse']);
    const res = await call(sim, 'POST', `${USERS}/id/0`, { body: '<user><name>jdoe</name><sites><site><id>3</id></site></sites></user>' });
    expect(res.statusCode).toBe(409);
    for (const bad of [{ unknownReferences: 'strict' }, { unknownReferences: true }]) {
      expect((await sim.app.inject(admin('PATCH', '/knobs', bad))).statusCode).toBe(400);
    }
    expect(() => sim.setKnobs({ unknownReferences: 'lenient' as 'accept' })).toThrow();
    expect((await sim.app.inject(admin('GET', '/knobs'))).json().unknownReferences).toBe('refuse');
  });
});

describe('admin routes for sites and user extension attributes', () => {
  const create = useSimulators();

  it('POST, GET and DELETE /__simulator/sites', async () => {
    const sim = create();
    const created = await sim.app.inject(admin('POST', '/sites', { name: 'Main' }));
    expect([created.statusCode, created.json()]).toEqual([201, { id: 1, name: 'Main' }]);
    expect((await sim.app.inject(admin('POST', '/sites', { name: 'main' }))).statusCode).toBe(409);
    for (const bad of [{}, { name: '' }, { name: 'X', extra: 1 }]) {
      expect((await sim.app.inject(admin('POST', '/sites', bad))).statusCode).toBe(400);
    }
    expect((await sim.app.inject(admin('GET', '/sites'))).json()).toEqual({ sites: [{ id: 1, name: 'Main' }] });
    const user = sim.addUser({ name: 'jdoe', sites: [1] });
    expect((await sim.app.inject(admin('DELETE', '/sites/1'))).statusCode).toBe(204);
    expect((await xmlUser(sim, user))['sites']).toBe('');
    expect((await sim.app.inject(admin('DELETE', '/sites/1'))).statusCode).toBe(404);
    expect((await sim.app.inject(admin('DELETE', '/sites/abc'))).statusCode).toBe(400);
  });

  it('POST, GET and DELETE /__simulator/user-extension-attributes', async () => {
    const sim = create();
    const created = await sim.app.inject(admin('POST', '/user-extension-attributes', { name: 'scimExternalId' }));
    expect([created.statusCode, created.json()]).toEqual([201, { id: 1, name: 'scimExternalId', type: 'String' }]);
    expect((await sim.app.inject(admin('POST', '/user-extension-attributes', { name: 'Hired', type: 'Date' }))).json()).toEqual({
      id: 2,
      name: 'Hired',
      type: 'Date',
    });
    expect((await sim.app.inject(admin('POST', '/user-extension-attributes', { name: 'x', type: 'Float' }))).statusCode).toBe(400);
    expect((await sim.app.inject(admin('POST', '/user-extension-attributes', { name: 'HIRED' }))).statusCode).toBe(409);
    expect((await sim.app.inject(admin('GET', '/user-extension-attributes'))).json()).toEqual({
      userExtensionAttributes: [
        { id: 1, name: 'scimExternalId', type: 'String' },
        { id: 2, name: 'Hired', type: 'Date' },
      ],
    });
    const user = sim.addUser({ name: 'jdoe', extensionAttributes: [{ id: 1, value: 'ext' }] });
    expect((await sim.app.inject(admin('DELETE', '/user-extension-attributes/1'))).statusCode).toBe(204);
    expect((await xmlUser(sim, user))['extension_attributes']).toBe('');
    expect((await sim.app.inject(admin('DELETE', '/user-extension-attributes/1'))).statusCode).toBe(404);
  });
});
