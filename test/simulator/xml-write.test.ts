import { XMLBuilder } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.js';
import { groupXml } from '../../src/simulator/group-record.js';
import { userXml } from '../../src/simulator/user-record.js';
import { escapeXml } from '../../src/simulator/xml-write.js';
import { toXml } from '../../src/simulator/xml.js';

/** What the simulator rendered with before writing XML itself: the bytes must not change. */
const builder = new XMLBuilder({ suppressEmptyNode: true });
const viaBuilder = (root: string, value: unknown): string =>
  '<?xml version="1.0" encoding="UTF-8"?>' + String(builder.build({ [root]: value }));

const TRICKY = ['', ' ', 'plain', `<x a="1"/> & 'ü'`, 'Zoë <b> Ørsted ]]>', '&amp; already', '\r\n\t', '"\'<>&', '😀 𝕏', 'a\u0000b'];

describe('XML writer', () => {
  it('writes what XMLBuilder wrote for scalars, empties, nesting and lists', () => {
    const values: unknown[] = [
      ...TRICKY,
      0,
      -0,
      42,
      -1.5,
      Number.NaN,
      true,
      false,
      null,
      {},
      [],
      [1, 'two', undefined, { three: 3 }],
      { a: undefined, b: null, c: '', d: { e: { f: '' } }, g: [{ h: 1 }, { h: '' }], i: [] },
      Object.fromEntries(TRICKY.map((t, i) => [`k${i}`, t])),
    ];
    for (const value of values) expect(toXml('root', value)).toBe(viaBuilder('root', value));
  });

  it('writes user and group records byte for byte as before', () => {
    const sim = createSimulator({ seedUsers: 30, seedGroups: 3 });
    const site = sim.addSite(`Site <&> "1"`);
    const ea = sim.addUserExtensionAttribute({ name: `EA 'x'` });
    sim.addUser({ name: `odd<&>'"user`, fullName: TRICKY[3], email: 'a&b@example.com', sites: [site], extensionAttributes: [{ id: ea, value: TRICKY[4] ?? '' }] });
    sim.assignDevice({ username: 'ada.hopper11', deviceName: `Mac "one" & <two>` });
    for (const user of sim.state.users.values()) {
      const xml = userXml(sim.state, user);
      expect(toXml('user', xml)).toBe(viaBuilder('user', xml));
    }
    for (const group of sim.state.groups.values()) {
      const xml = groupXml(sim.state, group);
      expect(toXml('user_group', xml)).toBe(viaBuilder('user_group', xml));
    }
  });

  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`a&b<c>d'e"f`)).toBe('a&amp;b&lt;c&gt;d&apos;e&quot;f');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
    expect(escapeXml('ü\r\n')).toBe('ü\r\n');
  });
});
