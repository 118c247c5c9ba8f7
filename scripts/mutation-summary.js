#!/usr/bin/env node
/**
 * The score table of docs/mutation.md from StrykerJS's JSON reports (npm run test:mutation writes
 * reports/mutation/mutation.json; a run per file writes one each: pass them all. A later report of
 * a file with the same source, such as a re-run of some lines after tests were added, replaces the
 * earlier results of the mutants it has; of a changed source, it replaces the file). Per file: killed / survived / no coverage / timeout, the score, and
 * the score with cosmetic mutants set aside (docs/mutation.md): a mutant is cosmetic when it only
 * changes the text of an error's description (a string or template literal in the detail argument of
 * messengerError/fail/MessengerError or a warning) or when scripts/mutation-classified.js lists it as
 * equivalent. Then every survivor and uncovered mutant (file:line, mutator, replacement), the
 * cosmetic ones marked with their reason, the others to classify by hand.
 *   node scripts/mutation-summary.js [report.json ...]   (default reports/mutation/mutation.json)
 */
const fs = require('node:fs');
const { classified } = require('./mutation-classified');

const paths = process.argv.length > 2 ? process.argv.slice(2) : ['reports/mutation/mutation.json'];
const files = {};
const key = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement}`;
for (const path of paths) {
  for (const [file, report] of Object.entries(JSON.parse(fs.readFileSync(path, 'utf8')).files)) {
    const earlier = files[file];
    if (!earlier || earlier.source !== report.source) { files[file] = report; continue; }
    // The same source, re-run in part (stryker run --mutate file:lines): its mutants replace the earlier ones.
    const again = new Map(report.mutants.map((m) => [key(m), m]));
    earlier.mutants = earlier.mutants.map((m) => again.get(key(m)) ?? m);
  }
}

const STATUSES = ['Killed', 'Survived', 'NoCoverage', 'Timeout'];
const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
// A quoted HRESULT, member or event name is behaviour, not wording.
const NAME = /^['"`](?:[A-Z][A-Z0-9_]*|I?Messenger[\w.]*|DMessenger\w*|On[A-Z]\w*)['"`]$/;
// The call a description is an argument of (the statement may start a line or two above the literal).
const DESCRIBES = /messengerError\(|\bfail\(|new MessengerError\(|emitWarning\(|detail:|requireOpen\(|detail = '/;

/** Why a mutant is cosmetic, or undefined when it may change behaviour. */
function cosmetic(file, mutant, lines) {
  const { start, end } = mutant.location;
  const line = lines[start.line - 1];
  const original = start.line === end.line ? line.slice(start.column - 1, end.column - 1) : `${line.slice(start.column - 1)}…`;
  const listed = classified.find((c) => file.endsWith(c.file) && (c.mutator === undefined || c.mutator === mutant.mutatorName)
    && line.includes(c.line) && (c.replacement === undefined || c.replacement === mutant.replacement)
    && (c.original === undefined || c.original === original) && (c.next === undefined || (lines[start.line] ?? '').includes(c.next)));
  // A quoted name is behaviour unless an entry names that very expression (an HRESULT a path never returns).
  if (mutant.mutatorName === 'StringLiteral' && NAME.test(original) && listed?.original !== original) return undefined;
  if (listed) return listed.reason;
  if (mutant.mutatorName !== 'StringLiteral') return undefined;
  const statement = lines.slice(Math.max(0, start.line - 3), start.line).join('\n');
  return DESCRIBES.test(statement) ? 'error description wording' : undefined;
}

const rows = [];
const listing = [];
const total = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, cosmetic: 0, cosmeticDetected: 0 };
for (const [file, { mutants, source }] of Object.entries(files).sort()) {
  const lines = source.split('\n');
  const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0, cosmetic: 0, cosmeticDetected: 0 };
  for (const m of mutants) {
    if (!STATUSES.includes(m.status)) continue;
    count[m.status]++;
    const reason = cosmetic(file, m, lines);
    if (reason) {
      count.cosmetic++;
      if (m.status === 'Killed' || m.status === 'Timeout') count.cosmeticDetected++;
    }
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      const { line, column } = m.location.start;
      listing.push(`${file}:${line}:${column} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '').slice(0, 60)}`
        + ` | ${lines[line - 1].trim().slice(0, 90)}${reason ? ` | cosmetic: ${reason}` : ''}`);
    }
  }
  for (const k of Object.keys(total)) total[k] += count[k];
  rows.push(row(file.replace(/^packages\/core\/src\//, ''), count));
}

function row(name, c) {
  const valid = c.Killed + c.Survived + c.NoCoverage + c.Timeout;
  const detected = c.Killed + c.Timeout;
  return `| ${name} | ${c.Killed} | ${c.Survived} | ${c.NoCoverage} | ${c.Timeout} | ${pct(detected, valid)} | ${pct(detected - c.cosmeticDetected, valid - c.cosmetic)} (${c.cosmetic} cosmetic) |`;
}

console.log('| file | killed | survived | no coverage | timeout | score | score, cosmetic set aside |\n|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(row('**total**', total));
const open = listing.filter((l) => !l.includes('| cosmetic: '));
console.log(`\n${listing.length} survivors and uncovered mutants, ${open.length} not cosmetic:\n${listing.sort().join('\n')}`);
