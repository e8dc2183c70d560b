/**
 * Bundles `server-process.ts` (and the src/ and test/fakes modules it imports) into one ESM file
 * run by plain `node`, as production runs `node dist/server.js`: under tsx a process carries
 * ~40 MB more RSS and a slower start, which would distort the memory figures. Packages stay
 * external and resolve from the project's node_modules. Built once per driver process.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../results/.build/', import.meta.url));

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
      logLevel: 'error',
    });
    process.once('exit', () => rmSync(outfile, { force: true }));
    return outfile;
  })();
  return built;
}
