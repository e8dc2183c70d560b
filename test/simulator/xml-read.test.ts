import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/simulator/random.js';
import { parsePlainXml } from '../../src/simulator/xml-read.js';
import { LIST_PATHS, parseWithLibrary } from '../../src/simulator/xml.js';

/** Whether the fast path read `doc` exactly as fast-xml-parser does; false when it left it to the library. */
function readsAsLibrary(doc: string): boolean {
  const fast = parsePlainXml(doc, LIST_PATHS);
  if (fast === undefined) return false;
  // A body the fast path takes is well-formed, and reads the same.
  expect(parseWithLibrary(doc), doc).toStrictEqual(fast);
  return true;
}

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/** Bodies as clients write them (src/jamf's codec, ruby-jss, MUT): all of them take the fast path. */
const REALISTIC = [
  `${DECL}<user><name>ada.king</name><full_name>Ada King</full_name><email>ada@example.com</email><email_address>ada@example.com</email_address><phone_number/><position>Lead &amp; Co &lt;R&amp;D&gt;</position><enable_custom_photo_url>false</enable_custom_photo_url><ldap_server><id>-1</id></ldap_server><sites><site><id>1</id><name>Main</name></site></sites><extension_attributes><extension_attribute><id>3</id><value>x&#13;y</value></extension_attribute></extension_attributes></user>`,
  `<user><full_name>Zoë &apos;Ørsted&apos; &quot;]]&gt;&quot;</full_name></user>`,
  `<?xml version='1.0'?>\n<user>\n  <name>007</name>\n  <sites/>\n</user>\n`,
  `${DECL}<user_group><user_additions><user><id>12</id></user></user_additions></user_group>`,
  `${DECL}<user_group><name>Sales</name><is_smart>false</is_smart><users><user><id>1</id></user><user><username>bob</username></user></users></user_group>`,
  `<user_group><user_deletions><user><id>4</id></user></user_deletions><user_additions/></user_group>`,
  `<user_group>\r\n<name>  padded  </name>\r\n<site><id>-1</id><name>None</name></site>\r\n</user_group>`,
];

/** Bodies left to fast-xml-parser, whatever it makes of them. */
const UNUSUAL = [
  '<user><name a="1">x</name></user>',
  '<user><!-- c --><name>x</name></user>',
  '<user><name><![CDATA[x]]></name></user>',
  '<!DOCTYPE user><user/>',
  '<user>text<name>x</name></user>',
  '<user><name>a\rb</name></user>',
  '<user><name>a>b</name></user>',
  '<user><name>&nbsp;</name></user>',
  '<user><name>&#0;</name></user>',
  '<user><name>&#x7f;</name></user>',
  '<user><name>x</nam></user>',
  '<user><name>x</name>',
  '<user/><user/>',
  '<user/>trailing',
  '\uFEFF<user/>',
  ' <?xml version="1.0"?><user/>',
  '<?xml version="1.1"?><user/>',
  '<user><__proto__>x</__proto__></user>',
  '<user><toString>x</toString></user>',
  '<user><1a>x</1a></user>',
  '<user><a:b>x</a:b></user>',
  '\u00a0<user/>',
];

const NAMES = ['user', 'user_group', 'name', 'id', 'sites', 'site', 'users', 'user_additions', 'a.b', '_x', 'A-1', 'toString'];
const TEXTS = ['', 'plain', '  spaced  ', ' \n ', '&amp;', '&lt;b&gt;', '&#13;', '&#x0D;', '&#xd;', '&#65;', '&#0065;', '&#X41;', '&#0;',
  '&#x7f;', '&#xD800;', '&#1114111;', '&#xFFFE;', '&nbsp;', '&copy;', '&unknown;', '&', '&;', 'a>b', ']]>', 'ü', '😀', '\u00a0x\u00a0', '\r\n', "'\"", '&amp;amp;'];
const SPACE = ['', ' ', '\n', '\r\n', '\t', '\u00a0'];

function generate(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const node = (depth: number): string => {
    const name = pick(NAMES);
    const roll = random();
    if (roll < 0.15) return `<${name}${pick(['/', ' /', '/ '])}>`;
    if (depth >= 3 || roll < 0.55) {
      const text = Array.from({ length: Math.floor(random() * 3) }, () => pick(TEXTS)).join('');
      return `<${name}${pick(['', '', ' ', '\n'])}>${text}</${name}${pick(['', '', ' '])}>`;
    }
    const kids = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SPACE) + node(depth + 1)).join('');
    const tail = random() < 0.1 ? pick(TEXTS) : pick(SPACE);
    return `<${name}>${kids}${tail}</${random() < 0.03 ? 'other' : name}>`;
  };
  const decl = pick(['', '', DECL, "<?xml version='1.0' encoding='utf-8' standalone='yes'?>", '<?xml version="1.1"?>', ' ' + DECL]);
  const extra = random() < 0.05 ? pick(['<x/>', 'text', '<!-- c -->']) : '';
  return decl + pick(SPACE) + node(0) + pick(SPACE) + extra;
}

describe('plain XML fast path', () => {
  it('reads the bodies clients send, as fast-xml-parser does', () => {
    for (const doc of REALISTIC) expect(readsAsLibrary(doc), doc).toBe(true);
  });

  it('leaves attributes, comments, CDATA, DOCTYPEs, mixed content, HTML entities and malformed XML to fast-xml-parser', () => {
    for (const doc of UNUSUAL) expect(parsePlainXml(doc, LIST_PATHS), doc).toBeUndefined();
  });

  it('reads every generated document it takes exactly as fast-xml-parser does', () => {
    const random = seededRandom(13);
    let taken = 0;
    for (let i = 0; i < 5000; i++) if (readsAsLibrary(generate(random))) taken++;
    // The comparison means something only if the fast path takes a good share of them.
    expect(taken).toBeGreaterThan(500);
  });
});
