/**
 * The request-size limit of the servlet container in front of Jamf Pro. Jamf Pro runs on Tomcat,
 * whose HTTP connector reads the request line and the headers into one buffer of
 * `maxHttpHeaderSize` bytes, 8,192 by default (https://tomcat.apache.org/tomcat-9.0-doc/config/http.html,
 * `maxHttpHeaderSize`). A request line that overflows it gets 414 URI Too Long (RFC 9110
 * §15.5.15); headers that overflow after a request line that fitted get 400 with Tomcat's
 * "Request header is too large". Either is refused before Jamf sees the call, so it is neither
 * counted nor faulted, and the page is the container's, whichever API the URL names.
 */
import type { FastifyRequest } from 'fastify';
import { SimError } from './errors.js';

export const TOMCAT_MAX_HTTP_HEADER_SIZE = 8192;

/** The request line as sent (`GET /path HTTP/1.1` CRLF), in bytes. */
function requestLineBytes(request: FastifyRequest): number {
  const { method, url, httpVersion } = request.raw;
  return Buffer.byteLength(`${method ?? 'GET'} ${url ?? '/'} HTTP/${httpVersion}\r\n`);
}

/** The header block after the request line (`name: value` CRLF each, then the empty line), in bytes. */
function headerBytes(request: FastifyRequest): number {
  const raw = request.raw.rawHeaders;
  let bytes = 2;
  for (let i = 0; i + 1 < raw.length; i += 2) bytes += Buffer.byteLength(raw[i] ?? '') + Buffer.byteLength(raw[i + 1] ?? '') + 4;
  return bytes;
}

/** The error Tomcat answers for this request, or undefined when it fits. */
export function headerLimitError(request: FastifyRequest, limit = TOMCAT_MAX_HTTP_HEADER_SIZE): SimError | undefined {
  const line = requestLineBytes(request);
  if (line > limit) return new SimError(414);
  if (line + headerBytes(request) > limit) return new SimError(400, 'Request header is too large');
  return undefined;
}
