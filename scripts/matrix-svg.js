'use strict';
/**
 * The compatibility matrix as a picture: an SVG heatmap, one row per member, one column per backend,
 * each cell coloured by what the conformance kit saw (pass / partly unsupported / unsupported / fail /
 * untested) and labelled with it, a legend with the counts, each backend's passes under its column.
 * Self-contained (system fonts, no script, no link, no external anything) and deterministic: the same
 * matrix gives the same bytes, so a regenerated file only changes when the matrix does.
 *
 * scripts/compatibility-matrix.js (`npm run matrix`) writes it as docs/compatibility.svg beside
 * docs/compatibility.md. `node scripts/matrix-svg.js` redraws it from docs/compatibility.md alone,
 * without running the kit.
 */
const fs = require('node:fs');
const path = require('node:path');

/** The cell classes, in legend order. */
const STATUSES = [
  { status: 'pass', label: 'pass', fill: '#8fd19e' },
  { status: 'partly', label: 'partly unsupported', fill: '#f2e394' },
  { status: 'unsupported', label: 'unsupported (HRESULT)', fill: '#f6c177' },
  { status: 'fail', label: 'fail', fill: '#e8736c' },
  { status: 'untested', label: 'untested', fill: '#dcdcdc' },
];

/** The class of a cell of docs/compatibility.md ("pass", "unsupported (E_NOTIMPL)", "**fail** (2)", "…; pass", "untested"). */
function statusOf(text) {
  const t = text.replace(/\*\*/g, '').trim();
  if (/\bfail\b/.test(t)) return 'fail';
  if (t.includes('; ')) return 'partly';
  if (/^unsupported \(\w+\)( \([^)]*\))?$/.test(t)) return 'unsupported';
  if (t === 'pass' || t === 'untested') return t;
  throw new Error(`matrix-svg: unknown cell "${text}"`);
}

/** The few characters drawn in a cell; the whole text is the cell's tooltip. */
function shortText(text) {
  const t = text.replace(/\*\*/g, '').trim();
  const status = statusOf(t);
  if (status === 'unsupported') return /^unsupported \((\w+)\)/.exec(t)[1];
  if (status === 'partly') return 'partly';
  if (status === 'fail') return /^fail \(\d+\)$/.test(t) ? t : 'fail';
  return t;
}

const xml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const FONT = 11;
/** Advance of one character of the monospace font at FONT px (DejaVu Sans Mono, Menlo and Consolas are all about 0.6 em). */
const CHAR = 6.7;
const textWidth = (text) => Math.ceil(text.length * CHAR);
const ROW = 18;
const GAP = 1;
/** Extra space between interfaces. */
const GROUP_GAP = 6;
const PAD = 12;

/**
 * The SVG of a matrix: `backends` the column names, `rows` one per member with one cell text per
 * backend (the texts of docs/compatibility.md). Returns the document as a string.
 */
function renderMatrixSvg({ backends, rows, title = 'Compatibility matrix: member × backend, from the conformance kit' }) {
  for (const r of rows) if (r.cells.length !== backends.length) throw new Error(`matrix-svg: ${r.member} has ${r.cells.length} cells for ${backends.length} backends`);
  const cells = rows.map((r) => r.cells.map((text) => ({ text: text.replace(/\*\*/g, '').trim(), status: statusOf(text), short: shortText(text) })));

  const labelWidth = Math.max(...rows.map((r) => textWidth(r.member)), textWidth('Member')) + PAD;
  const colWidths = backends.map((b, j) => Math.max(80, textWidth(b), ...cells.map((row) => textWidth(row[j].short))) + PAD);
  const tableWidth = labelWidth + colWidths.reduce((a, b) => a + b + GAP, 0);
  const colX = [];
  colWidths.reduce((x, w, j) => { colX[j] = x; return x + w + GAP; }, PAD + labelWidth);

  const counts = Object.fromEntries(STATUSES.map((s) => [s.status, 0]));
  for (const row of cells) for (const c of row) counts[c.status]++;

  const out = [];
  let y = PAD;
  // Title and legend.
  out.push(`<text class="title" x="${PAD}" y="${y + 14}">${xml(title)}</text>`);
  y += 26;
  let lx = PAD;
  out.push('<g class="legend">');
  for (const s of STATUSES) {
    const label = `${s.label} (${counts[s.status]})`;
    out.push(`<rect class="swatch ${s.status}" x="${lx}" y="${y}" width="14" height="14"/><text x="${lx + 19}" y="${y + 11}">${xml(label)}</text>`);
    lx += 19 + textWidth(label) + 18;
  }
  out.push('</g>');
  y += 26;
  // Column heads.
  out.push(`<text class="head" x="${PAD}" y="${y + 12}">Member</text>`);
  backends.forEach((b, j) => out.push(`<text class="head" x="${colX[j] + colWidths[j] / 2}" y="${y + 12}" text-anchor="middle">${xml(b)}</text>`));
  y += ROW + 2;
  // Rows, a little gap between interfaces.
  out.push('<g class="cells">');
  let iface;
  rows.forEach((r, i) => {
    const thisIface = r.member.split('.')[0];
    if (iface !== undefined && thisIface !== iface) y += GROUP_GAP;
    iface = thisIface;
    out.push(`<text class="member" x="${PAD}" y="${y + 13}">${xml(r.member)}</text>`);
    cells[i].forEach((c, j) => {
      const x = colX[j];
      out.push(`<rect class="cell ${c.status}" data-member="${xml(r.member)}" data-backend="${xml(backends[j])}" x="${x}" y="${y}" width="${colWidths[j]}" height="${ROW}">` +
        `<title>${xml(`${r.member} on ${backends[j]}: ${c.text}`)}</title></rect>`);
      out.push(`<text class="label" x="${x + colWidths[j] / 2}" y="${y + 13}" text-anchor="middle">${xml(c.short)}</text>`);
    });
    y += ROW + GAP;
  });
  out.push('</g>');
  // Each backend's passes under its column.
  y += 6;
  out.push(`<text class="head" x="${PAD}" y="${y + 12}">pass</text>`);
  backends.forEach((b, j) => {
    const pass = cells.filter((row) => row[j].status === 'pass').length;
    out.push(`<text class="total" x="${colX[j] + colWidths[j] / 2}" y="${y + 12}" text-anchor="middle">${pass} of ${rows.length}</text>`);
  });
  y += ROW + PAD;

  const width = Math.max(PAD + tableWidth + PAD, lx + PAD);
  const style = [
    'text { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 11px; fill: #1b1b1b; }',
    '.title { font-size: 14px; font-weight: bold; }',
    '.head { font-weight: bold; }',
    '.label { pointer-events: none; }',
    '.cell, .swatch { stroke: #ffffff; stroke-width: 0.5; }',
    ...STATUSES.map((s) => `.${s.status} { fill: ${s.fill}; }`),
  ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="img" aria-labelledby="matrix-title">`,
    `<title id="matrix-title">${xml(title)}</title>`,
    `<style>\n${style}\n</style>`,
    `<rect width="${width}" height="${y}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

/** The member × backend table of docs/compatibility.md: `{ backends, rows: [{ member, cells }] }`. */
function parseMatrixMarkdown(markdown) {
  const lines = markdown.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| Member |'));
  if (head < 0) throw new Error('matrix-svg: no "| Member |" table');
  const split = (line) => line.split('|').slice(1, -1).map((c) => c.trim());
  const backends = split(lines[head]).slice(1);
  const rows = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const [member, ...cells] = split(line);
    rows.push({ member, cells });
  }
  return { backends, rows };
}

module.exports = { STATUSES, statusOf, renderMatrixSvg, parseMatrixMarkdown };

if (require.main === module) {
  const docs = path.resolve(__dirname, '..', 'docs');
  fs.writeFileSync(path.join(docs, 'compatibility.svg'), renderMatrixSvg(parseMatrixMarkdown(fs.readFileSync(path.join(docs, 'compatibility.md'), 'utf8'))));
  console.log('Wrote docs/compatibility.svg from docs/compatibility.md.');
}
