/** Named SCIM tokens and their rotation without a restart, as an administrator configures them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createNamedTokenCheck } from '../src/http/auth.js';
import { openTokenSource } from '../src/token-source.js';
import { ConfigError } from '../src/config.js';
import { BASE_ENV, configProblems } from './config-support.js';
import { loadConfig } from '../src/config.js';
import { captureLogs } from './helper.js';

const A = 'aaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccccccc';

describe('named SCIM tokens', () => {
  it('reads names before a colon and names bare tokens by position', () => {
    const c = loadConfig({ ...BASE_ENV, SCIM_BEARER_TOKENS: `okta:${A}, ${B},entra:${C}` });
    expect(c.SCIM_BEARER_TOKENS).toEqual([
      { name: 'okta', token: A },
      { name: 'token-2', token: B },
      { name: 'entra', token: C },
    ]);
  });

  it('refuses a short token, a name used twice and a token given twice, naming the entry and never the token', () => {
    const problems = configProblems({ ...BASE_ENV, SCIM_BEARER_TOKENS: `okta:short,okta:${A},entra:${A}` });
    expect(problems).toEqual([
      'SCIM_BEARER_TOKENS token "okta" must be at least 16 characters',
      'SCIM_BEARER_TOKENS the token named "entra" is the same as an earlier one',
    ]);
    const twice = configProblems({ ...BASE_ENV, SCIM_BEARER_TOKENS: `okta:${A},okta:${B}` });
    expect(twice).toEqual(['SCIM_BEARER_TOKENS the token name "okta" is used twice']);
    for (const p of [...problems, ...twice]) expect(p).not.toContain(A);
  });

  it('needs tokens from the environment or a file', () => {
    const { SCIM_BEARER_TOKENS: _t, ...rest } = BASE_ENV;
    expect(configProblems(rest)).toEqual(['SCIM_BEARER_TOKENS is required (or SCIM_BEARER_TOKENS_FILE): the tokens the IdP presents']);
    expect(configProblems({ ...rest, SCIM_BEARER_TOKENS_FILE: '/run/secrets/scim-tokens' })).toEqual([]);
  });

  it('refuses an admin token that is also a SCIM token', () => {
    const admin = 'x'.repeat(40);
    expect(configProblems({ ...BASE_ENV, SCIM_BEARER_TOKENS: `okta:${admin}`, ADMIN_TOKEN: admin })).toEqual([
      'ADMIN_TOKEN must not be one of the SCIM_BEARER_TOKENS (an IdP holding it would read the audit trail)',
    ]);
  });

  it('answers which token matched', () => {
    const check = createNamedTokenCheck([{ name: 'okta', token: A }, B]);
    expect(check(`Bearer ${A}`)).toEqual({ result: 'valid', credential: 'okta' });
    expect(check(`Bearer ${A}`)).toEqual({ result: 'valid', credential: 'okta' });
    expect(check(B)).toEqual({ result: 'valid', credential: 'token-2' });
    expect(check(`Bearer ${C}`)).toBe('invalid');
  });
});

describe('SCIM tokens file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tokenFile = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-tokens-'));
    dirs.push(dir);
    const path = join(dir, 'tokens');
    writeFileSync(path, text);
    return path;
  };

  it('rotates without a restart: a reload takes the new token and drops the removed one at once', () => {
    const path = tokenFile(`# the IdPs' tokens\nokta:${A}\n`);
    const { logger, lines } = captureLogs('info');
    const source = openTokenSource({ SCIM_BEARER_TOKENS: [{ name: 'entra', token: C }], SCIM_BEARER_TOKENS_FILE: path }, logger, 60_000);
    const check = createNamedTokenCheck(source.set);
    expect(check(`Bearer ${A}`)).toEqual({ result: 'valid', credential: 'okta' });

    writeFileSync(path, `okta-next:${B}\n`);
    expect(source.reload('SIGHUP')).toBe(true);
    expect(check(`Bearer ${A}`)).toBe('invalid');
    expect(check(`Bearer ${B}`)).toEqual({ result: 'valid', credential: 'okta-next' });
    // Tokens from the environment stay.
    expect(check(`Bearer ${C}`)).toEqual({ result: 'valid', credential: 'entra' });
    expect(lines.join('\n')).toContain('okta-next');
    expect(lines.join('\n')).not.toContain(B);
    source.close();
  });

  it('keeps the tokens in force when the new file has a problem, and says why in the log', () => {
    const path = tokenFile(`okta:${A}\n`);
    const { logger, lines } = captureLogs('info');
    const source = openTokenSource({ SCIM_BEARER_TOKENS: undefined, SCIM_BEARER_TOKENS_FILE: path }, logger, 60_000);
    const check = createNamedTokenCheck(source.set);
    writeFileSync(path, 'okta:tooshort\n');
    expect(source.reload('SIGHUP')).toBe(false);
    expect(check(`Bearer ${A}`)).toEqual({ result: 'valid', credential: 'okta' });
    expect(lines.join('\n')).toContain('SCIM_BEARER_TOKENS_FILE: token \\"okta\\" must be at least 16 characters');
    source.close();
  });

  it('stops the start when the file is missing or empty, naming the key', () => {
    const logger = pino({ level: 'silent' });
    expect(() => openTokenSource({ SCIM_BEARER_TOKENS: undefined, SCIM_BEARER_TOKENS_FILE: '/nonexistent/tokens' }, logger)).toThrow(ConfigError);
    expect(() => openTokenSource({ SCIM_BEARER_TOKENS: undefined, SCIM_BEARER_TOKENS_FILE: '/nonexistent/tokens' }, logger)).toThrow(/SCIM_BEARER_TOKENS_FILE could not be read \(ENOENT\)/);
    expect(() => openTokenSource({ SCIM_BEARER_TOKENS: undefined, SCIM_BEARER_TOKENS_FILE: tokenFile('# none yet\n') }, logger)).toThrow(/SCIM_BEARER_TOKENS_FILE holds no token/);
  });
});
