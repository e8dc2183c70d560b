import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { parseRsql, RsqlError } from '../../src/simulator/rsql.js';
import { call, clientToken, useSimulators } from './helpers.js';

const page = async (sim: Simulator, query: string, token?: string) => {
  const res = await call(sim, 'GET', `/api/v1/users${query}`, token ? { token } : {});
  return { status: res.statusCode, body: res.json() };
};
const usernames = (body: { results: Array<{ username: string }> }) => body.results.map((u) => u.username);

describe('GET /api/v1/users (§3.1)', () => {
  const create = useSimulators();

  const people = (sim: Simulator) => {
    sim.addUser({ name: 'carol', fullName: 'Carol C', email: 'carol@jamf.com', phoneNumber: '1', position: 'Eng' });
    sim.addUser({ name: 'alice', email: 'Alice@Example.com' });
    sim.addUser({ name: 'Bob', email: 'bob@jamf.com' });
  };

  it('answers PagedUserResults with string ids and Jamf Pro field names', async () => {
    const sim = create();
    people(sim);
    const { status, body } = await page(sim, '');
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 0, pageSize: 100, totalCount: 3, totalPages: 1, hasNext: false, hasPrevious: false });
    expect(body.results[0]).toEqual({
      id: '1',
      username: 'carol',
      realname: 'Carol C',
      email: 'carol@jamf.com',
      phone: '1',
      position: 'Eng',
      enableCustomPhotoUrl: false,
      customPhotoUrl: '',
      managedAppleId: '',
    });
  });

  it('pages 0-based with page-size', async () => {
    const sim = create();
    for (let i = 1; i <= 5; i++) sim.addUser({ name: `u${i}` });
    const token = await clientToken(sim);
    const first = await page(sim, '?page=0&page-size=2', token);
    expect(first.body).toMatchObject({ page: 0, pageSize: 2, totalCount: 5, totalPages: 3, hasNext: true, hasPrevious: false });
    expect(usernames(first.body)).toEqual(['u1', 'u2']);
    const last = await page(sim, '?page=2&page-size=2', token);
    expect(last.body).toMatchObject({ hasNext: false, hasPrevious: true });
    expect(usernames(last.body)).toEqual(['u5']);
    expect((await page(sim, '?page=9&page-size=2', token)).body.results).toEqual([]);
  });

  it.each(['page-size=0', 'page-size=1001', 'page-size=abc', 'page=-1', 'sort=name:asc', 'sort=id:up'])(
    '400 ApiError for %s',
    async (query) => {
      const sim = create();
      const { status, body } = await page(sim, `?${query}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ httpStatus: 400, errors: [{ code: 'INVALID_FIELD', description: expect.any(String) }] });
    },
  );

  it('sorts by id (default) and username, asc or desc, case-insensitively', async () => {
    const sim = create();
    people(sim);
    const token = await clientToken(sim);
    expect(usernames((await page(sim, '', token)).body)).toEqual(['carol', 'alice', 'Bob']);
    expect(usernames((await page(sim, '?sort=id:desc', token)).body)).toEqual(['Bob', 'alice', 'carol']);
    expect(usernames((await page(sim, '?sort=username:asc', token)).body)).toEqual(['alice', 'Bob', 'carol']);
    expect(usernames((await page(sim, '?sort=username:desc', token)).body)).toEqual(['carol', 'Bob', 'alice']);
  });

  it('filters with RSQL on username and email, case-insensitively', async () => {
    const sim = create();
    people(sim);
    const token = await clientToken(sim);
    const cases: Array<[string, string[]]> = [
      ['username=="BOB"', ['Bob']],
      ['username!=bob', ['carol', 'alice']],
      ['email=="*@jamf.com"', ['carol', 'Bob']],
      ['username=in=(alice,carol)', ['carol', 'alice']],
      ['username=="a*";email=="*example.com"', ['alice']],
      ['username==alice,username==bob', ['alice', 'Bob']],
      ['id=in=(1,3)', ['carol', 'Bob']],
    ];
    for (const [filter, expected] of cases) {
      const { body } = await page(sim, `?filter=${encodeURIComponent(filter)}`, token);
      expect(usernames(body), filter).toEqual(expected);
      expect(body.totalCount).toBe(expected.length);
    }
    const bad = await page(sim, `?filter=${encodeURIComponent('username=~x')}`, token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'INVALID_RSQL_FILTER', field: 'filter' });
  });

  it('GET /api/v1/users/{id} answers one User or a 404 ApiError', async () => {
    const sim = create();
    people(sim);
    const token = await clientToken(sim);
    const one = await call(sim, 'GET', '/api/v1/users/2', { token });
    expect(one.json()).toMatchObject({ id: '2', username: 'alice' });
    const missing = await call(sim, 'GET', '/api/v1/users/99', { token });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ httpStatus: 404, errors: [{ code: 'NOT_FOUND' }] });
  });

  it('does not exist below 11.26: 404 (and again after raising the version knob)', async () => {
    const sim = create({ version: '11.25.2' });
    const token = await clientToken(sim);
    for (const url of ['/api/v1/users', '/api/v1/users/1']) {
      const res = await call(sim, 'GET', url, { token });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ httpStatus: 404 });
    }
    sim.setKnobs({ version: '11.26.0' });
    expect((await call(sim, 'GET', '/api/v1/users', { token })).statusCode).toBe(200);
  });
});

describe('RSQL parser', () => {
  const fields = ['id', 'username', 'email'];
  const rec = { id: '7', username: 'Jane.Doe', email: 'jane@example.com' };

  it.each([
    ['username==jane.doe', true],
    ['username=="J*"', true],
    ["username=='*doe'", true],
    ['username=="*x*"', false],
    ['username=out=(a,b)', true],
    ['(username==x,id==7);email=="*.com"', true],
    ['username==x,(id==7;email==nope)', false],
    [' username == "Jane.Doe" ', true],
    ['email=="jane@example.com"', true],
    ['username=="a.c"', false],
  ])('%s → %s', (filter, expected) => {
    expect(parseRsql(filter, fields)(rec)).toBe(expected);
  });

  it.each(['unknown==1', 'username==', 'username=="open', '(username==a', 'username==a;', 'username=gt=1'])('rejects %s', (filter) => {
    expect(() => parseRsql(filter, fields)).toThrow(RsqlError);
  });
});
