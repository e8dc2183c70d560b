import { describe, expect, it } from 'vitest';
import { hasUsersApi, parseVersion } from '../../src/jamf/server-info.js';

describe('Jamf Pro version detection', () => {
  it('parses Jamf version strings', () => {
    expect(parseVersion('11.30.1-t1784555528405')).toEqual([11, 30, 1]);
    expect(parseVersion('11.26')).toEqual([11, 26, 0]);
    expect(parseVersion('unknown')).toBeUndefined();
  });

  it.each([
    ['11.30.1-t1784555528405', true],
    ['11.26.0', true],
    ['11.25.2-t1', false],
    ['10.99.0', false],
    ['12.0.0', true],
    ['', false],
  ])('%s → hasUsersApi %s', (version, expected) => {
    expect(hasUsersApi(version)).toBe(expected);
  });
});
