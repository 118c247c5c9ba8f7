/**
 * The migration configuration: which capability is served by which backend, in which mode, for
 * which users. Written in code or in a JSON/YAML file; either way it is validated before use, and a
 * bad document is refused with an error naming the key path and the problem
 * (`capabilities.grups: unknown capability (allowed: …)`), plus the line in a file.
 *
 * Semantics (one rule, applied per capability):
 * - a user in the capability's cohort is served from the capability's `route` (default "new") in
 *   its `mode` (default "route");
 * - everyone else, and every capability the config does not list, is served from `default`
 *   (default "old") in mode "route".
 * A plan of successive steps is either one file per step, or one file with `stages` and `stage`
 * naming the active one (a stage replaces `default`, `cohort` and `capabilities`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lexer, LineCounter, Parser, isMap, isSeq, parseDocument } from 'yaml';
import { type Cohort, inCohort } from './cohort';
import { MODES, type Mode, ROUTABLE_CAPABILITIES, type RoutableCapability, modesFor } from './routing-methods';
import { didYouMean } from '@imessenger/command-line';

export type Side = 'old' | 'new';
export type { Mode, RoutableCapability } from './routing-methods';

export interface CapabilityRoute {
  /** Where users in the cohort are served from (default "new"). The backend's name (`old`/`new` value) is accepted too. */
  readonly route?: Side;
  /** route: the route's backend only; shadow: plus compared reads on the other; dual-write: plus writes on the other. Default "route". */
  readonly mode?: Mode;
  /** Who takes this route, instead of the config's cohort. */
  readonly cohort?: Cohort;
}

export type CapabilityRoutes = { readonly [C in RoutableCapability]?: CapabilityRoute };

export interface ShadowSettings {
  /** JSON-lines file the mismatches are appended to (relative to the config file). Default: kept in memory. */
  readonly mismatches?: string;
  /** Contact fields left out of the comparison (e.g. canPage and phones when the new backend has no paging). */
  readonly ignoreFields?: readonly ContactField[];
  /** canonical (default): statuses compare by class (busy = on the phone = in a meeting); exact: by MISTATUS value. */
  readonly statuses?: 'canonical' | 'exact';
}

export interface DualWriteSettings {
  /** Durable JSON-lines retry queue (relative to the config file; `{user}` becomes the sign-in name). Default: in memory. */
  readonly queue?: string;
}

export interface MigrationStage {
  readonly name: string;
  readonly description?: string;
  readonly default?: Side;
  readonly cohort?: Cohort;
  readonly capabilities?: CapabilityRoutes;
}

export interface MigrationConfig {
  /** The legacy backend's name, for printing (e.g. "com"). */
  readonly old: string;
  /** The new backend's name, for printing (e.g. "graph"). */
  readonly new: string;
  readonly description?: string;
  /** Where users outside the cohort, and capabilities not listed, are served from (default "old"). */
  readonly default?: Side;
  /** Who takes the routes listed in `capabilities`. */
  readonly cohort?: Cohort;
  readonly capabilities?: CapabilityRoutes;
  readonly shadow?: ShadowSettings;
  readonly dualWrite?: DualWriteSettings;
  /** Successive steps of the plan; `stage` names the active one. */
  readonly stages?: readonly MigrationStage[];
  readonly stage?: string;
}

export const CONTACT_FIELDS = ['friendlyName', 'status', 'blocked', 'canPage', 'phones', 'email'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** A refused configuration: `path` names the bad key (`capabilities.grups`, `cohort.percent`, `stages[1].cohort.users[0]`). */
export class MigrationConfigError extends Error {
  override readonly name = 'MigrationConfigError';
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly source?: string,
    readonly line?: number,
    readonly column?: number,
    /** The path as segments (for locating it in a file). */
    readonly segments: readonly (string | number)[] = [],
  ) {
    const where = source ? `${source}${line ? `:${line}:${column ?? 1}` : ''}: ` : '';
    super(`${where}${path || '(top level)'}: ${problem}`);
  }
}

// ---- validation ------------------------------------------------------------------------------------

type Segments = readonly (string | number)[];
const pathText = (segments: Segments): string =>
  segments.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');
const fail = (segments: Segments, problem: string): never => { throw new MigrationConfigError(pathText(segments), problem, undefined, undefined, undefined, segments); };
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A plain object whose own keys are all allowed, returned as a copy without a prototype: every later
 * read (`obj.cohort`, `obj[capability]`) sees own properties only, whatever Object.prototype holds.
 * A class instance or an object with a prototype of its own could answer keys it does not own, so
 * it is refused like any other non-JSON value.
 */
function objectAt(value: unknown, at: Segments, allowed: readonly string[], what = 'key'): Record<string, unknown> {
  if (!isRecord(value)) return fail(at, `expected an object, got ${describe(value)}`);
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) fail(at, 'expected a plain object (JSON data), got an object with a prototype of its own');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail([...at, key], `unknown ${what} (allowed: ${allowed.join(', ')})${suggest(key, allowed)}`);
  }
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

function stringAt(value: unknown, at: Segments, what: string): string {
  if (value === undefined) return fail(at, `required: ${what}`);
  if (typeof value !== 'string' || value.trim() === '') return fail(at, `must be ${what}, got ${describe(value)}`);
  return value;
}

/** A "did you mean" for a near-miss key. */
function suggest(key: string, allowed: readonly string[]): string {
  const near = didYouMean(key, allowed);
  return near ? `; did you mean "${near}"?` : '';
}

function sideAt(value: unknown, at: Segments, names: { old: string; new: string }): Side {
  if (value === 'old' || value === 'new') return value;
  if (typeof value === 'string' && value.toLowerCase() === names.new.toLowerCase()) return 'new';
  if (typeof value === 'string' && value.toLowerCase() === names.old.toLowerCase()) return 'old';
  return fail(at, `must be "old" or "new" (or the backend names "${names.old}" / "${names.new}"), got ${describe(value)}`);
}

function cohortAt(value: unknown, at: Segments): Cohort {
  const obj = objectAt(value, at, ['users', 'percent']);
  const cohort: { users?: string[]; percent?: number } = {};
  if (obj.users !== undefined) {
    if (!Array.isArray(obj.users)) fail([...at, 'users'], `expected a list of sign-in names, got ${describe(obj.users)}`);
    cohort.users = (obj.users as unknown[]).map((u, i) => {
      if (typeof u !== 'string' || !/^\S+$/.test(u)) return fail([...at, 'users', i], `must be a sign-in name without spaces, got ${describe(u)}`);
      return u;
    });
  }
  if (obj.percent !== undefined) {
    const p = obj.percent;
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) fail([...at, 'percent'], `must be 0..100, got ${describe(p)}`);
    cohort.percent = p as number;
  }
  return cohort;
}

function capabilitiesAt(value: unknown, at: Segments, names: { old: string; new: string }): CapabilityRoutes {
  if (isRecord(value) && Object.hasOwn(value, 'events')) {
    fail([...at, 'events'], 'events are not routed on their own: each event comes from the backend that serves its capability (contact status from presence, list changes from directory, …)');
  }
  const obj = objectAt(value, at, ROUTABLE_CAPABILITIES, 'capability');
  const routes: Partial<Record<RoutableCapability, CapabilityRoute>> = {};
  for (const capability of ROUTABLE_CAPABILITIES) {
    const raw = obj[capability];
    if (raw === undefined) continue;
    const where = [...at, capability];
    // Shorthand: `groups: new` means `groups: { route: new }`.
    const entry = typeof raw === 'string' ? { route: raw } : objectAt(raw, where, ['route', 'mode', 'cohort']);
    const route: { route?: Side; mode?: Mode; cohort?: Cohort } = {};
    if (entry.route !== undefined) route.route = sideAt(entry.route, typeof raw === 'string' ? where : [...where, 'route'], names);
    if (entry.mode !== undefined) {
      const mode = entry.mode;
      if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
        fail([...where, 'mode'], `must be one of ${MODES.join(', ')}, got ${describe(mode)}`);
      }
      if (!modesFor(capability).includes(mode as Mode)) {
        fail([...where, 'mode'], `"${String(mode)}" is not available for ${capability} (available: ${modesFor(capability).join(', ')})`);
      }
      route.mode = mode as Mode;
    }
    if (entry.cohort !== undefined) route.cohort = cohortAt(entry.cohort, [...where, 'cohort']);
    routes[capability] = route;
  }
  return routes;
}

function requireCohort(cohort: Cohort | undefined, capabilities: CapabilityRoutes | undefined, at: Segments): void {
  if (cohort) return;
  const uncovered = Object.entries(capabilities ?? {}).filter(([, r]) => r && !r.cohort).map(([c]) => c);
  if (uncovered.length > 0) {
    fail([...at, 'cohort'], `required: say who takes the routes of ${uncovered.join(', ')} ({ users: [...] } and/or { percent: 0..100 })`);
  }
}

/** Check a configuration given in code (or parsed from a file); returns it normalised (route names -> old/new). */
export function validateMigrationConfig(doc: unknown): MigrationConfig {
  const top = objectAt(doc, [], ['old', 'new', 'description', 'default', 'cohort', 'capabilities', 'shadow', 'dualWrite', 'stages', 'stage']);
  const names = {
    old: stringAt(top.old, ['old'], 'the legacy backend\'s name (e.g. "com")'),
    new: stringAt(top.new, ['new'], 'the new backend\'s name (e.g. "graph")'),
  };
  const config: {
    -readonly [K in keyof MigrationConfig]: MigrationConfig[K];
  } = { old: names.old, new: names.new };
  if (top.description !== undefined) config.description = stringAt(top.description, ['description'], 'a text');
  if (top.default !== undefined) config.default = sideAt(top.default, ['default'], names);
  if (top.cohort !== undefined) config.cohort = cohortAt(top.cohort, ['cohort']);
  if (top.capabilities !== undefined) config.capabilities = capabilitiesAt(top.capabilities, ['capabilities'], names);

  if (top.shadow !== undefined) {
    const s = objectAt(top.shadow, ['shadow'], ['mismatches', 'ignoreFields', 'statuses']);
    const shadow: { -readonly [K in keyof ShadowSettings]: ShadowSettings[K] } = {};
    if (s.mismatches !== undefined) shadow.mismatches = stringAt(s.mismatches, ['shadow', 'mismatches'], 'a file path');
    if (s.ignoreFields !== undefined) {
      if (!Array.isArray(s.ignoreFields)) fail(['shadow', 'ignoreFields'], `expected a list of contact fields, got ${describe(s.ignoreFields)}`);
      shadow.ignoreFields = (s.ignoreFields as unknown[]).map((f, i) => {
        if (typeof f !== 'string' || !(CONTACT_FIELDS as readonly string[]).includes(f)) {
          return fail(['shadow', 'ignoreFields', i], `unknown contact field ${describe(f)} (allowed: ${CONTACT_FIELDS.join(', ')})`);
        }
        return f as ContactField;
      });
    }
    if (s.statuses !== undefined) {
      if (s.statuses !== 'canonical' && s.statuses !== 'exact') fail(['shadow', 'statuses'], `must be "canonical" or "exact", got ${describe(s.statuses)}`);
      shadow.statuses = s.statuses as 'canonical' | 'exact';
    }
    config.shadow = shadow;
  }
  if (top.dualWrite !== undefined) {
    const d = objectAt(top.dualWrite, ['dualWrite'], ['queue']);
    config.dualWrite = d.queue === undefined ? {} : { queue: stringAt(d.queue, ['dualWrite', 'queue'], 'a file path') };
  }

  if (top.stages !== undefined) {
    if (!Array.isArray(top.stages)) fail(['stages'], `expected a list of stages, got ${describe(top.stages)}`);
    const seen = new Set<string>();
    config.stages = (top.stages as unknown[]).map((raw, i) => {
      const at = ['stages', i];
      const s = objectAt(raw, at, ['name', 'description', 'default', 'cohort', 'capabilities']);
      const name = stringAt(s.name, [...at, 'name'], 'the stage\'s name');
      if (seen.has(name)) fail([...at, 'name'], `a stage named "${name}" exists already`);
      seen.add(name);
      const stage: { -readonly [K in keyof MigrationStage]: MigrationStage[K] } = { name };
      if (s.description !== undefined) stage.description = stringAt(s.description, [...at, 'description'], 'a text');
      if (s.default !== undefined) stage.default = sideAt(s.default, [...at, 'default'], names);
      if (s.cohort !== undefined) stage.cohort = cohortAt(s.cohort, [...at, 'cohort']);
      if (s.capabilities !== undefined) stage.capabilities = capabilitiesAt(s.capabilities, [...at, 'capabilities'], names);
      requireCohort(stage.cohort ?? config.cohort, stage.capabilities ?? config.capabilities, at);
      return stage;
    });
  }
  if (top.stage !== undefined) {
    const stage = stringAt(top.stage, ['stage'], 'the name of a stage');
    const known = (config.stages ?? []).map((s) => s.name);
    if (!known.includes(stage)) fail(['stage'], `no stage named "${stage}" (stages: ${known.join(', ') || 'none'})${suggest(stage, known)}`);
    config.stage = stage;
  }
  requireCohort(config.cohort, config.capabilities, []);
  return config;
}

// ---- files ---------------------------------------------------------------------------------------

/** The 1-based line and column of an offset. */
function lineAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; start = i + 1; }
  return { line, col: offset - start + 1 };
}

/** Where a path of segments starts in a YAML/JSON text (1-based line and column), when it can be found. */
function locate(text: string, segments: Segments): { line: number; column: number } | undefined {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    let node: unknown = doc.contents;
    let offset = 0;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
        if (!pair) break;
        offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  } catch {
    return undefined;
  }
}

/** How deeply a configuration text may nest maps, lists and brackets (a real configuration needs about 12). */
export const CONFIG_MAX_DEPTH = 64;
/** yaml's maxAliasCount (its default, stated): how far aliases may expand a document before it is refused as an alias bomb. */
export const CONFIG_MAX_ALIAS_COUNT = 100;

/**
 * The offset where the text nests deeper than `limit`, if it does. Measured with yaml's lexer and
 * CST parser, which keep their own stack instead of recursing; the composer that builds the
 * document recurses once per level (a text ~1,000 levels deep overflows the call stack there, in
 * JSON's case too, where locate() parses the text for line numbers) and V8 can then be left unable
 * to compile yaml's regular expressions: the next configuration parsed aborts the process.
 */
function tooDeep(text: string, limit: number): number | undefined {
  const parser = new Parser();
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) void token;
    if (parser.stack.length > limit) return parser.offset;
  }
  return undefined;
}

/** Parse and validate configuration text; `source` names it in errors, `format` is json or yaml. */
export function parseMigrationConfig(text: string, source: string, format: 'json' | 'yaml'): MigrationConfig {
  const deep = tooDeep(text, CONFIG_MAX_DEPTH);
  if (deep !== undefined) {
    const { line, col } = lineAt(text, deep);
    throw new MigrationConfigError('', `nested deeper than ${CONFIG_MAX_DEPTH} levels of maps and lists (the limit)`, source, line, col);
  }
  let doc: unknown;
  if (format === 'json') {
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new MigrationConfigError('', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, source);
    }
  } else {
    const lineCounter = new LineCounter();
    const parsed = parseDocument(text, { lineCounter, prettyErrors: false });
    const problem = parsed.errors[0];
    if (problem) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      throw new MigrationConfigError('', `not valid YAML: ${problem.message.split('\n')[0]}`, source, line, col);
    }
    try {
      doc = parsed.toJS({ maxAliasCount: CONFIG_MAX_ALIAS_COUNT });
    } catch (error) {
      // yaml's "Excessive alias count indicates a resource exhaustion attack" (a billion-laughs document).
      throw new MigrationConfigError('', `not valid YAML: ${error instanceof Error ? error.message : String(error)} (aliases expanding past yaml's maxAliasCount of ${CONFIG_MAX_ALIAS_COUNT} are refused)`, source);
    }
  }
  try {
    return validateMigrationConfig(doc);
  } catch (error) {
    if (!(error instanceof MigrationConfigError)) throw error;
    const at = locate(text, error.segments);
    throw new MigrationConfigError(error.path, error.problem, source, at?.line, at?.column, error.segments);
  }
}

/**
 * Read a configuration file (.json, .yaml or .yml). File paths inside it (shadow.mismatches,
 * dualWrite.queue) are resolved against the file's folder.
 */
export function loadMigrationConfig(file: string): MigrationConfig {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new MigrationConfigError('', `unsupported file type "${ext || '(none)'}" (use .json, .yaml or .yml)`, file);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new MigrationConfigError('', `cannot be read: ${error instanceof Error ? error.message : String(error)}`, file);
  }
  const config = parseMigrationConfig(text, file, ext === '.json' ? 'json' : 'yaml');
  const dir = path.dirname(path.resolve(file));
  const resolve = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(dir, p));
  return {
    ...config,
    ...(config.shadow ? { shadow: { ...config.shadow, ...(config.shadow.mismatches ? { mismatches: resolve(config.shadow.mismatches) } : {}) } } : {}),
    ...(config.dualWrite ? { dualWrite: { ...config.dualWrite, ...(config.dualWrite.queue ? { queue: resolve(config.dualWrite.queue) } : {}) } } : {}),
  };
}

// ---- routes --------------------------------------------------------------------------------------

export interface Route {
  /** The backend that answers the caller. */
  readonly backend: Side;
  readonly mode: Mode;
  /** The other backend, when the mode uses it (shadowed reads, dual writes). */
  readonly secondary?: Side;
  /** Whether the user is in this capability's cohort. */
  readonly inCohort: boolean;
}

export type Routes = { readonly [C in RoutableCapability]: Route };

/** The configuration with its active stage applied (no `stages` left to consult). */
export function activeConfig(config: MigrationConfig): MigrationConfig {
  if (!config.stage) return config;
  const stage = config.stages?.find((s) => s.name === config.stage);
  if (!stage) throw new MigrationConfigError('stage', `no stage named "${config.stage}"`);
  return {
    ...config,
    ...(stage.default !== undefined ? { default: stage.default } : {}),
    ...(stage.cohort !== undefined ? { cohort: stage.cohort } : {}),
    ...(stage.capabilities !== undefined ? { capabilities: stage.capabilities } : {}),
    ...(stage.description !== undefined ? { description: stage.description } : {}),
  };
}

/** The same configuration with another stage active (validated). */
export function withStage(config: MigrationConfig, stage: string): MigrationConfig {
  return validateMigrationConfig({ ...config, stage });
}

const other = (side: Side): Side => (side === 'old' ? 'new' : 'old');

/** Where `user` is served `capability` from, and how. An unknown user (before sign-in) is outside every cohort. */
export function routeFor(config: MigrationConfig, user: string | undefined, capability: RoutableCapability): Route {
  const c = activeConfig(config);
  const fallback = c.default ?? 'old';
  const entry = c.capabilities?.[capability];
  if (!entry) return { backend: fallback, mode: 'route', inCohort: false };
  const cohort = entry.cohort ?? c.cohort ?? {};
  const member = user !== undefined && inCohort(user, cohort);
  if (!member) return { backend: fallback, mode: 'route', inCohort: false };
  const backend = entry.route ?? 'new';
  const mode = entry.mode ?? 'route';
  return mode === 'route' ? { backend, mode, inCohort: true } : { backend, mode, secondary: other(backend), inCohort: true };
}

/** Every capability's route for one user. */
export function routesFor(config: MigrationConfig, user: string | undefined): Routes {
  return Object.fromEntries(ROUTABLE_CAPABILITIES.map((c) => [c, routeFor(config, user, c)])) as Routes;
}

/** The backends a user's routes reach (answering or as secondary): sign-in goes to each. */
export function backendsUsed(routes: Routes): Side[] {
  const used = new Set<Side>([routes.session.backend]);
  for (const r of Object.values(routes)) { used.add(r.backend); if (r.secondary) used.add(r.secondary); }
  return [...used];
}

/** The backends that answer the user for some capability (the ones whose sign-out ends the session). */
export function answeringBackends(routes: Routes): Side[] {
  return [...new Set<Side>(Object.values(routes).map((r) => r.backend))];
}

/** The cohort that decides `capability` (its own, or the config's). */
export function cohortFor(config: MigrationConfig, capability: RoutableCapability): Cohort | undefined {
  const c = activeConfig(config);
  const entry = c.capabilities?.[capability];
  return entry ? (entry.cohort ?? c.cohort) : undefined;
}
