/**
 * The one place that turns objects into Classic API XML and back (jamf-pro-api.md §2.2, §7.1).
 * Values are always escaped by `escapeXml`, never concatenated into markup raw.
 */
import { XMLParser } from 'fast-xml-parser';
import { JamfError } from './errors.js';
import { parseClassicXml } from './xml-fast-parse.js';

export type XmlValue = string | number | boolean | XmlObject | XmlObject[];
export interface XmlObject {
  [element: string]: XmlValue;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * `& < > " '` as entities, and CR as `&#13;` the way ruby-jss sends it (§7.1): a raw CR would be
 * normalised away by the receiving XML parser (XML 1.0 §2.11).
 */
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
const NEEDS_ESCAPE = /[&<>"'\r]/;
const ESCAPABLE = /[&<>"'\r]/g;

export function escapeXml(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (ch) => ESCAPES[ch] ?? ch) : value;
}

/**
 * Options chosen for cost as much as for meaning: fast-xml-parser v5 builds a jPath string per
 * element while `jPath` is on and calls `isArray` for each, and `htmlEntities: true` merges the
 * ~2,000 HTML entity names into a fresh map on every parse; together they made a user record's
 * parse 2.3 times slower. Repeated children are read through `listOf`, which takes one child or
 * many alike, so no element needs to be forced into an array.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  // Strings only: a username like "007" or "true" must not become a number or a boolean.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  jPath: false,
  // An object (even empty) keeps numeric references such as `&#13;` decoded besides the five XML
  // entities, without the HTML names, which are not XML and which Jamf does not send (§7.1).
  htmlEntities: {} as unknown as boolean,
});

/** Code points XML 1.0 (§2.2 `Char`) cannot carry; a lone surrogate counts as one. */
const ILLEGAL_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** First code point that XML 1.0 (§2.2 `Char`) cannot carry, or undefined. */
export function findIllegalXmlChar(value: string): number | undefined {
  const match = ILLEGAL_XML_CHAR.exec(value);
  return match === null ? undefined : match[0].codePointAt(0);
}

function legalText(value: string, path: string): string {
  const cp = findIllegalXmlChar(value);
  if (cp !== undefined) {
    // Rejected rather than stripped: silently changing a username would create a different user.
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    throw new JamfError('bad_request', `${path} contains U+${hex}, which XML 1.0 cannot carry`);
  }
  return escapeXml(value);
}

/** `<name>…</name>` for one value; '' becomes `<position></position>`, which clears a field on PUT (§2.6). */
function element(name: string, value: XmlValue): string {
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += element(name, item);
    return out;
  }
  const inner = typeof value === 'object' ? children(value) : legalText(typeof value === 'string' ? value : String(value), name);
  return `<${name}>${inner}</${name}>`;
}

function children(body: XmlObject): string {
  let out = '';
  for (const name in body) {
    const value = body[name];
    if (value !== undefined) out += element(name, value);
  }
  return out;
}

/** `<?xml …UTF-8?><root>…</root>`; throws JamfError bad_request for characters XML cannot carry. */
export function buildXml(root: string, body: XmlObject): string {
  // Element names come from this codebase only; values are escaped and checked on the way.
  return XML_DECLARATION + element(root, body);
}

/**
 * Lenient parse: any root, no validation, values as strings. Returns `{}` for an empty body. A
 * repeated element is an array only when it occurs more than once: read lists with `listOf`.
 */
export function parseXml(text: string): XmlObject {
  const xml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return parseClassicXml(xml) ?? parseXmlFully(xml);
}

/** fast-xml-parser alone, without the fast path: what `parseClassicXml` must agree with. */
export function parseXmlFully(xml: string): XmlObject {
  return parser.parse(xml) as XmlObject;
}

/** The element under whatever root the response has (§4.6: user, static_user_group, user_group…). */
export function rootElement(doc: XmlObject): XmlObject | undefined {
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('?')) continue;
    return isObject(value) ? value : undefined;
  }
  return undefined;
}

/** Reads `<id>` from a create/update echo with any root; undefined when absent or not a number. */
export function readEchoId(text: string): number | undefined {
  const root = rootElement(parseXml(text));
  const id = root === undefined ? undefined : toInt(root['id']);
  if (id !== undefined) return id;
  // Last resort, as ruby-jss does (§2.5): a body that is not well-formed but carries `<id>N</id>`.
  const match = /<id>\s*(-?\d+)\s*<\/id>/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function isObject(value: unknown): value is XmlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a leaf; an empty element (`<phone_number/>`) and a missing one both read as ''. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function toInt(value: unknown): number | undefined {
  const s = text(value).trim();
  if (!/^-?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Children of a list wrapper such as `<users>`; [] when the wrapper is empty or missing. */
export function listOf(wrapper: unknown, child: string): XmlObject[] {
  if (!isObject(wrapper)) return [];
  const items = wrapper[child];
  if (Array.isArray(items)) return items.filter(isObject);
  return isObject(items) ? [items] : [];
}
