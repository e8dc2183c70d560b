/* global window */
import { html, useEffect, useRef, useState } from './vendor/preact-htm.js';
import { get, withQuery } from './api.js';
import { ErrorAlert, usePage } from './shared.js';

/**
 * A search page (Users, Groups): the query lives in the address (`#/<route>?q=…`), so Back returns
 * to the same results. `kind` is the singular noun ("user"), used in ids, labels and the route.
 */
export function SearchPage({ params, title, kind, hint, Results }) {
  const heading = usePage(title);
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const shownQ = useRef(q);

  useEffect(() => {
    // Only a changed address rewrites the box: on mount it would wipe what was typed meanwhile.
    if (shownQ.current !== q) setText(q);
    shownQ.current = q;
    setAnswer(null);
    setError(null);
    if (q.trim() === '') return;
    let current = true;
    get(withQuery(`/admin/api/${kind}s`, { q, count: 50 })).then(
      (result) => current && setAnswer(result),
      (failure) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [q]);

  const submit = (event) => {
    event.preventDefault();
    const wanted = text.trim();
    if (wanted === '') return;
    window.location.hash = withQuery(`#/${kind}s`, { q: wanted });
  };

  return html`<h1 tabindex="-1" ref=${heading}>${title}</h1>
    <form role="search" aria-label=${title} class="card search" onSubmit=${submit}>
      <div class="field grow">
        <label for=${`${kind}-search`}>Search ${kind}s</label>
        <input id=${`${kind}-search`} type="search" value=${text} onInput=${(event) => setText(event.currentTarget.value)}
          aria-describedby=${`${kind}-search-hint`} required spellcheck="false" />
        <p id=${`${kind}-search-hint`} class="hint">${hint}</p>
      </div>
      <div class="actions"><button type="submit">Search</button></div>
    </form>
    <${ErrorAlert} error=${error} />
    ${q.trim() !== '' && answer === null && error === null ? html`<p>Loading…</p>` : null}
    ${answer !== null ? html`<${Results} answer=${answer} />` : null}`;
}
