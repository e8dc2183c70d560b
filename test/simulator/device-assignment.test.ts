import { describe, expect, it } from 'vitest';
import { at, call, clientToken, JSON_TYPE, parseXml, useSimulators, XML } from './helpers.js';

const USERS = '/JSSResource/users';
const LISTS = /\.(computer|mobile_device)$/;

const assignment = (body: unknown) => ({
  method: 'POST' as const,
  url: '/__simulator/device-assignments',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

const xmlLinks = async (sim: Parameters<typeof call>[0], id: number) =>
  at(parseXml((await call(sim, 'GET', `${USERS}/id/${id}`, { accept: XML })).body, LISTS), 'user.links') as Record<string, unknown>;

describe('users created by device assignment (Jamf admin guide, User Assignments)', () => {
  const create = useSimulators();

  it('assigning a new username to a device creates a user with only what the device gave', async () => {
    const sim = create();
    const result = sim.assignDevice({ username: 'jdoe', deviceName: "Jane's Mac", realname: 'Jane Doe', email: 'jdoe@example.com' });
    expect(result).toEqual({ userId: 1, created: true, deviceId: 1 });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', USERS, { token, accept: JSON_TYPE })).json()).toEqual({ users: [{ id: 1, name: 'jdoe' }] });
    const user = (await call(sim, 'GET', `${USERS}/id/1`, { token, accept: JSON_TYPE })).json().user;
    expect(user).toMatchObject({
      name: 'jdoe',
      full_name: 'Jane Doe',
      email: 'jdoe@example.com',
      email_address: 'jdoe@example.com',
      phone_number: '',
      position: '',
      extension_attributes: [],
      sites: [],
      links: { computers: [{ id: 1, name: "Jane's Mac" }], mobile_devices: [] },
    });
  });

  it('a username some user has (any case) links the device to that user, unchanged', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'JDoe', fullName: 'Jane Doe', position: 'Eng' });
    expect(sim.assignDevice({ username: 'jdoe', kind: 'mobile_device', deviceName: 'iPad', realname: 'Someone Else' })).toEqual({
      userId: id,
      created: false,
      deviceId: 1,
    });
    expect(sim.assignDevice({ username: 'JDOE' })).toEqual({ userId: id, created: false, deviceId: 1 });
    expect(sim.state.users.size).toBe(1);
    expect(sim.state.users.get(id)).toMatchObject({ name: 'JDoe', full_name: 'Jane Doe', position: 'Eng' });
    expect(await xmlLinks(sim, id)).toEqual({
      computers: { computer: [{ id: '1', name: 'Computer 1' }] },
      peripherals: '',
      mobile_devices: { mobile_device: [{ id: '1', name: 'iPad' }] },
      vpp_assignments: '',
      total_vpp_code_count: '0',
    });
  });

  it('a device named again moves to its new user', async () => {
    const sim = create();
    const a = sim.assignDevice({ username: 'a', deviceName: 'Mac 1' });
    sim.assignDevice({ username: 'a', deviceName: 'Mac 2' });
    const b = sim.assignDevice({ username: 'b', deviceName: 'Mac 1' });
    expect(b).toMatchObject({ created: true, deviceId: a.deviceId });
    expect((await xmlLinks(sim, a.userId))['computers']).toEqual({ computer: [{ id: '2', name: 'Mac 2' }] });
    expect((await xmlLinks(sim, b.userId))['computers']).toEqual({ computer: [{ id: '1', name: 'Mac 1' }] });
  });

  it('Classic writes never change links (§2.5)', async () => {
    const sim = create();
    const { userId } = sim.assignDevice({ username: 'jdoe', deviceName: 'Mac' });
    const body = '<user><position>Eng</position><links><computers/><mobile_devices><mobile_device><id>5</id></mobile_device></mobile_devices></links></user>';
    expect((await call(sim, 'PUT', `${USERS}/id/${userId}`, { body })).statusCode).toBe(201);
    const json = (await call(sim, 'GET', `${USERS}/id/${userId}`, { accept: JSON_TYPE })).json().user;
    expect(json.position).toBe('Eng');
    expect(json.links).toEqual({
      computers: [{ id: 1, name: 'Mac' }],
      mobile_devices: [],
      peripherals: [],
      total_vpp_code_count: 0,
      vpp_assignments: [],
    });
  });

  it('deleting a user drops its device links; the device reporting the username again re-creates the user', async () => {
    const sim = create();
    const first = sim.assignDevice({ username: 'jdoe', deviceName: 'Mac' });
    const group = sim.addGroup({ name: 'G', memberIds: [first.userId] });
    const token = await clientToken(sim);
    expect((await call(sim, 'DELETE', `${USERS}/id/${first.userId}`, { token })).statusCode).toBe(200);
    expect((await call(sim, 'GET', `${USERS}/name/jdoe`, { token })).statusCode).toBe(404);

    const again = sim.assignDevice({ username: 'jdoe', deviceName: 'Mac' });
    expect(again).toEqual({ userId: first.userId + 1, created: true, deviceId: first.deviceId });
    const user = (await call(sim, 'GET', `${USERS}/name/jdoe`, { token, accept: JSON_TYPE })).json().user;
    expect(user).toMatchObject({ id: again.userId, links: { computers: [{ id: first.deviceId, name: 'Mac' }] } });
    // A re-created user is a new user: the old one's group membership is gone.
    expect(user.user_groups).toEqual({ size: 0 });
    expect(sim.state.groups.get(group)?.memberIds.size).toBe(0);
  });

  it('a blank username is refused', () => {
    const sim = create();
    expect(() => sim.assignDevice({ username: ' ' })).toThrow(/username/);
    expect(sim.state.users.size).toBe(0);
  });

  it('POST /__simulator/device-assignments answers 201 when it created the user, 200 when it linked one', async () => {
    const sim = create();
    const created = await sim.app.inject(assignment({ username: 'jdoe', deviceName: 'Mac', realname: 'Jane Doe' }));
    expect([created.statusCode, created.json()]).toEqual([201, { userId: 1, created: true, deviceId: 1 }]);
    const linked = await sim.app.inject(assignment({ username: 'JDOE', kind: 'mobile_device' }));
    expect([linked.statusCode, linked.json()]).toEqual([200, { userId: 1, created: false, deviceId: 1 }]);
    expect(sim.state.users.get(1)).toMatchObject({ name: 'jdoe', full_name: 'Jane Doe' });
    for (const bad of [{}, { username: '' }, { username: 'x', kind: 'printer' }, { username: 'x', serial: 'C02' }]) {
      expect((await sim.app.inject(assignment(bad))).statusCode).toBe(400);
    }
    expect(sim.state.users.size).toBe(1);
  });
});
