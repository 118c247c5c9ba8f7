/**
 * The state file's schema and validator: a state file is checked as fully as a seed, by the same
 * schema checker (schema.ts), since it is read back as the backend's state with no other check. A
 * bad file is refused with a StateFileError naming the file and the key path
 * (`users["bob@contoso.com"].status`), never loaded half-valid: wrong types, missing or unknown keys, a `__proto__` key where no data key can
 * be, dangling references (a listed contact or group member nobody knows, a group on no service).
 */
import { MISTATUS, MUASORT } from '@imessenger/contract';
import { checkDocument, keyPath, type Schema } from './schema';
import type { MemoryState } from './state';

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

/**
 * Check a parsed state file against STATE_SCHEMA and its cross-references; throws StateFileError
 * naming `file` and the key path.
 */
export function validateState(doc: unknown, file: string): MemoryState {
  const fail = (path: string, problem: string): never => { throw new StateFileError(file, path, problem); };
  checkDocument(doc, STATE_SCHEMA, fail, { requireUnlisted: true, refusePrototypeKeys: true, unknownKeyAtKey: true, jsonQuotes: true });
  const state = doc as MemoryState;
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
