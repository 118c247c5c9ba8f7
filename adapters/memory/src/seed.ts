/**
 * The seed document of the in-memory backend: its JSON Schema (also shipped as seed.schema.json)
 * and the validator that checks a document against it, naming the bad key on failure.
 */
import { MISTATUS, MUASORT } from '@imessenger/contract';
import { checkDocument, type Schema } from './schema';

export interface SeedPhones { home?: string; work?: string; mobile?: string; custom?: string }
export interface SeedUser {
  signinName: string;
  friendlyName?: string;
  status?: number;
  blocked?: boolean;
  canPage?: boolean;
  phones?: SeedPhones;
  email?: string;
}
export interface SeedDocument {
  signedIn?: boolean;
  self: SeedUser & { password?: string };
  services?: { id: string; name: string; primary?: boolean }[];
  /** The contact list. */
  contacts?: SeedUser[];
  /** Other users of the service: can be added, looked up, put in groups, but are not in the list. */
  directory?: SeedUser[];
  groups?: { name: string; members?: string[] }[];
  sortOrder?: number;
  unreadEmail?: number;
  receiveFileDirectory?: string;
}

const signinName: Schema = { type: 'string', minLength: 1, maxLength: 129, pattern: '^\\S+$', description: 'Sign-in name (e-mail form), at most 129 characters, no spaces.' };
const phones: Schema = {
  type: 'object', description: 'Phone numbers by type.',
  properties: Object.fromEntries(['home', 'work', 'mobile', 'custom'].map((k) => [k, { type: 'string', maxLength: 256 } as Schema])),
};
const user = (extra: Record<string, Schema> = {}): Schema => ({
  type: 'object', required: ['signinName'],
  properties: {
    signinName,
    friendlyName: { type: 'string', maxLength: 387, description: 'Display name; defaults to the sign-in name.' },
    status: { type: 'integer', enum: Object.values(MISTATUS), description: 'MISTATUS value; default MISTATUS_OFFLINE (self: MISTATUS_ONLINE).' },
    blocked: { type: 'boolean' },
    canPage: { type: 'boolean', description: 'Has mobile (paging) services enabled.' },
    phones,
    email: { type: 'string', maxLength: 129 },
    ...extra,
  },
});

/** The JSON Schema (draft 2020-12 subset) of a seed document. */
export const SEED_SCHEMA: Schema = {
  type: 'object', required: ['self'],
  description: 'Initial state of the in-memory Messenger backend.',
  properties: {
    signedIn: { type: 'boolean', description: 'Start signed in (default false).' },
    self: user({ password: { type: 'string', maxLength: 256, description: 'If set, Signin must give this password.' } }),
    services: {
      type: 'array', description: 'Default: one primary ".NET Messenger Service".',
      items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string', minLength: 1, maxLength: 38, pattern: '^\\S+$' }, name: { type: 'string', minLength: 1 }, primary: { type: 'boolean' } } },
    },
    contacts: { type: 'array', items: user() },
    directory: { type: 'array', items: user() },
    groups: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 61 }, members: { type: 'array', items: signinName } } },
    },
    sortOrder: { type: 'integer', enum: Object.values(MUASORT) },
    unreadEmail: { type: 'integer', minimum: 0 },
    receiveFileDirectory: { type: 'string' },
  },
};

/**
 * A seed that failed validation; `path` points at the bad key (e.g. `contacts[2].status`), `file`
 * names the file the seed was read from when the loader said (memoryBackend's `seedFile`).
 */
export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(readonly path: string, readonly problem: string, readonly file?: string) {
    super(`Invalid seed${file ? ` in ${file}` : ''} at ${path}: ${problem}`);
  }

  /** The same error, naming the file the seed was read from. */
  inFile(file: string): SeedError { return new SeedError(this.path, this.problem, file); }
}

/**
 * How deeply a seed may nest arrays and objects. A valid seed needs 4 (`groups[0].members[0]`);
 * the bound is checked first, without recursion, so a hostile document (100,000 nested arrays) is a
 * SeedError naming the limit, never a stack overflow in whoever reads it next.
 */
export const SEED_MAX_DEPTH = 32;

/** Check a seed document against SEED_SCHEMA and its cross-references; throws SeedError. */
export function validateSeed(doc: unknown): SeedDocument {
  checkDocument(doc, SEED_SCHEMA, (path, problem) => { throw new SeedError(path, problem); }, {
    requireUnlisted: false, refusePrototypeKeys: false, unknownKeyAtKey: false, jsonQuotes: false,
    maxDepth: { levels: SEED_MAX_DEPTH, problem: `nested deeper than ${SEED_MAX_DEPTH} levels of arrays and objects (the limit; a seed needs 4)` },
  });
  const seed = doc as SeedDocument;
  const known = new Set([seed.self, ...(seed.contacts ?? []), ...(seed.directory ?? [])].map((u) => u.signinName.toLowerCase()));
  const seen = new Set<string>();
  (seed.contacts ?? []).forEach((c, i) => {
    const key = c.signinName.toLowerCase();
    if (seen.has(key)) throw new SeedError(`contacts[${i}].signinName`, `"${c.signinName}" is listed twice`);
    seen.add(key);
  });
  const groupNames = new Set<string>();
  (seed.groups ?? []).forEach((g, i) => {
    if (groupNames.has(g.name.toLowerCase())) throw new SeedError(`groups[${i}].name`, `a group named "${g.name}" exists already`);
    groupNames.add(g.name.toLowerCase());
    (g.members ?? []).forEach((m, j) => {
      if (!known.has(m.toLowerCase())) throw new SeedError(`groups[${i}].members[${j}]`, `"${m}" is not self, a contact or a directory user`);
    });
  });
  const services = seed.services ?? [];
  if (services.length > 0 && services.filter((s) => s.primary).length > 1) throw new SeedError('services', 'more than one service is primary');
  return seed;
}

/** SEED_SCHEMA as a standalone JSON Schema document (what seed.schema.json holds). */
export function seedJsonSchema(): Record<string, unknown> {
  const strict = (s: Schema): unknown => {
    if (s.type === 'object') {
      return { ...s, additionalProperties: false, properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, strict(v)])) };
    }
    if (s.type === 'array') return { ...s, items: strict(s.items) };
    return s;
  };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'In-memory Messenger backend seed', ...(strict(SEED_SCHEMA) as object) };
}
