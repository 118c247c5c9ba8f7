/**
 * Issue 10, item 5: validation without holes.
 *
 * - Keys that Object.prototype has (`__proto__`, `constructor`, `toString`, `hasOwnProperty`) are
 *   unknown keys at every level of a seed and of a migration configuration, and sign-in names like
 *   them are nobody: schemas, documents and user tables are read by own property only. The
 *   documents are JSON text, as they come from files (JSON.parse makes `__proto__` an own key).
 * - A document nested 100,000 deep is refused with an error that names the limit, and the file when
 *   it was read from one (a seed via the memory backend's `seedFile`, the migration providers and
 *   `imessenger run --seed`; a configuration via loadMigrationConfig), never a stack overflow.
 * - A YAML alias bomb (billion laughs) is a MigrationConfigError naming the file.
 * - WScript.Quit converts its argument as WSH does (VariantChangeType to a 32-bit int; the rule is
 *   documented at quitCode in packages/shim/src/legacy.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { comBackend, comError } from '@imessenger/adapter-com';
import { memoryBackend, SEED_MAX_DEPTH, SeedError, validateSeed } from '@imessenger/adapter-memory';
import { parseArgs, runScript, UsageError } from '@imessenger/cli';
import { HR, type IMessengerContact } from '@imessenger/contract';
import { createMessenger } from '@imessenger/core';
import {
  CONFIG_MAX_DEPTH, differences, loadMigrationConfig, memoryProvider, MigrationConfigError, parseMigrationConfig, validateMigrationConfig,
} from '@imessenger/migration';
import { createWScript, type ShimHost } from '@imessenger/shim';

const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
const DEEP = 100_000;

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-validation-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const thrown = (f: () => unknown): unknown => {
  try { f(); } catch (error) { return error; }
  throw new Error('expected an error');
};

/** JSON text of `doc` with an own key `key` (value `{}`) added to the object at `at`. */
function withKey(doc: object, at: readonly (string | number)[], key: string): string {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const segment of at) target = target[segment] as Record<string, unknown>;
  target['__MARK__'] = 0;
  return JSON.stringify(copy).replace('"__MARK__":0', `${JSON.stringify(key)}:{}`);
}

// ---- seeds -----------------------------------------------------------------------------------------

const SEED = {
  self: { signinName: 'ann@contoso.com', phones: { work: '1' } },
  services: [{ id: 'svc', name: 'Service' }],
  contacts: [{ signinName: 'bob@contoso.com', phones: { home: '2' } }],
  directory: [{ signinName: 'carol@contoso.com' }],
  groups: [{ name: 'G', members: ['bob@contoso.com'] }],
};
const SEED_OBJECTS: readonly [readonly (string | number)[], string][] = [
  [[], '$'], [['self'], 'self'], [['self', 'phones'], 'self.phones'], [['services', 0], 'services[0]'],
  [['contacts', 0], 'contacts[0]'], [['contacts', 0, 'phones'], 'contacts[0].phones'], [['directory', 0], 'directory[0]'], [['groups', 0], 'groups[0]'],
];

describe('seed: keys of Object.prototype are unknown keys at every level (JSON text)', () => {
  test('the seed without them is valid', () => { expect(() => validateSeed(SEED)).not.toThrow(); });
  test.each(PROTO_KEYS.flatMap((key) => SEED_OBJECTS.map(([at, where]) => [key, where, at] as const)))(
    '"%s" in %s is refused', (key, where, at) => {
      const error = thrown(() => validateSeed(JSON.parse(withKey(SEED, at, key))));
      expect(error).toBeInstanceOf(SeedError);
      expect((error as SeedError).path).toBe(where);
      expect((error as SeedError).problem).toMatch(new RegExp(`^unknown key "${key}"`));
    });

  test('an object with a prototype of its own is not JSON data: refused, not read through its prototype', () => {
    const seed = Object.assign(Object.create({ contacts: [{ signinName: 'bad name' }] }) as object, { self: { signinName: 'ann@contoso.com' } });
    const error = thrown(() => validateSeed(seed));
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).message).toMatch(/plain object/);
  });
});

describe('backends: a sign-in name that Object.prototype has is nobody (own lookups in the user tables)', () => {
  const BACKENDS = [
    ['memory', (seed: unknown) => memoryBackend({ seed })],
    ['com emulator', (seed: unknown) => comBackend({ emulate: { seed } })],
  ] as const;
  test.each(BACKENDS)('%s: AddContact of __proto__, constructor, toString is MSGR_E_USER_NOT_FOUND (was E_FAIL), in OnContactListAdd', async (_name, backend) => {
    const msn = createMessenger({ backend: backend({ self: { signinName: 'ann@contoso.com' } }) });
    await msn.Signin(0, 'ann@contoso.com', '');
    // The service's answer arrives in the event; the call succeeds (docs/decisions.md, "What the service decides").
    const answers: [number, IMessengerContact][] = [];
    msn.on('OnContactListAdd', (hr, contact) => answers.push([hr, contact]));
    for (const name of ['__proto__', 'constructor', 'toString']) await msn.AddContact(0, name);
    const named = await Promise.all(answers.map(async ([hr, contact]) => [hr, await contact.get_SigninName()]));
    expect(named).toEqual(['__proto__', 'constructor', 'toString'].map((name) => [HR.MSGR_E_USER_NOT_FOUND, name]));
    msn.dispose();
  });

  test('memory: contacts named __proto__ and constructor are kept, grouped, and survive a reload from the state file', async () => {
    const stateFile = path.join(dir, 'proto-state.json');
    const seed = JSON.parse('{"signedIn":true,"self":{"signinName":"ann@contoso.com"},"contacts":[{"signinName":"__proto__","friendlyName":"Proto"},{"signinName":"constructor","friendlyName":"Con"}],"groups":[{"name":"G","members":["__proto__","constructor"]}]}') as unknown;
    const first = memoryBackend({ seed, stateFile });
    await first.otherSide.contactStatus('__proto__', 2);
    const msn = createMessenger({ backend: memoryBackend({ stateFile }) });
    const listed: string[] = [];
    for await (const c of await msn.get_MyContacts()) listed.push(`${await c.get_SigninName()}=${await c.get_FriendlyName()}/${await c.get_Status()}`);
    expect(listed).toEqual(['__proto__=Proto/2', 'constructor=Con/1']);
    msn.dispose();
  });
});

describe('seed: nested 100,000 deep is a SeedError naming the limit and the file', () => {
  const deepArrays = `{"self":{"signinName":"ann@contoso.com"},"contacts":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`;
  const deepObjects = `{"self":{"signinName":"ann@contoso.com","phones":{"home":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}}}`;

  test.each([['arrays', deepArrays, 'contacts[0]'], ['objects', deepObjects, 'self.phones.home.a']])('%s: validateSeed', (_kind, text, prefix) => {
    const error = thrown(() => validateSeed(JSON.parse(text)));
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).path.startsWith(prefix)).toBe(true);
    expect((error as SeedError).problem).toContain(`nested deeper than ${SEED_MAX_DEPTH} levels`);
  });

  test('memoryBackend({ seed, seedFile }) names the file', () => {
    const file = write('deep.seed.json', deepObjects);
    const error = thrown(() => memoryBackend({ seed: JSON.parse(fs.readFileSync(file, 'utf8')), seedFile: file }));
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).file).toBe(file);
    expect((error as SeedError).message).toContain(`Invalid seed in ${file} at self.phones.home.a`);
    expect((error as SeedError).message).toContain(`${SEED_MAX_DEPTH} levels`);
  });

  test('the migration memory provider names <user>.seed.json', async () => {
    const provider = memoryProvider({ dir: path.join(dir, 'provider') });
    fs.mkdirSync(provider.dir, { recursive: true });
    fs.writeFileSync(provider.seedFileOf('ann@contoso.com'), deepArrays);
    await expect(provider.open('ann@contoso.com')).rejects.toThrow(`Invalid seed in ${provider.seedFileOf('ann@contoso.com')} at contacts[0]`);
  });

  test('imessenger run --seed: a usage error naming the file and the limit, before the worker starts', () => {
    const seed = write('run-deep.json', deepArrays);
    const script = write('hello.js', 'WScript.Echo("hi");\n');
    const error = thrown(() => parseArgs(['run', script, '--seed', seed], {}, dir));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`--seed: ${seed} nests arrays and objects deeper than 32 levels (the limit)`);
  });

  test('imessenger run --seed: an invalid seed is a usage error naming the file, before the script starts', () => {
    const seed = write('run-bad.json', JSON.stringify({ self: { signinName: 'ann@contoso.com', status: 99 } }));
    const script = write('create.js', 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\n');
    expect(() => parseArgs(['run', script, '--seed', seed], {}, dir)).toThrow(`--seed: Invalid seed in ${seed} at self.status`);
  });

  test('a host given an invalid seed directly: reported naming the file at the first Messenger call', async () => {
    const seed = write('run-bad.json', JSON.stringify({ self: { signinName: 'ann@contoso.com', status: 99 } }));
    const script = write('create.js', 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\n');
    let err = '';
    const doc: unknown = JSON.parse(fs.readFileSync(seed, 'utf8'));
    const code = await runScript({ file: script, backend: { kind: 'memory', seed: doc, seedFile: seed }, stderr: (t) => { err += t; } });
    expect(code).toBe(1);
    expect(err).toContain(`Invalid seed in ${seed} at self.status`);
  });
});

// ---- migration configuration -------------------------------------------------------------------------

const CONFIG = {
  old: 'com', new: 'graph', cohort: { users: ['a@contoso.com'] },
  capabilities: { groups: { route: 'new', cohort: { percent: 10 } } },
  shadow: { statuses: 'exact' }, dualWrite: {}, stages: [{ name: 's1', capabilities: { presence: 'new' } }], stage: 's1',
};
const CONFIG_OBJECTS: readonly [readonly (string | number)[], string][] = [
  [[], ''], [['cohort'], 'cohort.'], [['capabilities'], 'capabilities.'], [['capabilities', 'groups'], 'capabilities.groups.'],
  [['capabilities', 'groups', 'cohort'], 'capabilities.groups.cohort.'], [['shadow'], 'shadow.'], [['dualWrite'], 'dualWrite.'],
  [['stages', 0], 'stages[0].'], [['stages', 0, 'capabilities'], 'stages[0].capabilities.'],
];

describe('migration config: keys of Object.prototype are unknown at every level; only own keys are read', () => {
  test('the config without them is valid', () => { expect(() => parseMigrationConfig(JSON.stringify(CONFIG), 'c.json', 'json')).not.toThrow(); });
  test.each(PROTO_KEYS.flatMap((key) => CONFIG_OBJECTS.map(([at, where]) => [key, where || 'the top level', where, at] as const)))(
    '"%s" in %s is refused (JSON and YAML text)', (key, _label, where, at) => {
      const json = withKey(CONFIG, at, key);
      for (const [text, format] of [[json, 'json'], [json, 'yaml']] as const) { // JSON text is YAML too
        const error = thrown(() => parseMigrationConfig(text, 'c', format));
        expect(error).toBeInstanceOf(MigrationConfigError);
        expect((error as MigrationConfigError).path).toBe(`${where}${key}`);
      }
    });

  test('an object with a prototype of its own is refused, not read through its prototype', () => {
    const config = Object.create({ old: 'com', new: 'graph' }) as object;
    const error = thrown(() => validateMigrationConfig(config));
    expect(error).toBeInstanceOf(MigrationConfigError);
    expect((error as MigrationConfigError).problem).toMatch(/plain object/);
  });

  test('a polluted Object.prototype does not leak into the validated config', () => {
    Object.defineProperty(Object.prototype, 'stage', { value: 'ghost', configurable: true, writable: true });
    try {
      const config = validateMigrationConfig({ old: 'com', new: 'graph' });
      expect(Object.hasOwn(config, 'stage')).toBe(false);
    } finally {
      delete (Object.prototype as { stage?: unknown }).stage;
    }
  });
});

describe('migration config files: alias bombs and deep nesting are errors naming the file', () => {
  test('a billion-laughs YAML document', () => {
    const lines = ['old: com', 'new: graph', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const [previous, current] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      lines.push(`${current}: &${current} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const file = write('bomb.yaml', `${lines.join('\n')}\n`);
    const error = thrown(() => loadMigrationConfig(file));
    expect(error).toBeInstanceOf(MigrationConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}: .*not valid YAML: Excessive alias count.*maxAliasCount of 100`));
  });

  test.each([
    ['block maps, one space deeper each line', 'deep-block.yaml', `old: com\nnew: graph\ncohort:\n${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n`],
    ['flow lists', 'deep-flow.yaml', `old: com\nnew: graph\ncohort: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`],
    ['JSON', 'deep.json', `{"old":"com","new":"graph","cohort":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`],
  ])('%s: refused with the limit, and the next configuration still parses', (_kind, name, text) => {
    const file = write(name, text);
    const error = thrown(() => loadMigrationConfig(file));
    expect(error).toBeInstanceOf(MigrationConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:\\d+:\\d+: .*nested deeper than ${CONFIG_MAX_DEPTH} levels`));
    // A stack overflow inside the YAML composer could leave V8 unable to compile yaml's regular
    // expressions, and the next parse aborted the process (out of memory in the RegExp compiler).
    expect(parseMigrationConfig('old: com\nnew: graph\ndescription: "a\n  b"\n', 'ok.yaml', 'yaml')).toMatchObject({ description: 'a b' });
    expect(() => loadMigrationConfig(write(`after-${name}.json`, JSON.stringify({ old: 'com', new: 'graph', cohort: [] })))).toThrow(/cohort: expected an object/);
  });
});

// ---- other lookups by a user's key -----------------------------------------------------------------

describe('other lookups by a key that comes from data', () => {
  test('shadow differences: a user named "constructor" on one side only is onlyInPrimary, not "changed"', () => {
    expect(differences({ constructor: { status: 'online' } }, {})).toEqual([{ path: 'constructor', kind: 'onlyInPrimary', value: { status: 'online' } }]);
    expect(differences({}, { toString: { status: 'away' } })).toEqual([{ path: 'toString', kind: 'onlyInSecondary', value: { status: 'away' } }]);
  });

  test('comError: a winax TypeError whose message is "constructor" is E_FAIL, not S_OK', () => {
    expect(comError(new TypeError('constructor')).code).toBe('E_FAIL');
  });
});

// ---- WScript.Quit ------------------------------------------------------------------------------------

describe('WScript.Quit converts its argument as WSH does (VariantChangeType to a 32-bit int)', () => {
  class Exit { constructor(readonly code: number) {} }
  const WScript = createWScript({} as ShimHost, { onQuit: (code) => { throw new Exit(code); } });
  const quit = (...args: unknown[]): number | string => {
    try {
      (WScript.Quit as (...a: unknown[]) => never)(...args);
    } catch (e) {
      if (e instanceof Exit) return e.code;
      const error = e as { number: number; message: string };
      return `${error.message} (0x${(error.number >>> 0).toString(16).toUpperCase()})`;
    }
    throw new Error('Quit returned');
  };
  const TYPE_MISMATCH = 'Type mismatch (0x800A000D)';
  const OVERFLOW = 'Overflow (0x800A0006)';
  test.each<[string, unknown[], number | string]>([
    ['Quit()', [], 0],
    ['Quit(undefined)', [undefined], 0],
    ['Quit(3)', [3], 3],
    ['Quit(-1)', [-1], -1],
    ['Quit(2.7)', [2.7], 3],
    ['Quit(2.5): half to even', [2.5], 2],
    ['Quit(3.5): half to even', [3.5], 4],
    ['Quit(-2.5): half to even', [-2.5], -2],
    ['Quit(-0.4)', [-0.4], 0],
    ['Quit(2147483647)', [2147483647], 2147483647],
    ['Quit(-2147483648)', [-2147483648], -2147483648],
    ['Quit(2147483648)', [2147483648], OVERFLOW],
    ['Quit(1e12)', [1e12], OVERFLOW],
    ['Quit(NaN)', [NaN], OVERFLOW],
    ['Quit(Infinity)', [Infinity], OVERFLOW],
    ['Quit(true)', [true], -1],
    ['Quit(false)', [false], 0],
    ['Quit("7")', ['7'], 7],
    ['Quit(" 2.5 ")', [' 2.5 '], 2],
    ['Quit("1e3")', ['1e3'], 1000],
    ['Quit("abc")', ['abc'], TYPE_MISMATCH],
    ['Quit("")', [''], TYPE_MISMATCH],
    ['Quit("0x10")', ['0x10'], TYPE_MISMATCH],
    ['Quit(null)', [null], TYPE_MISMATCH],
    ['Quit({})', [{}], TYPE_MISMATCH],
    ['Quit([5])', [[5]], 5],
    ['Quit(new Number(4))', [Object(4)], 4],
    ['Quit(1, 2)', [1, 2], 'Wrong number of arguments or invalid property assignment (0x800A01C2)'],
  ])('%s', (_call, args, expected) => {
    expect(quit(...args)).toBe(expected);
  });
});
