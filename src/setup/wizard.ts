/**
 * `npm run setup`: the Jamf side (API role and client, or an existing client), a SCIM token, the
 * env file, the connection check, and what to set in the IdP. Streams and environment are passed
 * in, so tests drive it like a person at a terminal or a script with --yes.
 */
import { parseEnv } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { formatCheck, runConnectionCheck } from '../check/connection-check.js';
import { ConfigError, loadConfig } from '../config.js';
import { createJamfClient } from '../jamf/index.js';
import { jamfClientOptions } from '../jamf-client-config.js';
import { askSecret, idpName, jamfUrl, mode, scimTokens, scimUrl, type AnswerSource } from './answers.js';
import { parseFlags, USAGE } from './args.js';
import { mergeEnv, readEnvFile, writeEnvFile } from './env-file.js';
import { EXIT, SetupError, usageError } from './errors.js';
import { idpInstructions } from './idp-help.js';
import { createJamfAdmin } from './jamf-admin.js';
import { createPrompter } from './prompt.js';
import { CLIENT_NAME, provision } from './provision.js';

export interface SetupDeps {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  input: Readable;
  output: Writable;
  /** Where the message that ends a failed run goes; default `output`. */
  errorOutput?: Writable;
  /** Pauses while a new client reaches every Jamf Cloud node; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The client id and secret the server will use, obtained one way or the other. */
async function jamfCredentials(src: AnswerSource, url: string, deps: SetupDeps, say: (l: string) => void) {
  const admin = createJamfAdmin({ baseUrl: url });
  const how = await mode(src);
  if (how.kind === 'client') {
    const sameAsFile = src.file['JAMF_CLIENT_ID'] === how.clientId ? src.file['JAMF_CLIENT_SECRET'] : undefined;
    const clientSecret =
      src.env['JAMF_CLIENT_SECRET'] || (!src.prompter && sameAsFile) || (await askSecret(src, 'API client secret', 'JAMF_CLIENT_SECRET'));
    if (!(await admin.clientWorks(how.clientId, clientSecret))) {
      throw new SetupError(`Jamf Pro refused the client id ${how.clientId} with that secret (invalid_client): check both, and that the client is enabled`);
    }
    say(`Jamf Pro accepts the API client ${how.clientId}.`);
    return { clientId: how.clientId, clientSecret };
  }
  const password = await askSecret(src, `Password of ${how.user}`, 'JAMF_ADMIN_PASSWORD');
  await admin.signIn(how.user, password);
  say(`Signed in to ${url} as ${how.user}.`);
  const fileId = src.file['JAMF_CLIENT_ID'];
  const fileSecret = src.file['JAMF_CLIENT_SECRET'];
  return provision({
    admin,
    ...(fileId && fileSecret ? { existing: { clientId: fileId, clientSecret: fileSecret } } : {}),
    log: say,
    sleep: deps.sleep ?? realSleep,
    async rotate(works) {
      if (src.flags.rotateSecret) return true;
      if (works) {
        return src.prompter ? src.prompter.confirm(`Give the API client ${CLIENT_NAME} a new secret anyway? The current one stops working`, false) : false;
      }
      if (!src.prompter) {
        throw usageError(`the API client ${CLIENT_NAME} exists and the env file has no working secret for it: rerun with --rotate-secret (its previous secret stops working)`);
      }
      return src.prompter.confirm(`The API client ${CLIENT_NAME} exists, but this setup has no working secret for it. Generate a new one? Its previous secret stops working`, true);
    },
  });
}

/** The check of `npm run check`, against exactly what the env file now says. */
async function check(merged: string, say: (l: string) => void): Promise<boolean> {
  let config;
  try {
    config = loadConfig(parseEnv(merged));
  } catch (err) {
    if (err instanceof ConfigError) {
      say(`The server would not start with this env file:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
      return false;
    }
    throw err;
  }
  say(`\nChecking ${config.JAMF_URL} with the new settings (creates and deletes a test user and group) ...\n`);
  const jamf = createJamfClient({ ...jamfClientOptions(config), retries: 1, logger: pino({ level: 'silent' }) });
  try {
    const steps = await runConnectionCheck({
      jamf,
      checkToken: () => jamf.checkToken(),
      ...(config.JAMF_CLIENT_ID === undefined ? {} : { tokenPath: { configured: config.JAMF_TOKEN_PATH, answered: () => jamf.tokenPath() } }),
    });
    say(formatCheck(steps));
    return steps.every((s) => s.ok);
  } finally {
    await jamf.close();
  }
}

async function run(deps: SetupDeps, say: (l: string) => void): Promise<number> {
  const flags = parseFlags(deps.argv);
  if (flags.help) {
    say(USAGE);
    return EXIT.ok;
  }
  const file = await readEnvFile(flags.envFile);
  const prompter = flags.yes ? undefined : createPrompter(deps.input, deps.output);
  try {
    const src: AnswerSource = { flags, env: deps.env, file: file.values, prompter };
    const url = await jamfUrl(src);
    const { clientId, clientSecret } = await jamfCredentials(src, url, deps, say);
    const name = await idpName(src);
    const scim = await scimUrl(src);
    const tokens = scimTokens(file.values['SCIM_BEARER_TOKENS'], name);

    const updates = { JAMF_URL: url, JAMF_CLIENT_ID: clientId, JAMF_CLIENT_SECRET: clientSecret, SCIM_BEARER_TOKENS: tokens.value };
    const merged = mergeEnv(file.text, updates);
    const { backup } = await writeEnvFile(flags.envFile, merged, file.text);
    say(`\nWrote ${flags.envFile} (mode 0600)${backup ? `; the previous one is in ${backup}` : ''}.`);
    for (const key of Object.keys(updates)) {
      const value = deps.env[key];
      if (value !== undefined && value !== '' && value !== updates[key as keyof typeof updates]) {
        say(`Note: ${key} is also set in the environment, which wins over the env file: unset it before starting the server.`);
      }
    }
    if (file.values['JAMF_USERNAME'] || file.values['JAMF_PASSWORD']) {
      say('Note: JAMF_USERNAME/JAMF_PASSWORD in the env file are now unused (the API client wins); remove them.');
    }

    const ok = await check(merged, say);
    say(`\n${idpInstructions({ idpName: name, scimUrl: scim, token: tokens.token })}`);
    say(ok ? '\nNext: start the server (npm run build && npm start) and enter the settings above in the IdP.' : '\nThe connection check failed: fix what it names, then run npm run check.');
    return ok ? EXIT.ok : EXIT.refused;
  } finally {
    prompter?.close();
  }
}

/** Runs the wizard; the result is the process exit code. */
export async function runSetup(deps: SetupDeps): Promise<number> {
  const say = (line: string) => deps.output.write(`${line}\n`);
  const fail = (line: string) => (deps.errorOutput ?? deps.output).write(`\n${line}\n`);
  try {
    return await run(deps, say);
  } catch (err) {
    if (err instanceof SetupError) {
      fail(`setup: ${err.message}`);
      return err.exitCode;
    }
    // Unexpected: the message only (a stack could quote request details).
    fail(`setup failed: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.refused;
  }
}
