/** A record whose fields RSQL can address, values already rendered as strings. */
export type RsqlRecord = Record<string, string>;
export type RsqlPredicate = (record: RsqlRecord) => boolean;

export class RsqlError extends Error {}

const OPERATORS = ['==', '!=', '=in=', '=out='] as const;

/** `*` is a wildcard inside values (jamf-pro-api.md §5); comparisons ignore case. */
function valueMatcher(pattern: string): (actual: string) => boolean {
  if (!pattern.includes('*')) {
    const wanted = pattern.toLowerCase();
    return (actual) => actual.toLowerCase() === wanted;
  }
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 'is');
  return (actual) => regex.test(actual);
}

/**
 * Parses the RSQL subset the Jamf Pro API documents for `/v1/users` (§3.1, §5): `==`, `!=`,
 * `=in=`, `=out=`, `;` (and, binds tighter) and `,` (or), parentheses, quoted or bare values.
 * `fields` lists the selectors that may be filtered on; anything else is a RsqlError.
 */
export function parseRsql(input: string, fields: readonly string[]): RsqlPredicate {
  let pos = 0;

  const fail = (what: string): never => {
    throw new RsqlError(`${what} at position ${pos} of the filter`);
  };
  const skipSpace = (): void => {
    while (/\s/.test(input[pos] ?? '')) pos++;
  };
  const eat = (token: string): boolean => {
    skipSpace();
    if (!input.startsWith(token, pos)) return false;
    pos += token.length;
    return true;
  };

  const value = (): string => {
    skipSpace();
    const quote = input[pos];
    if (quote === '"' || quote === "'") {
      let out = '';
      for (pos++; pos < input.length && input[pos] !== quote; pos++) {
        if (input[pos] === '\\') pos++;
        out += input[pos] ?? '';
      }
      if (input[pos] !== quote) fail('Unterminated string');
      pos++;
      return out;
    }
    const bare = /^[^\s"'();,]+/.exec(input.slice(pos))?.[0];
    if (!bare) return fail('Expected a value');
    pos += bare.length;
    return bare;
  };

  const comparison = (): RsqlPredicate => {
    skipSpace();
    const selector = /^[A-Za-z_][\w.]*/.exec(input.slice(pos))?.[0];
    if (!selector) return fail('Expected a field name');
    pos += selector.length;
    if (!fields.includes(selector)) throw new RsqlError(`Unknown filter field: ${selector}`);
    const op = OPERATORS.find((o) => eat(o)) ?? fail('Unsupported or missing operator');
    const args: string[] = [];
    if (op === '=in=' || op === '=out=') {
      if (!eat('(')) fail('Expected (');
      do args.push(value());
      while (eat(','));
      if (!eat(')')) fail('Expected )');
    } else {
      args.push(value());
    }
    const matchers = args.map(valueMatcher);
    const any = (actual: string): boolean => matchers.some((m) => m(actual));
    const negate = op === '!=' || op === '=out=';
    return (record) => any(record[selector] ?? '') !== negate;
  };

  const primary = (): RsqlPredicate => {
    if (!eat('(')) return comparison();
    const inner = or();
    if (!eat(')')) fail('Expected )');
    return inner;
  };

  const and = (): RsqlPredicate => {
    const parts = [primary()];
    while (eat(';')) parts.push(primary());
    return (record) => parts.every((p) => p(record));
  };

  function or(): RsqlPredicate {
    const parts = [and()];
    while (eat(',')) parts.push(and());
    return (record) => parts.some((p) => p(record));
  }

  const predicate = or();
  skipSpace();
  if (pos < input.length) fail('Unexpected input');
  return predicate;
}
