/** Each answer the wizard needs: from a flag, the environment, the env file, or a prompt. */
import { randomBytes } from 'node:crypto';
import { configSchema } from '../config.js';
import { parseScimTokens } from '../scim-tokens.js';
import { usageError } from './errors.js';
import type { SetupFlags } from './args.js';
import type { Prompter } from './prompt.js';

export interface AnswerSource {
  flags: SetupFlags;
  env: Readonly<Record<string, string | undefined>>;
  /** What the env file holds now. */
  file: Readonly<Record<string, string>>;
  /** undefined with --yes: every answer must come from flags and the environment. */
  prompter: Prompter | undefined;
}

/** A prompt, or with --yes the usage error naming where the answer should have come from. */
async function ask(src: AnswerSource, question: string, missing: string, fallback?: string): Promise<string> {
  if (src.prompter) return src.prompter.ask(question, fallback);
  if (fallback !== undefined && fallback !== '') return fallback;
  throw usageError(`${missing} is required with --yes`);
}

export async function askSecret(src: AnswerSource, question: string, envKey: string): Promise<string> {
  const fromEnv = src.env[envKey];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!src.prompter) throw usageError(`${envKey} is required with --yes (secrets are never taken from flags)`);
  const answer = await src.prompter.askSecret(question);
  if (answer === '') throw usageError(`no ${question.toLowerCase()} given`);
  return answer;
}

/** Asks until the check passes; with --yes (or a flag value) one bad answer is a usage error. */
async function validated<T>(
  src: AnswerSource,
  given: string | undefined,
  prompt: () => Promise<string>,
  check: (v: string) => { ok: true; value: T } | { ok: false; message: string },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const raw = given !== undefined && attempt === 0 ? given : await prompt();
    const result = check(raw);
    if (result.ok) return result.value;
    if (!src.prompter || given !== undefined || attempt >= 2) throw usageError(result.message);
    src.prompter.say(`${result.message}; try again.`);
  }
}

export async function jamfUrl(src: AnswerSource): Promise<string> {
  return validated(
    src,
    src.flags.jamfUrl,
    () => ask(src, 'Jamf Pro URL (e.g. https://example.jamfcloud.com)', '--jamf-url', src.file['JAMF_URL']),
    (raw) => {
      // Credentials in the URL would be echoed in every message that names it.
      if (URL.canParse(raw.trim()) && (new URL(raw.trim()).username !== '' || new URL(raw.trim()).password !== '')) {
        return { ok: false, message: 'the Jamf Pro URL must not hold a user name or password' };
      }
      const parsed = configSchema.shape.JAMF_URL.safeParse(raw);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `the Jamf Pro URL ${parsed.error.issues[0]?.message ?? 'is invalid'}` };
    },
  );
}

export type Mode = { kind: 'admin'; user: string } | { kind: 'client'; clientId: string };

export async function mode(src: AnswerSource): Promise<Mode> {
  if (src.flags.adminUser !== undefined) return { kind: 'admin', user: src.flags.adminUser };
  if (src.flags.clientId !== undefined) return { kind: 'client', clientId: src.flags.clientId };
  if (!src.prompter) throw usageError('--admin-user or --client-id is required with --yes');
  const admin = await src.prompter.confirm(
    'Create the API role and client with a Jamf Pro administrator account? (no: use an existing API client)',
    true,
  );
  if (admin) return { kind: 'admin', user: await nonEmpty(src, 'Jamf Pro administrator user name (a local account, not SSO)') };
  return { kind: 'client', clientId: await nonEmpty(src, 'API client id', src.file['JAMF_CLIENT_ID']) };
}

async function nonEmpty(src: AnswerSource, question: string, fallback?: string): Promise<string> {
  const answer = await ask(src, question, question, fallback);
  if (answer === '') throw usageError(`no ${question.toLowerCase()} given`);
  return answer;
}

/** The name the audit trail records for the token (scim-tokens.ts rules). */
export async function idpName(src: AnswerSource): Promise<string> {
  return validated(
    src,
    src.flags.idpName,
    () => ask(src, 'Which IdP will use the SCIM token? okta, entra, or another name', '--idp-name', 'idp'),
    (raw) => {
      const name = raw.trim();
      return /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/.test(name)
        ? { ok: true, value: name }
        : { ok: false, message: 'the IdP name must start with a letter and hold at most 32 letters, digits, "_", "." or "-"' };
    },
  );
}

export async function scimUrl(src: AnswerSource): Promise<string> {
  const base = src.file['PUBLIC_BASE_URL']?.replace(/\/+$/, '') || `http://localhost:${src.file['PORT'] || '8080'}`;
  return validated(
    src,
    src.flags.publicUrl,
    () => ask(src, 'SCIM base URL the IdP will call', '--public-url', `${base}/scim/v2`),
    (raw) => {
      if (!/^https?:\/\/[^\s/]+/i.test(raw.trim()) || !URL.canParse(raw.trim())) return { ok: false, message: 'the public URL must be an http(s) URL' };
      const url = raw.trim().replace(/\/+$/, '');
      return { ok: true, value: /\/scim\/v2$/.test(url) ? url : `${url}/scim/v2` };
    },
  );
}

/**
 * SCIM_BEARER_TOKENS with a token named `name`: one the file already holds under that name is
 * kept (and not shown again); otherwise a new one (32 random bytes, base64url) is added.
 */
export function scimTokens(current: string | undefined, name: string): { value: string; token: string | undefined } {
  const entries = (current ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (parseScimTokens(entries).tokens.some((t) => t.name === name)) return { value: entries.join(','), token: undefined };
  const token = randomBytes(32).toString('base64url');
  return { value: [...entries, `${name}:${token}`].join(','), token };
}
