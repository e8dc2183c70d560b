import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { BASE_ENV, configProblems } from './config-support.js';
import { jamfClientOptions } from '../src/jamf-client-config.js';

const base = BASE_ENV;

const problems = configProblems;

describe('JAMF_LIST_TIMEOUT_MS', () => {
  it('defaults to 2 minutes for the unpaged lists, beside the 15 s of every other call', () => {
    const options = jamfClientOptions(loadConfig(base));
    expect(options).toMatchObject({ timeoutMs: 15_000, listTimeoutMs: 120_000, tokenPath: '/api/v1/oauth/token' });
  });

  it('takes a value within 1 s and 15 min', () => {
    expect(loadConfig({ ...base, JAMF_LIST_TIMEOUT_MS: '600000' }).JAMF_LIST_TIMEOUT_MS).toBe(600_000);
    expect(problems({ ...base, JAMF_LIST_TIMEOUT_MS: '999' })).toEqual([expect.stringMatching(/^JAMF_LIST_TIMEOUT_MS /)]);
    expect(problems({ ...base, JAMF_LIST_TIMEOUT_MS: '900001' })).toEqual([expect.stringMatching(/^JAMF_LIST_TIMEOUT_MS /)]);
    expect(problems({ ...base, JAMF_LIST_TIMEOUT_MS: 'two minutes' })).toEqual([expect.stringMatching(/^JAMF_LIST_TIMEOUT_MS /)]);
  });

  it('may not be shorter than JAMF_TIMEOUT_MS', () => {
    expect(problems({ ...base, JAMF_TIMEOUT_MS: '30000', JAMF_LIST_TIMEOUT_MS: '20000' })).toEqual([
      'JAMF_LIST_TIMEOUT_MS must not be below JAMF_TIMEOUT_MS (a list takes at least as long as one record)',
    ]);
  });
});
