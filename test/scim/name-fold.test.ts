import { describe, expect, it } from 'vitest';
import { foldName, sameName } from '../../src/scim/name-fold.js';

describe('one rule for names (NFC, then simple Unicode case folding)', () => {
  it.each([
    ['Émile.x', 'émile.x'],
    ['ÉMILE.X', 'émile.x'],
    ['ΣΟΦΙΑ', 'σοφια'],
    ['ΟΔΟΣ', 'οδος'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['ẞtraße', 'ßtraße'],
    ['E\u0301mile', 'Émile'],
    ['ſam', 'SAM'],
    ['\u212Aelvin', 'kelvin'],
    ['CORP\\JDoe', 'corp\\jdoe'],
  ])('%s and %s are one name', (a, b) => {
    expect(sameName(a, b)).toBe(true);
    expect(foldName(a)).toBe(foldName(b));
  });

  it.each([
    ['émile', 'emile'],
    ['straße', 'strasse'],
    ['jdoe', 'jdoe '],
  ])('%s and %s are two names', (a, b) => {
    expect(sameName(a, b)).toBe(false);
  });
});
