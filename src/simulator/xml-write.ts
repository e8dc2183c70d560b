/**
 * The XML the Classic API answers, written straight into a string. fast-xml-parser's XMLBuilder
 * wrote the same bytes (test/simulator/xml-write.test.ts compares them) but matched every element
 * against its path expressions and ran five regular expressions over every value: most of a
 * user GET's CPU time.
 */

/** A value to render: text, numbers and booleans as text, objects as children, arrays as repeated elements. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [name: string]: XmlValue };

const ESCAPED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
const SPECIAL = /[&<>'"]/;
const SPECIALS = /[&<>'"]/g;

/** User data is always escaped, never concatenated into XML as is (§7.1). */
export function escapeXml(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (ch) => ESCAPED[ch] ?? ch) : text;
}

/** XMLBuilder's spelling of a number: `-0` keeps its sign. */
const scalar = (value: number | boolean): string => (Object.is(value, -0) ? '-0' : String(value));

/** An empty element is self-closing (`<x/>`), as Classic renders empty values and lists (§2.3). */
const wrap = (name: string, inner: string): string => (inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`);

/** The elements for `value` named `name`: none for undefined, one per item for an array. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}/>`;
  if (typeof value === 'string') return wrap(name, escapeXml(value));
  if (typeof value !== 'object') return wrap(name, scalar(value));
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += element(name, item);
    return out;
  }
  return wrap(name, elements(value));
}

/** The children of an object, in key order. */
export function elements(obj: { readonly [name: string]: XmlValue }): string {
  let out = '';
  for (const name in obj) if (Object.hasOwn(obj, name)) out += element(name, obj[name]);
  return out;
}
