/**
 * The migration config: JSON and YAML files and objects from code, validated with errors that name
 * the key path, the problem and (in a file) the line; routes per user and capability; stages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type MigrationConfig, MigrationConfigError, backendsUsed, loadMigrationConfig, routeFor, routesFor, validateMigrationConfig, withStage,
} from '../src/index-routing';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-config-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
const write = (name: string, text: string): string => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };

function refused(load: () => unknown): MigrationConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof MigrationConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const YAML_OK = `# groups first, for the pilot users and 10% of everyone
old: com
new: graph
cohort:
  users: [ann@contoso.com]
  percent: 10
capabilities:
  groups: { route: new }
  presence:
    route: old
    mode: shadow
shadow:
  mismatches: ./out/mismatches.jsonl
  ignoreFields: [canPage, phones]
dualWrite:
  queue: queue-{user}.jsonl
`;

describe('loading', () => {
  test('a YAML file: values, and relative paths resolved against the file\'s folder', () => {
    const config = loadMigrationConfig(write('ok.yaml', YAML_OK));
    expect(config.old).toBe('com');
    expect(config.cohort).toEqual({ users: ['ann@contoso.com'], percent: 10 });
    expect(config.capabilities).toEqual({ groups: { route: 'new' }, presence: { route: 'old', mode: 'shadow' } });
    expect(config.shadow).toEqual({ mismatches: path.join(dir, 'out', 'mismatches.jsonl'), ignoreFields: ['canPage', 'phones'] });
    expect(config.dualWrite).toEqual({ queue: path.join(dir, 'queue-{user}.jsonl') });
  });

  test('a JSON file gives the same configuration', () => {
    const json = write('ok.json', JSON.stringify({
      old: 'com', new: 'graph', cohort: { users: ['ann@contoso.com'], percent: 10 },
      capabilities: { groups: { route: 'new' }, presence: { route: 'old', mode: 'shadow' } },
    }, null, 2));
    const yaml = loadMigrationConfig(write('same.yml', YAML_OK.split('shadow:\n  mismatches')[0]!));
    expect(loadMigrationConfig(json)).toEqual(yaml);
  });

  test('the shorthand `groups: new` and backend names as routes', () => {
    const config = validateMigrationConfig({ old: 'com', new: 'graph', cohort: { percent: 5 }, capabilities: { groups: 'new', presence: { route: 'graph' }, mail: { route: 'COM' } } });
    expect(config.capabilities).toEqual({ groups: { route: 'new' }, presence: { route: 'new' }, mail: { route: 'old' } });
  });
});

describe('errors name the bad key', () => {
  test('an unknown capability in JSON: path, allowed values, a suggestion and the line', () => {
    const file = write('bad.json', '{\n  "old": "com",\n  "new": "graph",\n  "cohort": { "percent": 10 },\n  "capabilities": {\n    "grups": { "route": "new" }\n  }\n}\n');
    const error = refused(() => loadMigrationConfig(file));
    expect(error.path).toBe('capabilities.grups');
    expect(error.message).toBe(`${file}:6:5: capabilities.grups: unknown capability (allowed: session, directory, presence, groups, conversations, mail, preferences, shell); did you mean "groups"?`);
  });

  test('an unknown capability in YAML', () => {
    const file = write('bad.yaml', 'old: com\nnew: graph\ncohort:\n  percent: 10\ncapabilities:\n  grups: new\n');
    const error = refused(() => loadMigrationConfig(file));
    expect(error.message).toMatch(/bad\.yaml:6:3: capabilities\.grups: unknown capability \(allowed: session, directory, .*\); did you mean "groups"\?$/);
    expect([error.line, error.column]).toEqual([6, 3]);
  });

  test('cohort.percent out of range, in both formats', () => {
    const yaml = refused(() => loadMigrationConfig(write('pct.yaml', 'old: com\nnew: graph\ncohort:\n  percent: 150\n')));
    expect(yaml.path).toBe('cohort.percent');
    expect(yaml.message).toContain('pct.yaml:4:3: cohort.percent: must be 0..100, got 150');
    const json = refused(() => loadMigrationConfig(write('pct.json', '{"old":"com","new":"graph","cohort":{"percent":-1}}')));
    expect(json.message).toContain('cohort.percent: must be 0..100, got -1');
  });

  test.each<[string, unknown, string]>([
    ['missing name', { new: 'graph', cohort: {} }, 'old: required: the legacy backend\'s name (e.g. "com")'],
    ['unknown top-level key', { old: 'com', new: 'graph', cohorts: {} }, 'cohorts: unknown key (allowed: old, new, description, default, cohort, capabilities, shadow, dualWrite, stages, stage); did you mean "cohort"?'],
    ['bad route', { old: 'com', new: 'graph', cohort: {}, capabilities: { groups: { route: 'teams' } } }, 'capabilities.groups.route: must be "old" or "new" (or the backend names "com" / "graph"), got "teams"'],
    ['bad mode', { old: 'com', new: 'graph', cohort: {}, capabilities: { groups: { mode: 'mirror' } } }, 'capabilities.groups.mode: must be one of route, shadow, dual-write, got "mirror"'],
    ['mode a capability cannot have', { old: 'com', new: 'graph', cohort: {}, capabilities: { conversations: { mode: 'dual-write' } } }, 'capabilities.conversations.mode: "dual-write" is not available for conversations (available: route)'],
    ['mail has reads but no writes', { old: 'com', new: 'graph', cohort: {}, capabilities: { mail: { mode: 'dual-write' } } }, 'capabilities.mail.mode: "dual-write" is not available for mail (available: route, shadow)'],
    ['events are not routed', { old: 'com', new: 'graph', cohort: {}, capabilities: { events: 'new' } }, 'capabilities.events: events are not routed on their own'],
    ['a bad user', { old: 'com', new: 'graph', cohort: { users: ['ann@contoso.com', 'two words'] } }, 'cohort.users[1]: must be a sign-in name without spaces, got "two words"'],
    ['no cohort for a route', { old: 'com', new: 'graph', capabilities: { groups: 'new' } }, 'cohort: required: say who takes the routes of groups'],
    ['unknown ignored field', { old: 'com', new: 'graph', shadow: { ignoreFields: ['pager'] } }, 'shadow.ignoreFields[0]: unknown contact field "pager" (allowed: friendlyName, status, blocked, canPage, phones, email)'],
    ['unknown stage', { old: 'com', new: 'graph', stages: [{ name: 'one', cohort: {} }], stage: 'two' }, 'stage: no stage named "two" (stages: one)'],
    ['duplicate stage', { old: 'com', new: 'graph', stages: [{ name: 'one' }, { name: 'one' }] }, 'stages[1].name: a stage named "one" exists already'],
    ['a stage without a cohort', { old: 'com', new: 'graph', stages: [{ name: 'one', capabilities: { groups: 'new' } }] }, 'stages[0].cohort: required'],
  ])('%s', (_, doc, message) => {
    expect(refused(() => validateMigrationConfig(doc)).message).toContain(message);
  });

  test('YAML that does not parse says where', () => {
    const error = refused(() => loadMigrationConfig(write('syntax.yaml', 'old: com\nnew: [graph\n')));
    expect(error.message).toMatch(/syntax\.yaml:\d+:\d+: \(top level\): not valid YAML/);
  });

  test('a file type it cannot read', () => {
    expect(refused(() => loadMigrationConfig(write('c.toml', ''))).message).toContain('unsupported file type ".toml"');
  });
});

describe('routes', () => {
  const config: MigrationConfig = {
    old: 'com', new: 'graph', cohort: { users: ['ann@contoso.com'] },
    capabilities: { groups: { route: 'new' }, presence: { route: 'old', mode: 'shadow' }, directory: { mode: 'dual-write', cohort: { percent: 100 } } },
  };

  test('in the cohort: the capability\'s route and mode; the secondary for shadow and dual-write', () => {
    expect(routeFor(config, 'ANN@contoso.com', 'groups')).toEqual({ backend: 'new', mode: 'route', inCohort: true });
    expect(routeFor(config, 'ann@contoso.com', 'presence')).toEqual({ backend: 'old', mode: 'shadow', secondary: 'new', inCohort: true });
    expect(routeFor(config, 'ann@contoso.com', 'mail')).toEqual({ backend: 'old', mode: 'route', inCohort: false });
  });

  test('outside the cohort: default backend, route mode; a capability\'s own cohort decides for it', () => {
    expect(routeFor(config, 'bob@contoso.com', 'groups')).toEqual({ backend: 'old', mode: 'route', inCohort: false });
    expect(routeFor(config, 'bob@contoso.com', 'directory')).toEqual({ backend: 'new', mode: 'dual-write', secondary: 'old', inCohort: true });
    expect(routeFor(config, undefined, 'groups').backend).toBe('old');
  });

  test('default new: everything not listed, and everyone outside, goes to new', () => {
    const after = validateMigrationConfig({ ...config, default: 'new' });
    expect(routeFor(after, 'bob@contoso.com', 'mail').backend).toBe('new');
    expect(routeFor(after, 'ann@contoso.com', 'presence').backend).toBe('old');
  });

  test('backendsUsed counts secondaries; a user on old only uses old', () => {
    expect(backendsUsed(routesFor(config, 'ann@contoso.com')).sort()).toEqual(['new', 'old']);
    expect(backendsUsed(routesFor({ ...config, capabilities: { groups: 'new' } } as MigrationConfig, 'bob@contoso.com'))).toEqual(['old']);
  });

  test('stages: one file, the active stage replaces cohort and capabilities', () => {
    const plan = validateMigrationConfig({
      old: 'com', new: 'graph',
      stages: [
        { name: 'groups-10', cohort: { percent: 10 }, capabilities: { groups: 'new' } },
        { name: 'groups-100', cohort: { percent: 100 }, capabilities: { groups: 'new' } },
        { name: 'groups-presence-100', cohort: { percent: 100 }, capabilities: { groups: 'new', presence: 'new' } },
      ],
      stage: 'groups-10',
    });
    const walter = 'walter@contoso.com'; // bucket 1113: out at 10%
    expect(routeFor(plan, walter, 'groups').backend).toBe('old');
    expect(routeFor(withStage(plan, 'groups-100'), walter, 'groups').backend).toBe('new');
    expect(routeFor(withStage(plan, 'groups-100'), walter, 'presence').backend).toBe('old');
    expect(routeFor(withStage(plan, 'groups-presence-100'), walter, 'presence').backend).toBe('new');
    expect(() => withStage(plan, 'groups-50')).toThrow('stage: no stage named "groups-50"');
  });
});
