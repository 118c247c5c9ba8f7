/**
 * The one argument parser of every `imessenger` command: node:util's parseArgs, strict, with the
 * command's options declared once (a CommandSpec, which --help prints too) and node's errors put
 * into our words (`unknown option "--verbose"`, `option --seed needs a value: --seed <file.json>`).
 *
 * What every command gets the same way:
 * - `--opt value` and `--opt=value`; a value that starts with "-" only as `--opt=-x` (strict
 *   parseArgs calls `--seed --state` ambiguous: here, --seed "needs a value"), except a negative
 *   number (`--timeout -1` is --timeout's value, for the command to judge);
 * - an option given twice is refused unless it is `multiple` (then its values are collected);
 * - `-h`/`--help` anywhere before "--" asks for the help (whatever else is wrong on the line);
 * - "--" ends the options: what follows is `rest` (a command with `passThrough`), or refused.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One letter: `-h`. */
  readonly short?: string;
  /** What the value is called in help and messages (`--seed <file.json>`); string options. Default "value". */
  readonly value?: string;
  /** May be given more than once: the values are collected, in order. */
  readonly multiple?: boolean;
  /** The help text (line breaks kept; long lines wrapped). */
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The command after `imessenger`: "run", "migrate copy" ("" for imessenger itself). */
  readonly name: string;
  /** What follows the name on the usage line(s): "<script.js> [options] [-- script arguments...]". */
  readonly synopsis: string | readonly string[];
  /** A paragraph or two under the usage lines. */
  readonly description?: string;
  readonly options: O;
  /** The positional arguments it takes, at most `max` (default: none). */
  readonly positionals?: { readonly max: number };
  /** What the arguments after "--" are, when the command passes them on ("script arguments"); without it "--" is refused. */
  readonly passThrough?: string;
  /** More help after the options, each under its title: a two-column table (`rows`, laid out as the options), then text. */
  readonly sections?: readonly { readonly title: string; readonly rows?: readonly (readonly [string, string])[]; readonly text?: string }[];
  readonly examples?: readonly string[];
}

/** The values of a command's options, typed by its spec. */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

export interface CommandLine<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  /** Positional arguments before "--". */
  readonly positionals: readonly string[];
  /** Everything after "--", as given. */
  readonly rest: readonly string[];
  /** -h or --help was given: print the help, parse nothing else. */
  readonly help: boolean;
}

/** A spec with its option types kept literal (so the values are typed). */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Every command's own option. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'Show this help.' };

type NodeOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple: true }>;

function nodeOptions(spec: CommandSpec): NodeOptions {
  const options: NodeOptions = Object.create(null) as NodeOptions;
  for (const [name, o] of Object.entries({ ...spec.options, help: spec.options['help'] ?? HELP_OPTION })) {
    options[name] = { type: o.type, multiple: true, ...(o.short ? { short: o.short } : {}) };
  }
  return options;
}

const optionLabel = (name: string, o: OptionSpec): string => `--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;

/**
 * Parse `argv` (what follows the command's name) by the spec; throws UsageError naming the command.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  const args = [...argv];
  const dash = args.indexOf('--');
  const own = dash < 0 ? args : args.slice(0, dash);
  if (own.includes('--help') || own.includes('-h')) return { values: {}, positionals: [], rest: [], help: true };
  const usage = (message: string): UsageError => new UsageError(message, spec.name);
  const options = nodeOptions(spec);
  // A negative number is never an option: `--timeout -1` is --timeout's value (for its command to judge).
  for (let i = 0; i + 1 < args.length && i < (dash < 0 ? args.length : dash); i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : undefined;
    if (name !== undefined && Object.hasOwn(spec.options, name) && spec.options[name]!.type === 'string' && /^-\d/.test(args[i + 1]!)) {
      args.splice(i, 2, `--${name}=${args[i + 1]!}`);
    }
  }

  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: NodeOptions; strict: true; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw usage(diagnose(spec, args, options) ?? nodeMessage(error));
  }

  const values: Record<string, string | boolean | string[]> = {};
  const given = parsed.values as Record<string, (string | boolean)[] | undefined>;
  for (const [name, o] of Object.entries(spec.options)) {
    const list = Object.hasOwn(given, name) ? given[name] : undefined;
    if (list === undefined) continue;
    if (list.length > 1 && !o.multiple) throw usage(`option --${name} given twice`);
    if (o.type === 'string' && list.some((v) => v === '')) throw usage(`option --${name} needs a value: ${optionLabel(name, o)}`);
    values[name] = o.multiple ? (list as string[]) : list[0]!;
  }

  const terminator = parsed.tokens.findIndex((t) => t.kind === 'option-terminator');
  const positional = (from: number, to: number): string[] => parsed.tokens.slice(from, to).flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const positionals = positional(0, terminator < 0 ? parsed.tokens.length : terminator);
  const rest = terminator < 0 ? [] : positional(terminator + 1, parsed.tokens.length);
  const max = spec.positionals?.max ?? 0;
  if (positionals.length > max) {
    const extra = positionals[max]!;
    const where = spec.passThrough
      ? `: ${spec.passThrough} go after "--" (imessenger ${spec.name} ${[...positionals.slice(0, max), '--', extra].join(' ')})`
      : '';
    throw usage(`unexpected argument "${extra}"${where}`);
  }
  if (rest.length > 0 && !spec.passThrough) throw usage(`unexpected argument "${rest[0]!}" after "--"`);
  return { values: values as OptionValues<O>, positionals, rest, help: false };
}

/** What is wrong with the line, in our words: the first option strict parsing refuses. */
function diagnose(spec: CommandSpec, args: string[], options: NodeOptions): string | undefined {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === 'help') continue;
    const o = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    // A long option's name as a short one (`-x` where only --x exists) is unknown too.
    if (o === undefined || (!token.rawName.startsWith('--') && o.short !== token.rawName.slice(1))) {
      return `unknown option "${token.rawName}"`;
    }
    const label = `--${token.name}`;
    if (o.type === 'boolean' && token.inlineValue) return `option ${label} takes no value`;
    if (o.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      return `option ${label} needs a value: ${optionLabel(token.name, o)}`;
    }
  }
  return undefined;
}

/** node's own message, when ours has nothing better (first line, first letter lower-cased). */
function nodeMessage(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
