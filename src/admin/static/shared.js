/* global document, window */
import { html, useEffect, useRef } from './vendor/preact-htm.js';

/** The filter's choices: served by the server from its own list (src/admin/assets.ts). */
export { AUDIT_ACTIONS } from './audit-actions.js';

export function formatTime(iso) {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function Time({ iso }) {
  if (iso === null || iso === undefined) return html`<span>—</span>`;
  return html`<time datetime=${iso} title=${iso}>${formatTime(iso)}</time>`;
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h ${minutes} min`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${s % 60} s`;
  return `${s} s`;
}

/** Outcome as a word plus a mark, so it never rests on colour alone. */
export function Outcome({ value }) {
  const ok = value === 'success';
  return html`<span class=${ok ? 'badge ok' : 'badge fail'}>${ok ? '✓' : '✗'} ${value}</span>`;
}

/** Every table scrolls inside its own box so a phone-width page never scrolls sideways. */
export function TableWrap({ label, children }) {
  return html`<div class="table-wrap" role="region" aria-label=${label} tabindex="0">${children}</div>`;
}

export function AuditTable({ entries, testid, label }) {
  return html`<${TableWrap} label=${label}>
    <table data-testid=${testid}>
      <caption class="visually-hidden">${label}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Action</th>
          <th scope="col">Name</th>
          <th scope="col">Outcome</th>
          <th scope="col">Credential</th>
          <th scope="col">Request id</th>
          <th scope="col">Jamf calls</th>
        </tr>
      </thead>
      <tbody>
        ${entries.length === 0
          ? html`<tr><td colspan="7">No entries</td></tr>`
          : entries.map((entry) => html`<tr key=${entry.seq} data-seq=${entry.seq}>
              <td><${Time} iso=${entry.time} /></td>
              <td><code>${entry.action}</code></td>
              <td>${entry.scimId !== null && entry.resourceType === 'User'
                ? html`<a href=${`#/users/${encodeURIComponent(entry.scimId)}`}>${entry.name ?? entry.scimId}</a>`
                : entry.name ?? '—'}</td>
              <td><${Outcome} value=${entry.outcome} />${errorOf(entry)}</td>
              <td>${entry.credential ?? '—'}</td>
              <td><code>${entry.requestId ?? '—'}</code></td>
              <td class="num">${entry.jamfCalls.length}</td>
            </tr>`)}
      </tbody>
    </table>
  <//>`;
}

function errorOf(entry) {
  const error = entry.detail !== null && typeof entry.detail === 'object' ? entry.detail.error : undefined;
  return typeof error === 'string' ? html`<div class="detail">${error}</div>` : null;
}

export function ErrorAlert({ error }) {
  if (!error) return null;
  return html`<p role="alert" class="alert">${error.message ?? String(error)}</p>`;
}

/**
 * Runs `tick` every `ms` while the tab is visible, and at once when it becomes visible again:
 * a hidden tab polls nothing.
 */
export function useVisibleInterval(tick, ms) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let timer = null;
    const start = () => {
      if (timer === null) timer = window.setInterval(() => latest.current(), ms);
    };
    const stop = () => {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        latest.current();
        start();
      } else stop();
    };
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [ms]);
}

// The first page of a load leaves focus where the browser put it, so Tab starts at the skip link.
let firstPage = true;

/** Sets the tab title and moves focus to the page heading, so a route change is announced. */
export function usePage(title) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${title} · jamf-scim admin`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    const active = document.activeElement;
    const fromNavigation = active === null || active === document.body || active.closest('nav') !== null;
    if (heading.current !== null && fromNavigation) heading.current.focus();
  }, [title]);
  return heading;
}
