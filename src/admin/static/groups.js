import { html, useEffect, useState } from './vendor/preact-htm.js';
import { get } from './api.js';
import { SearchPage } from './search-page.js';
import { AuditTable, ErrorAlert, TableWrap, usePage } from './shared.js';

const groupHref = (id) => `#/groups/${encodeURIComponent(id)}`;
const userHref = (id) => `#/users/${encodeURIComponent(id)}`;

function Results({ answer }) {
  if (answer.results.length === 0) return html`<p>No groups match</p>`;
  return html`<p>${answer.total} group${answer.total === 1 ? '' : 's'} found${answer.total > answer.results.length ? `, showing ${answer.results.length}` : ''}</p>
    <${TableWrap} label="Matching groups">
      <table data-testid="groups-table">
        <thead>
          <tr>
            <th scope="col">Display name</th>
            <th scope="col">External id</th>
            <th scope="col">Members</th>
            <th scope="col">Jamf id</th>
          </tr>
        </thead>
        <tbody>
          ${answer.results.map((group) => html`<tr key=${group.id} data-id=${group.id}>
            <th scope="row"><a href=${groupHref(group.id)}>${group.displayName}</a></th>
            <td>${group.externalId ?? '—'}</td>
            <td class="num">${group.members ?? '—'}</td>
            <td class="num">${group.id}</td>
          </tr>`)}
        </tbody>
      </table>
    <//>`;
}

export function Groups({ params }) {
  return html`<${SearchPage} params=${params} title="Groups" kind="group" hint="Part of a displayName or externalId; case does not matter. Static groups only." Results=${Results} />`;
}

function Members({ members, name }) {
  if (members.length === 0) return html`<p data-testid="group-members">No members</p>`;
  return html`<${TableWrap} label=${`Members of ${name}`}>
    <table data-testid="group-members">
      <thead>
        <tr>
          <th scope="col">User name</th>
          <th scope="col">SCIM id</th>
        </tr>
      </thead>
      <tbody>
        ${members.map((member) => html`<tr key=${member.value} data-id=${member.value}>
          <th scope="row"><a href=${userHref(member.value)}>${member.display ?? member.value}</a></th>
          <td>${member.value}</td>
        </tr>`)}
      </tbody>
    </table>
  <//>`;
}

export function GroupDetail({ id }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const name = detail?.scim?.displayName ?? id;
  const heading = usePage(`Group ${name}`);

  useEffect(() => {
    let current = true;
    get(`/admin/api/groups/${encodeURIComponent(id)}`).then(
      (answer) => current && setDetail(answer),
      (failure) => current && setError(failure.status === 404 ? new Error('Group not found') : failure),
    );
    return () => {
      current = false;
    };
  }, [id]);

  const members = Array.isArray(detail?.scim?.members) ? detail.scim.members : [];
  return html`<p class="crumbs"><a href="#/groups">← Groups</a></p>
    <h1 tabindex="-1" ref=${heading}>Group ${name}</h1>
    <${ErrorAlert} error=${error} />
    ${detail === null && error === null ? html`<p>Loading…</p>` : null}
    ${detail !== null
      ? html`<div data-testid="group-detail" class="detail-grid">
          <section class="card" aria-labelledby="g-facts">
            <h2 id="g-facts">Group</h2>
            <dl class="facts" data-testid="group-facts">
              <dt>Display name</dt><dd>${detail.scim.displayName}</dd>
              <dt>External id</dt><dd>${detail.scim.externalId ?? '—'}</dd>
              <dt>SCIM id</dt><dd>${detail.scim.id}</dd>
              <dt>Members</dt><dd>${members.length}</dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="g-members">
            <h2 id="g-members">Members</h2>
            <${Members} members=${members} name=${name} />
          </section>
          <section class="card wide" aria-labelledby="g-history">
            <h2 id="g-history">History</h2>
            <${AuditTable} entries=${detail.audit} testid="group-audit" label=${`History of ${name}`} />
          </section>
        </div>`
      : null}`;
}
