import { html, useCallback, useEffect, useState } from './vendor/preact-htm.js';
import { get, request } from './api.js';
import { ErrorAlert, Time, formatDuration, formatTime, usePage, useVisibleInterval } from './shared.js';

const REFRESH_MS = 15_000;

function Reachable({ jamf }) {
  const word = jamf.reachable === true ? 'Reachable' : jamf.reachable === false ? 'Unreachable' : 'Unknown';
  const kind = jamf.reachable === true ? 'ok' : jamf.reachable === false ? 'fail' : 'unknown';
  const mark = jamf.reachable === true ? '✓' : jamf.reachable === false ? '✗' : '?';
  return html`<span class=${`badge ${kind}`}>${mark} ${word}</span>
    ${jamf.since ? html` <span class="muted">since <${Time} iso=${jamf.since} /></span>` : null}`;
}

function MissingPrivileges({ list }) {
  if (list.length === 0) return html`None`;
  return html`<ul class="plain">
    ${list.map((item) => html`<li key=${item.privilege}><span class="badge fail">✗ ${item.privilege}</span>
      <span class="muted"> ${item.calls} refused call${item.calls === 1 ? '' : 's'} since ${formatTime(item.since)}</span></li>`)}
  </ul>`;
}

function StatusPanel({ status }) {
  const { jamf } = status;
  const queue = jamf.queue;
  return html`<section class="card" data-testid="status" aria-labelledby="status-heading">
    <h2 id="status-heading">Server and Jamf</h2>
    <dl class="facts">
      <dt>Jamf</dt><dd><${Reachable} jamf=${jamf} /></dd>
      <dt>Jamf URL</dt><dd><code>${jamf.url}</code></dd>
      <dt>Jamf Pro version</dt><dd>${jamf.version ?? 'Not known yet'}</dd>
      <dt>Token path</dt><dd>${jamf.tokenPath ? html`<code>${jamf.tokenPath}</code>` : 'Not known yet'}</dd>
      <dt>Missing privileges</dt><dd><${MissingPrivileges} list=${jamf.missingPrivileges ?? []} /></dd>
      <dt>Queue</dt><dd>${queue ? `${queue.queued} queued, ${queue.inFlight} in flight (limit ${queue.limit})` : '—'}</dd>
      <dt>Last Jamf error</dt><dd>${jamf.lastError ? html`<span class="error-text">${jamf.lastError}</span>` : 'None'}</dd>
      <dt>Last Jamf success</dt><dd><${Time} iso=${jamf.lastSuccess ?? null} /></dd>
      <dt>Uptime</dt><dd>${formatDuration(status.uptimeSeconds)}</dd>
      <dt>Started</dt><dd><${Time} iso=${status.startedAt} /></dd>
      <dt>Server version</dt><dd>${status.version}</dd>
    </dl>
  </section>`;
}

function CheckResult({ check }) {
  if (check === null || check === undefined) return html`<p>No connection check has run since the server started.</p>`;
  return html`<div data-testid="check-result">
    <h3>Last connection check ${check.ok ? 'passed' : 'failed'} <span class="muted">(<${Time} iso=${check.ranAt} />)</span></h3>
    <ol class="steps">
      ${check.steps.map((step, index) => html`<li key=${index} class=${step.ok ? 'ok' : 'fail'}>
        <strong class=${`badge ${step.ok ? 'ok' : 'fail'}`}>${step.ok ? 'OK' : 'FAIL'}</strong>${' '}
        <span class="step-name">${step.name}</span>${step.detail ? ' ' : null}
        ${step.detail ? html`<span class="detail">${step.detail}</span>` : null}
      </li>`)}
    </ol>
  </div>`;
}

export function Status({ notify }) {
  const heading = usePage('Status');
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState(null);

  const load = useCallback(() => {
    get('/admin/api/status').then(
      (answer) => {
        setStatus(answer);
        setError(null);
      },
      setError,
    );
  }, []);
  useEffect(load, [load]);
  useVisibleInterval(load, REFRESH_MS);

  const runCheck = async () => {
    setChecking(true);
    setCheckError(null);
    notify('Connection check running…');
    try {
      const check = await request('POST', '/admin/api/check');
      setStatus((current) => (current === null ? current : { ...current, check }));
      notify(check.ok ? 'Connection check passed' : 'Connection check failed');
      load();
    } catch (failure) {
      const text = failure.status === 409 ? 'A connection check is already running; try again when it ends.' : failure.message;
      setCheckError(new Error(text));
      notify('');
    } finally {
      setChecking(false);
    }
  };

  return html`<h1 tabindex="-1" ref=${heading}>Status</h1>
    <${ErrorAlert} error=${error} />
    ${status === null ? (error === null ? html`<p>Loading…</p>` : null) : html`<${StatusPanel} status=${status} />`}
    <section class="card" aria-labelledby="check-heading">
      <h2 id="check-heading">Connection check</h2>
      <p>Creates and deletes a test user and group in Jamf, reporting each step and any missing privilege.</p>
      <button type="button" onClick=${runCheck} disabled=${checking} aria-busy=${checking ? 'true' : undefined}>
        ${checking ? 'Checking…' : 'Run connection check'}
      </button>
      <${ErrorAlert} error=${checkError} />
      ${status !== null ? html`<${CheckResult} check=${status.check} />` : null}
    </section>`;
}
