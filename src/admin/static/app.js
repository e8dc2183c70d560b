/* global document, window, URLSearchParams */
import { html, render, useCallback, useEffect, useState } from './vendor/preact-htm.js';
import { SESSION_PATH, get, request, setCsrf, whenSignedOut } from './api.js';
import { Activity } from './activity.js';
import { Deactivated } from './deactivated.js';
import { GroupDetail, Groups } from './groups.js';
import { SignIn } from './signin.js';
import { Status } from './status.js';
import { UserDetail, Users } from './users.js';
import { usePage } from './shared.js';

const PAGES = [
  ['/status', 'Status'],
  ['/activity', 'Activity'],
  ['/users', 'Users'],
  ['/groups', 'Groups'],
  ['/deactivated', 'Deactivated'],
  ['/charts', 'Charts'],
];

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?');
  return { path: path === '' || path === '/' ? '/status' : path, params: new URLSearchParams(query), hash: `#${raw}` };
}

// Where a signed-out visitor meant to go; kept in memory only, so #/signin stays a plain address.
let wanted = null;

function Nav({ path, onSignOut }) {
  return html`<nav aria-label="Main">
    <ul>
      ${PAGES.map(([href, label]) => {
        const current = path === href || path.startsWith(`${href}/`);
        return html`<li key=${href}><a href=${`#${href}`} aria-current=${current ? 'page' : undefined}>${label}</a></li>`;
      })}
    </ul>
    <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
  </nav>`;
}

// uPlot is the biggest file by far; only the charts page needs it, so it loads on first visit.
function LazyCharts(props) {
  const [loaded, setLoaded] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    import('./charts.js').then((module) => setLoaded({ Charts: module.Charts }), setError);
  }, []);
  if (error !== null) return html`<h1>Charts</h1><p role="alert" class="alert">The charts could not be loaded.</p>`;
  if (loaded === null) return html`<h1>Charts</h1><p>Loading…</p>`;
  return html`<${loaded.Charts} ...${props} />`;
}

function NotFound() {
  const heading = usePage('Not found');
  return html`<h1 tabindex="-1" ref=${heading}>Not found</h1><p>No such page. <a href="#/status">Go to Status</a>.</p>`;
}

function Page({ route, notify }) {
  const { path, params } = route;
  const props = { notify, params };
  if (path === '/status') return html`<${Status} ...${props} />`;
  if (path === '/activity') return html`<${Activity} ...${props} />`;
  if (path === '/users') return html`<${Users} ...${props} />`;
  if (path.startsWith('/users/')) {
    const id = decodeURIComponent(path.slice('/users/'.length));
    return html`<${UserDetail} key=${id} id=${id} ...${props} />`;
  }
  if (path === '/groups') return html`<${Groups} ...${props} />`;
  if (path.startsWith('/groups/')) {
    const id = decodeURIComponent(path.slice('/groups/'.length));
    return html`<${GroupDetail} key=${id} id=${id} ...${props} />`;
  }
  if (path === '/deactivated') return html`<${Deactivated} ...${props} />`;
  if (path === '/charts') return html`<${LazyCharts} ...${props} />`;
  return html`<${NotFound} />`;
}

function App() {
  const [route, setRoute] = useState(parseHash);
  // 'checking' until GET /session answers, then 'in' or 'out'.
  const [session, setSession] = useState('checking');
  const [message, setMessage] = useState({ text: '', path: '' });

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    whenSignedOut(() => setSession('out'));
    get(SESSION_PATH).then(
      (answer) => {
        setCsrf(answer.csrf);
        setSession('in');
      },
      () => {
        setCsrf(null);
        setSession('out');
      },
    );
  }, []);

  useEffect(() => {
    if (session === 'out' && route.path !== '/signin') {
      wanted = route.hash;
      window.location.hash = '#/signin';
    } else if (session === 'in' && route.path === '/signin') {
      window.location.hash = wanted ?? '#/status';
      wanted = null;
    }
  }, [session, route]);

  // A message belongs to the page it was given on; leaving the page drops it.
  const notify = useCallback((text, path) => setMessage({ text, path: path ?? parseHash().path }), []);

  const signOut = useCallback(async () => {
    try {
      await request('DELETE', SESSION_PATH);
    } catch {
      // Signed out already (expired or restarted): the outcome is the same.
    }
    setCsrf(null);
    wanted = null;
    setMessage({ text: 'Signed out', path: '/signin' });
    setSession('out');
  }, []);

  const onSignedIn = useCallback((csrf) => {
    setCsrf(csrf);
    setSession('in');
  }, []);

  const skip = (event) => {
    event.preventDefault();
    document.getElementById('main')?.focus();
  };

  let content;
  if (session === 'checking' || (session === 'out') !== (route.path === '/signin')) content = html`<p>Loading…</p>`;
  else if (session === 'out') content = html`<${SignIn} onSignedIn=${onSignedIn} />`;
  else content = html`<${Page} route=${route} notify=${notify} />`;

  return html`
    <a class="skip" href="#main" onClick=${skip}>Skip to content</a>
    <header class="top">
      <span class="brand">jamf-scim admin</span>
      ${session === 'in' ? html`<${Nav} path=${route.path} onSignOut=${signOut} />` : null}
    </header>
    <main id="main" tabindex="-1">
      <p role="status" aria-live="polite" data-testid="message" class="message">${message.path === route.path ? message.text : ''}</p>
      ${content}
    </main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
