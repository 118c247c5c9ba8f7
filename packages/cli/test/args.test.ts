import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLED_SEED_PATH, parseArgs, USAGE, UsageError } from '../src/args';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-args-'));
const script = path.join(dir, 'hello.js');
const seed = path.join(dir, 'seed.json');
const badSeed = path.join(dir, 'bad.json');
const graphFile = path.join(dir, 'graph.json');
fs.writeFileSync(script, 'WScript.Echo("hi");\n');
fs.writeFileSync(seed, JSON.stringify({ self: { signinName: 'zed@example.com' } }));
fs.writeFileSync(badSeed, '{ "self": ');
const TENANT = '00000000-0000-4000-8000-000000000001';
fs.writeFileSync(graphFile, JSON.stringify({
  tenantId: TENANT, auth: { type: 'access-token', accessToken: 'tok', username: 'ann@contoso.com' }, baseUrl: 'http://127.0.0.1:1/v1.0', presencePollMs: 500,
}));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const parse = (argv: string[], env: Record<string, string> = {}): ReturnType<typeof parseArgs> => parseArgs(argv, env, dir);
const usageError = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parse(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as UsageError).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('runs a script on the memory backend with the bundled seed by default', () => {
    const command = parse(['run', 'hello.js']);
    expect(command).toEqual({
      command: 'run', file: script, args: [],
      backend: { kind: 'memory', seed: JSON.parse(fs.readFileSync(BUNDLED_SEED_PATH, 'utf8')), seedFile: BUNDLED_SEED_PATH },
    });
  });

  it('passes everything after -- to the script, options included', () => {
    const command = parse(['run', 'hello.js', '--', '/online', '--backend', 'x']);
    expect(command.command === 'run' && command.args).toEqual(['/online', '--backend', 'x']);
  });

  it('takes --seed and --state for memory, in both option spellings', () => {
    const command = parse(['run', '--seed', 'seed.json', 'hello.js', '--state=state.json']);
    expect(command.command === 'run' && command.backend).toEqual({
      kind: 'memory', seed: { self: { signinName: 'zed@example.com' } }, seedFile: path.join(dir, 'seed.json'), stateFile: path.join(dir, 'state.json'),
    });
  });

  it('emulates COM away from Windows', () => {
    const command = parse(['run', 'hello.js', '--backend', 'com', '--seed', seed]);
    expect(command.command === 'run' && command.backend).toEqual({
      kind: 'com', emulate: process.platform !== 'win32', seed: { self: { signinName: 'zed@example.com' } },
    });
  });

  it('reads the graph configuration from --graph-config (the adapter\'s loader), the environment over it', () => {
    const command = parse(['run', 'hello.js', '--backend=graph', '--graph-config', 'graph.json'], { IMESSENGER_GRAPH_PRESENCE_POLL_MS: '250' });
    expect(command.command === 'run' && command.backend).toEqual({
      kind: 'graph', tenantId: TENANT,
      settings: {
        tenantId: TENANT, auth: { type: 'access-token', accessToken: 'tok', username: 'ann@contoso.com' }, baseUrl: 'http://127.0.0.1:1/v1.0',
        presencePollMs: 250, source: graphFile,
      },
    });
  });

  it('reads the graph configuration from IMESSENGER_GRAPH_* alone; a tenant may be a domain', () => {
    const command = parse(['run', 'hello.js', '--backend', 'graph'], {
      IMESSENGER_GRAPH_TENANT_ID: 'contoso.onmicrosoft.com', IMESSENGER_GRAPH_CLIENT_ID: 'client', IMESSENGER_GRAPH_CACHE_FILE: '/tmp/cache.json',
      IMESSENGER_GRAPH_SIGNED_IN_AT_START: 'false', IMESSENGER_GRAPH_STATUS_POLICY: 'nearest',
    });
    expect(command.command === 'run' && command.backend).toEqual({
      kind: 'graph', tenantId: 'contoso.onmicrosoft.com',
      settings: {
        tenantId: 'contoso.onmicrosoft.com', auth: { type: 'device-code', clientId: 'client', cacheFile: '/tmp/cache.json' },
        signedInAtStart: false, statusPolicy: 'nearest', source: 'the environment (IMESSENGER_GRAPH_*)',
      },
    });
  });

  it('refuses a bad graph configuration before the script starts, naming the file or variable and the key', () => {
    const file = path.join(dir, 'graph-bad.json');
    const refused = (doc: unknown, env: Record<string, string> = {}): string => {
      fs.writeFileSync(file, JSON.stringify(doc));
      return usageError(['run', 'hello.js', '--backend', 'graph', '--graph-config', file], env);
    };
    expect(refused({ tenantId: 'contoso', auth: 'device-code' })).toBe(`--graph-config: ${file}: "tenantId": "contoso" is neither a tenant id (a GUID) nor a domain (contoso.onmicrosoft.com)`);
    expect(refused({ tenantId: TENANT, auth: { type: 'device-code', clientID: 'c' } })).toMatch(/"auth.clientID": unknown key: did you mean "clientId"\?/);
    expect(refused({ tenantId: TENANT, auth: { type: 'device-code', clientId: 'c' }, signedInAtStart: 'false' })).toBe(`--graph-config: ${file}: "signedInAtStart": expected true or false, got string "false"`);
    expect(refused({ tenantId: TENANT, auth: 'device-code' }, { IMESSENGER_GRAPH_CLIENT_ID: 'c', IMESSENGER_GRAPH_STATUS_POLICY: 'closest' }))
      .toBe('--graph-config: IMESSENGER_GRAPH_STATUS_POLICY: expected "strict" or "nearest", got "closest"');
    expect(refused({ tenantId: TENANT, auth: { type: 'tokens', tokensFile: 't.json' } })).toMatch(/"auth.type": "tokens" holds a token per user/);
    expect(refused({ tenantId: TENANT, auth: { type: 'client-credentials', clientId: 'c', clientSecret: 's' } })).toMatch(/"auth.actAs": is required/);
  });

  it('builds a routing backend: the config file, each side from its seed or state (or the backend the config names), the user, the mismatch file', () => {
    const plan = path.join(dir, 'plan.yaml');
    fs.writeFileSync(plan, 'old: com\nnew: memory\ncohort: { percent: 10 }\ncapabilities: { groups: new }\nstages: [{ name: two, cohort: { percent: 100 } }]\n');
    const command = parse(['run', 'hello.js', '--backend', 'routing', '--config', 'plan.yaml', '--stage=two', '--user', 'oscar@contoso.com',
      '--mismatches', 'out/m.jsonl', '--new-seed', 'seed.json', '--new-state', 'new-state.json']);
    expect(command.command === 'run' && command.backend).toEqual({
      kind: 'routing', config: plan, stage: 'two', user: 'oscar@contoso.com', mismatches: path.join(dir, 'out', 'm.jsonl'),
      old: { kind: 'com', emulate: process.platform !== 'win32', seed: JSON.parse(fs.readFileSync(BUNDLED_SEED_PATH, 'utf8')) },
      new: { kind: 'memory', seed: { self: { signinName: 'zed@example.com' } }, seedFile: seed, stateFile: path.join(dir, 'new-state.json') },
    });
  });

  it('answers --help, -h and help with the usage', () => {
    expect(parse(['--help'])).toEqual({ command: 'help', of: '' });
    expect(parse(['run', 'hello.js', '-h'])).toEqual({ command: 'help', of: 'run' });
    expect(parse(['help'])).toEqual({ command: 'help', of: '' });
    expect(parse(['help', 'run'])).toEqual({ command: 'help', of: 'run' });
    expect(USAGE).toContain('imessenger run <script.js>');
    expect(USAGE).toContain('IMESSENGER_GRAPH_TENANT_ID');
  });

  it.each<[string, string[], RegExp]>([
    ['no command', [], /missing command/],
    ['an unknown command', ['exec', 'hello.js'], /unknown command "exec"/],
    ['an unknown option', ['run', 'hello.js', '--verbose'], /unknown option "--verbose"/],
    ['an unknown option before the command', ['--verbose'], /unknown option "--verbose"/],
    ['no script', ['run'], /missing script/],
    ['no script, only options', ['run', '--backend', 'memory'], /missing script/],
    ['a script that does not exist', ['run', 'nope.js'], /cannot read script .*nope\.js/],
    ['a second positional argument', ['run', 'hello.js', 'extra'], /unexpected argument "extra": script arguments go after "--"/],
    ['a bad --backend', ['run', 'hello.js', '--backend', 'msnp'], /bad --backend value "msnp": expected one of memory, com, graph/],
    ['an option without its value', ['run', 'hello.js', '--backend'], /option --backend needs a value/],
    ['an option followed by another option', ['run', 'hello.js', '--seed', '--state', 'x'], /option --seed needs a value/],
    ['an option twice', ['run', 'hello.js', '--seed', 'seed.json', '--seed=seed.json'], /given twice/],
    ['--seed on graph', ['run', 'hello.js', '--backend', 'graph', '--seed', 'seed.json'], /--seed applies to --backend memory or com, not graph/],
    ['--state on com', ['run', 'hello.js', '--backend', 'com', '--state', 's.json'], /--state applies to --backend memory, not com/],
    ['--graph-config on memory', ['run', 'hello.js', '--graph-config', 'graph.json'], /--graph-config applies to --backend graph/],
  ])('refuses %s', (_, argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it('names the seed file it cannot read', () => {
    expect(usageError(['run', 'hello.js', '--seed', 'missing.json'])).toBe(`--seed: cannot read ${path.join(dir, 'missing.json')}: ENOENT`);
  });

  it('names the seed file that is not JSON', () => {
    expect(usageError(['run', 'hello.js', '--seed', 'bad.json'])).toMatch(new RegExp(`^--seed: ${badSeed.replace(/[.\\]/g, '\\$&')} is not valid JSON: `));
  });

  it('says what the graph backend is missing', () => {
    expect(usageError(['run', 'hello.js', '--backend', 'graph'])).toMatch(/^--graph-config: the environment \(IMESSENGER_GRAPH_\*\): "tenantId": is required \(or IMESSENGER_GRAPH_TENANT_ID\)/);
    expect(usageError(['run', 'hello.js', '--backend', 'graph'], { IMESSENGER_GRAPH_TENANT_ID: TENANT })).toMatch(/"auth": is required \(or IMESSENGER_GRAPH_AUTH \/ IMESSENGER_GRAPH_CLIENT_ID\)/);
    expect(usageError(['run', 'hello.js', '--backend', 'graph'], { IMESSENGER_GRAPH_TENANT_ID: TENANT, IMESSENGER_GRAPH_ACCESS_TOKEN: 'x' })).toMatch(/"auth.username": is required for "type": "access-token"/);
    expect(usageError(['run', 'hello.js', '--backend', 'graph'], { IMESSENGER_GRAPH_TENANT_ID: TENANT, IMESSENGER_GRAPH_CLIENT_ID: 'c', IMESSENGER_GRAPH_PRESENCE_POLL_MS: 'soon' }))
      .toBe('--graph-config: IMESSENGER_GRAPH_PRESENCE_POLL_MS: expected a whole number, got "soon"');
  });

  it('refuses a seed that fails the seed schema before the script starts (it was a runtime error at the first Messenger call)', () => {
    const wrong = path.join(dir, 'wrong-seed.json');
    fs.writeFileSync(wrong, JSON.stringify({ users: [] }));
    expect(usageError(['run', 'hello.js', '--seed', wrong])).toBe(`--seed: Invalid seed in ${wrong} at $: missing required key "self"`);
    expect(usageError(['run', 'hello.js', '--backend', 'com', '--seed', wrong])).toMatch(/^--seed: Invalid seed in/);
  });
});
