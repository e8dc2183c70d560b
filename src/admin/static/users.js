import { html, useEffect, useState } from './vendor/preact-htm.js';
import { get } from './api.js';
import { SearchPage } from './search-page.js';
import { AuditTable, ErrorAlert, TableWrap, usePage } from './shared.js';

const userHref = (id) => `#/users/${encodeURIComponent(id)}`;

function Results({ answer }) {
  if (answer.results.length === 0) return html`<p>No users match</p>`;
  return html`<p>${answer.total} user${answer.total === 1 ? '' : 's'} found${answer.total > answer.results.length ? `, showing ${answer.results.length}` : ''}</p>
    <${TableWrap} label="Matching users">
      <table data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">User name</th>
            <th scope="col">Display name</th>
            <th scope="col">External id</th>
            <th scope="col">Active</th>
            <th scope="col">Jamf id</th>
          </tr>
        </thead>
        <tbody>
          ${answer.results.map((user) => html`<tr key=${user.id} data-id=${user.id}>
            <th scope="row"><a href=${userHref(user.id)}>${user.userName}</a></th>
            <td>${user.displayName ?? '—'}</td>
            <td>${user.externalId ?? '—'}</td>
            <td>${user.active ? 'Active' : html`<span class="badge unknown">Deactivated</span>`}</td>
            <td class="num">${user.jamfId ?? '—'}</td>
          </tr>`)}
        </tbody>
      </table>
    <//>`;
}

export function Users({ params }) {
  return html`<${SearchPage} params=${params} title="Users" kind="user" hint="Part of a userName, displayName or externalId; case does not matter." Results=${Results} />`;
}

const JAMF_FIELDS = [
  ['id', 'Jamf id'],
  ['name', 'Name'],
  ['fullName', 'Full name'],
  ['email', 'Email'],
  ['phoneNumber', 'Phone'],
  ['position', 'Position'],
];

function JamfRecord({ jamf }) {
  if (jamf === null) return html`<p data-testid="user-jamf">Not in Jamf</p>`;
  return html`<dl class="facts" data-testid="user-jamf">
    ${JAMF_FIELDS.map(([key, label]) => html`<dt key=${`t-${key}`}>${label}</dt><dd key=${`d-${key}`}>${jamf[key] === null || jamf[key] === undefined || jamf[key] === '' ? '—' : String(jamf[key])}</dd>`)}
  </dl>`;
}

// SCIM groups carry the ids to search the audit trail by; Jamf's list is the fallback when the
// server keeps no SCIM view of a membership (a group made in Jamf by hand).
function Groups({ scim, jamf }) {
  const scimGroups = Array.isArray(scim.groups) ? scim.groups : [];
  const groups = scimGroups.length > 0
    ? scimGroups.map((group) => ({ key: group.value, name: group.display ?? group.value, note: 'SCIM' }))
    : (jamf?.groups ?? []).map((group) => ({ key: `jamf-${group.id}`, name: group.name, note: `Jamf id ${group.id}` }));
  if (groups.length === 0) return html`<p data-testid="user-groups">No groups</p>`;
  return html`<ul data-testid="user-groups">
    ${groups.map((group) => html`<li key=${group.key}>${group.name} <span class="muted">(${group.note})</span></li>`)}
  </ul>`;
}

export function UserDetail({ id }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const name = detail?.scim?.userName ?? id;
  const heading = usePage(`User ${name}`);

  useEffect(() => {
    let current = true;
    get(`/admin/api/users/${encodeURIComponent(id)}`).then(
      (answer) => current && setDetail(answer),
      (failure) => current && setError(failure.status === 404 ? new Error('User not found') : failure),
    );
    return () => {
      current = false;
    };
  }, [id]);

  return html`<p class="crumbs"><a href="#/users">← Users</a></p>
    <h1 tabindex="-1" ref=${heading}>User ${name}</h1>
    <${ErrorAlert} error=${error} />
    ${detail === null && error === null ? html`<p>Loading…</p>` : null}
    ${detail !== null
      ? html`<div data-testid="user-detail" class="detail-grid">
          <section class="card tall" aria-labelledby="u-scim">
            <h2 id="u-scim">SCIM resource</h2>
            <pre data-testid="user-scim" tabindex="0">${JSON.stringify(detail.scim, null, 2)}</pre>
          </section>
          <section class="card" aria-labelledby="u-jamf">
            <h2 id="u-jamf">Jamf record</h2>
            <${JamfRecord} jamf=${detail.jamf} />
          </section>
          <section class="card" aria-labelledby="u-groups">
            <h2 id="u-groups">Groups</h2>
            <${Groups} scim=${detail.scim} jamf=${detail.jamf} />
          </section>
          <section class="card wide" aria-labelledby="u-history">
            <h2 id="u-history">History</h2>
            <${AuditTable} entries=${detail.audit} testid="user-audit" label=${`History of ${name}`} />
          </section>
        </div>`
      : null}`;
}
