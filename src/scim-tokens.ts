/**
 * The SCIM bearer tokens the IdPs present, each with a name the audit trail records
 * (`SCIM_BEARER_TOKENS=okta:…,entra:…`). A token without a name is named by its position
 * (`token-1`, `token-2`, …), so a configuration from before names existed keeps working.
 */

export interface ScimToken {
  name: string;
  token: string;
}

/** `name:` before a token: a letter, then letters, digits, `_`, `.` or `-`; at most 32 characters. */
const NAMED = /^([A-Za-z][A-Za-z0-9_.-]{0,31}):(.*)$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
export const MIN_TOKEN_LENGTH = 16;

/**
 * Parses entries (`token` or `name:token`). Problems name the entry by position or name, never
 * its token; `where` (a file) prefixes each.
 */
export function parseScimTokens(entries: readonly string[], where?: string): { tokens: ScimToken[]; problems: string[] } {
  const tokens: ScimToken[] = [];
  const problems: string[] = [];
  const at = where === undefined ? '' : `${where}: `;
  entries.forEach((raw, i) => {
    const entry = raw.trim();
    const position = i + 1;
    const named = NAMED.exec(entry);
    const name = named ? (named[1] as string) : `token-${position}`;
    const token = named ? (named[2] as string) : entry;
    const label = named ? `token "${name}"` : `token ${position}`;
    if (!PRINTABLE.test(token)) problems.push(`${at}${label} must be printable ASCII without spaces`);
    else if (token.length < MIN_TOKEN_LENGTH) problems.push(`${at}${label} must be at least ${MIN_TOKEN_LENGTH} characters`);
    else tokens.push({ name, token });
  });
  return { tokens, problems };
}

/** Names and tokens must each be unique across every source, so the audit trail's name says which one was used. */
export function duplicateProblems(tokens: readonly ScimToken[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.name)) problems.push(`the token name "${t.name}" is used twice`);
    if (secrets.has(t.token)) problems.push(`the token named "${t.name}" is the same as an earlier one`);
    names.add(t.name);
    secrets.add(t.token);
  }
  return problems;
}

/** A tokens file: one entry per line; blank lines and lines starting with `#` are ignored. */
export function parseTokenFile(text: string, where: string): { tokens: ScimToken[]; problems: string[] } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const parsed = parseScimTokens(lines, where);
  if (parsed.problems.length === 0 && parsed.tokens.length === 0) parsed.problems.push(`${where} holds no token`);
  return parsed;
}

/** Bare strings (tests, older callers) named by position, as in the environment. */
export function namedTokens(list: readonly (string | ScimToken)[]): ScimToken[] {
  return list.map((t, i) => (typeof t === 'string' ? { name: `token-${i + 1}`, token: t } : t));
}

/** The tokens in force; replaced whole when the tokens file is read again (rotation without a restart). */
export interface ScimTokenSet {
  list(): readonly ScimToken[];
  replace(tokens: readonly ScimToken[]): void;
  /** Called after every replace. */
  onChange(listener: () => void): void;
}

export function createScimTokenSet(initial: readonly (string | ScimToken)[]): ScimTokenSet {
  let tokens: readonly ScimToken[] = Object.freeze(namedTokens(initial));
  const listeners: Array<() => void> = [];
  return {
    list: () => tokens,
    replace(next) {
      tokens = Object.freeze([...next]);
      for (const l of listeners) l();
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
