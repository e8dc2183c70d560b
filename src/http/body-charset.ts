import { TextDecoder } from 'node:util';
import { ScimError } from '../scim/errors.js';

type Decode = (body: Buffer) => string;

/** A decoder that refuses malformed input instead of putting U+FFFD into a stored value. */
function strict(encoding: string, name: string): Decode {
  let decoder: TextDecoder | undefined;
  return (body) => {
    // Created on first use: a Node built without full ICU lacks some decoders, and that must
    // refuse the one charset, not stop the server.
    try {
      decoder ??= new TextDecoder(encoding, { fatal: true });
    } catch {
      throw unsupported(name);
    }
    try {
      return decoder.decode(body);
    } catch {
      throw new ScimError(400, `Request body is not valid ${name}`, 'invalidSyntax');
    }
  };
}

const utf8 = strict('utf-8', 'UTF-8');
const utf16le = strict('utf-16le', 'UTF-16');
const utf16be = strict('utf-16be', 'UTF-16');

/** ISO-8859-1 maps every byte to the code point of the same value (Buffer's `latin1` is exactly that). */
const latin1: Decode = (body) => body.toString('latin1');

const ascii: Decode = (body) => {
  const bad = body.findIndex((byte) => byte > 0x7f);
  if (bad >= 0) throw new ScimError(400, `Request body is not valid US-ASCII (the byte at offset ${bad} is above 0x7F)`, 'invalidSyntax');
  return body.toString('latin1');
};

/** UTF-16 without a stated byte order: the byte order mark says, else big-endian (RFC 2781 §4.3). */
const utf16: Decode = (body) => (body[0] === 0xff && body[1] === 0xfe ? utf16le(body) : utf16be(body));

/**
 * The charsets a body may declare, by IANA name and registered alias (lower case, RFC 9110 §8.3.2:
 * charset names are case-insensitive). JSON exchanged between systems is UTF-8 (RFC 8259 §8.1),
 * which is also the default; the others are the ones a client can mean and be decoded exactly.
 */
const DECODERS = new Map<string, Decode>(
  Object.entries({
    'utf-8': utf8,
    utf8,
    'iso-8859-1': latin1,
    'iso8859-1': latin1,
    'iso_8859-1': latin1,
    'iso_8859-1:1987': latin1,
    'iso-ir-100': latin1,
    latin1,
    l1: latin1,
    ibm819: latin1,
    cp819: latin1,
    csisolatin1: latin1,
    'us-ascii': ascii,
    ascii,
    us: ascii,
    'iso646-us': ascii,
    'ansi_x3.4-1968': ascii,
    'iso-ir-6': ascii,
    csascii: ascii,
    'utf-16': utf16,
    'utf-16le': utf16le,
    'utf-16be': utf16be,
  }),
);

function unsupported(charset: string): ScimError {
  return new ScimError(415, `Request body charset "${charset}" is not supported; send UTF-8 (RFC 8259 §8.1)`);
}

/** The `charset` parameter of a Content-Type header, unquoted and in lower case, if there is one. */
export function declaredCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').trim();
    return value === '' ? undefined : value.toLowerCase();
  }
  return undefined;
}

/**
 * `declaredCharset` by Content-Type header, since an IdP sends the same one on every request.
 * Bounded (cleared when full) because the header is the client's to choose.
 */
const charsets = new Map<string, string | undefined>();

function charsetOf(contentType: string): string | undefined {
  if (charsets.has(contentType)) return charsets.get(contentType);
  const charset = declaredCharset(contentType);
  if (charsets.size >= 64) charsets.clear();
  charsets.set(contentType, charset);
  return charset;
}

/**
 * The body as text, decoded by the charset it declares (UTF-8 when it declares none). Bytes that
 * are not valid in that charset are a 400, never replaced by U+FFFD and stored; a charset this
 * server cannot decode exactly is a 415 that names it.
 */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = contentType === undefined ? undefined : charsetOf(contentType);
  if (charset === undefined) return utf8(body);
  const decode = DECODERS.get(charset);
  if (decode === undefined) throw unsupported(charset.slice(0, 40));
  return decode(body);
}
