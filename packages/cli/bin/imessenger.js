#!/usr/bin/env node
/*
 * The `imessenger` command as npm links it. npm creates node_modules/.bin/imessenger when it
 * installs, before anything is built, and links nothing whose target is missing; so the bin is this
 * committed file, and it loads the compiled CLI (../dist/bin.js). Plain JavaScript, no build step.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Exit code when the CLI is not built: 127, as a shell gives for a command it cannot find. */
const NOT_BUILT_EXIT_CODE = 127;

const built = path.join(__dirname, '..', 'dist', 'bin.js');

function notBuilt(what) {
  process.stderr.write(
    `imessenger: the CLI is not built: ${what} is missing ` +
      '(run "npm run build" at the root of the repository, or reinstall @imessenger/cli)\n',
  );
  process.exit(NOT_BUILT_EXIT_CODE);
}

if (!fs.existsSync(built)) notBuilt(built);
try {
  require(built);
} catch (error) {
  // A workspace package the CLI loads at start-up has no dist either (a partial build).
  const missing = error?.code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec(String(error.message))?.[1] : undefined;
  if (missing?.split(/[\\/]/).includes('dist')) notBuilt(missing);
  throw error;
}
