import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configProblems } from './config-support.js';

const base = {
  JAMF_URL: 'https://example.jamfcloud.com/',
  JAMF_CLIENT_ID: 'client',
  JAMF_CLIENT_SECRET: 'super-secret-value',
  SCIM_BEARER_TOKENS: 'aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb',
};

const problems = configProblems;

describe('config', () => {
  it('applies defaults, normalises the Jamf URL and splits tokens', () => {
    const c = loadConfig(base);
    expect(c.JAMF_URL).toBe('https://example.jamfcloud.com');
    expect(c.SCIM_BEARER_TOKENS).toEqual([
      { name: 'token-1', token: 'aaaaaaaaaaaaaaaaaaaa' },
      { name: 'token-2', token: 'bbbbbbbbbbbbbbbbbbbb' },
    ]);
    expect(c.JAMF_MAX_CONCURRENCY).toBe(5);
    expect(c.PORT).toBe(8080);
    expect(c.STATE_URL).toBe('./data/state.db');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('keeps a port in the Jamf URL', () => {
    expect(loadConfig({ ...base, JAMF_URL: 'https://jamf.example.com:8443' }).JAMF_URL).toBe('https://jamf.example.com:8443');
  });

  it('names each missing key', () => {
    const p = problems({});
    expect(p.some((l) => l.startsWith('JAMF_URL is required'))).toBe(true);
    expect(p.some((l) => l.startsWith('SCIM_BEARER_TOKENS'))).toBe(true);
    expect(p.some((l) => l.startsWith('JAMF_CLIENT_ID'))).toBe(true);
  });

  it('names the bad key and never echoes a secret value', () => {
    const p = problems({ ...base, JAMF_MAX_CONCURRENCY: 'many', JAMF_CLIENT_SECRET: undefined });
    expect(p.some((l) => l.startsWith('JAMF_MAX_CONCURRENCY'))).toBe(true);
    expect(p.some((l) => l.startsWith('JAMF_CLIENT_SECRET'))).toBe(true);
    expect(p.join('\n')).not.toContain('aaaaaaaaaaaaaaaaaaaa');
  });

  it('treats empty values as unset, so .env.example copies work', () => {
    const c = loadConfig({ ...base, PUBLIC_BASE_URL: '', TLS_CERT_FILE: '', JAMF_USERNAME: '' });
    expect(c.PUBLIC_BASE_URL).toBeUndefined();
    expect(c.TLS_CERT_FILE).toBeUndefined();
  });

  it('accepts the basic-auth pair instead of an API client', () => {
    const c = loadConfig({ ...base, JAMF_CLIENT_ID: undefined, JAMF_CLIENT_SECRET: undefined, JAMF_USERNAME: 'u', JAMF_PASSWORD: 'p' });
    expect(c.JAMF_USERNAME).toBe('u');
  });

  it('rejects short bearer tokens and a lone TLS file', () => {
    expect(problems({ ...base, SCIM_BEARER_TOKENS: 'short' })[0]).toMatch(/^SCIM_BEARER_TOKENS/);
    expect(problems({ ...base, TLS_CERT_FILE: '/tmp/cert.pem' })[0]).toMatch(/^TLS_KEY_FILE/);
  });
});

describe('TRUST_PROXY', () => {
  it('reads booleans, hop counts and address lists', () => {
    expect(loadConfig(base).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'TRUE' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, fd00::/8' }).TRUST_PROXY).toEqual(['loopback', 'fd00::/8']);
  });

  it('names itself for an entry that is no address, range or hop count (not a later "invalid IP address")', () => {
    for (const bad of ['maybe', '10.0.0.0/33', '10.0.0.1, proxy.example.com', '::1/129', '1.2.3.4/8/1']) {
      expect(problems({ ...base, TRUST_PROXY: bad })[0], bad).toMatch(/^TRUST_PROXY must be true, false, a hop count/);
    }
  });
});

describe('JAMF_URL', () => {
  it("refuses an API or page address pasted instead of the base URL, naming the key", () => {
    for (const bad of ['https://x.jamfcloud.com/JSSResource', 'https://x.jamfcloud.com/api/v1/users', 'https://x.jamfcloud.com/index.html', 'https://x.jamfcloud.com/?failover', 'https://x.jamfcloud.com/uapi']) {
      expect(problems({ ...base, JAMF_URL: bad })[0], bad).toMatch(/^JAMF_URL must be Jamf Pro's base URL/);
    }
  });

  it('keeps an on-premises context path', () => {
    expect(loadConfig({ ...base, JAMF_URL: 'https://jamf.example.com:8443/jamf/' }).JAMF_URL).toBe('https://jamf.example.com:8443/jamf');
  });
});

describe('REACTIVATE_ADOPTS_JAMF_USERS', () => {
  it('is on by default, reads true/false in any case, and names itself for anything else', () => {
    expect(loadConfig(base).REACTIVATE_ADOPTS_JAMF_USERS).toBe(true);
    expect(loadConfig({ ...base, REACTIVATE_ADOPTS_JAMF_USERS: 'FALSE' }).REACTIVATE_ADOPTS_JAMF_USERS).toBe(false);
    expect(problems({ ...base, REACTIVATE_ADOPTS_JAMF_USERS: 'no' })[0]).toMatch(/^REACTIVATE_ADOPTS_JAMF_USERS/);
  });
});
