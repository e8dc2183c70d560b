/**
 * The one place that turns objects into Classic API XML and back (jamf-pro-api.md §2.2, §7.1).
 * Values are always escaped by the builder, never concatenated into markup.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { JamfError } from './errors.js';

export type XmlValue = string | number | boolean | XmlObject | XmlObject[];
export interface XmlObject {
  [element: string]: XmlValue;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * `& < > " '` as entities, and CR as `&#13;` the way ruby-jss sends it (§7.1): a raw CR would be
 * normalised away by the receiving XML parser (XML 1.0 §2.11). `&` must come first.
 */
const ENTITIES = [
  { regex: /&/g, val: '&amp;' },
  { regex: /</g, val: '&lt;' },
  { regex: />/g, val: '&gt;' },
  { regex: /"/g, val: '&quot;' },
  { regex: /'/g, val: '&apos;' },
  { regex: /\r/g, val: '&#13;' },
];

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: false,
  // '' must become `<position></position>`: an empty element is how a Classic PUT clears a field (§2.6).
  suppressEmptyNode: false,
  processEntities: true,
  entities: ENTITIES,
  // `entities` is a real fast-xml-builder option (it replaces the default table) missing from its typings.
} as ConstructorParameters<typeof XMLBuilder>[0]);

/** Wrapper element → its repeated child. Those children are arrays even when there is one. */
const LIST_CHILD: Record<string, string> = {
  users: 'user',
  user_groups: 'user_group',
  extension_attributes: 'extension_attribute',
  sites: 'site',
  user_additions: 'user',
  user_deletions: 'user',
  computers: 'computer',
  mobile_devices: 'mobile_device',
  peripherals: 'peripheral',
  vpp_assignments: 'vpp_assignment',
  criteria: 'criterion',
};

const parser = new XMLParser({
  ignoreAttributes: true,
  // Strings only: a username like "007" or "true" must not become a number or a boolean.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Decodes numeric references such as `&#13;` besides the five XML entities.
  htmlEntities: true,
  isArray: (name: string, jpath: unknown) => {
    const segments = String(jpath).split('.');
    const parent = segments[segments.length - 2];
    return parent !== undefined && LIST_CHILD[parent] === name;
  },
});

/** First code point that XML 1.0 (§2.2 `Char`) cannot carry, or undefined. */
export function findIllegalXmlChar(value: string): number | undefined {
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const legal =
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xd ||
      (cp >= 0x20 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0xfffd) ||
      (cp >= 0x10000 && cp <= 0x10ffff);
    if (!legal) return cp;
  }
  return undefined;
}

function assertLegal(value: XmlValue, path: string): void {
  if (typeof value === 'string') {
    const cp = findIllegalXmlChar(value);
    if (cp !== undefined) {
      // Rejected rather than stripped: silently changing a username would create a different user.
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      throw new JamfError('bad_request', `${path} contains U+${hex}, which XML 1.0 cannot carry`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item) => assertLegal(item, path));
  } else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) assertLegal(child, key);
  }
}

/** `<?xml …UTF-8?><root>…</root>`; throws JamfError bad_request for characters XML cannot carry. */
export function buildXml(root: string, body: XmlObject): string {
  assertLegal(body, root);
  return XML_DECLARATION + (builder.build({ [root]: body }) as string);
}

/** Lenient parse: any root, no validation, values as strings. Returns `{}` for an empty body. */
export function parseXml(text: string): XmlObject {
  return parser.parse(text.replace(/^\uFEFF/, '')) as XmlObject;
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
