/**
 * Bundles `server-process.ts` (and the test/fakes modules it imports) into one ESM file run by
 * plain `node`: under tsx a process carries ~40 MB more RSS and a slower start, which would
 * distort the memory figures. Every src/ module is left out of the bundle and imported from
 * dist/ instead (`npm run build`, which run.ts does first), so the children run the very code
 * `node dist/server.js` runs, and a CPU profile names its files (dist/scim/…) rather than one
 * bundle. Packages stay external. Built once per driver process.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));
// Inside node_modules: packages resolve from the project's node_modules, and linters skip it.
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/jamf-scim-bench/', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** `../../src/x/y.js` → `file:///…/dist/x/y.js`, external. */
const srcFromDist: Plugin = {
  name: 'src-from-dist',
  setup(b) {
    b.onResolve({ filter: /\/src\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!path.startsWith(SRC)) return undefined;
      const built = `${DIST}${path.slice(SRC.length)}`;
      if (!existsSync(built)) return { errors: [{ text: `${built} is missing: run npm run build` }] };
      return { path: pathToFileURL(built).href, external: true };
    });
  },
};

let built: Promise<string> | undefined;

export function childScript(): Promise<string> {
  built ??= (async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const outfile = `${OUT_DIR}server-process-${process.pid}.mjs`;
    await build({
      entryPoints: [ENTRY],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      plugins: [srcFromDist],
      logLevel: 'error',
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return outfile;
  })();
  return built;
}
