import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mergeEnv } from '../../src/setup/env-file.js';

describe('the env file the wizard writes', () => {
  it('reads back exactly what was meant, whatever characters a secret holds', () => {
    const secrets = ['plain-Secret_1.2', 'with#hash and space', "it's", 'a"quote$HOME`x`', '=leading', 'ends\\'];
    for (const secret of secrets) {
      const text = mergeEnv(undefined, { JAMF_CLIENT_SECRET: secret });
      expect(parseEnv(text)['JAMF_CLIENT_SECRET']).toBe(secret);
    }
  });

  it('replaces a key where it stands, drops its repeats, appends new keys, keeps the rest', () => {
    const old = '# Jamf\nJAMF_URL=https://old.example.com\nexport LOG_LEVEL=debug\nJAMF_URL=https://older.example.com\n';
    const text = mergeEnv(old, { JAMF_URL: 'https://new.example.com', JAMF_CLIENT_ID: 'abc' });
    expect(text).toBe('# Jamf\nJAMF_URL=https://new.example.com\nexport LOG_LEVEL=debug\n\n# Written by npm run setup\nJAMF_CLIENT_ID=abc\n');
  });

  it('refuses a value no env file can carry', () => {
    expect(() => mergeEnv(undefined, { X: 'a\nb' })).toThrow(/cannot carry/);
  });
});
