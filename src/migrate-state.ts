import { runMigrateState } from './migrate-state-cli.js';
import { openStateStore } from './store/open-store.js';

// exitCode rather than exit(): the summary reaches a pipe before the process ends.
runMigrateState(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  open: openStateStore,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`migrate-state failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
