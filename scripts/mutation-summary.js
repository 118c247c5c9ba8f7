#!/usr/bin/env node
/**
 * The score table of docs/mutation.md from StrykerJS's JSON report (npm run test:mutation writes
 * reports/mutation/mutation.json): per file killed / survived / no coverage / timeout and the score,
 * then every survivor and uncovered mutant (file:line, mutator, replacement) to classify by hand.
 *   node scripts/mutation-summary.js [reports/mutation/mutation.json]
 */
const fs = require('node:fs');

const report = JSON.parse(fs.readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const pct = (n, d) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const rows = [];
const survivors = [];
const total = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 };
for (const [file, { mutants, source }] of Object.entries(report.files).sort()) {
  const count = { Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 };
  for (const m of mutants) if (m.status in count) count[m.status]++;
  for (const k of Object.keys(total)) total[k] += count[k];
  const valid = count.Killed + count.Survived + count.NoCoverage + count.Timeout;
  rows.push(`| ${file.replace(/^packages\/core\/src\//, '')} | ${count.Killed} | ${count.Survived} | ${count.NoCoverage} | ${count.Timeout} | ${pct(count.Killed + count.Timeout, valid)} |`);
  const lines = source.split('\n');
  for (const m of mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const { line, column } = m.location.start;
    survivors.push(`${file}:${line}:${column} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '').slice(0, 80)} | ${lines[line - 1].trim().slice(0, 100)}`);
  }
}
const valid = total.Killed + total.Survived + total.NoCoverage + total.Timeout;
console.log('| file | killed | survived | no coverage | timeout | score |\n|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`| **total** | ${total.Killed} | ${total.Survived} | ${total.NoCoverage} | ${total.Timeout} | ${pct(total.Killed + total.Timeout, valid)} |`);
console.log(`\n${survivors.length} survivors and uncovered mutants:\n${survivors.sort().join('\n')}`);
