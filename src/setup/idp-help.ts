/** What the administrator sets in the IdP, as the README's "Setting up Okta / Microsoft Entra ID" says. */

export type IdpKind = 'okta' | 'entra' | 'other';

export const idpKind = (name: string): IdpKind => {
  const n = name.toLowerCase();
  return n === 'okta' ? 'okta' : n === 'entra' || n === 'entra-id' || n === 'azure' ? 'entra' : 'other';
};

export interface IdpHelp {
  idpName: string;
  scimUrl: string;
  /** Printed only when it is new: the one secret the administrator must copy. */
  token: string | undefined;
}

function tokenLine(help: IdpHelp, label: string): string {
  return help.token === undefined
    ? `  ${label}: the SCIM token named "${help.idpName}" already in SCIM_BEARER_TOKENS (kept, not shown again)`
    : `  ${label}: ${help.token}`;
}

export function idpInstructions(help: IdpHelp): string {
  const kind = idpKind(help.idpName);
  const lines: string[] = [];
  if (kind === 'okta') {
    lines.push(
      'Okta (Applications > Browse App Catalog > "SCIM 2.0 Test App (Header Auth)", or your own SCIM 2.0 app):',
      '  Provisioning > Integration > Configure API Integration > Enable API integration',
      `  Base URL: ${help.scimUrl}`,
      tokenLine(help, 'API Token (HTTP Header auth; Okta adds "Bearer " itself)'),
      '  Unique identifier field for users: userName',
      '  Provisioning > To App: enable Create Users, Update User Attributes, Deactivate Users (leave Sync Password off)',
      '  Then Test API Credentials, Save, assign people or groups, and Push Groups.',
    );
  } else if (kind === 'entra') {
    const tenantUrl = `${help.scimUrl}?aadOptscim062020`;
    lines.push(
      'Microsoft Entra ID (Enterprise applications > New application > Create your own application > Non-gallery):',
      '  Provisioning > Get started, Provisioning Mode: Automatic',
      `  Tenant URL: ${tenantUrl}`,
      tokenLine(help, 'Secret Token'),
      '  Test Connection, Save; then use "Provision on demand" for one user before Start provisioning.',
      '  Entra needs HTTPS (TLS 1.2+): set TLS_CERT_FILE/TLS_KEY_FILE or put the server behind a TLS proxy.',
    );
  } else {
    lines.push(
      `Your IdP (${help.idpName}):`,
      `  SCIM base URL: ${help.scimUrl}`,
      tokenLine(help, 'Bearer token (header Authorization: Bearer <token>)'),
    );
  }
  if (help.token !== undefined) lines.push('', 'The token is shown once; it is also in the env file. Keep it secret.');
  return lines.join('\n');
}
