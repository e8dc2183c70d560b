import { parseArgs } from 'node:util';
import { usageError } from './errors.js';

/** What the command line says; secrets never come from here (flags show in `ps`). */
export interface SetupFlags {
  jamfUrl?: string;
  adminUser?: string;
  clientId?: string;
  idpName?: string;
  publicUrl?: string;
  envFile: string;
  yes: boolean;
  rotateSecret: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run setup -- [options]

Creates (or reuses) the Jamf Pro API role and API client jamf-scim, generates a SCIM bearer
token, writes .env (mode 0600), runs the connection check and prints what to set in the IdP.

  --jamf-url URL        Jamf Pro base URL, e.g. https://example.jamfcloud.com
  --admin-user NAME     a Jamf Pro administrator account (not SSO) that creates the role and client;
                        its password comes from JAMF_ADMIN_PASSWORD or a prompt
  --client-id ID        use an existing API client instead; its secret comes from
                        JAMF_CLIENT_SECRET or a prompt
  --idp-name NAME       okta, entra, or another name for the SCIM token (default idp)
  --public-url URL      the SCIM base URL the IdP calls (default http://localhost:PORT/scim/v2)
  --env-file PATH       the file to write (default ./.env; the old one is kept as PATH.bak)
  --rotate-secret       give the existing jamf-scim client a new secret (the old one stops working)
  --yes                 ask nothing: every answer from flags and the environment
  --help                this text

Exit codes: 0 done, 1 Jamf Pro refused or the connection check failed, 2 bad usage.`;

/** Parses argv (without node and the script); unknown flags and secret-looking flags are usage errors. */
export function parseFlags(argv: readonly string[]): SetupFlags {
  // tsx hands `--env-file` to Node itself (which then exits on a file not there yet) unless the
  // script's arguments follow a `--`; that separator is not an argument of the wizard.
  if (argv[0] === '--') argv = argv.slice(1);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'jamf-url': { type: 'string' },
        'admin-user': { type: 'string' },
        'client-id': { type: 'string' },
        'idp-name': { type: 'string' },
        'public-url': { type: 'string' },
        'env-file': { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'rotate-secret': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    const hint = argv.some((a) => /^--(admin-password|password|client-secret|secret)\b/.test(a))
      ? ' (passwords and secrets are read from JAMF_ADMIN_PASSWORD / JAMF_CLIENT_SECRET or a prompt, never from a flag)'
      : '';
    throw usageError(`${err instanceof Error ? err.message : String(err)}${hint}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v['admin-user'] !== undefined && v['client-id'] !== undefined) {
    throw usageError('--admin-user and --client-id exclude each other: create a client with an admin account, or use an existing one');
  }
  const flags: SetupFlags = {
    envFile: v['env-file'] ?? '.env',
    yes: v.yes ?? false,
    rotateSecret: v['rotate-secret'] ?? false,
    help: v.help ?? false,
  };
  if (v['jamf-url'] !== undefined) flags.jamfUrl = v['jamf-url'];
  if (v['admin-user'] !== undefined) flags.adminUser = v['admin-user'];
  if (v['client-id'] !== undefined) flags.clientId = v['client-id'];
  if (v['idp-name'] !== undefined) flags.idpName = v['idp-name'];
  if (v['public-url'] !== undefined) flags.publicUrl = v['public-url'];
  return flags;
}
