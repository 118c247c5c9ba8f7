/**
 * docs/compatibility.svg, the heatmap `npm run matrix` draws beside docs/compatibility.md: well-formed
 * XML, self-contained, one cell per member × backend of the Markdown table with that cell's class,
 * and exactly what scripts/matrix-svg.js draws from the table (so it is never stale, and deterministic).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMatrixMarkdown, renderMatrixSvg, statusOf } from '../scripts/matrix-svg';

const docs = path.join(__dirname, '..', 'docs');
const markdown = fs.readFileSync(path.join(docs, 'compatibility.md'), 'utf8');
const svg = fs.readFileSync(path.join(docs, 'compatibility.svg'), 'utf8');

interface XmlElement { readonly name: string; readonly attrs: Readonly<Record<string, string>>; readonly parent?: string }

/**
 * A small well-formedness check: balanced tags, one root, quoted and unique attributes, no stray `<`
 * or `&` (only the five predefined entities and character references). Returns every element.
 */
function parseXml(text: string): XmlElement[] {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0;
  const token = /<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const entities = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    m = token.exec(body);
    if (!m) throw new Error(`not well-formed at offset ${at}: ${JSON.stringify(body.slice(at, at + 40))}`);
    at = token.lastIndex;
    const [whole, closing, name, attrText, selfClosing, textRun] = m;
    if (textRun !== undefined) {
      if (stack.length === 0 && textRun.trim()) throw new Error(`text outside the root: ${JSON.stringify(textRun.slice(0, 40))}`);
      if (entities.test(textRun)) throw new Error(`bare & in ${JSON.stringify(textRun.slice(0, 60))}`);
      continue;
    }
    if (whole.startsWith('<!--')) continue;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes nothing open`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*"([^"<]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`<${name}> repeats ${a[1]}`);
      if (entities.test(a[2]!)) throw new Error(`bare & in <${name} ${a[1]}>`);
      attrs[a[1]!] = a[2]!;
    }
    if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
    elements.push({ name: name!, attrs, ...(stack.length ? { parent: stack[stack.length - 1]! } : {}) });
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}

const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

test('the XML check itself refuses what is not well-formed', () => {
  expect(() => parseXml('<a><b></a></b>')).toThrow(/closes nothing/);
  expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/repeats/);
  expect(() => parseXml('<a>1 < 2</a>')).toThrow(/not well-formed/);
  expect(() => parseXml('<a>R&D</a>')).toThrow(/bare &/);
  expect(() => parseXml('<a/><b/>')).toThrow(/more than one root/);
  expect(() => parseXml('<a>')).toThrow(/unclosed/);
  expect(parseXml('<a x="&amp;"><!-- c --><b/>t &lt; u</a>').map((e) => e.name)).toEqual(['a', 'b']);
});

test('docs/compatibility.svg is well-formed, self-contained SVG', () => {
  const elements = parseXml(svg);
  expect(elements[0]).toMatchObject({ name: 'svg', attrs: { xmlns: 'http://www.w3.org/2000/svg' } });
  expect(elements.map((e) => e.name).filter((n) => !['svg', 'title', 'style', 'rect', 'text', 'g'].includes(n))).toEqual([]);
  // Nothing to fetch or run: no script, no link, no external font or image.
  expect(svg).not.toMatch(/<script|href=|url\(|@import|@font-face|foreignObject|\bon\w+=/i);
  expect(svg.match(/https?:\/\/[^"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  // A legend with the five classes, and a title readers and screen readers get.
  for (const cls of ['pass', 'partly', 'unsupported', 'fail', 'untested']) {
    expect(elements.some((e) => e.name === 'rect' && e.attrs['class'] === `swatch ${cls}`)).toBe(true);
  }
  expect(svg).toContain('<title id="matrix-title">Compatibility matrix: member × backend, from the conformance kit</title>');
});

test('one cell per member × backend of docs/compatibility.md, with that cell\'s class', () => {
  const matrix = parseMatrixMarkdown(markdown);
  expect(matrix.backends.length).toBeGreaterThanOrEqual(2);
  expect(matrix.rows.length).toBeGreaterThan(50);
  const cells = parseXml(svg).filter((e) => e.name === 'rect' && /^cell /.test(e.attrs['class'] ?? ''));
  expect(cells).toHaveLength(matrix.rows.length * matrix.backends.length);
  const byKey = new Map<string, string>();
  for (const c of cells) {
    const key = `${unescape(c.attrs['data-member']!)} @ ${unescape(c.attrs['data-backend']!)}`;
    expect(byKey.has(key)).toBe(false);
    byKey.set(key, c.attrs['class']!);
  }
  const wrong = matrix.rows.flatMap((row) => row.cells.flatMap((text, j) => {
    const key = `${row.member} @ ${matrix.backends[j]}`;
    return byKey.get(key) === `cell ${statusOf(text)}` ? [] : [`${key}: "${text}" drawn as ${byKey.get(key) ?? 'nothing'}`];
  }));
  expect(wrong).toEqual([]);
  // The classes the Markdown's totals count, e.g. the memory reference passing everything.
  expect(cells.filter((c) => c.attrs['data-backend'] === 'memory').every((c) => c.attrs['class'] === 'cell pass')).toBe(true);
});

test('the file is what the script draws from the table (not stale; the same bytes every time)', () => {
  const drawn = renderMatrixSvg(parseMatrixMarkdown(markdown));
  expect(drawn).toBe(renderMatrixSvg(parseMatrixMarkdown(markdown)));
  // If this fails: `npm run matrix`, or `node scripts/matrix-svg.js` to redraw from the Markdown.
  expect(svg === drawn).toBe(true);
  expect(markdown).toContain('[compatibility.svg](compatibility.svg)');
});

test('cell classes, labels and escaping on a made-up matrix', () => {
  expect(['pass', 'unsupported (E_NOTIMPL)', 'unsupported (S_OK) (password); pass', '**fail** (2)', '**fail** (1) (main); pass', 'untested'].map(statusOf))
    .toEqual(['pass', 'unsupported', 'partly', 'fail', 'fail', 'untested']);
  expect(() => statusOf('maybe')).toThrow(/unknown cell/);
  const made = renderMatrixSvg({
    backends: ['memory', 'odd <&> "one"'],
    rows: [{ member: 'IMessenger.A<b>', cells: ['pass', 'unsupported (E_NOTIMPL)'] }, { member: 'IMessenger2.C', cells: ['**fail** (3)', 'untested'] }],
  });
  const cells = parseXml(made).filter((e) => e.name === 'rect' && (e.attrs['class'] ?? '').startsWith('cell '));
  expect(cells.map((c) => [unescape(c.attrs['data-member']!), unescape(c.attrs['data-backend']!), c.attrs['class']])).toEqual([
    ['IMessenger.A<b>', 'memory', 'cell pass'], ['IMessenger.A<b>', 'odd <&> "one"', 'cell unsupported'],
    ['IMessenger2.C', 'memory', 'cell fail'], ['IMessenger2.C', 'odd <&> "one"', 'cell untested'],
  ]);
  // What a reader sees in each cell: the HRESULT of an unsupported member, the failure count.
  expect(made).toMatch(/>E_NOTIMPL<\/text>/);
  expect(made).toMatch(/>fail \(3\)<\/text>/);
  expect(made).toContain('odd &lt;&amp;&gt; &quot;one&quot;');
  expect(() => renderMatrixSvg({ backends: ['a', 'b'], rows: [{ member: 'X.y', cells: ['pass'] }] })).toThrow(/1 cells for 2 backends/);
});
