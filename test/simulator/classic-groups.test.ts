import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { at, call, clientToken, ids, JSON_TYPE, parseXml, statusParagraphs, useSimulators, XML } from './helpers.js';

const GROUPS = '/JSSResource/usergroups';
const parse = (xml: string) => parseXml(xml, /(users\.user|user_groups\.user_group)$/);

const members = (sim: Simulator, id: number) => [...(sim.state.groups.get(id)?.memberIds ?? [])].sort((a, b) => a - b);

/** PUT a `<user_group>` body and return the response. */
const put = (sim: Simulator, id: number, inner: string, token?: string) =>
  call(sim, 'PUT', `${GROUPS}/id/${id}`, { body: `<user_group>${inner}</user_group>`, ...(token ? { token } : {}) });

describe('Classic static user groups: create and read (§4.1–§4.3, §4.6)', () => {
  const create = useSimulators();

  it('POST /usergroups/id/0 creates a static group and echoes <static_user_group>', async () => {
    const sim = create();
    const a = sim.addUser({ name: 'a' });
    const b = sim.addUser({ name: 'b' });
    const body =
      '<user_group><name>Engineering</name><is_smart>false</is_smart><site><id>-1</id></site>' +
      `<users><user><id>${a}</id></user><user><username>B</username></user></users></user_group>`;
    const res = await call(sim, 'POST', `${GROUPS}/id/0`, { body });
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><static_user_group><id>1</id></static_user_group>');
    expect(sim.state.groups.get(1)).toMatchObject({ name: 'Engineering', is_smart: false });
    expect(members(sim, 1)).toEqual([a, b]);
  });

  it('renders the group XML of §4.2 and the JSON without sizes', async () => {
    const sim = create();
    const a = sim.addUser({ name: 'jdoe', fullName: 'Jane Doe', email: 'j@example.com' });
    const id = sim.addGroup({ name: 'Eng', memberIds: [a] });
    const token = await clientToken(sim);
    const xml = (await call(sim, 'GET', `${GROUPS}/id/${id}`, { token, accept: XML })).body;
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><user_group><id>1</id><name>Eng</name><is_smart>false</is_smart>' +
        '<is_notify_on_change>false</is_notify_on_change><site><id>-1</id><name>None</name></site><criteria><size>0</size></criteria>' +
        '<users><size>1</size><user><id>1</id><username>jdoe</username><full_name>Jane Doe</full_name><phone_number/>' +
        '<email_address>j@example.com</email_address></user></users></user_group>',
    );
    const json = (await call(sim, 'GET', `${GROUPS}/name/ENG`, { token, accept: JSON_TYPE })).json();
    expect(json).toEqual({
      user_group: {
        id: 1,
        name: 'Eng',
        is_smart: false,
        is_notify_on_change: false,
        site: { id: -1, name: 'None' },
        criteria: [],
        users: [{ id: a, username: 'jdoe', full_name: 'Jane Doe', phone_number: '', email_address: 'j@example.com' }],
      },
    });
  });

  it('lists smart and static groups: XML with <size>, JSON {user_groups:[…]}', async () => {
    const sim = create();
    sim.addGroup({ name: 'Static' });
    sim.addGroup({ name: 'Smart', isSmart: true });
    const token = await clientToken(sim);
    const xml = (await call(sim, 'GET', GROUPS, { token, accept: XML })).body;
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><user_groups><size>2</size>' +
        '<user_group><id>1</id><name>Static</name><is_smart>false</is_smart><is_notify_on_change>false</is_notify_on_change></user_group>' +
        '<user_group><id>2</id><name>Smart</name><is_smart>true</is_smart><is_notify_on_change>false</is_notify_on_change></user_group>' +
        '</user_groups>',
    );
    expect((await call(sim, 'GET', GROUPS, { token, accept: JSON_TYPE })).json()).toEqual({
      user_groups: [
        { id: 1, name: 'Static', is_smart: false, is_notify_on_change: false },
        { id: 2, name: 'Smart', is_smart: true, is_notify_on_change: false },
      ],
    });
  });

  it('group names are unique case-insensitively: 409 "Error: Duplicate name" on create and rename', async () => {
    const sim = create();
    sim.addGroup({ name: 'Eng' });
    const other = sim.addGroup({ name: 'Ops' });
    const token = await clientToken(sim);
    const created = await call(sim, 'POST', `${GROUPS}/id/0`, { token, body: '<user_group><name>ENG</name><is_smart>false</is_smart></user_group>' });
    expect([created.statusCode, statusParagraphs(created.body)[1]]).toEqual([409, 'Error: Duplicate name']);
    const renamed = await put(sim, other, '<name>eng</name>', token);
    expect([renamed.statusCode, statusParagraphs(renamed.body)[1]]).toEqual([409, 'Error: Duplicate name']);
    expect(sim.state.groups.size).toBe(2);
  });

  it('a create naming an unknown member is 409 and creates nothing', async () => {
    const sim = create();
    const res = await call(sim, 'POST', `${GROUPS}/id/0`, {
      body: '<user_group><name>G</name><is_smart>false</is_smart><users><user><id>99</id></user></users></user_group>',
    });
    expect([res.statusCode, statusParagraphs(res.body)[1]]).toEqual([409, 'Error: Unable to find user with id 99']);
    expect(sim.state.groups.size).toBe(0);
  });

  it('unknown group ids and names are 404 pages; JSON bodies are 415', async () => {
    const sim = create();
    const id = sim.addGroup({ name: 'G' });
    const token = await clientToken(sim);
    for (const [method, url] of [['GET', `${GROUPS}/id/9`], ['GET', `${GROUPS}/name/nope`], ['DELETE', `${GROUPS}/id/9`]] as const) {
      const res = await call(sim, method, url, { token });
      expect([res.statusCode, statusParagraphs(res.body)[0]]).toEqual([404, 'Not Found']);
    }
    const json = await call(sim, 'PUT', `${GROUPS}/id/${id}`, { token, body: '{"user_group":{}}', contentType: JSON_TYPE });
    expect(json.statusCode).toBe(415);
  });
});

describe('Classic static user groups: membership (§4.4)', () => {
  const create = useSimulators();

  const setup = (sim: Simulator) => {
    const ids = ['u1', 'u2', 'u3', 'u4'].map((name) => sim.addUser({ name }));
    const group = sim.addGroup({ name: 'G', memberIds: [ids[0] as number, ids[1] as number] });
    return { ids: ids as [number, number, number, number], group };
  };

  it('user_additions adds by id or username, ignores existing members; PUT echoes <user_group>', async () => {
    const sim = create();
    const { ids, group } = setup(sim);
    const res = await put(sim, group, `<user_additions><user><id>${ids[0]}</id></user><user><username>U3</username></user></user_additions>`);
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe(`<?xml version="1.0" encoding="UTF-8"?><user_group><id>${group}</id></user_group>`);
    expect(members(sim, group)).toEqual([ids[0], ids[1], ids[2]]);
    expect((await put(sim, group, `<user_additions><user><id>${ids[2]}</id></user></user_additions>`)).statusCode).toBe(201);
    expect(members(sim, group)).toEqual([ids[0], ids[1], ids[2]]);
  });

  it('user_deletions removes members; a non-member is 409 and nothing in the body is applied', async () => {
    const sim = create();
    const { ids, group } = setup(sim);
    const token = await clientToken(sim);
    expect((await put(sim, group, `<user_deletions><user><id>${ids[0]}</id></user></user_deletions>`, token)).statusCode).toBe(201);
    expect(members(sim, group)).toEqual([ids[1]]);
    const res = await put(
      sim,
      group,
      `<name>Renamed</name><user_additions><user><id>${ids[3]}</id></user></user_additions>` +
        `<user_deletions><user><id>${ids[1]}</id></user><user><id>${ids[2]}</id></user></user_deletions>`,
      token,
    );
    expect(res.statusCode).toBe(409);
    expect(statusParagraphs(res.body)[1]).toBe(`Error: User (ID:${ids[2]}) is not a member of this group`);
    expect(sim.state.groups.get(group)?.name).toBe('G');
    expect(members(sim, group)).toEqual([ids[1]]);
  });

  it('additions and deletions in one body; unknown users are 409 naming what was not found', async () => {
    const sim = create();
    const { ids, group } = setup(sim);
    const token = await clientToken(sim);
    const both = `<user_additions><user><id>${ids[3]}</id></user></user_additions><user_deletions><user><username>u1</username></user></user_deletions>`;
    expect((await put(sim, group, both, token)).statusCode).toBe(201);
    expect(members(sim, group)).toEqual([ids[1], ids[3]]);
    for (const [inner, message] of [
      ['<user_additions><user><id>999</id></user></user_additions>', 'Error: Unable to find user with id 999'],
      ['<user_additions><user><username>ghost</username></user></user_additions>', 'Error: Unable to find user with username ghost'],
      ['<user_deletions><user><id>999</id></user></user_deletions>', 'Error: Unable to find user with id 999'],
    ]) {
      const res = await put(sim, group, inner as string, token);
      expect([res.statusCode, statusParagraphs(res.body)[1]]).toEqual([409, message]);
    }
    expect(members(sim, group)).toEqual([ids[1], ids[3]]);
  });

  it('<users> replaces the whole membership; <users/> clears it', async () => {
    const sim = create();
    const { ids, group } = setup(sim);
    const token = await clientToken(sim);
    await put(sim, group, `<users><size>2</size><user><id>${ids[2]}</id></user><user><id>${ids[3]}</id></user></users>`, token);
    expect(members(sim, group)).toEqual([ids[2], ids[3]]);
    await put(sim, group, '<users/>', token);
    expect(members(sim, group)).toEqual([]);
  });

  it('renames with <name>, by id or by name URL', async () => {
    const sim = create();
    const { group } = setup(sim);
    const token = await clientToken(sim);
    expect((await put(sim, group, '<name>Renamed</name><is_smart>false</is_smart>', token)).statusCode).toBe(201);
    const byName = await call(sim, 'PUT', `${GROUPS}/name/renamed`, { token, body: '<user_group><name>Final</name></user_group>' });
    expect(byName.statusCode).toBe(201);
    expect(sim.state.groups.get(group)?.name).toBe('Final');
  });

  it('DELETE answers 200 with a <static_user_group> echo; users keep existing', async () => {
    const sim = create();
    const { group } = setup(sim);
    const res = await call(sim, 'DELETE', `${GROUPS}/name/g`);
    expect([res.statusCode, res.body]).toEqual([200, `<?xml version="1.0" encoding="UTF-8"?><static_user_group><id>${group}</id></static_user_group>`]);
    expect(sim.state.groups.size).toBe(0);
    expect(sim.state.users.size).toBe(4);
  });
});

describe('Classic smart user groups (§4.5)', () => {
  const create = useSimulators();
  const allGroupPrivileges = ['Read User', ...['Read', 'Create', 'Update', 'Delete'].flatMap((a) => [`${a} Static User Groups`, `${a} Smart User Groups`])];

  it('refuses membership edits on a smart group with 409', async () => {
    const sim = create({ privileges: allGroupPrivileges });
    const user = sim.addUser({ name: 'a' });
    const smart = sim.addGroup({ name: 'S', isSmart: true });
    const token = await clientToken(sim);
    for (const inner of [
      `<user_additions><user><id>${user}</id></user></user_additions>`,
      `<users><user><id>${user}</id></user></users>`,
    ]) {
      const res = await put(sim, smart, inner, token);
      expect(res.statusCode).toBe(409);
      expect(statusParagraphs(res.body)[1]).toMatch(/^Error: /);
    }
    expect(members(sim, smart)).toEqual([]);
  });

  it('creates a smart group from criteria, echoes <smart_user_group> and evaluates membership', async () => {
    const sim = create({ privileges: allGroupPrivileges });
    const eng = sim.addUser({ name: 'eng', position: 'Engineer' });
    sim.addUser({ name: 'ops', position: 'Ops' });
    const token = await clientToken(sim);
    const body =
      '<user_group><name>Engineers</name><is_smart>true</is_smart><criteria><size>1</size><criterion><name>Position</name>' +
      '<priority>0</priority><and_or>and</and_or><search_type>is</search_type><value>engineer</value>' +
      '<opening_paren>false</opening_paren><closing_paren>false</closing_paren></criterion></criteria></user_group>';
    const res = await call(sim, 'POST', `${GROUPS}/id/0`, { token, body });
    expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><smart_user_group><id>1</id></smart_user_group>');
    const group = at(parse((await call(sim, 'GET', `${GROUPS}/id/1`, { token, accept: XML })).body), 'user_group');
    expect(at(group, 'is_smart')).toBe('true');
    expect(at(group, 'criteria')).toMatchObject({ size: '1', criterion: { name: 'Position', search_type: 'is', value: 'engineer' } });
    expect(ids(at(group, 'users.user'))).toEqual([String(eng)]);
    const user = parse((await call(sim, 'GET', `/JSSResource/users/id/${eng}`, { token, accept: XML })).body);
    expect(at(user, 'user.user_groups.user_group')).toEqual([{ id: '1', name: 'Engineers', is_smart: 'true' }]);
    const deleted = await call(sim, 'DELETE', `${GROUPS}/id/1`, { token });
    expect(deleted.body).toBe('<?xml version="1.0" encoding="UTF-8"?><smart_user_group><id>1</id></smart_user_group>');
  });
});
