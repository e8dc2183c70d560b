/**
 * Turns a non-2xx Jamf response into a JamfError. Classic errors are the servlet container's HTML
 * status page whose second `<p>` holds the message (jamf-pro-api.md §2.10, §7.5); the Jamf Pro API
 * answers ApiError JSON `{httpStatus, errors:[{code, description}]}` (§3.1, §1.4).
 */
import { JamfError, type JamfErrorKind } from './errors.js';

const MAX_MESSAGE = 300;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isInteger(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

function stripTags(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** Texts of the `<p>` elements and the `<title>` of an HTML status page, lenient about markup. */
export function parseStatusPage(html: string): { title?: string; paragraphs: string[] } {
  const paragraphs = [...html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p\s*>/gi)]
    .map((m) => stripTags(m[1] ?? ''))
    .filter((p) => p.length > 0);
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1];
  return title === undefined ? { paragraphs } : { title: stripTags(title), paragraphs };
}

interface ApiErrorBody {
  httpStatus?: unknown;
  errors?: Array<{ code?: unknown; description?: unknown }>;
  error?: unknown;
  error_description?: unknown;
}

function apiErrorMessage(body: string): string | undefined {
  let parsed: ApiErrorBody;
  try {
    parsed = JSON.parse(body) as ApiErrorBody;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  if (Array.isArray(parsed.errors)) {
    const parts = parsed.errors
      .map((e) => [e.code, e.description].filter((x) => typeof x === 'string' && x !== '').join(': '))
      .filter((p) => p !== '');
    if (parts.length > 0) return parts.join('; ');
  }
  // RFC 6749 §5.2 shape of the OAuth token endpoint (§1.1).
  if (typeof parsed.error === 'string') {
    return typeof parsed.error_description === 'string' ? `${parsed.error}: ${parsed.error_description}` : parsed.error;
  }
  return undefined;
}

/** Jamf's own words for the failure, without markup; falls back to the HTTP status. */
export function errorMessage(status: number, body: string): string {
  const trimmed = body.trim();
  let message: string | undefined;
  if (trimmed.startsWith('{')) {
    message = apiErrorMessage(trimmed);
  } else if (/<(html|p|body)\b/i.test(trimmed)) {
    const page = parseStatusPage(trimmed);
    // First `<p>` is the reason phrase ("Conflict"), the second the message ("Error: Duplicate name").
    message = page.paragraphs[1] ?? page.paragraphs[0] ?? page.title;
  }
  message = message === undefined || message === '' ? `HTTP ${status}` : message;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

export function kindForStatus(status: number): JamfErrorKind {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return status >= 500 ? 'server' : 'bad_request';
  }
}

/** `route` is `METHOD /template`, e.g. `PUT /JSSResource/users/id/:id`. */
export function errorFromResponse(status: number, body: string, route: string): JamfError {
  return new JamfError(kindForStatus(status), errorMessage(status, body), status, route);
}
