import { describe, expect, it } from 'vitest';
import { parseXmlFully } from '../../src/jamf/xml-codec.js';
import { parseClassicXml } from '../../src/jamf/xml-fast-parse.js';
import { seededRandom as prng } from '../../src/simulator/random.js';

const TEXT = ['a', 'Z9', ' ', '  x ', '\n', '\t', 'ü', '漢字', '😀', '>', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&amp;amp;', '&#13;', '&#x41;', '&#X41;', '&#65;', '&#0065;', '&#0;', '&#x7F;', '&#x85;', '&#xD800;', '&#xFFFE;', '&#1114112;', '&nbsp;', '&unknown;', '& ', '&#;', '\u00a0', '\r\n', '\u2028', ']]>'];
const NAMES = ['user', 'id', 'name', 'users', 'user_group', 'site', 'a.b', 'x-y', '_z', 'constructor', '__proto__', 'toString', '#text', 'a:b', '1a'];
const ODD = ['<!-- c -->', '<![CDATA[x&y<z>]]>', '<?pi x?>', '<a b="1">', '</wrong>', '<b/>', '<b />', '<', '>', '<!DOCTYPE x>'];

function generate(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const text = (): string => Array.from({ length: Math.floor(random() * 3) }, () => pick(TEXT)).join('');
  const element = (depth: number): string => {
    const name = random() < 0.9 ? pick(NAMES.slice(0, 7)) : pick(NAMES);
    if (random() < 0.15) return `<${name}/>`;
    let inner = '';
    if (depth < 4 && random() < 0.5) {
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++) inner += (random() < 0.3 ? pick([' ', '\n  ']) : '') + element(depth + 1);
      if (random() < 0.1) inner += text();
    } else {
      inner = text();
    }
    if (random() < 0.04) inner += pick(ODD);
    return `<${name}>${inner}${random() < 0.02 ? '' : `</${name}>`}`;
  };
  const declaration = random() < 0.5 ? '<?xml version="1.0" encoding="UTF-8"?>' + (random() < 0.3 ? '\n' : '') : '';
  return declaration + element(0) + (random() < 0.05 ? element(0) : '') + (random() < 0.1 ? '\n' : '');
}

const outcome = (parse: () => unknown): unknown => {
  try {
    return { value: parse() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

describe('Classic XML fast path', () => {
  it('reads every document it accepts exactly as fast-xml-parser does, and leaves the rest to it', () => {
    const random = prng(13);
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      const xml = generate(random);
      const fast = parseClassicXml(xml);
      if (fast === undefined) continue;
      accepted += 1;
      expect({ xml, ...(outcome(() => fast) as object) }).toEqual({ xml, ...(outcome(() => parseXmlFully(xml)) as object) });
    }
    // Most generated documents are plain enough for the fast path, so the comparison means something.
    expect(accepted).toBeGreaterThan(1500);
  });

  it('takes the records Jamf sends', () => {
    const user =
      '<?xml version="1.0" encoding="UTF-8"?><user><id>5</id><name>d.l5</name><full_name>R&amp;D &lt;EU&gt;</full_name><phone_number/>' +
      '<ldap_server><id>-1</id><name>None</name></ldap_server><extension_attributes/><sites/><links><computers/></links>' +
      '<user_groups><size>1</size><user_group><id>1</id><name>G</name><is_smart>false</is_smart></user_group></user_groups></user>';
    expect(parseClassicXml(user)).toEqual(parseXmlFully(user));
    expect(parseClassicXml(user)).toBeDefined();
    expect(parseClassicXml('')).toEqual({});
  });

  it('declines what it does not read itself', () => {
    for (const xml of ['<a b="1">x</a>', '<a><!-- c --></a>', '<a><![CDATA[x]]></a>', '<a>x\r\ny</a>', '<a><b>1</b>t</a>', '<a>1</b>', '<a>1', '<a>&nbsp;</a>', '<constructor>1</constructor>']) {
      expect(parseClassicXml(xml)).toBeUndefined();
    }
  });
});
