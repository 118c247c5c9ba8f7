/**
 * The state file's schema and validator: a state file is checked as fully as a seed (seed.ts, same
 * style), since it is read back as the backend's state with no other check. A bad file is refused
 * with a StateFileError naming the file and the key path (`users["bob@contoso.com"].status`), never
 * loaded half-valid: wrong types, missing or unknown keys, a `__proto__` key where no data key can
 * be, dangling references (a listed contact or group member nobody knows, a group on no service).
 */
import { MISTATUS, MUASORT } from '@imessenger/contract';
import type { MemoryState } from './state';

type Schema =
  | { type: 'object'; properties: Record<string, Schema>; optional?: string[] }
  /** An object used as a map: any keys (checked by `key`), every value of the one schema. */
  | { type: 'record'; values: Schema }
  | { type: 'array'; items: Schema }
  | { type: 'string'; minLength?: number; maxLength?: number; pattern?: string }
  | { type: 'integer'; enum?: number[]; minimum?: number; const?: number }
  | { type: 'boolean' };

const signinName: Schema = { type: 'string', minLength: 1, maxLength: 129, pattern: '^\\S+$' };
const phones: Schema = {
  type: 'object', optional: ['home', 'work', 'mobile', 'custom'],
  properties: Object.fromEntries(['home', 'work', 'mobile', 'custom'].map((k) => [k, { type: 'string' } as Schema])),
};
const user = (extra: Record<string, Schema> = {}): Schema => ({
  type: 'object', optional: ['email', ...Object.keys(extra)],
  properties: {
    signinName,
    friendlyName: { type: 'string' },
    status: { type: 'integer', enum: Object.values(MISTATUS) },
    blocked: { type: 'boolean' },
    canPage: { type: 'boolean' },
    phones,
    email: { type: 'string' },
    ...extra,
  },
});

/**
 * The state file's schema (what `StateFile.save` writes: every key but `email` and `password` is
 * always there). Lengths are the seed's only where nothing but a seed sets the value (sign-in names,
 * service ids, the password): names, numbers and e-mail addresses set at run time are any string.
 */
export const STATE_SCHEMA: Schema = {
  type: 'object',
  properties: {
    version: { type: 'integer', const: 1 },
    signedIn: { type: 'boolean' },
    self: user({ password: { type: 'string', maxLength: 256 } }),
    services: { type: 'array', items: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 38, pattern: '^\\S+$' }, name: { type: 'string', minLength: 1 }, primary: { type: 'boolean' } } } },
    users: { type: 'record', values: user() },
    contactList: { type: 'array', items: signinName },
    groups: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, serviceId: { type: 'string', minLength: 1 }, members: { type: 'array', items: signinName } } },
    },
    nextId: { type: 'integer', minimum: 1 },
    sortOrder: { type: 'integer', enum: Object.values(MUASORT) },
    unreadEmail: { type: 'integer', minimum: 0 },
    receiveFileDirectory: { type: 'string' },
  },
};

/** A state file that failed validation: `file`, and `path` at the bad key. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(readonly file: string, readonly path: string, readonly problem: string) {
    super(`The state file ${file} is invalid at ${path}: ${problem} (correct it, or delete it to start from the seed).`);
  }
}

/** Keys that reach Object.prototype's members when looked up, or set the prototype when assigned. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return `${typeof v} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
};

const keyPath = (path: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) && !PROTOTYPE_KEYS.has(key) ? (path === '$' ? key : `${path}.${key}`) : `${path === '$' ? '' : path}[${JSON.stringify(key)}]`);

/** How deep a state nests (users["x"].phones.home: 3); deeper is refused before any recursion. */
const MAX_DEPTH = 8;

function check(file: string, value: unknown, schema: Schema, path: string, depth = 0): void {
  const fail = (problem: string): never => { throw new StateFileError(file, path, problem); };
  if (depth > MAX_DEPTH) fail(`nested deeper than a state file can be`);
  switch (schema.type) {
    case 'object':
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`expected an object, got ${describe(value)}`);
      const obj = value as Record<string, unknown>;
      if (schema.type === 'record') {
        for (const [key, v] of Object.entries(obj)) check(file, v, schema.values, keyPath(path, key), depth + 1);
        return;
      }
      for (const key of Object.keys(obj)) {
        if (PROTOTYPE_KEYS.has(key)) throw new StateFileError(file, keyPath(path, key), `a prototype key ("${key}") is not state`);
      }
      for (const key of Object.keys(schema.properties)) {
        if (own(obj, key) === undefined && !schema.optional?.includes(key)) fail(`missing required key "${key}"`);
      }
      for (const [key, v] of Object.entries(obj)) {
        const sub = own(schema.properties, key);
        if (!sub) throw new StateFileError(file, keyPath(path, key), `unknown key ${JSON.stringify(key)} (allowed: ${Object.keys(schema.properties).join(', ')})`);
        else check(file, v, sub, keyPath(path, key), depth + 1);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) fail(`expected an array, got ${describe(value)}`);
      (value as unknown[]).forEach((item, i) => check(file, item, schema.items, `${path}[${i}]`, depth + 1));
      return;
    case 'string': {
      if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
      const s = value as string;
      if (schema.minLength !== undefined && s.length < schema.minLength) fail('must not be empty');
      if (schema.maxLength !== undefined && s.length > schema.maxLength) fail(`has ${s.length} characters, at most ${schema.maxLength} allowed`);
      if (schema.pattern && !new RegExp(schema.pattern).test(s)) fail(`${JSON.stringify(s)} does not match ${schema.pattern}`);
      return;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(`expected an integer, got ${describe(value)}`);
      if (schema.const !== undefined && value !== schema.const) fail(`${String(value)} is not a known format version (expected ${schema.const})`);
      if (schema.enum && !schema.enum.includes(value as number)) fail(`${String(value)} is not one of ${schema.enum.join(', ')}`);
      if (schema.minimum !== undefined && (value as number) < schema.minimum) fail(`must be at least ${schema.minimum}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, got ${describe(value)}`);
      return;
  }
}

/**
 * Check a parsed state file against STATE_SCHEMA and its cross-references; throws StateFileError
 * naming `file` and the key path.
 */
export function validateState(doc: unknown, file: string): MemoryState {
  check(file, doc, STATE_SCHEMA, '$');
  const state = doc as MemoryState;
  const fail = (path: string, problem: string): never => { throw new StateFileError(file, path, problem); };
  for (const [key, u] of Object.entries(state.users)) {
    if (u.signinName.toLowerCase() !== key) fail(keyPath('users', key), `is keyed "${key}" but is the user "${u.signinName}" (the key is the lower-cased sign-in name)`);
  }
  const known = (name: string): boolean => name.toLowerCase() === state.self.signinName.toLowerCase() || Object.hasOwn(state.users, name.toLowerCase());
  const listed = new Set<string>();
  state.contactList.forEach((key, i) => {
    if (!Object.hasOwn(state.users, key)) fail(`contactList[${i}]`, `"${key}" is not a key of users`);
    if (listed.has(key)) fail(`contactList[${i}]`, `"${key}" is listed twice`);
    listed.add(key);
  });
  if (state.services.length === 0) fail('services', 'no service (at least one is needed)');
  if (state.services.filter((s) => s.primary).length > 1) fail('services', 'more than one service is primary');
  const serviceIds = new Set(state.services.map((s) => s.id));
  const ids = new Set<string>();
  const names = new Set<string>();
  state.groups.forEach((g, i) => {
    if (ids.has(g.id)) fail(`groups[${i}].id`, `"${g.id}" is the id of another group too`);
    ids.add(g.id);
    const n = /^group-(\d+)$/.exec(g.id);
    if (n && Number(n[1]) >= state.nextId) fail('nextId', `${state.nextId} would give a new group the id of groups[${i}] ("${g.id}")`);
    if (names.has(g.name.toLowerCase())) fail(`groups[${i}].name`, `a group named "${g.name}" exists already`);
    names.add(g.name.toLowerCase());
    if (!serviceIds.has(g.serviceId)) fail(`groups[${i}].serviceId`, `"${g.serviceId}" is not one of the services`);
    g.members.forEach((m, j) => { if (!known(m)) fail(`groups[${i}].members[${j}]`, `"${m}" is not self or a user of users`); });
  });
  return state;
}
