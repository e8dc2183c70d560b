import { describe, expect, it } from 'vitest';
import { isJamfError } from '../../src/jamf/errors.js';
import { buildXml, findIllegalXmlChar, listOf, parseXml, readEchoId, rootElement, text } from '../../src/jamf/xml-codec.js';

const TRICKY = `a&b <c> "d" 'e' ü 漢字`;

describe('xml codec', () => {
  it('escapes every markup character and declares UTF-8', () => {
    const xml = buildXml('user', { name: TRICKY });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><user><name>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos; ü 漢字</name></user>',
    );
  });

  it('round-trips tricky text, CR and numeric-looking values as strings', () => {
    const xml = buildXml('user', { name: '007', full_name: TRICKY, position: 'line1\r\nline2', phone_number: 'true' });
    expect(xml).toContain('line1&#13;\nline2');
    const user = rootElement(parseXml(xml));
    expect(user).toEqual({ name: '007', full_name: TRICKY, position: 'line1\r\nline2', phone_number: 'true' });
  });

  it('writes an empty element for an empty string (clears the field on PUT)', () => {
    expect(buildXml('user', { position: '' })).toContain('<position></position>');
    expect(text(rootElement(parseXml('<user><position/></user>'))?.['position'])).toBe('');
  });

  it('rejects characters XML 1.0 cannot carry', () => {
    expect(findIllegalXmlChar('ok\ttab')).toBeUndefined();
    expect(findIllegalXmlChar('bell\u0007')).toBe(7);
    expect(findIllegalXmlChar('lone \ud800 surrogate')).toBe(0xd800);
    expect(findIllegalXmlChar('emoji 😀 fine')).toBeUndefined();
    let caught: unknown;
    try {
      buildXml('user', { name: 'x\u0000y' });
    } catch (err) {
      caught = err;
    }
    expect(isJamfError(caught, 'bad_request')).toBe(true);
    expect((caught as Error).message).toContain('U+0000');
  });

  it('reads repeated elements as arrays even when there is only one', () => {
    const doc = parseXml(
      '<users><size>1</size><user><id>5</id><user_groups><size>1</size><user_group><id>7</id><name>G</name><is_smart>false</is_smart></user_group></user_groups></user></users>',
    );
    const users = listOf(doc['users'], 'user');
    expect(users).toHaveLength(1);
    expect(listOf(users[0]?.['user_groups'], 'user_group')).toEqual([{ id: '7', name: 'G', is_smart: 'false' }]);
    // A single-record response keeps its root as an object.
    expect(rootElement(parseXml('<user><id>5</id></user>'))).toEqual({ id: '5' });
  });

  it('reads the id under any root, pretty-printed or not', () => {
    expect(readEchoId('<?xml version="1.0" encoding="UTF-8"?><user><id>123</id></user>')).toBe(123);
    expect(readEchoId('<static_user_group><id>9</id></static_user_group>')).toBe(9);
    expect(readEchoId('<?xml version="1.0"?>\n<smart_user_group>\n  <id>4</id>\n</smart_user_group>\n')).toBe(4);
    expect(readEchoId('<user_group><id>8</id>')).toBe(8);
    expect(readEchoId('')).toBeUndefined();
    expect(readEchoId('<user><name>x</name></user>')).toBeUndefined();
  });

  it('decodes numeric character references from Jamf', () => {
    expect(rootElement(parseXml('<user><name>a&#13;b &#x41;&amp;</name></user>'))?.['name']).toBe('a\rb A&');
  });

  it('decodes the five XML entities and references beyond the BMP, and leaves HTML-only names as text', () => {
    const name = rootElement(parseXml('<user><name>&lt;a&gt; &quot;b&quot; &apos;c&apos; &amp;amp; &#x1F600;&#128512;</name></user>'))?.['name'];
    expect(name).toBe(`<a> "b" 'c' &amp; 😀😀`);
    // `&nbsp;` is not an XML entity (XML 1.0 §4.6) and Jamf does not send it.
    expect(rootElement(parseXml('<user><name>a&nbsp;b</name></user>'))?.['name']).toBe('a&nbsp;b');
  });

  it('reads a list of one child and of several the same way', () => {
    const one = rootElement(parseXml('<user_group><users><size>1</size><user><id>4</id><username>a&amp;b</username></user></users></user_group>'));
    const two = rootElement(parseXml('<user_group><users><size>2</size><user><id>4</id></user><user><id>5</id></user></users></user_group>'));
    expect(listOf(one?.['users'], 'user')).toEqual([{ id: '4', username: 'a&b' }]);
    expect(listOf(two?.['users'], 'user').map((u) => u['id'])).toEqual(['4', '5']);
    expect(listOf(rootElement(parseXml('<user_group><users/></user_group>'))?.['users'], 'user')).toEqual([]);
  });

  it('writes nested objects, repeated children and numbers as the Classic API reads them', () => {
    expect(buildXml('user_group', { name: 'R&D <EU>', site: { id: -1 }, user_additions: { user: [{ id: 1 }, { id: 2 }] }, users: '' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><user_group><name>R&amp;D &lt;EU&gt;</name><site><id>-1</id></site>' +
        '<user_additions><user><id>1</id></user><user><id>2</id></user></user_additions><users></users></user_group>',
    );
  });
});
