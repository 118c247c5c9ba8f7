/**
 * The one parser, help layout, error style and exit-code table of every imessenger command, the
 * waiting line, and the one "did you mean" rule.
 */
import {
  EXIT, EXIT_CODES, UsageError, createWaitingLine, defineCommand, didYouMean, editDistance, exitCodesHelp, formatHelp, parseCommandLine, runCommand, usageErrorText,
} from '../src';

const SPEC = defineCommand({
  name: 'demo',
  synopsis: '<file> [options] [-- passed on...]',
  description: 'A command for the tests.',
  positionals: { max: 1 },
  passThrough: 'passed-on arguments',
  options: {
    seed: { type: 'string', value: 'file.json', help: 'A seed.' },
    users: { type: 'string', value: 'a,b', multiple: true, help: 'Users (repeatable).' },
    json: { type: 'boolean', help: 'JSON.' },
  },
});

const refused = (argv: string[]): string => {
  try {
    parseCommandLine(SPEC, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).command).toBe('demo');
    return (e as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('parseCommandLine (node:util parseArgs, strict)', () => {
  test('--opt value and --opt=value, repeatable options collected, "--" passes the rest on', () => {
    expect(parseCommandLine(SPEC, ['f.js', '--seed', 's.json', '--users=a', '--users', 'b,c', '--json', '--', '--seed', 'x'])).toEqual({
      values: { seed: 's.json', users: ['a', 'b,c'], json: true }, positionals: ['f.js'], rest: ['--seed', 'x'], help: false,
    });
  });

  test('-h and --help anywhere before "--" ask for the help, whatever else is wrong', () => {
    expect(parseCommandLine(SPEC, ['--bogus', '-h']).help).toBe(true);
    expect(parseCommandLine(SPEC, ['f.js', '--help']).help).toBe(true);
    expect(parseCommandLine(SPEC, ['f.js', '--', '--help']).help).toBe(false);
  });

  test.each<[string[], string]>([
    [['--verbose'], 'unknown option "--verbose"'],
    [['-x'], 'unknown option "-x"'],
    [['--constructor'], 'unknown option "--constructor"'],
    [['--seed'], 'option --seed needs a value: --seed <file.json>'],
    [['--seed', '--json'], 'option --seed needs a value: --seed <file.json>'],
    [['--seed='], 'option --seed needs a value: --seed <file.json>'],
    [['--json=yes'], 'option --json takes no value'],
    [['--seed', 'a', '--seed=b'], 'option --seed given twice'],
    [['--json', '--json'], 'option --json given twice'],
    [['f.js', 'g.js'], 'unexpected argument "g.js": passed-on arguments go after "--" (imessenger demo f.js -- g.js)'],
  ])('%j: %s', (argv, message) => {
    expect(refused(argv)).toBe(message);
  });

  test('a value that starts with "-" is given as --opt=-x; a negative number is a value either way', () => {
    expect(parseCommandLine(SPEC, ['--seed=-odd.json']).values.seed).toBe('-odd.json');
    expect(parseCommandLine(SPEC, ['--seed', '-1', 'f.js']).values.seed).toBe('-1');
    expect(refused(['--seed', '-x'])).toBe('option --seed needs a value: --seed <file.json>');
  });

  test('"--" is refused by a command that passes nothing on', () => {
    const spec = defineCommand({ name: 'plain', synopsis: '', options: {} });
    expect(() => parseCommandLine(spec, ['--', 'x'])).toThrow('unexpected argument "x" after "--"');
  });
});

describe('help, errors and exit codes', () => {
  test('one layout: usage, description, options (with -h, --help), sections, examples, the exit-code table', () => {
    const help = formatHelp(defineCommand({ ...SPEC, sections: [{ title: 'Notes', rows: [['a', 'the first']], text: 'More.' }], examples: ['imessenger demo f.js'] }));
    expect(help).toBe(`${[
      'Usage: imessenger demo <file> [options] [-- passed on...]',
      '',
      'A command for the tests.',
      '',
      'Options:',
      '  --seed <file.json>  A seed.',
      '  --users <a,b>       Users (repeatable).',
      '  --json              JSON.',
      '  -h, --help          Show this help.',
      '',
      'Notes:',
      '  a  the first',
      '',
      '  More.',
      '',
      'Examples:',
      '  imessenger demo f.js',
      '',
      exitCodesHelp(),
    ].join('\n')}\n`);
    expect(exitCodesHelp()).toMatch(/^Exit codes:\n  0    done/);
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  test('the table: 0, 1, 2, 124, 130, 134 and the script\'s own code', () => {
    expect(EXIT).toEqual({ OK: 0, FAILED: 1, USAGE: 2, TIMEOUT: 124, STOPPED: 130, MEMORY: 134 });
    expect(EXIT_CODES.map(([code]) => code)).toEqual(['0', '1', '2', '124', '130', '134', 'n']);
  });

  test('the error style: imessenger: <message>, and for usage errors where the help is', () => {
    expect(usageErrorText('unknown option "--x"', 'migrate copy')).toBe('imessenger: unknown option "--x"\nRun "imessenger migrate copy --help" for usage.\n');
    expect(usageErrorText('missing command', '')).toBe('imessenger: missing command\nRun "imessenger --help" for usage.\n');
  });

  test('runCommand: --help (0), a usage error (2), a failure (1), the body\'s code', async () => {
    let out = '';
    let err = '';
    const io = { stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { err += t; } } };
    expect(await runCommand(SPEC, ['--help'], io, () => 7)).toBe(0);
    expect(out).toBe(formatHelp(SPEC));
    expect(await runCommand(SPEC, ['--bogus'], io, () => 7)).toBe(2);
    expect(err).toBe('imessenger: unknown option "--bogus"\nRun "imessenger demo --help" for usage.\n');
    err = '';
    expect(await runCommand(SPEC, [], io, () => { throw new Error('the target refused'); })).toBe(1);
    expect(err).toBe('imessenger: the target refused\n');
    err = '';
    expect(await runCommand(SPEC, [], io, () => { throw new RangeError('bad file'); }, { usageErrors: (e) => e instanceof RangeError })).toBe(2);
    expect(err).toContain('Run "imessenger demo --help"');
    expect(await runCommand(SPEC, ['f.js'], io, ({ positionals }) => positionals.length + 6)).toBe(7);
  });
});

describe('the waiting line', () => {
  beforeEach(() => { jest.useFakeTimers({ now: 0 }); });
  afterEach(() => { jest.useRealTimers(); });

  const sink = (isTTY: boolean) => {
    let text = '';
    return { stream: { isTTY, write: (t: string) => { text += t; } }, get text() { return text; } };
  };

  test('not a terminal: nothing for a short wait; once after a second, then every 10 s', () => {
    const out = sink(false);
    const line = createWaitingLine({ stream: out.stream });
    line.begin('a quick answer')();
    jest.advanceTimersByTime(5_000);
    expect(out.text).toBe('');
    const done = line.begin('graph:tenant.json to sign in alice@contoso.com');
    jest.advanceTimersByTime(1_000);
    expect(out.text).toBe('waiting for graph:tenant.json to sign in alice@contoso.com (1 s)…\n');
    jest.advanceTimersByTime(9_000);
    expect(out.text.split('\n')).toHaveLength(2);
    jest.advanceTimersByTime(1_000);
    expect(out.text).toBe('waiting for graph:tenant.json to sign in alice@contoso.com (1 s)…\nwaiting for graph:tenant.json to sign in alice@contoso.com (11 s)…\n');
    done();
    jest.advanceTimersByTime(30_000);
    expect(out.text.split('\n')).toHaveLength(3);
    line.close();
  });

  test('on a terminal: drawn in place each second, erased when the wait ends; the oldest of several, and how many more', () => {
    const out = sink(true);
    const line = createWaitingLine({ stream: out.stream });
    const first = line.begin('the source');
    jest.advanceTimersByTime(500);
    const second = line.begin('the target');
    jest.advanceTimersByTime(1_600);
    expect(out.text).toBe('\rwaiting for the source (1 s)… (and 1 more)\x1b[K\rwaiting for the source (2 s)… (and 1 more)\x1b[K');
    first();
    expect(out.text.endsWith('\x1b[K')).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(out.text.endsWith('\rwaiting for the target (2 s)…\x1b[K')).toBe(true);
    second();
    expect(out.text.endsWith('\r\x1b[K')).toBe(true);
    line.close();
  });

  test('other output (a progress bar) holds the line back for a quiet second', () => {
    const out = sink(false);
    const line = createWaitingLine({ stream: out.stream });
    const done = line.begin('the target to answer');
    for (let t = 0; t < 5; t++) { jest.advanceTimersByTime(600); line.activity(); }
    expect(out.text).toBe('');
    jest.advanceTimersByTime(1_000);
    expect(out.text).toBe('waiting for the target to answer (4 s)…\n');
    done();
    line.close();
  });
});

describe('did you mean (one rule for options, configuration keys, stages and values)', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('grups', 'groups')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the closest known name, ignoring case, within a third of its length (at least two edits)', () => {
    const keys = ['tenantId', 'presencePollMs', 'signedInAtStart', 'auth'];
    expect(didYouMean('presencePollMS', keys)).toBe('presencePollMs');
    expect(didYouMean('tenantID', keys)).toBe('tenantId');
    expect(didYouMean('ath', keys)).toBe('auth');
    expect(didYouMean('zzz', keys)).toBeUndefined();
    // 15 letters: up to 5 edits; 6 is too far.
    expect(didYouMean('signedInAtStrt', keys)).toBe('signedInAtStart');
    expect(didYouMean('xxxxxdInAtStart', keys)).toBe('signedInAtStart');
    expect(didYouMean('xxxxxxInAtStart', keys)).toBeUndefined();
  });
});
