/**
 * The env file the server reads (config.ts readEnvironment): updated in place, keys the wizard
 * does not set kept with their comments, written mode 0600 because it holds secrets.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { SetupError } from './errors.js';

export interface EnvFile {
  /** undefined: the file does not exist yet. */
  text: string | undefined;
  values: Record<string, string>;
}

export async function readEnvFile(path: string): Promise<EnvFile> {
  if (!existsSync(path)) return { text: undefined, values: {} };
  const text = await readFile(path, 'utf8');
  return { text, values: parseEnv(text) as Record<string, string> };
}

/** Bare when safe, else single quotes (literal), else double quotes; anything else is refused. */
export function formatValue(value: string): string {
  if (/^[\w.:/@+=,-]*$/.test(value)) return value;
  if (!/[\r\n']/.test(value)) return `'${value}'`;
  if (!/[\r\n"\\]/.test(value)) return `"${value}"`;
  throw new SetupError('a value holds characters an env file cannot carry (a newline, or both kinds of quote)');
}

const KEY_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** `text` with each key of `updates` set: its first line replaced, later ones dropped, new keys appended. */
export function mergeEnv(text: string | undefined, updates: Readonly<Record<string, string>>): string {
  const lines = text === undefined || text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const done = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const key = KEY_LINE.exec(line)?.[1];
    if (key === undefined || !Object.hasOwn(updates, key)) {
      out.push(line);
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    out.push(`${key}=${formatValue(updates[key] as string)}`);
  }
  const added = Object.keys(updates).filter((k) => !done.has(k));
  if (added.length > 0) {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push('# Written by npm run setup');
    for (const k of added) out.push(`${k}=${formatValue(updates[k] as string)}`);
  }
  const merged = `${out.join('\n')}\n`;
  // What the server will read back must be exactly what was meant.
  const back = parseEnv(merged) as Record<string, string>;
  for (const [k, v] of Object.entries(updates)) {
    if (back[k] !== v) throw new SetupError(`${k} could not be written so that it reads back unchanged`);
  }
  return merged;
}

/** Creates or truncates `path` with mode 0600, whatever mode an older file had. */
async function writePrivate(path: string, content: string, flags: 'w' | 'wx'): Promise<void> {
  const handle = await open(path, flags, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Backs the old file up to `<path>.bak` (0600), then replaces `path` atomically with a file
 * created 0600: the secrets are never readable by others, not even for a moment.
 */
export async function writeEnvFile(path: string, content: string, previous: string | undefined): Promise<{ backup?: string }> {
  let backup: string | undefined;
  if (previous !== undefined) {
    backup = `${path}.bak`;
    await writePrivate(backup, previous, 'w');
  }
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writePrivate(temp, content, 'wx');
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return backup === undefined ? {} : { backup };
}
