import { runSetup } from './setup/wizard.js';

/** `npm run setup`: see src/setup/wizard.ts and README "Setting up the Jamf side: npm run setup". */
const code = await runSetup({ argv: process.argv.slice(2), env: process.env, input: process.stdin, output: process.stdout, errorOutput: process.stderr });
process.exit(code);
