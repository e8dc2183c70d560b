/**
 * The tokenizer for SCIM filters, in place of scim2-parse-filter's. RFC 7644 §3.4.2.2 makes a
 * comparison value a JSON value, so a quoted value is a JSON string (RFC 8259 §7). The
 * library's tokenizer doubles every backslash that is not before a quote before handing the
 * literal to `JSON.parse`, so `"CORP\\jdoe"` came out as `CORP\\jdoe`, `"\t"` as `\t` (two
 * characters) and `"a\\"` not at all. Here each string is decoded by the RFC 8259 grammar,
 * and anything outside it is refused with the reason.
 *
 * Words, numbers and brackets are read with the library's own patterns, so everything but
 * strings tokenizes as before; the tokens feed the library's parser unchanged.
 */
import type { Token } from 'scim2-parse-filter/lib/src/parser.js';

/** The library's alternatives for whitespace, numbers, brackets and words (its tokenizer). */
const SPACE = /\s+/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![-\w._:/)\s])/y;
const BRACKET = /[[()]|]\.?/y;
const WORD = /\w[-\w._:/%]*/y;

/** The two-character escapes of RFC 8259 §7, besides `\uXXXX`. */
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** With the `u` flag a surrogate pair is one code point, so this finds only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A filter the grammar cannot read; the message says what and where (0-based character offset). */
class FilterSyntaxError extends Error {}

function codePointLabel(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Decodes the JSON string that starts with the `"` at `start`; returns its value and the
 * offset after the closing quote.
 */
function readJsonString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      if (LONE_SURROGATE.test(value)) {
        // RFC 8259 §8.2: a lone surrogate names no character; Jamf could hold no such value.
        throw new FilterSyntaxError(`the string at character ${start} holds an unpaired UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair)`);
      }
      return { value, end: i + 1 };
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) {
        throw new FilterSyntaxError(`a lone backslash at character ${i} ends the filter inside a string; write a backslash as \\\\ (RFC 8259 §7)`);
      }
      if (next === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!HEX4.test(hex)) {
          const shown = /^[^"]{0,4}/.exec(hex)?.[0] ?? '';
          throw new FilterSyntaxError(`invalid escape "\\u${shown}" at character ${i}: \\u needs four hex digits (RFC 8259 §7)`);
        }
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const decoded = ESCAPES[next];
      if (decoded === undefined) {
        throw new FilterSyntaxError(
          `invalid escape "\\${next}" at character ${i}: a JSON string allows only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\ (RFC 8259 §7)`,
        );
      }
      value += decoded;
      i += 2;
      continue;
    }
    if (ch < ' ') {
      throw new FilterSyntaxError(`unescaped control character ${codePointLabel(ch)} at character ${i}: escape it in the string (RFC 8259 §7)`);
    }
    value += ch;
    i += 1;
  }
  throw new FilterSyntaxError(`the string at character ${start} has no closing quote (inside a string, \\" is a quote, not its end)`);
}

function match(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/**
 * Splits a filter into the library's tokens. A string becomes a `Quoted` token whose literal
 * is the canonical JSON of its decoded value, which is what the parser `JSON.parse`s.
 */
export function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '"') {
      const { value, end } = readJsonString(text, at);
      tokens.push({ type: 'Quoted', literal: JSON.stringify(value) });
      at = end;
      continue;
    }
    const space = match(SPACE, text, at);
    if (space !== undefined) {
      at += space.length;
      continue;
    }
    const number = match(NUMBER, text, at);
    const bracket = number === undefined ? match(BRACKET, text, at) : undefined;
    const word = number === undefined && bracket === undefined ? match(WORD, text, at) : undefined;
    const literal = number ?? bracket ?? word;
    if (literal === undefined) throw new FilterSyntaxError(`unexpected ${JSON.stringify(text.slice(at, at + 20))} at character ${at}`);
    tokens.push({ type: number !== undefined ? 'Number' : bracket !== undefined ? 'Bracket' : 'Word', literal });
    at += literal.length;
  }
  tokens.push({ type: 'EOT', literal: '' });
  return tokens;
}
