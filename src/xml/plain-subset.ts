/**
 * What fast-xml-parser (v5) does with plain XML, for the one-pass readers that take the plain
 * documents off its hands (src/jamf/xml-fast-parse.ts for Jamf's answers, src/simulator/xml-read.ts
 * for the client's write bodies): a name these say no to, or a reference outside them, sends the
 * document to fast-xml-parser so it reads exactly as it would there. The readers themselves stay
 * apart: the simulator judges what the client sends, so a bug in one must not hide the same bug
 * in the other.
 */

/** Element names fast-xml-parser refuses or renames (its `DANGEROUS_PROPERTY_NAMES`, `criticalProperties`). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
]);

/** Element names the readers take: ASCII, no namespace prefix. */
export const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The five predefined XML entities (XML 1.0 §4.6). */
export const XML_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Code points XML 1.0 allows that fast-xml-parser decodes as they are (no C0/C1 controls, surrogates or non-characters). */
export function plainCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** References a document may hold before it goes to fast-xml-parser, whose entity-expansion limits count across a document. */
export const MAX_REFERENCES = 1000;

/**
 * `text` with its references decoded as fast-xml-parser decodes them (the five entities, decimal
 * and hexadecimal character references), or undefined for any other reference or once `budget`
 * (shared by the whole document) runs out.
 */
export function decodeReferences(text: string, budget: { references: number }): string | undefined {
  let amp = text.indexOf('&');
  if (amp === -1) return text;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 10 || ++budget.references > MAX_REFERENCES) return undefined;
    const ref = text.slice(amp + 1, semi);
    let value = XML_ENTITIES.get(ref);
    if (value === undefined) {
      const hex = ref.startsWith('#x');
      const digits = hex ? ref.slice(2) : ref.startsWith('#') ? ref.slice(1) : '';
      if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
      const cp = Number.parseInt(digits, hex ? 16 : 10);
      if (!plainCodePoint(cp)) return undefined;
      value = String.fromCodePoint(cp);
    }
    out += text.slice(last, amp) + value;
    last = semi + 1;
    amp = text.indexOf('&', last);
  }
  return out + text.slice(last);
}
