/* global fetch, sessionStorage, URLSearchParams */
// The console's only door to the server: the session cookie rides along on its own (HttpOnly,
// SameSite=Strict), and every write adds the CSRF value the session answer handed out.

const CSRF_KEY = 'jamf-scim-admin-csrf';
export const SESSION_PATH = '/admin/api/session';

// sessionStorage so a reload in the same tab keeps working before GET /session answers; the
// admin token itself is never kept anywhere.
let csrf = readStoredCsrf();
let onSignedOut = () => {};

function readStoredCsrf() {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

export function setCsrf(value) {
  csrf = value;
  try {
    if (value === null) sessionStorage.removeItem(CSRF_KEY);
    else sessionStorage.setItem(CSRF_KEY, value);
  } catch {
    // Storage can be disabled; the value in memory is enough for this page's life.
  }
}

/** Called when any API answer says the session is gone (expired, server restarted). */
export function whenSignedOut(listener) {
  onSignedOut = listener;
}

export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** One JSON request; resolves to the parsed body (null for 204), rejects with ApiError. */
export async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'The server did not answer; is it running?', null);
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const message = data !== null && typeof data.error === 'string' ? data.error : `HTTP ${response.status}`;
  const retryAfter = response.headers.get('retry-after');
  if (response.status === 401 && path !== SESSION_PATH) {
    setCsrf(null);
    onSignedOut();
  }
  throw new ApiError(response.status, message, retryAfter === null ? null : Number(retryAfter));
}

export const get = (path) => request('GET', path);

/** Builds `path?k=v&…`, leaving out empty values. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
