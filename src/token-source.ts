/**
 * Where the SCIM tokens come from: `SCIM_BEARER_TOKENS` (fixed for the life of the process) and
 * `SCIM_BEARER_TOKENS_FILE`, read again on SIGHUP and when the file changes, so a token is
 * rotated (add the new one, switch the IdP, remove the old one) without a restart.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError, type Config } from './config.js';
import { createScimTokenSet, duplicateProblems, parseTokenFile, type ScimToken, type ScimTokenSet } from './scim-tokens.js';

const KEY = 'SCIM_BEARER_TOKENS_FILE';

/** The file's tokens, or the problems that keep them from being used (never a token in them). */
function readTokenFile(path: string): { tokens: ScimToken[]; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { tokens: [], problems: [`${KEY} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  return parseTokenFile(text, KEY);
}

function combine(fixed: readonly ScimToken[], path: string | undefined): { tokens: ScimToken[]; problems: string[] } {
  if (path === undefined) return { tokens: [...fixed], problems: [] };
  const file = readTokenFile(path);
  const tokens = [...fixed, ...file.tokens];
  return { tokens, problems: [...file.problems, ...duplicateProblems(tokens)] };
}

export interface TokenSource {
  set: ScimTokenSet;
  /** Reads the file again; a file with a problem changes nothing (the tokens in force stay). */
  reload(reason: string): boolean;
  close(): void;
}

/** Throws a ConfigError naming the key when the tokens cannot be had at start. */
export function openTokenSource(config: Pick<Config, 'SCIM_BEARER_TOKENS' | 'SCIM_BEARER_TOKENS_FILE'>, logger: Logger, pollMs = 5_000): TokenSource {
  const fixed = config.SCIM_BEARER_TOKENS ?? [];
  const path = config.SCIM_BEARER_TOKENS_FILE;
  const first = combine(fixed, path);
  if (first.problems.length > 0) throw new ConfigError(first.problems);
  const set = createScimTokenSet(first.tokens);

  const reload = (reason: string): boolean => {
    if (path === undefined) return false;
    const next = combine(fixed, path);
    if (next.problems.length > 0) {
      logger.error({ problems: next.problems, reason }, 'SCIM tokens file not applied; the tokens in force stay');
      return false;
    }
    set.replace(next.tokens);
    // Names only: which credentials an IdP can use now.
    logger.info({ reason, tokens: next.tokens.map((t) => t.name) }, 'SCIM tokens reloaded');
    return true;
  };

  // Polling rather than fs.watch: a Kubernetes Secret is swapped by renaming a symlink, which an
  // inotify watch on the old file never sees; a stat every few seconds does.
  const onChange = (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) reload('file changed');
  };
  if (path !== undefined) watchFile(path, { interval: pollMs, persistent: false }, onChange);
  return {
    set,
    reload,
    close() {
      if (path !== undefined) unwatchFile(path, onChange);
    },
  };
}
