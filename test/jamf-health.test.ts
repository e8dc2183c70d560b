import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../src/jamf/http-core.js';
import { createJamfHealth } from '../src/jamf-health.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');

function setup() {
  const lines: Array<{ level: number; msg: string; jamf?: Record<string, unknown> }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as (typeof lines)[number]);
      done();
    },
  });
  let clock = T0;
  const metrics = createMetrics();
  const health = createJamfHealth({ logger: createLogger({ level: 'debug' }, stream), metrics, now: () => clock });
  const call = (status: CallEvent['status'], route = '/JSSResource/users/id/:id', method = 'GET') =>
    health.observe({ method, route, status, ms: 12 });
  const metric = async (name: string) => {
    const text = await metrics.registry.getSingleMetricAsString(name);
    const sample = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(sample?.split(' ')[1]);
  };
  return {
    health,
    call,
    metric,
    lines,
    advance: (ms: number) => {
      clock += ms;
    },
    warnings: () => lines.filter((l) => l.level === 40),
    infos: () => lines.filter((l) => l.level === 30),
  };
}

describe('Jamf Pro health tracker', () => {
  it('reports unknown and jamf_up 1 before any call, so a fresh start does not look like an outage', async () => {
    const t = setup();
    expect(t.health.snapshot()).toEqual({ reachable: 'unknown' });
    expect(await t.metric('jamf_up')).toBe(1);
    expect(await t.metric('jamf_outages_total')).toBe(0);
    expect(await t.metric('jamf_last_success_timestamp_seconds')).toBe(0);
  });

  it('goes down on the first failed call with one warn line, and back up with one info line and the duration', async () => {
    const t = setup();
    t.call(200, '/api/v1/oauth/token', 'POST');
    expect(t.health.snapshot()).toEqual({ reachable: true, since: '2026-12-01T09:00:00.000Z', lastSuccess: '2026-12-01T09:00:00.000Z' });
    expect(await t.metric('jamf_last_success_timestamp_seconds')).toBe(T0 / 1000);

    t.advance(5_000);
    t.call(503);
    expect(await t.metric('jamf_up')).toBe(0);
    expect(await t.metric('jamf_outages_total')).toBe(1);
    expect(t.warnings()).toEqual([
      expect.objectContaining({ msg: 'jamf pro unreachable', jamf: { method: 'GET', route: '/JSSResource/users/id/:id', status: 503 } }),
    ]);

    // Every further failure, whatever its form, is the same outage: no more lines, no new count.
    t.advance(30_000);
    t.call('error', '/JSSResource/users/name/:name');
    t.call(504);
    t.call(502);
    t.call(500);
    expect(t.warnings()).toHaveLength(1);
    expect(await t.metric('jamf_outages_total')).toBe(1);
    expect(t.health.snapshot()).toEqual({
      reachable: false,
      since: '2026-12-01T09:00:05.000Z',
      lastError: 'GET /JSSResource/users/id/:id answered 502',
      lastSuccess: '2026-12-01T09:00:00.000Z',
    });

    t.advance(12_345);
    t.call(429);
    expect(await t.metric('jamf_up')).toBe(1);
    expect(t.infos()).toEqual([
      expect.objectContaining({
        msg: 'jamf pro reachable again',
        jamf: { method: 'GET', route: '/JSSResource/users/id/:id', status: 429, outageSeconds: 42.3 },
      }),
    ]);
    expect(t.health.snapshot()).toMatchObject({ reachable: true, since: '2026-12-01T09:00:47.345Z' });
    expect(await t.metric('jamf_last_success_timestamp_seconds')).toBe((T0 + 47_345) / 1000);
  });

  it('names a call that got no answer, and counts each outage once', async () => {
    const t = setup();
    t.call('error', '/api/v1/oauth/token', 'POST');
    expect(t.health.snapshot()).toEqual({
      reachable: false,
      since: '2026-12-01T09:00:00.000Z',
      lastError: 'POST /api/v1/oauth/token: no answer (connection failed or timed out)',
    });
    expect(t.warnings()[0]?.jamf).toEqual({ method: 'POST', route: '/api/v1/oauth/token', status: 'error' });
    t.call(404);
    t.call(200);
    t.call(503);
    expect(await t.metric('jamf_outages_total')).toBe(2);
    expect(t.warnings()).toHaveLength(2);
    expect(t.infos()).toHaveLength(1);
  });

  it('treats a refused call (4xx) as Jamf answering and a 500 as no change', async () => {
    const t = setup();
    t.call(500);
    expect(t.health.snapshot()).toEqual({ reachable: 'unknown' });
    t.call(401, '/api/v1/oauth/token', 'POST');
    expect(t.health.snapshot()).toMatchObject({ reachable: true });
    expect(t.lines).toEqual([]);
  });
});
