import { html, useCallback, useEffect, useRef, useState } from './vendor/preact-htm.js';
import { get, withQuery } from './api.js';
import { AUDIT_ACTIONS, AuditTable, ErrorAlert, usePage, useVisibleInterval } from './shared.js';

const PAGE_SIZE = 50;
const POLL_MS = 3_000;
const EMPTY = { user: '', group: '', action: '', outcome: '', since: '', until: '' };

// datetime-local gives local wall time without a zone; the API wants an instant.
function toInstant(local) {
  if (local === '') return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

function queryOf(filters) {
  return {
    user: filters.user.trim(),
    group: filters.group.trim(),
    action: filters.action,
    outcome: filters.outcome,
    since: toInstant(filters.since),
    until: toInstant(filters.until),
  };
}

function Filters({ initial, onApply }) {
  const [form, setForm] = useState(initial);
  const set = (key) => (event) => setForm({ ...form, [key]: event.currentTarget.value });
  const submit = (event) => {
    event.preventDefault();
    onApply(form);
  };
  const reset = () => {
    setForm(EMPTY);
    onApply(EMPTY);
  };
  return html`<form role="search" aria-label="Filter activity" class="card filters" onSubmit=${submit}>
    <div class="field"><label for="f-user">User</label>
      <input id="f-user" type="text" value=${form.user} onInput=${set('user')} placeholder="userName or SCIM id" /></div>
    <div class="field"><label for="f-group">Group</label>
      <input id="f-group" type="text" value=${form.group} onInput=${set('group')} placeholder="displayName or SCIM id" /></div>
    <div class="field"><label for="f-action">Action</label>
      <select id="f-action" value=${form.action} onChange=${set('action')}>
        <option value="">Any</option>
        ${AUDIT_ACTIONS.map((action) => html`<option key=${action} value=${action}>${action}</option>`)}
      </select></div>
    <div class="field"><label for="f-outcome">Outcome</label>
      <select id="f-outcome" value=${form.outcome} onChange=${set('outcome')}>
        <option value="">Any</option>
        <option value="success">success</option>
        <option value="failure">failure</option>
      </select></div>
    <div class="field"><label for="f-since">Since</label>
      <input id="f-since" type="datetime-local" value=${form.since} onInput=${set('since')} /></div>
    <div class="field"><label for="f-until">Until</label>
      <input id="f-until" type="datetime-local" value=${form.until} onInput=${set('until')} /></div>
    <div class="actions">
      <button type="submit">Apply</button>
      <button type="button" class="secondary" onClick=${reset}>Reset</button>
    </div>
  </form>`;
}

export function Activity() {
  const heading = usePage('Activity');
  const [filters, setFilters] = useState(EMPTY);
  const [page, setPage] = useState({ entries: [], total: 0, next: null, loaded: false });
  const [error, setError] = useState(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Answers to a superseded filter must not land in the table.
  const generation = useRef(0);
  const polling = useRef(false);

  const loadFirst = useCallback((applied) => {
    const mine = ++generation.current;
    get(withQuery('/admin/api/audit', { ...queryOf(applied), count: PAGE_SIZE })).then(
      (answer) => {
        if (mine !== generation.current) return;
        setPage({ entries: answer.entries, total: answer.total, next: answer.next, loaded: true });
        setError(null);
      },
      (failure) => {
        if (mine !== generation.current) return;
        setError(failure);
        setPage({ entries: [], total: 0, next: null, loaded: true });
      },
    );
  }, []);

  useEffect(() => loadFirst(filters), [filters, loadFirst]);

  const poll = async () => {
    if (!page.loaded || polling.current || error !== null) return;
    const mine = generation.current;
    const highest = page.entries.reduce((max, entry) => Math.max(max, entry.seq), 0);
    polling.current = true;
    try {
      const answer = await get(withQuery('/admin/api/audit', { ...queryOf(filters), after: highest, count: PAGE_SIZE }));
      if (mine !== generation.current || answer.entries.length === 0) return;
      // A full page may have skipped entries between it and what is shown: start over.
      if (answer.entries.length >= PAGE_SIZE) return loadFirst(filters);
      setPage((current) => {
        const known = new Set(current.entries.map((entry) => entry.seq));
        const fresh = answer.entries.filter((entry) => !known.has(entry.seq));
        return { ...current, entries: [...fresh, ...current.entries], total: answer.total };
      });
    } catch {
      // A missed poll is retried by the next one; the table stays as it was.
    } finally {
      polling.current = false;
    }
  };
  useVisibleInterval(poll, POLL_MS);

  const older = async () => {
    if (page.next === null) return;
    const mine = generation.current;
    setLoadingOlder(true);
    try {
      const answer = await get(withQuery('/admin/api/audit', { ...queryOf(filters), before: page.next, count: PAGE_SIZE }));
      if (mine !== generation.current) return;
      setPage((current) => ({ ...current, entries: [...current.entries, ...answer.entries], next: answer.next }));
    } catch (failure) {
      setError(failure);
    } finally {
      setLoadingOlder(false);
    }
  };

  return html`<h1 tabindex="-1" ref=${heading}>Activity</h1>
    <p>What the server did in Jamf, for whom and on whose request; newest first. New entries appear as they happen.</p>
    <${Filters} initial=${filters} onApply=${(next) => setFilters({ ...next })} />
    <${ErrorAlert} error=${error} />
    ${!page.loaded
      ? html`<p>Loading…</p>`
      : html`<p data-testid="activity-count">Showing ${page.entries.length} of ${page.total}</p>
        <${AuditTable} entries=${page.entries} testid="activity-table" label="Audit trail" />
        ${page.next !== null
          ? html`<p><button type="button" onClick=${older} disabled=${loadingOlder}>${loadingOlder ? 'Loading…' : 'Older'}</button></p>`
          : null}`}`;
}
