import { describe, expect, it } from 'vitest';
import { at, call, clientToken, ids, JSON_TYPE, parseXml, statusParagraphs, useSimulators, XML } from './helpers.js';

const USERS = '/JSSResource/users';

describe('Classic users: create and read (§2.1–§2.5)', () => {
  const create = useSimulators();

  it('POST /users/id/0 answers 201 with an XML id echo, whatever the placeholder id', async () => {
    const sim = create();
    const token = await clientToken(sim);
    for (const [url, name] of [[`${USERS}/id/0`, 'jdoe'], [`${USERS}/id/-1`, 'asmith'], [`${USERS}/id/77`, 'bcole']] as const) {
      const res = await call(sim, 'POST', url, { token, body: `<user><name>${name}</name></user>` });
      expect(res.statusCode).toBe(201);
      expect(res.headers['content-type']).toMatch(/xml/);
      expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><user><id>\d+<\/id><\/user>$/);
    }
    expect([...sim.state.users.values()].map((u) => [u.id, u.name])).toEqual([[1, 'jdoe'], [2, 'asmith'], [3, 'bcole']]);
  });

  it('returns the full XML record of §2.3, escaping values', async () => {
    const sim = create();
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><user><name>jdoe</name><full_name>Jane &amp; &lt;Doe&gt;</full_name>' +
      '<email>jdoe@example.com</email><phone_number>555</phone_number><position>Eng</position>' +
      '<extension_attributes><extension_attribute><id>1</id><value>scim-1</value></extension_attribute></extension_attributes>' +
      '<sites><site><id>1</id><name>Main</name></site></sites>' +
      '<links><computers><computer><id>9</id></computer></computers></links></user>';
    const id = Number(/<id>(\d+)<\/id>/.exec((await call(sim, 'POST', `${USERS}/id/0`, { body })).body)?.[1]);
    const res = await call(sim, 'GET', `${USERS}/id/${id}`, { accept: XML });
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    expect(res.body).toContain('<full_name>Jane &amp; &lt;Doe&gt;</full_name>');
    expect(res.body).toContain('<managed_apple_id/>');
    const user = at(parseXml(res.body), 'user') as object;
    expect(Object.keys(user)).toEqual([
      'id', 'name', 'full_name', 'email', 'email_address', 'phone_number', 'position', 'managed_apple_id',
      'enable_custom_photo_url', 'custom_photo_url', 'ldap_server', 'extension_attributes', 'sites', 'links', 'user_groups',
    ]);
    expect(user).toMatchObject({
      id: String(id),
      name: 'jdoe',
      full_name: 'Jane & <Doe>',
      email: 'jdoe@example.com',
      email_address: 'jdoe@example.com',
      ldap_server: { id: '-1', name: 'None' },
      extension_attributes: { extension_attribute: { id: '1', value: 'scim-1', type: 'String' } },
      sites: { site: { id: '1', name: 'Main' } },
      links: { computers: '', total_vpp_code_count: '0' },
      user_groups: { size: '0' },
    });
  });

  it('chooses XML or JSON by Accept; no Accept answers JSON (§2.2)', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe', email: 'j@example.com' });
    const token = await clientToken(sim);
    for (const accept of [XML, 'text/xml', 'application/xml, application/json']) {
      expect((await call(sim, 'GET', `${USERS}/id/${id}`, { token, accept })).body).toMatch(/^<\?xml/);
    }
    for (const accept of [JSON_TYPE, undefined, '*/*', 'application/json, application/xml']) {
      const res = await call(sim, 'GET', `${USERS}/id/${id}`, { token, ...(accept ? { accept } : {}) });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json().user).toMatchObject({ id, name: 'jdoe', email: 'j@example.com', sites: [], extension_attributes: [] });
    }
  });

  it('JSON user_groups carries the size but only the last group (ruby-jss defect, §2.4)', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe' });
    sim.addGroup({ name: 'A', memberIds: [id] });
    const b = sim.addGroup({ name: 'B', memberIds: [id] });
    const smart = sim.addGroup({ name: 'S', isSmart: true, memberIds: [id] });
    const json = (await call(sim, 'GET', `${USERS}/id/${id}`, { accept: JSON_TYPE })).json();
    expect(json.user.user_groups).toEqual({ size: 3, user_group: { id: smart, name: 'S', is_smart: true } });
    const xml = parseXml((await call(sim, 'GET', `${USERS}/id/${id}`, { accept: XML })).body);
    expect(at(xml, 'user.user_groups.size')).toBe('3');
    expect(at(xml, 'user.user_groups.user_group')).toEqual([
      { id: '1', name: 'A', is_smart: 'false' },
      { id: String(b), name: 'B', is_smart: 'false' },
      { id: String(smart), name: 'S', is_smart: 'true' },
    ]);
  });

  it('lists id+name: JSON {users:[…]} without size, XML with <size>, ordered by name', async () => {
    const sim = create();
    sim.addUser({ name: 'bob' });
    sim.addUser({ name: 'Alice' });
    const token = await clientToken(sim);
    expect((await call(sim, 'GET', USERS, { token, accept: JSON_TYPE })).json()).toEqual({
      users: [{ id: 2, name: 'Alice' }, { id: 1, name: 'bob' }],
    });
    const xml = (await call(sim, 'GET', USERS, { token, accept: XML })).body;
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><users><size>2</size><user><id>2</id><name>Alice</name></user><user><id>1</id><name>bob</name></user></users>',
    );
    const empty = create();
    expect((await call(empty, 'GET', USERS, { accept: XML })).body).toContain('<users><size>0</size></users>');
  });

  it('looks names up case-insensitively and decodes + as a space (§2.9, §7.2)', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'Jane Doe' });
    const plus = sim.addUser({ name: 'a+b' });
    const token = await clientToken(sim);
    for (const url of [`${USERS}/name/jane%20doe`, `${USERS}/name/JANE+DOE`]) {
      expect((await call(sim, 'GET', url, { token, accept: JSON_TYPE })).json().user.id).toBe(id);
    }
    expect((await call(sim, 'GET', `${USERS}/name/a%2Bb`, { token, accept: JSON_TYPE })).json().user.id).toBe(plus);
    expect((await call(sim, 'GET', `${USERS}/name/a+b`, { token })).statusCode).toBe(404);
  });

  it('email lookup returns a <users><size> list of full records, case-insensitively (§2.8)', async () => {
    const sim = create();
    const a = sim.addUser({ name: 'a', email: 'Shared@Example.com' });
    const b = sim.addUser({ name: 'b', email: 'shared@example.com' });
    sim.addUser({ name: 'c', email: 'other@example.com' });
    const token = await clientToken(sim);
    const res = await call(sim, 'GET', `${USERS}/email/SHARED%40example.com`, { token, accept: XML });
    const list = parseXml(res.body);
    expect(at(list, 'users.size')).toBe('2');
    expect(ids(at(list, 'users.user'))).toEqual([String(a), String(b)]);
    expect(at(list, 'users.user.0')).toHaveProperty('user_groups');
    // JSON is malformed on real servers: an array of one-key objects.
    const json = (await call(sim, 'GET', `${USERS}/email/shared@example.com`, { token, accept: JSON_TYPE })).json();
    expect(json.users).toEqual([{ size: 2 }, { user: expect.objectContaining({ id: a }) }, { user: expect.objectContaining({ id: b }) }]);
    expect((await call(sim, 'GET', `${USERS}/email/nobody@example.com`, { token, accept: XML })).statusCode).toBe(404);
  });

  it('refuses PUT, POST and DELETE on /users/email with 405 (§2.1)', async () => {
    const sim = create();
    sim.addUser({ name: 'a', email: 'a@example.com' });
    const token = await clientToken(sim);
    for (const method of ['PUT', 'POST', 'DELETE']) {
      const res = await call(sim, method, `${USERS}/email/a@example.com`, { token, body: '<user><name>x</name></user>' });
      expect(res.statusCode).toBe(405);
      expect(res.headers['allow']).toBe('GET');
      expect(statusParagraphs(res.body)[0]).toBe('Method Not Allowed');
    }
    expect(sim.state.users.size).toBe(1);
  });
});

describe('Classic users: update and delete (§2.6, §2.7)', () => {
  const create = useSimulators();

  it('PUT is a partial update: omitted elements stay, empty ones clear; answers 201 id echo', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe', fullName: 'Jane Doe', email: 'j@example.com', phoneNumber: '555', position: 'Eng' });
    const res = await call(sim, 'PUT', `${USERS}/id/${id}`, { body: '<user><position></position><phone_number/></user>' });
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe(`<?xml version="1.0" encoding="UTF-8"?><user><id>${id}</id></user>`);
    expect(sim.state.users.get(id)).toMatchObject({ name: 'jdoe', full_name: 'Jane Doe', email: 'j@example.com', phone_number: '', position: '' });
  });

  it('writing email or email_address updates both', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe', email: 'old@example.com' });
    const token = await clientToken(sim);
    await call(sim, 'PUT', `${USERS}/id/${id}`, { token, body: '<user><email_address>new@example.com</email_address></user>' });
    expect(sim.state.users.get(id)).toMatchObject({ email: 'new@example.com', email_address: 'new@example.com' });
    await call(sim, 'PUT', `${USERS}/id/${id}`, { token, body: '<user><email>third@example.com</email></user>' });
    expect(sim.state.users.get(id)).toMatchObject({ email: 'third@example.com', email_address: 'third@example.com' });
  });

  it('writes EAs by id, replaces sites, unlinks LDAP with -1 and ignores links', async () => {
    const sim = create();
    const token = await clientToken(sim);
    const body =
      '<user><name>jdoe</name><ldap_server><id>2</id><name>AD</name></ldap_server>' +
      '<extension_attributes><extension_attribute><id>1</id><value>a</value></extension_attribute>' +
      '<extension_attribute><id>2</id><value>b</value></extension_attribute></extension_attributes>' +
      '<sites><site><id>1</id></site><site><id>2</id></site></sites></user>';
    await call(sim, 'POST', `${USERS}/id/0`, { token, body });
    expect(sim.state.users.get(1)).toMatchObject({ ldap_server: { id: 2, name: 'AD' }, sites: [{ id: 1 }, { id: 2 }] });
    const update =
      '<user><ldap_server><id>-1</id></ldap_server><extension_attributes><extension_attribute><id>2</id><value/></extension_attribute>' +
      '</extension_attributes><sites><site><id>-1</id></site></sites><links><computers><computer><id>1</id></computer></computers></links></user>';
    expect((await call(sim, 'PUT', `${USERS}/id/1`, { token, body: update })).statusCode).toBe(201);
    const user = sim.state.users.get(1);
    expect(user?.ldap_server).toEqual({ id: -1, name: 'None' });
    expect(user?.sites).toEqual([]);
    expect(user?.extension_attributes.map((ea) => [ea.id, ea.value])).toEqual([[1, 'a'], [2, '']]);
  });

  it('renames by id and by name; PUT /users/name addresses the current name', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe' });
    const token = await clientToken(sim);
    expect((await call(sim, 'PUT', `${USERS}/name/JDOE`, { token, body: '<user><name>jane</name></user>' })).statusCode).toBe(201);
    expect(sim.state.users.get(id)?.name).toBe('jane');
    expect((await call(sim, 'PUT', `${USERS}/id/${id}`, { token, body: '<user><name>JANE</name></user>' })).statusCode).toBe(201);
    expect(sim.state.users.get(id)?.name).toBe('JANE');
  });

  it('duplicate usernames (any case) on create or rename are 409 "Error: Duplicate name"', async () => {
    const sim = create();
    sim.addUser({ name: 'jdoe' });
    const other = sim.addUser({ name: 'other' });
    const token = await clientToken(sim);
    for (const [method, url] of [['POST', `${USERS}/id/0`], ['PUT', `${USERS}/id/${other}`]] as const) {
      const res = await call(sim, method, url, { token, body: '<user><name>JDoe</name></user>' });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(statusParagraphs(res.body).slice(0, 2)).toEqual(['Conflict', 'Error: Duplicate name']);
    }
    expect(sim.state.users.get(other)?.name).toBe('other');
    expect(sim.state.users.size).toBe(2);
  });

  it('a create without <name> is 409 "Error: Problem with user name"', async () => {
    const sim = create();
    for (const body of ['<user><full_name>x</full_name></user>', '<user><name></name></user>', '<user/>']) {
      const res = await call(sim, 'POST', `${USERS}/id/0`, { body });
      expect([res.statusCode, statusParagraphs(res.body)[1]]).toEqual([409, 'Error: Problem with user name']);
    }
    expect(sim.state.users.size).toBe(0);
  });

  it('POST /users/name/{name} creates, taking the name from the URL when the body has none', async () => {
    const sim = create();
    const res = await call(sim, 'POST', `${USERS}/name/jdoe`, { body: '<user><full_name>Jane</full_name></user>' });
    expect(res.statusCode).toBe(201);
    expect(sim.state.users.get(1)).toMatchObject({ name: 'jdoe', full_name: 'Jane' });
  });

  it('DELETE by id or name answers 200 with an id echo and drops group memberships', async () => {
    const sim = create();
    const a = sim.addUser({ name: 'a' });
    const b = sim.addUser({ name: 'b' });
    const group = sim.addGroup({ name: 'G', memberIds: [a, b] });
    const token = await clientToken(sim);
    const res = await call(sim, 'DELETE', `${USERS}/id/${a}`, { token });
    expect([res.statusCode, res.body]).toEqual([200, `<?xml version="1.0" encoding="UTF-8"?><user><id>${a}</id></user>`]);
    expect((await call(sim, 'DELETE', `${USERS}/name/B`, { token })).statusCode).toBe(200);
    expect(sim.state.users.size).toBe(0);
    expect(sim.state.groups.get(group)?.memberIds.size).toBe(0);
  });

  it('unknown ids and names are 404 status pages (§2.10) on GET, PUT and DELETE', async () => {
    const sim = create();
    const token = await clientToken(sim);
    for (const [method, url] of [
      ['GET', `${USERS}/id/42`],
      ['GET', `${USERS}/id/abc`],
      ['GET', `${USERS}/name/ghost`],
      ['PUT', `${USERS}/id/42`],
      ['PUT', `${USERS}/name/ghost`],
      ['DELETE', `${USERS}/id/42`],
      ['DELETE', `${USERS}/name/ghost`],
    ] as const) {
      const res = await call(sim, method, url, { token, accept: XML, ...(method === 'PUT' ? { body: '<user><position>x</position></user>' } : {}) });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<title>Status page</title>');
      const [reason, message, links] = statusParagraphs(res.body);
      expect(reason).toBe('Not Found');
      expect(message).toBe('The server has not found anything matching the request URI');
      expect(links).toContain('rfc2616-sec10.html#sec10.4.5');
      expect(links).toContain('<a href="/">');
    }
  });
});

describe('Classic users: request bodies (§2.2)', () => {
  const create = useSimulators();

  it('answers 415 for a JSON content type or a JSON body, without applying it', async () => {
    const sim = create();
    const id = sim.addUser({ name: 'jdoe' });
    const token = await clientToken(sim);
    const cases = [
      { body: '<user><name>x</name></user>', contentType: 'application/json' },
      { body: '{"user":{"name":"x"}}', contentType: 'application/xml' },
      { body: '{"user":{"name":"x"}}', contentType: 'application/json' },
      { body: 'name=x', contentType: 'application/x-www-form-urlencoded' },
    ];
    for (const opts of cases) {
      for (const [method, url] of [['POST', `${USERS}/id/0`], ['PUT', `${USERS}/id/${id}`]] as const) {
        const res = await call(sim, method, url, { token, ...opts });
        expect(res.statusCode).toBe(415);
        expect(statusParagraphs(res.body)[0]).toBe('Unsupported Media Type');
      }
    }
    expect([...sim.state.users.values()].map((u) => u.name)).toEqual(['jdoe']);
  });

  it('accepts application/xml and text/xml; malformed XML or a wrong root is a 400 page', async () => {
    const sim = create();
    const token = await clientToken(sim);
    expect((await call(sim, 'POST', `${USERS}/id/0`, { token, body: '<user><name>a</name></user>', contentType: 'text/xml' })).statusCode).toBe(201);
    expect(
      (await call(sim, 'POST', `${USERS}/id/0`, { token, body: '<user><name>b</name></user>', contentType: 'application/xml; charset=utf-8' }))
        .statusCode,
    ).toBe(201);
    for (const body of ['<user><name>c</user>', 'not xml', '', '<computer><name>c</name></computer>']) {
      const res = await call(sim, 'POST', `${USERS}/id/0`, { token, body });
      expect(res.statusCode).toBe(400);
      expect(statusParagraphs(res.body)[0]).toBe('Bad Request');
    }
    expect(sim.state.users.size).toBe(2);
  });

  it('keeps values as strings and decodes entities (CR as &#13;)', async () => {
    const sim = create();
    await call(sim, 'POST', `${USERS}/id/0`, { body: '<user><name>007</name><position>a&#13;b &amp; c</position></user>' });
    expect(sim.state.users.get(1)).toMatchObject({ name: '007', position: 'a\rb & c' });
  });

  it('unknown URLs, double and trailing slashes are 404 (§7.3)', async () => {
    const sim = create();
    const token = await clientToken(sim);
    for (const url of ['//JSSResource/users', '/JSSResource/users/', '/JSSResource/computers']) {
      const res = await call(sim, 'GET', url, { token });
      expect(res.statusCode).toBe(404);
    }
    // Requests that matched no route are not counted.
    expect(sim.totalCalls((key) => key.includes('JSSResource'))).toBe(0);
  });
});
