/**
 * A fast path for the plain XML the Classic API sends (jamf-pro-api.md §2.2): elements without
 * attributes, text with the five XML entities and character references, an optional declaration.
 * fast-xml-parser walks such a document character by character and allocates a node object per
 * element before turning the tree into plain objects; this reads it with `indexOf` in one pass:
 * 9 µs for a user record against 70 µs there (160 µs with the options used before). Anything else (attributes, comments, CDATA, a
 * DOCTYPE, mixed content, a raw CR, a mismatched or unclosed tag, an unusual reference) returns
 * undefined, and the caller hands the document to fast-xml-parser, so that every document parses
 * exactly as it would there; test/jamf/xml-fast-parse.test.ts compares the two on generated ones.
 */
import { PLAIN_NAME, RESERVED_NAMES, decodeReferences } from '../xml/plain-subset.js';
import type { XmlObject, XmlValue } from './xml-codec.js';

/** fast-xml-parser's own nesting limit is 100; deeper documents go to it. */
const MAX_DEPTH = 64;

/** Adds a child as fast-xml-parser does: a name seen again turns into an array, in document order. */
function add(parent: XmlObject, name: string, value: string | XmlObject): void {
  const existing = parent[name];
  if (existing === undefined) parent[name] = value;
  else if (Array.isArray(existing)) (existing as XmlValue[]).push(value);
  else parent[name] = [existing, value] as XmlObject[];
}

interface Frame {
  name: string;
  /** Set at the first child; an element without children is its text. */
  children: XmlObject | undefined;
}

/** The document as fast-xml-parser (strings only, attributes ignored) reads it, or undefined. */
export function parseClassicXml(xml: string): XmlObject | undefined {
  if (xml.includes('\r')) return undefined;
  const doc: XmlObject = {};
  const stack: Frame[] = [];
  const budget = { references: 0 };
  let i = 0;
  const start = xml.search(/\S/);
  if (start !== -1 && xml.startsWith('<?xml', start)) {
    const after = xml.charCodeAt(start + 5);
    const end = xml.indexOf('?>', start);
    if (end === -1 || !(after === 0x20 || after === 0x3f || after === 0x09 || after === 0x0a)) return undefined;
    doc['?xml'] = '';
    i = end + 2;
  }
  for (;;) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (lt === -1) return stack.length === 0 && text.trim() === '' ? doc : undefined;
    const top = stack[stack.length - 1];
    const gt = xml.indexOf('>', lt + 1);
    if (gt === -1) return undefined;
    if (xml.charCodeAt(lt + 1) === 0x2f) {
      // `</name>`: closes the innermost element, which must have that name.
      if (top === undefined || xml.slice(lt + 2, gt) !== top.name) return undefined;
      let value: string | XmlObject | undefined;
      if (top.children !== undefined) {
        if (text.trim() !== '') return undefined;
        value = top.children;
      } else {
        value = decodeReferences(text.trim(), budget);
        if (value === undefined) return undefined;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      add(parent === undefined ? doc : (parent.children ??= {}), top.name, value);
    } else {
      // `<name>` or `<name/>`; text beside child elements (mixed content) is left to the full parser.
      if (text.trim() !== '') return undefined;
      const selfClosing = xml.charCodeAt(gt - 1) === 0x2f;
      const name = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
      if (!PLAIN_NAME.test(name) || RESERVED_NAMES.has(name) || stack.length >= MAX_DEPTH) return undefined;
      if (selfClosing) add(top === undefined ? doc : (top.children ??= {}), name, '');
      else stack.push({ name, children: undefined });
    }
    i = gt + 1;
  }
}
