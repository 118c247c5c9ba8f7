/**
 * The one help layout of every `imessenger` command, made from its CommandSpec (so the options the
 * parser takes and the ones the help lists cannot drift apart):
 *
 *   Usage: imessenger <name> <synopsis>
 *
 *   <description>
 *
 *   Options:
 *     --opt <value>   what it does
 *     -h, --help      Show this help.
 *
 *   <sections>, Examples:, and the exit-code table.
 */
import { EXIT_CODES } from './exit-codes';
import { type CommandSpec, HELP_OPTION, type OptionSpec } from './parse';

/** Help text is wrapped at this many columns. */
export const HELP_WIDTH = 100;
/** Option labels wider than this put their text on the next line. */
const LABEL_MAX = 28;

/**
 * Each line of `text` that is wider than `width`, word-wrapped (its continuation lines keep its
 * indentation); lines that fit are kept as they are, so aligned columns stay aligned.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length <= width) { out.push(line); continue; }
    const lead = /^\s*/.exec(line)![0];
    let current = '';
    for (const word of line.trim().split(/ +/)) {
      if (current && lead.length + current.length + 1 + word.length > width) {
        out.push(lead + current);
        current = word;
      } else {
        current = current ? `${current} ${word}` : word;
      }
    }
    out.push(lead + current);
  }
  return out;
}

function optionLabel(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
}

/** Two columns: each label, and its text wrapped beside it (on the next line when the label is wider than LABEL_MAX). */
export function columns(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.min(LABEL_MAX, Math.max(...rows.map(([label]) => label.length)));
  const pad = ' '.repeat(indent.length + width + 2);
  const lines: string[] = [];
  for (const [label, help] of rows) {
    const text = wrap(help, HELP_WIDTH - pad.length);
    if (label.length > width) lines.push(`${indent}${label}`, ...text.map((t) => `${pad}${t}`));
    else lines.push(`${indent}${label.padEnd(width)}  ${text[0]!}`, ...text.slice(1).map((t) => `${pad}${t}`));
  }
  return lines;
}

/** The "Options:" block: labels in one column, their text beside them. */
export function optionsHelp(options: Readonly<Record<string, OptionSpec>>): string {
  const rows = Object.entries({ ...options, help: options['help'] ?? HELP_OPTION }).map(([name, o]) => [optionLabel(name, o), o.help] as const);
  return ['Options:', ...columns(rows)].join('\n');
}

/** The exit-code table, as every --help ends. */
export function exitCodesHelp(): string {
  return ['Exit codes:', ...columns(EXIT_CODES)].join('\n');
}

/** The whole help of a command. */
export function formatHelp(spec: CommandSpec): string {
  const synopsis = typeof spec.synopsis === 'string' ? [spec.synopsis] : spec.synopsis;
  const command = `imessenger${spec.name ? ` ${spec.name}` : ''}`;
  const blocks = [synopsis.map((s, i) => `${i === 0 ? 'Usage: ' : '       '}${command} ${s}`).join('\n')];
  if (spec.description) blocks.push(wrap(spec.description, HELP_WIDTH).join('\n'));
  blocks.push(optionsHelp(spec.options));
  for (const section of spec.sections ?? []) {
    const lines = [`${section.title}:`, ...(section.rows ? columns(section.rows) : [])];
    if (section.rows && section.text) lines.push('');
    if (section.text) lines.push(...wrap(section.text, HELP_WIDTH - 2).map((l) => (l ? `  ${l}` : l)));
    blocks.push(lines.join('\n'));
  }
  if (spec.examples?.length) blocks.push(['Examples:', ...spec.examples.map((e) => `  ${e}`)].join('\n'));
  blocks.push(exitCodesHelp());
  return `${blocks.join('\n\n')}\n`;
}
