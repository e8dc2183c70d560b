/** The console page and its files: the CSP, content types, caching, and nothing outside the allowlist. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, loadConsoleAssets } from '../../src/admin/assets.js';
import { registerAdminRoutes } from '../../src/http/admin-routes.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { ADMIN_TOKEN, startConsoleServer, type Cleanups } from './support.js';
import { AUDIT_ACTIONS } from '../../src/audit/types.js';

const TRAVERSALS = [
  '/admin/assets/../../package.json',
  '/admin/assets/..%2F..%2Fpackage.json',
  '/admin/assets/%2e%2e/%2e%2e/package.json',
  '/admin/assets/vendor/../../admin-auth.ts',
  '/admin/assets/..\\..\\package.json',
  '/admin/assets/%2Fetc%2Fpasswd',
  '/admin/assets/',
];

describe('admin console page and assets', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('serves the page with the console CSP and no referrer, at /admin and /admin/', async () => {
    const t = await startConsoleServer(cleanups);
    for (const url of ['/admin', '/admin/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toContain('<script type="module" src="/admin/assets/app.js">');
    }
    expect(CONSOLE_CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  });

  it('serves the console files and the vendor files with their types, revalidated by ETag on every load', async () => {
    const t = await startConsoleServer(cleanups);
    for (const [url, type] of [
      ['/admin/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/admin/assets/styles.css', 'text/css; charset=utf-8'],
      ['/admin/assets/vendor/preact-htm.js', 'text/javascript; charset=utf-8'],
      ['/admin/assets/vendor/uplot.js', 'text/javascript; charset=utf-8'],
      ['/admin/assets/vendor/uplot.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe(type);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const etag = String(res.headers.etag);
      const again = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    const htm = await t.app.inject({ method: 'GET', url: '/admin/assets/vendor/preact-htm.js' });
    expect(htm.body).toMatch(/export\s*\{/);
    // The Activity filter offers exactly the actions the audit trail records.
    const actions = await t.app.inject({ method: 'GET', url: '/admin/assets/audit-actions.js' });
    expect(actions.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(actions.body).toBe(`export const AUDIT_ACTIONS = ${JSON.stringify(AUDIT_ACTIONS)};\n`);
  });

  it('refuses every path that is not a listed file (404, nothing read)', async () => {
    const t = await startConsoleServer(cleanups);
    for (const url of TRAVERSALS) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('"version"');
    }
  });

  it('lists the folder once: dotfiles, unknown types and files beside the folder are never served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-assets-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const root = join(dir, 'static');
    mkdirSync(join(root, 'img'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'app.js'), 'export {};');
    writeFileSync(join(root, 'img', 'logo.svg'), '<svg/>');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'notes.md'), '# notes');
    writeFileSync(join(dir, 'secret.js'), 'secret');
    const assets = loadConsoleAssets(root);
    const store = openSqliteStore(':memory:');
    const app: FastifyInstance = Fastify() as unknown as FastifyInstance;
    cleanups.push(() => store.close(), () => app.close());
    registerAdminRoutes(app, { adminToken: ADMIN_TOKEN, audit: store.audit, authFailureLimit: 20, assets });
    writeFileSync(join(root, 'late.js'), 'export {};');

    const status = async (url: string) => (await app.inject({ method: 'GET', url })).statusCode;
    expect(await status('/admin/')).toBe(200);
    expect(await status('/admin/assets/app.js')).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/assets/img/logo.svg' })).headers['content-type']).toBe('image/svg+xml');
    for (const url of ['/admin/assets/.env', '/admin/assets/notes.md', '/admin/assets/../secret.js', '/admin/assets/late.js', '/admin/assets/index.html']) {
      expect(await status(url), url).toBe(404);
    }
  });
});
