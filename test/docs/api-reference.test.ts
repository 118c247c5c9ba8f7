/**
 * The API reference (`npm run docs:api`: TypeDoc over every package's entry point, from the TSDoc
 * comments, into docs/api) builds with every warning an error (typedoc.config.cjs:
 * treatWarningsAsErrors, treatValidationWarningsAsErrors): no export without a TSDoc comment
 * (`notDocumented`), no type the public API uses that no entry point exports (`notExported`), no
 * broken link. The exceptions are named in the config (HR's members) and in core's and adapter-graph's
 * typedoc.json (a constructor parameter type each).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

test('TypeDoc builds the API reference with no warning and no error', () => {
  // `--emit none`: the whole conversion and validation, without writing the HTML.
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--logLevel', 'Warn'], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours.
  const lines = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => /^\[(warning|error)\]/.test(l));
  expect({ status: r.status, lines }).toEqual({ status: 0, lines: [] });
}, 300_000);

test('the config treats every warning as an error', () => {
  const config = require(path.join(ROOT, 'typedoc.config.cjs')) as Record<string, unknown>;
  expect({ warnings: config['treatWarningsAsErrors'], validation: config['treatValidationWarningsAsErrors'] }).toEqual({ warnings: true, validation: true });
});
