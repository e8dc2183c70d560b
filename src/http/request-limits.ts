import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ScimError } from '../scim/errors.js';
import { SCIM_CONTENT_TYPE } from './scim-reply.js';

/**
 * The longest request-target (path and query) served. RFC 9110 §4.1 asks every recipient to
 * support at least 8000 octets; no SCIM request an IdP sends comes near it.
 */
export const MAX_URL_OCTETS = 8192;

/**
 * Request line plus headers, Node's own default (`maxHeaderSize`), set explicitly so a
 * `--max-http-header-size` flag cannot change what the README promises.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/** How long a refused client may keep sending before its connection is cut. */
const CLOSE_GRACE_MS = 5_000;

export const urlTooLong = (url: string): boolean => url.length > MAX_URL_OCTETS;

export const urlTooLongError = () => new ScimError(414, `Request URL is longer than ${MAX_URL_OCTETS} octets`);

/**
 * Refuses an over-long URL before routing work or authentication (RFC 9110 §15.5.15). A URL that
 * pushes the whole request head past MAX_HEADER_BYTES never gets here: Node refuses it while
 * parsing, and `onClientError` answers.
 */
export function registerUrlLimit(app: FastifyInstance): void {
  // A callback hook: it runs on every request, and an async one costs a promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    if (urlTooLong(request.raw.url ?? '')) throw urlTooLongError();
    done();
  });
}

/** `err.rawPacket`: the packet Node's parser was reading (typed as JSON in Fastify's types, a Buffer at run time). */
function packetOf(err: Error): Buffer | undefined {
  const raw = (err as { rawPacket?: unknown }).rawPacket;
  return Buffer.isBuffer(raw) ? raw : undefined;
}

/**
 * Whether Node's parser overflowed inside the request line: what it had parsed of the packet is a
 * method, a space and part of a request-target, with no line break yet. When the packet starts
 * mid-request, it cannot tell a long URL from a long header, and answers 431, which is true of both.
 */
function overflowInRequestLine(err: Error): boolean {
  const packet = packetOf(err);
  if (packet === undefined) return false;
  const parsed = (err as { bytesParsed?: unknown }).bytesParsed;
  const head = packet.subarray(0, typeof parsed === 'number' ? parsed : packet.length).toString('latin1');
  return /^[A-Za-z]+ [^\s]*$/.test(head);
}

function scimErrorFor(err: Error & { code?: string }): ScimError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return overflowInRequestLine(err)
        ? urlTooLongError()
        : new ScimError(431, `Request headers are larger than ${MAX_HEADER_BYTES / 1024} KiB (the URL counts toward that limit)`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      // Node's own answer to this one (a chunked body whose chunk extensions exceed its limit).
      return new ScimError(413, 'Request body chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, 'The request was not received in time');
    default:
      return new ScimError(400, 'Malformed HTTP request', 'invalidSyntax');
  }
}

function rawResponse(error: ScimError): string {
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    `Content-Type: ${SCIM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (an oversized head, a
 * malformed request line) has no request or reply object, so Fastify would answer with its own
 * plain JSON. This writes a SCIM error body (RFC 7644 §3.12) on the socket instead, and logs one
 * line with the code only: the error's `rawPacket` holds the request head, bearer token included.
 */
export function createClientErrorHandler(logger: FastifyBaseLogger) {
  // Node reports the same broken request once per packet that follows; it is answered once.
  const answered = new WeakSet<Socket>();
  return function onClientError(err: Error & { code?: string }, socket: Socket): void {
    // A reset connection has nobody to answer (Node's http docs, event 'clientError').
    if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    const error = scimErrorFor(err);
    logger.info({ status: error.status, code: err.code, remoteAddress: socket.remoteAddress }, 'client error');
    // Node's own rule: never write into a response whose headers are already on the wire.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    // end(), not write() then destroy(): a client still sending its oversized head would get a
    // reset instead of the answer. One that never stops sending is cut off after a grace period.
    socket.end(rawResponse(error));
    const cutOff = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    cutOff.unref();
    socket.once('close', () => clearTimeout(cutOff));
  };
}
