/**
 * The console page and its files. Only names found at start are served: the files of
 * `static/` next to this module (src/admin/static under tsx, dist/admin/static after the build)
 * and three vendor files from node_modules, so no request path ever reaches the file system. The
 * page carries a CSP that allows nothing from elsewhere: every script and style is served here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_ACTIONS } from '../audit/types.js';

export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Served name → file in node_modules (package, path inside it). */
const VENDOR: Record<string, [string, string]> = {
  'vendor/preact-htm.js': ['htm', 'preact/standalone.module.js'],
  'vendor/uplot.js': ['uplot', 'dist/uPlot.esm.js'],
  'vendor/uplot.css': ['uplot', 'dist/uPlot.min.css'],
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.')).toLowerCase()];

function asset(file: string, type: string): Asset {
  return assetOf(readFileSync(file), type);
}

function assetOf(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** The audit actions as a module the page imports, made from the server's own list so the two cannot differ. */
function actionsModule(): Asset {
  return assetOf(Buffer.from(`export const AUDIT_ACTIONS = ${JSON.stringify(AUDIT_ACTIONS)};\n`), 'text/javascript; charset=utf-8');
}

/**
 * A package's root, found from its main entry: `exports` may hide both `package.json` and the
 * file wanted, but never the entry point itself.
 */
function packageRoot(name: string): string | undefined {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve(name));
  } catch {
    return undefined;
  }
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name) return dir;
      } catch {
        // A package.json of a subfolder that is not JSON: keep going up.
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Every servable file under `root`, by its URL name (forward slashes); dotfiles and unknown types left out. */
function scan(root: string, dir = root, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const file = join(dir, entry);
    if (statSync(file).isDirectory()) scan(root, file, out);
    else if (typeOf(entry) !== undefined) out.set(relative(root, file).split(sep).join('/'), file);
  }
  return out;
}

/** The files the console serves, read once; what is missing is reported, not fatal (the API works without the page). */
export function loadConsoleAssets(staticDir: string = fileURLToPath(new URL('./static/', import.meta.url))) {
  const assets = new Map<string, Asset>();
  const missing: string[] = [];
  if (existsSync(staticDir)) {
    for (const [name, file] of scan(staticDir)) assets.set(name, asset(file, typeOf(name) as string));
  } else {
    missing.push(staticDir);
  }
  for (const [name, [pkg, path]] of Object.entries(VENDOR)) {
    const root = packageRoot(pkg);
    const file = root === undefined ? undefined : join(root, path);
    if (file !== undefined && existsSync(file)) assets.set(name, asset(file, typeOf(name) as string));
    else missing.push(`${pkg}/${path}`);
  }
  assets.set('audit-actions.js', actionsModule());
  const page = assets.get('index.html');
  assets.delete('index.html');
  return { page, assets, missing };
}

const notFound = (reply: FastifyReply) => reply.code(404).header('cache-control', 'no-store').type('application/json; charset=utf-8').send({ error: 'not found' });

function send(request: FastifyRequest, reply: FastifyReply, file: Asset, cacheControl: string) {
  reply.header('x-content-type-options', 'nosniff').header('cache-control', cacheControl).header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.code(200).type(file.type).send(file.body);
}

export function registerConsolePages(app: FastifyInstance, loaded: ReturnType<typeof loadConsoleAssets>): void {
  if (loaded.missing.length > 0) app.log.warn({ missing: loaded.missing }, 'admin console files missing; those are answered 404');

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (loaded.page === undefined) return notFound(reply);
    reply.header('content-security-policy', CONSOLE_CSP).header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    // Revalidated on every load, so a new version's page (and the asset names it carries) shows at once.
    return send(request, reply, loaded.page, 'no-cache');
  };
  app.get('/admin', page);
  // The app's router ignores trailing slashes; a bare Fastify instance (tests) needs the route itself.
  const router = (app.initialConfig as { routerOptions?: { ignoreTrailingSlash?: boolean } }).routerOptions;
  if (router?.ignoreTrailingSlash !== true) app.get('/admin/', page);

  app.get<{ Params: { '*': string } }>('/admin/assets/*', async (request, reply) => {
    const file = loaded.assets.get(request.params['*']);
    if (file === undefined) return notFound(reply);
    // The names are not versioned: revalidating by ETag (a 304 costs no body) shows an upgrade's
    // files at the next load, where a max-age would keep the old ones for that long.
    return send(request, reply, file, 'no-cache');
  });
}
