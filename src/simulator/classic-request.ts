import type { FastifyRequest } from 'fastify';
import { rawBody } from './request-input.js';
import { SimError } from './errors.js';
import { parseXmlBody, type XmlObject } from './xml.js';

/**
 * Classic write bodies must be XML (§2.2): a JSON content type or a JSON-looking body is 415, as
 * is any other non-XML type. A missing content type is read as XML.
 */
export function classicXmlBody(request: FastifyRequest, root: string): XmlObject {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const body = rawBody(request);
  if (type.includes('json') || /^\s*[[{]/.test(body) || (type !== '' && !type.includes('xml'))) {
    throw new SimError(415);
  }
  return parseXmlBody(body, root);
}

/**
 * The last path segment decoded the way the Classic API does it: `+` means a space, so a literal
 * plus must arrive as `%2B` (§7.2).
 */
export function lastSegment(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  const raw = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(raw.replace(/\+/g, '%20'));
  } catch {
    throw new SimError(400);
  }
}

/** A numeric `/id/{id}` segment; anything else can match no record. */
export function idSegment(request: FastifyRequest): number | undefined {
  const raw = lastSegment(request);
  return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}
