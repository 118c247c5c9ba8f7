/**
 * The API reference (`npm run docs:api`: TypeDoc over every package's entry point, from the TSDoc
 * comments, into docs/api) builds without errors, and what it cannot document does not grow:
 *
 * - `notDocumented`: an exported declaration without a TSDoc comment;
 * - `notExported`: a type the public API uses that no entry point exports (readers cannot name it).
 *
 * Today's counts are the baseline below, per package. A package above its baseline fails (document or
 * export what was added); one below it passes, and the baseline should come down with the change.
 * The goal is zero everywhere, then `--treatValidationWarningsAsErrors` in docs:api.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Undocumented exports by package. contract: the 104 members of `HR` (name -> value), each of which is
 * described once in `HRESULTS` (the page's words), which the reference shows.
 */
const NOT_DOCUMENTED: Readonly<Record<string, number>> = { contract: 104 };

/** Types used by the public API but exported by no entry point, by package (where they are defined). */
const NOT_EXPORTED: Readonly<Record<string, number>> = {
  'adapter-com': 3, 'adapter-graph': 4, 'adapter-memory': 7, cli: 2, contract: 1, 'contract-tests': 2, core: 2, migration: 2,
};

test('TypeDoc builds the API reference without errors; undocumented and unexported API stay within the baseline', () => {
  // `--emit none`: the whole conversion and validation, without writing the HTML.
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--logLevel', 'Warn'], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours.
  const lines = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const errors = lines.filter((l) => l.startsWith('[error]'));
  expect({ status: r.status, errors }).toEqual({ status: 0, errors: [] });

  const notDocumented: Record<string, number> = {};
  const notExported: Record<string, number> = {};
  for (const line of lines) {
    const undocumented = /^\[warning\] @imessenger\/([a-z-]+)\..* does not have any documentation$/.exec(line);
    if (undocumented) notDocumented[undocumented[1]!] = (notDocumented[undocumented[1]!] ?? 0) + 1;
    const unexported = /defined in @imessenger\/([a-z-]+)\/.* but not included in the documentation$/.exec(line);
    if (unexported) notExported[unexported[1]!] = (notExported[unexported[1]!] ?? 0) + 1;
  }
  const over = (found: Record<string, number>, baseline: Readonly<Record<string, number>>, what: string) =>
    Object.entries(found).filter(([pkg, n]) => n > (baseline[pkg] ?? 0))
      .map(([pkg, n]) => `@imessenger/${pkg}: ${n} ${what} (baseline ${baseline[pkg] ?? 0})`);
  const problems = [...over(notDocumented, NOT_DOCUMENTED, 'exports without a TSDoc comment'), ...over(notExported, NOT_EXPORTED, 'types used by the API but not exported')];
  if (problems.length) {
    const detail = lines.filter((l) => /does not have any documentation|not included in the documentation/.test(l)).join('\n');
    throw new Error(`${problems.join('\n')}\n\nWhat TypeDoc reported:\n${detail}`);
  }
}, 300_000);
