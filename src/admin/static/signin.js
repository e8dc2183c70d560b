import { html, useRef, useState } from './vendor/preact-htm.js';
import { SESSION_PATH, request } from './api.js';
import { usePage } from './shared.js';

export function SignIn({ onSignedIn }) {
  const heading = usePage('Sign in');
  const input = useRef(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    // Read from the field at submit time only: the token never enters component state.
    const token = input.current.value;
    setBusy(true);
    setError(null);
    try {
      const answer = await request('POST', SESSION_PATH, { token });
      input.current.value = '';
      onSignedIn(answer.csrf);
    } catch (failure) {
      if (failure.status === 401) setError('Wrong admin token');
      else if (failure.status === 429) {
        const wait = failure.retryAfter;
        setError(`Too many failed attempts; try again in ${Number.isFinite(wait) ? wait : 'a few'} s`);
      } else setError(failure.message);
      setBusy(false);
      input.current.select();
    }
  };

  return html`<h1 tabindex="-1" ref=${heading}>Sign in</h1>
    <form class="card narrow" onSubmit=${submit}>
      <p>Use the server's <code>ADMIN_TOKEN</code>. The browser keeps only a session cookie, never the token.</p>
      <div class="field">
        <label for="admin-token">Admin token</label>
        <input id="admin-token" ref=${input} type="password" name="token" autocomplete="off"
          required spellcheck="false" aria-describedby=${error !== null ? 'signin-error' : undefined} />
      </div>
      ${error !== null ? html`<p id="signin-error" role="alert" class="alert">${error}</p>` : null}
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
}
