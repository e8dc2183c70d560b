import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OneLinePerRequest } from '../../src/http/request-log.js';
import { captureLogs } from '../helper.js';

function exchange(level: string, url: string, statusCode: number) {
  const { lines, logger } = captureLogs(level);
  const log = logger.child({ reqId: 'req-7' }, {});
  let routeReads = 0;
  const request = {
    method: 'GET',
    url,
    log,
    get routeOptions() {
      routeReads += 1;
      return { url: '/scim/v2/Users/:id' };
    },
  } as unknown as FastifyRequest;
  const reply = { statusCode, elapsedTime: 1.26, log } as unknown as FastifyReply;
  return { lines, request, reply, routeReads: () => routeReads };
}

describe('the one log line per request', () => {
  const controller = new OneLinePerRequest({ requestIdLogLabel: 'reqId' });

  it('carries the request id, method, path without its query, route, status and milliseconds', () => {
    const { lines, request, reply } = exchange('info', '/scim/v2/Users/12?attributes=userName', 200);
    controller.requestCompleted(null, request, reply);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 30,
      reqId: 'req-7',
      method: 'GET',
      path: '/scim/v2/Users/12?…',
      route: '/scim/v2/Users/:id',
      status: 200,
      ms: 1.3,
      msg: 'request',
    });
  });

  it('is a warning for a 5xx and an error with the message when the response failed', () => {
    const failed = exchange('info', '/scim/v2/Users/12', 500);
    controller.requestCompleted(null, failed.request, failed.reply);
    controller.requestCompleted(new Error('socket hang up'), failed.request, failed.reply);
    expect(failed.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 40, status: 500, msg: 'request' }),
      expect.objectContaining({ level: 50, status: 500, err: 'socket hang up', msg: 'request failed', reqId: 'req-7' }),
    ]);
  });

  it('builds nothing when its level is off', () => {
    const quiet = exchange('error', '/scim/v2/Users/12', 200);
    controller.requestCompleted(null, quiet.request, quiet.reply);
    expect(quiet.lines).toHaveLength(0);
    expect(quiet.routeReads()).toBe(0);
  });
});
