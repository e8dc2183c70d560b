/**
 * A fast path for the plain XML clients send in Classic write bodies: elements without attributes,
 * text with the five XML entities and numeric character references, an optional declaration.
 * fast-xml-parser builds a fresh decoder of every HTML entity name for each document and matches
 * each element against its path expressions: ~0.2 ms for a five-field user body, most of a PUT's
 * CPU. Anything outside that subset (attributes, comments, CDATA, a DOCTYPE, mixed content, a raw CR
 * or `>`, an HTML entity, an unusual name, deep nesting, text around the root) returns undefined and
 * the caller validates and parses the body with fast-xml-parser as before, so every body reads as it
 * did there; test/simulator/xml-read.test.ts compares the two. It is kept apart from the client's
 * reader (src/jamf/xml-fast-parse.ts) on purpose: the simulator judges what the client sends, so a
 * bug in one reader must not be hidden by the same bug in the other.
 */
import { PLAIN_NAME, RESERVED_NAMES, decodeReferences } from '../xml/plain-subset.js';
import type { XmlNode, XmlObject } from './xml.js';

const XML_SPACE = /^[ \t\r\n]*$/;
/** fast-xml-parser's own limit is 100 nested tags; anything near it goes there. */
const MAX_DEPTH = 32;
const DECLARATION = /^<\?xml\s+version=(["'])1\.0\1(?:\s+encoding=(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:\s+standalone=(["'])(?:yes|no)\3)?\s*\?>/;

/** Trimmed, then entity-decoded (fast-xml-parser's order), or undefined outside the fast path. */
function textOf(raw: string, budget: { references: number }): string | undefined {
  if (raw.includes('\r') || raw.includes('>')) return undefined;
  return decodeReferences(raw.trim(), budget);
}

interface Open {
  name: string;
  path: string;
  children: XmlObject | undefined;
  /** Where its text starts, when it has no child element yet. */
  textFrom: number;
}

/**
 * The document as fast-xml-parser would return it with the simulator's options (one root key;
 * `lists` are the element paths that are always arrays), or undefined when the body is outside
 * the fast path, well-formed or not.
 */
export function parsePlainXml(body: string, lists: ReadonlySet<string>): XmlObject | undefined {
  let pos = 0;
  const budget = { references: 0 };
  const declaration = DECLARATION.exec(body);
  if (declaration) pos = declaration[0].length;
  const stack: Open[] = [];
  let doc: XmlObject | undefined;

  const add = (parent: XmlObject, name: string, path: string, value: XmlNode): void => {
    const existing = parent[name];
    if (existing === undefined) parent[name] = lists.has(path) ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else parent[name] = [existing, value];
  };

  for (;;) {
    const lt = body.indexOf('<', pos);
    const between = body.slice(pos, lt === -1 ? body.length : lt);
    const top = stack.at(-1);
    // Outside the root only XML whitespace may stand; text beside child elements (mixed content) is not for the fast path.
    if (top === undefined ? !XML_SPACE.test(between) : top.children !== undefined && between.trim() !== '') return undefined;
    if (lt === -1) break;
    const gt = body.indexOf('>', lt);
    if (gt === -1) return undefined;
    const tag = body.slice(lt + 1, gt);

    if (tag.startsWith('/')) {
      if (top === undefined || tag.slice(1).trimEnd() !== top.name) return undefined;
      stack.pop();
      let value: XmlNode;
      if (top.children !== undefined) value = top.children;
      else {
        const text = textOf(body.slice(top.textFrom, lt), budget);
        if (text === undefined) return undefined;
        value = text;
      }
      const parent = stack.at(-1);
      if (parent === undefined) {
        if (doc !== undefined) return undefined;
        doc = {};
        add(doc, top.name, top.path, value);
      } else add(parent.children ?? {}, top.name, top.path, value);
    } else {
      const selfClosing = tag.endsWith('/');
      const name = (selfClosing ? tag.slice(0, -1) : tag).trimEnd();
      if (!PLAIN_NAME.test(name) || RESERVED_NAMES.has(name) || stack.length >= MAX_DEPTH) return undefined;
      if (top === undefined && doc !== undefined) return undefined;
      if (top !== undefined && top.children === undefined) {
        if (body.slice(top.textFrom, lt).trim() !== '') return undefined;
        top.children = {};
      }
      const path = top === undefined ? name : `${top.path}.${name}`;
      if (selfClosing) {
        if (top === undefined) {
          doc = {};
          add(doc, name, path, '');
        } else add(top.children ?? {}, name, path, '');
      } else stack.push({ name, path, children: undefined, textFrom: gt + 1 });
    }
    pos = gt + 1;
  }
  return stack.length === 0 ? doc : undefined;
}
