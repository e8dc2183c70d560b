/** Per-request shortcuts in authentication and metrics keep their answers. */
import { describe, expect, it } from 'vitest';
import { createTokenCheck } from '../../src/http/auth.js';
import { createBearerAuth } from '../../src/http/jwt-auth.js';
import { createMetrics } from '../../src/metrics.js';

describe('static token check', () => {
  it('answers the same for a header seen before, and never lets a near miss through', () => {
    const check = createTokenCheck(['s3cret-token', 'other-token']);
    for (let i = 0; i < 3; i++) {
      expect(check('Bearer s3cret-token')).toBe('valid');
      expect(check('bearer   other-token ')).toBe('valid');
      expect(check('Bearer s3cret-tokem')).toBe('invalid');
      expect(check('Bearer s3cret-token ' + 'x')).toBe('invalid');
      expect(check('Bearer')).toBe('missing');
      expect(check(undefined)).toBe('missing');
    }
  });

  it('keeps answering past the number of headers it remembers', () => {
    const check = createTokenCheck(['t']);
    for (let i = 0; i < 100; i++) expect(check(`Bearer${' '.repeat(i + 1)}t`)).toBe('valid');
    expect(check('Bearer u')).toBe('invalid');
  });

  it('answers a static token without a promise, and a JWT through one', async () => {
    const auth = createBearerAuth({ tokens: ['t'], jwtChecks: [{ issuer: 'https://idp.example', credential: 'jwt:idp', verify: async () => {} }], now: () => new Date() });
    expect(auth('Bearer t')).toEqual({ result: 'valid', credential: 'token-1' });
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"https://idp.example"}').toString('base64url')}.c2ln`;
    const pending = auth(`Bearer ${jwt}`);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toEqual({ result: 'valid', credential: 'jwt:idp' });
  });
});

describe('SCIM request metrics', () => {
  it('counts every observation of a route, method and status, also after a reset', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 3; i++) metrics.observeScim('/scim/v2/Users/:id', 'GET', 200, 0.002);
    metrics.observeScim('/scim/v2/Users/:id', 'GET', 404, 0.002);
    let text = await metrics.registry.metrics();
    expect(text).toContain('scim_requests_total{route="/scim/v2/Users/:id",method="GET",status="200"} 3');
    expect(text).toContain('scim_requests_total{route="/scim/v2/Users/:id",method="GET",status="404"} 1');
    expect(text).toContain('scim_request_duration_seconds_count{route="/scim/v2/Users/:id",method="GET"} 4');
    metrics.registry.resetMetrics();
    metrics.observeScim('/scim/v2/Users/:id', 'GET', 200, 0.002);
    text = await metrics.registry.metrics();
    expect(text).toContain('scim_requests_total{route="/scim/v2/Users/:id",method="GET",status="200"} 1');
  });
});
