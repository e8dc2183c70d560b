/**
 * The one rule by which userNames and group displayNames are the same name: NFC, then simple
 * Unicode case folding. Jamf Pro compares names case-insensitively beyond ASCII (its database
 * collation: `É`/`é`, `Σ`/`σ`/`ς`, `ẞ`/`ß` are one name), so the store's uniqueness checks,
 * tombstone lookups, filters and the simulator all fold with this function.
 *
 * Simple folding maps each code point to one code point: a character's uppercase form lowered
 * again when that uppercase is a single code point (folds final sigma `ς` and long s `ſ` with
 * their letters), else its lowercase (`ß` stays `ß`; only full folding would turn it into `ss`).
 */
const cache = new Map<string, string>();
const CACHE_MAX = 4096;

function foldChar(ch: string): string {
  const upper = ch.toUpperCase();
  return [...upper].length === 1 ? upper.toLowerCase() : ch.toLowerCase();
}

export function foldName(name: string): string {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const nfc = name.normalize('NFC');
  // ASCII needs no per-character work: its folding is toLowerCase.
  // eslint-disable-next-line no-control-regex
  const folded = /^[\x00-\x7f]*$/.test(nfc) ? nfc.toLowerCase() : Array.from(nfc, foldChar).join('').normalize('NFC');
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(name, folded);
  return folded;
}

export function sameName(a: string, b: string): boolean {
  return a === b || foldName(a) === foldName(b);
}
