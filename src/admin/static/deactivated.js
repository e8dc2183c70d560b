/* global document, CSS */
import { html, useEffect, useLayoutEffect, useRef, useState } from './vendor/preact-htm.js';
import { get, request, withQuery } from './api.js';
import { ErrorAlert, TableWrap, Time, usePage } from './shared.js';

const PAGE_SIZE = 50;

/**
 * The confirm step of a purge: a modal <dialog> (focus trapped, Escape cancels) that wants the
 * userName typed, because a purge cannot be undone.
 */
function PurgeDialog({ user, onCancel, onConfirm }) {
  const dialog = useRef(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  // Layout effect: open and focus in the same task as the click, so no keystroke lands outside.
  useLayoutEffect(() => {
    const element = dialog.current;
    if (!element.open) element.showModal();
    element.querySelector('input')?.focus();
    return () => {
      if (element.open) element.close();
    };
  }, []);

  const submit = async (event) => {
    event.preventDefault();
    if (typed !== user.userName) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(user);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const headingId = `purge-title-${user.id}`;
  return html`<dialog ref=${dialog} aria-labelledby=${headingId} aria-describedby="purge-help"
      onCancel=${(event) => { event.preventDefault(); onCancel(); }}>
    <form onSubmit=${submit}>
      <h2 id=${headingId}>Purge ${user.userName}?</h2>
      <p id="purge-help">This removes the tombstone for good: the user no longer reads as inactive and its
        externalId and group memberships are forgotten. Jamf is not called.</p>
      <div class="field">
        <label for="purge-confirm">Type the user name to confirm</label>
        <input id="purge-confirm" type="text" value=${typed} autocomplete="off" spellcheck="false"
          onInput=${(event) => setTyped(event.currentTarget.value)} aria-describedby="purge-expected" />
        <p id="purge-expected" class="hint">Expected: <code>${user.userName}</code></p>
      </div>
      <${ErrorAlert} error=${error} />
      <div class="actions">
        <button type="submit" class="danger" disabled=${busy || typed !== user.userName}>${busy ? 'Purging…' : 'Purge'}</button>
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
      </div>
    </form>
  </dialog>`;
}

export function Deactivated({ notify }) {
  const heading = usePage('Deactivated users');
  const [rows, setRows] = useState(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState(null);
  const [purging, setPurging] = useState(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = async (startIndex) => {
    const answer = await get(withQuery('/admin/api/deactivated', { startIndex, count: PAGE_SIZE }));
    setTotal(answer.total);
    setRows((current) => (startIndex === 1 || current === null ? answer.results : [...current, ...answer.results]));
  };

  useEffect(() => {
    load(1).catch(setError);
  }, []);

  const more = async () => {
    setLoadingMore(true);
    try {
      await load(rows.length + 1);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoadingMore(false);
    }
  };

  const confirm = async (user) => {
    await request('DELETE', `/admin/api/deactivated/${encodeURIComponent(user.id)}`);
    setRows((current) => current.filter((row) => row.id !== user.id));
    setTotal((current) => Math.max(0, current - 1));
    setPurging(null);
    notify(`Purged ${user.userName}`);
    // The row and its button are gone; the heading is the nearest stable place for focus.
    heading.current?.focus();
  };

  const cancel = () => {
    const id = purging?.id;
    setPurging(null);
    // Back to the row's own button, where the keyboard user was.
    if (id !== undefined) document.querySelector(`tr[data-id="${CSS.escape(id)}"] button`)?.focus();
  };

  return html`<h1 tabindex="-1" ref=${heading}>Deactivated users</h1>
    <p>Users the IdP deactivated: deleted in Jamf, kept here so they still read as inactive. Purging one forgets it.</p>
    <${ErrorAlert} error=${error} />
    ${rows === null && error === null ? html`<p>Loading…</p>` : null}
    ${rows !== null
      ? html`<p>${total} deactivated user${total === 1 ? '' : 's'}</p>
        <${TableWrap} label="Deactivated users">
          <table data-testid="deactivated-table">
            <thead>
              <tr>
                <th scope="col">User name</th>
                <th scope="col">External id</th>
                <th scope="col">Deactivated</th>
                <th scope="col">By</th>
                <th scope="col">Groups</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              ${rows.length === 0
                ? html`<tr><td colspan="6">No deactivated users</td></tr>`
                : rows.map((row) => html`<tr key=${row.id} data-id=${row.id}>
                    <th scope="row"><a href=${`#/users/${encodeURIComponent(row.id)}`}>${row.userName}</a></th>
                    <td>${row.externalId ?? '—'}</td>
                    <td><${Time} iso=${row.deactivatedAt} /></td>
                    <td>${row.deactivatedBy ?? '—'}</td>
                    <td class="num">${row.groups}</td>
                    <td><button type="button" class="danger" aria-label=${`Purge ${row.userName}`}
                      onClick=${() => setPurging(row)}>Purge</button></td>
                  </tr>`)}
            </tbody>
          </table>
        <//>
        ${rows.length < total
          ? html`<p><button type="button" onClick=${more} disabled=${loadingMore}>${loadingMore ? 'Loading…' : 'More'}</button></p>`
          : null}`
      : null}
    ${purging !== null ? html`<${PurgeDialog} key=${purging.id} user=${purging} onCancel=${cancel} onConfirm=${confirm} />` : null}`;
}
