import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SimError } from './errors.js';
import { parsePlainXml } from './xml-read.js';
import { element, type XmlValue } from './xml-write.js';

/** A parsed element: text, or an object of children (repeated children become arrays). */
export type XmlNode = string | XmlObject;
export interface XmlObject {
  [name: string]: XmlNode | XmlNode[];
}

/**
 * Elements that are lists in request bodies. fast-xml-parser only makes an array when an element
 * repeats, so a single `<user>` would otherwise come back as an object.
 */
export const LIST_PATHS: ReadonlySet<string> = new Set([
  'user.extension_attributes.extension_attribute',
  'user.sites.site',
  'user_group.users.user',
  'user_group.user_additions.user',
  'user_group.user_deletions.user',
  'user_group.criteria.criterion',
]);

/** Values stay strings (`parseTagValue: false`): `<name>007</name>` is a username, not the number 7. */
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  // Clients send CR as `&#13;` (ruby-jss, jamf-pro-api.md §7.1); decode numeric entities too.
  htmlEntities: true,
  isArray: (_name, jpath) => LIST_PATHS.has(String(jpath)),
});

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
export const XML_CONTENT_TYPE = 'application/xml;charset=UTF-8';

/** Parses a Classic request body whose root must be `root`; malformed XML is a 400 page (§2.10). */
export function parseXmlBody(body: string, root: string): XmlObject {
  if (body.trim() === '') throw new SimError(400, 'Bad Request: the request body is empty');
  const doc = parsePlainXml(body, LIST_PATHS) ?? parseWithLibrary(body);
  const top = doc[root];
  if (top === undefined) throw new SimError(400, `Bad Request: the root element must be <${root}>`);
  return asObject(top);
}

/** Any body, plain or not, read as fast-xml-parser reads it; malformed XML is a 400. */
export function parseWithLibrary(body: string): XmlObject {
  if (XMLValidator.validate(body) !== true) throw new SimError(400);
  return parser.parse(body) as XmlObject;
}

function asObject(node: XmlNode | XmlNode[]): XmlObject {
  const one = Array.isArray(node) ? node[0] : node;
  return typeof one === 'object' ? one : {};
}

/** Text of a child element: undefined when absent, '' when empty (an empty element clears, §2.6). */
export function text(obj: XmlObject, name: string): string | undefined {
  const node = obj[name];
  if (node === undefined) return undefined;
  const one = Array.isArray(node) ? node[0] : node;
  return typeof one === 'string' ? one : '';
}

/** A child element as an object; an empty element (`<users/>`) is an empty object. */
export function child(obj: XmlObject, name: string): XmlObject | undefined {
  const node = obj[name];
  return node === undefined ? undefined : asObject(node);
}

/** Repeated child elements (`<user>` inside `<users>`), empty ones included as `{}`. */
export function children(obj: XmlObject, name: string): XmlObject[] {
  const node = obj[name];
  if (node === undefined) return [];
  return (Array.isArray(node) ? node : [node]).map(asObject);
}

/** A Classic document: the declaration, then `value` as the element `root` (xml-write.ts escapes every value). */
export function toXml(root: string, value: unknown): string {
  return XML_DECLARATION + element(root, value as XmlValue);
}

/**
 * Classic responses follow `Accept` (§2.2). Without an XML type the simulator answers JSON: real
 * servers have answered JSON when `Accept` was missing, so clients must always send it.
 */
export function wantsXml(request: FastifyRequest): boolean {
  const accept = (request.headers.accept ?? '').toLowerCase();
  const xml = accept.search(/(application|text)\/xml/);
  const json = accept.indexOf('application/json');
  return xml >= 0 && (json < 0 || xml < json);
}

/** Sends a Classic record as XML or JSON; `json` renders the same record as JSON. Only the one sent is built. */
export function sendClassic(
  request: FastifyRequest,
  reply: FastifyReply,
  root: string,
  xml: () => unknown,
  json: () => unknown,
): FastifyReply {
  if (wantsXml(request)) return reply.type(XML_CONTENT_TYPE).send(toXml(root, xml()));
  return reply.type('application/json;charset=UTF-8').send(JSON.stringify({ [root]: json() }));
}

/** POST/PUT/DELETE answer an XML id echo whatever `Accept` says (§2.5, §4.6). */
export function sendIdEcho(reply: FastifyReply, status: number, root: string, id: number): FastifyReply {
  return reply.code(status).type(XML_CONTENT_TYPE).send(toXml(root, { id }));
}
