import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const STATIC = join(import.meta.dirname, '../../src/admin/static');
const page = readFileSync(join(STATIC, 'index.html'), 'utf8');

interface Tag {
  name: string;
  attrs: Record<string, string>;
  /** Text up to the matching close tag, for elements whose content matters here. */
  inner: string;
}

// The page is small and hand-written, so a tag scanner is enough; comments are dropped first so
// a commented-out script cannot hide or pass a check.
function tags(html: string): Tag[] {
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  const out: Tag[] = [];
  const tag = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  for (let match = tag.exec(text); match !== null; match = tag.exec(text)) {
    const name = (match[1] as string).toLowerCase();
    const attrs: Record<string, string> = {};
    const attr = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
    for (let a = attr.exec(match[2] ?? ''); a !== null; a = attr.exec(match[2] ?? '')) {
      attrs[(a[1] as string).toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
    }
    const close = text.indexOf(`</${name}`, tag.lastIndex);
    out.push({ name, attrs, inner: close === -1 ? '' : text.slice(tag.lastIndex, close) });
  }
  return out;
}

const all = tags(page);
const named = (name: string) => all.filter((t) => t.name === name);

describe('admin console page (index.html)', () => {
  it('declares its language and a title', () => {
    expect(named('html')[0]?.attrs.lang).toBe('en');
    expect(named('title')[0]?.inner.trim()).toBe('jamf-scim admin');
    expect(named('meta').some((m) => m.attrs.name === 'viewport')).toBe(true);
  });

  it('has a main landmark and a heading before the script runs', () => {
    expect(named('main')).toHaveLength(1);
    expect(named('h1')).toHaveLength(1);
  });

  it('loads only module scripts from its own assets, none inline (CSP script-src self)', () => {
    const scripts = named('script');
    expect(scripts).toHaveLength(1);
    for (const script of scripts) {
      expect(script.attrs.type).toBe('module');
      expect(script.attrs.src).toMatch(/^\/admin\/assets\/[\w./-]+\.js$/);
      expect(script.inner.trim()).toBe('');
    }
  });

  it('carries no inline style or event handler (CSP style-src self)', () => {
    expect(named('style')).toHaveLength(0);
    for (const t of all) {
      expect(Object.keys(t.attrs).filter((a) => a === 'style' || a.startsWith('on'))).toEqual([]);
    }
    // The empty data: icon spares the browser a /favicon.ico request that would 404.
    for (const link of named('link')) expect(link.attrs.href).toMatch(/^(\/admin\/assets\/|data:,$)/);
  });

  it('names only files that exist under static/ or the three vendor files', () => {
    const files = new Set(readdirSync(STATIC));
    const vendor = new Set(['vendor/preact-htm.js', 'vendor/uplot.js', 'vendor/uplot.css']);
    const refs = [...named('script').map((s) => s.attrs.src), ...named('link').filter((l) => l.attrs.rel !== 'icon').map((l) => l.attrs.href)];
    for (const ref of refs) {
      const name = (ref as string).replace(/^\/admin\/assets\//, '');
      expect(files.has(name) || vendor.has(name), ref).toBe(true);
    }
  });

  it('imports nothing from outside the assets folder in its modules (no CDN, no bare imports)', () => {
    for (const file of readdirSync(STATIC).filter((f) => f.endsWith('.js'))) {
      const source = readFileSync(join(STATIC, file), 'utf8');
      const specifiers = [...source.matchAll(/(?:import|from)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
      for (const specifier of specifiers) expect(specifier, `${file}: ${specifier}`).toMatch(/^\.\/[\w./-]+\.js$/);
      expect(source, file).not.toMatch(/\beval\(|new Function\(|innerHTML|https?:\/\//);
    }
  });
});
