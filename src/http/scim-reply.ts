import type { FastifyReply } from 'fastify';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM response carries `application/scim+json` (idp-behaviour.md A2.3). */
export function sendScim(reply: FastifyReply, status: number, body?: unknown): FastifyReply {
  reply.code(status).type(SCIM_CONTENT_TYPE);
  return body === undefined ? reply.send() : reply.send(JSON.stringify(body));
}
