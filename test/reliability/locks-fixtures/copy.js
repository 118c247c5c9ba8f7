'use strict';
/**
 * `imessenger migrate copy` in a process of its own (the migration package's built dist), for
 * locks-copy.test.ts:
 *
 *   node copy.js <cwd> <copy arguments…>
 *
 * Exits with the command's exit code; its stdout and stderr are the command's.
 */
const path = require('node:path');
const { copyCommand } = require(path.resolve(__dirname, '../../../packages/migration/dist/copy-command.js'));

const [cwd, ...argv] = process.argv.slice(2);
copyCommand(argv, { stdout: process.stdout, stderr: process.stderr, cwd, env: process.env }).then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`${error?.stack ? error.stack : String(error)}\n`);
  process.exitCode = 70;
});
