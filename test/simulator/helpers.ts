import { XMLParser } from 'fast-xml-parser';
import { afterEach } from 'vitest';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

/** Creates simulators that are closed after each test of the calling file. */
export function useSimulators(): (opts?: SimulatorOptions) => Simulator {
  const open: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((sim) => sim.close()));
  });
  return (opts) => {
    const sim = createSimulator(opts);
    open.push(sim);
    return sim;
  };
}

export const XML = 'application/xml';
export const JSON_TYPE = 'application/json';

export async function clientToken(sim: Simulator): Promise<string> {
  const res = await sim.app.inject({
    method: 'POST',
    url: '/api/v1/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}`,
  });
  return (res.json() as { access_token: string }).access_token;
}

export interface CallOptions {
  token?: string;
  accept?: string;
  body?: string;
  contentType?: string;
}

/** One authenticated `inject` call; XML bodies default to `application/xml`. */
export async function call(sim: Simulator, method: string, url: string, opts: CallOptions = {}) {
  const token = opts.token ?? (await clientToken(sim));
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (opts.accept) headers['accept'] = opts.accept;
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? XML;
  return sim.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(opts.body !== undefined ? { payload: opts.body } : {}),
  });
}

/** The three paragraphs of a Classic status page (jamf-pro-api.md §2.10). */
export function statusParagraphs(html: string): string[] {
  return [...html.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map((m) => m[1] ?? '');
}

/** Parses a response body keeping text values as strings; `lists` names repeated elements by path suffix. */
export function parseXml(xml: string, lists?: RegExp): unknown {
  const isArray = (_name: string, jpath: unknown) => lists?.test(String(jpath)) ?? false;
  return new XMLParser({ parseTagValue: false, isArray }).parse(xml) as unknown;
}

/** Walks a dotted path (`user.user_groups.size`, `users.user.0`) through parsed XML. */
export function at(node: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((n, key) => (n as Record<string, unknown> | undefined)?.[key], node);
}

/** The ids of a parsed list of records. */
export const ids = (node: unknown): unknown[] => (node as Array<Record<string, unknown>>).map((r) => r['id']);
