/**
 * The one schema checker behind the seed (seed.ts) and the state file (state-schema.ts): a JSON
 * Schema subset, walked with own-property lookups only, failing at the first bad key with its path.
 * The two documents report some problems differently (tests and users rely on each one's wording),
 * so those differences are options rather than two checkers.
 */

export type Schema =
  | { type: 'object'; properties: Record<string, Schema>; required?: string[]; optional?: string[]; description?: string }
  /** An object used as a map: any keys, every value of the one schema. */
  | { type: 'record'; values: Schema; description?: string }
  | { type: 'array'; items: Schema; description?: string }
  | { type: 'string'; minLength?: number; maxLength?: number; pattern?: string; description?: string }
  /** `const` is a format version: the one number a document of this format may have there. */
  | { type: 'integer'; enum?: number[]; minimum?: number; const?: number; description?: string }
  | { type: 'boolean'; description?: string };

export interface CheckOptions {
  /**
   * An object's keys listed in neither `required` nor `optional`: required (the state file, which is
   * always written whole) or optional (the seed, which lists its required keys as JSON Schema does).
   */
  requireUnlisted: boolean;
  /**
   * Refuse `__proto__`, `constructor` and `prototype` keys at their own path before any other key
   * (the state file says why it refuses them); otherwise they are unknown keys like any other.
   */
  refusePrototypeKeys: boolean;
  /** Report an unknown key at its own path (the state file) rather than at its object's (the seed). */
  unknownKeyAtKey: boolean;
  /** Quote a string that fails its pattern as JSON (the state file) rather than in bare double quotes (the seed). */
  jsonQuotes: boolean;
  /**
   * How deeply the document may nest arrays and objects, and the problem reported at the first
   * container past it. Checked first, breadth-first without recursion, so that a hostile document
   * is refused naming the limit rather than overflowing the stack of whoever reads it next. (The
   * walk itself recurses only as deep as the schema goes.)
   */
  maxDepth?: { levels: number; problem: string };
}

/** Keys that reach Object.prototype's members when looked up, or set the prototype when assigned. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The path of `key` in the object at `path` (`$` is the document): `self.phones`, or quoted when the
 * key is no identifier or a prototype key, `users["bob@contoso.com"]`, so that every path is unambiguous.
 */
export const keyPath = (path: string, key: string): string =>
  (/^[A-Za-z_$][\w$]*$/.test(key) && !PROTOTYPE_KEYS.has(key) ? (path === '$' ? key : `${path}.${key}`) : `${path === '$' ? '' : path}[${JSON.stringify(key)}]`);

/** Own properties only: a key such as `__proto__`, `constructor` or `toString` must not find Object.prototype's member. */
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  (Object.hasOwn(record, key) ? record[key] : undefined);

/** A short description of a bad value: never the whole of an object (it may be huge, or nested too deeply to stringify). */
const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return `${typeof v} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
};

/** The path of the first array or object nested deeper than `limit` (breadth-first, no recursion), or undefined. */
function tooDeep(doc: unknown, limit: number): string | undefined {
  let level: { value: unknown; path: string }[] = [{ value: doc, path: '$' }];
  for (let depth = 1; level.length > 0; depth++) {
    const next: { value: unknown; path: string }[] = [];
    for (const { value, path } of level) {
      if (typeof value !== 'object' || value === null) continue;
      if (depth > limit) return path;
      if (Array.isArray(value)) value.forEach((item, i) => next.push({ value: item, path: `${path}[${i}]` }));
      else for (const [key, item] of Object.entries(value)) next.push({ value: item, path: keyPath(path, key) });
    }
    level = next;
  }
  return undefined;
}

/** The keys an object must have: `required` if listed, else (requireUnlisted) every key not listed `optional`. */
function requiredKeys(schema: Extract<Schema, { type: 'object' }>, options: CheckOptions): string[] {
  if (schema.required) return schema.required;
  return options.requireUnlisted ? Object.keys(schema.properties).filter((key) => !schema.optional?.includes(key)) : [];
}

/**
 * Check `value` against `schema`; the first problem is passed to `fail` with the key path at which it
 * is (`$` for the document itself), and `fail` throws the caller's error.
 */
export function checkDocument(value: unknown, schema: Schema, fail: (path: string, problem: string) => never, options: CheckOptions): void {
  if (options.maxDepth) {
    const deep = tooDeep(value, options.maxDepth.levels);
    if (deep !== undefined) fail(deep, options.maxDepth.problem);
  }
  const check = (value: unknown, schema: Schema, path: string): void => {
    const problem = (text: string): never => fail(path, text);
    switch (schema.type) {
      case 'object':
      case 'record': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) problem(`expected an object, got ${describe(value)}`);
        // JSON data: a class instance or an object with a prototype of its own could answer keys it does not own.
        const proto = Object.getPrototypeOf(value) as object | null;
        if (proto !== null && Object.getPrototypeOf(proto) !== null) problem('expected a plain object (JSON data), got an object with a prototype of its own');
        const obj = value as Record<string, unknown>;
        if (schema.type === 'record') {
          for (const [key, v] of Object.entries(obj)) check(v, schema.values, keyPath(path, key));
          return;
        }
        if (options.refusePrototypeKeys) {
          for (const key of Object.keys(obj)) if (PROTOTYPE_KEYS.has(key)) fail(keyPath(path, key), `a prototype key ("${key}") is not state`);
        }
        for (const key of requiredKeys(schema, options)) if (own(obj, key) === undefined) problem(`missing required key "${key}"`);
        for (const [key, v] of Object.entries(obj)) {
          const sub = own(schema.properties, key);
          if (!sub) fail(options.unknownKeyAtKey ? keyPath(path, key) : path, `unknown key ${JSON.stringify(key)} (allowed: ${Object.keys(schema.properties).join(', ')})`);
          // An undefined value is an absent key, as in JSON.stringify.
          else if (v !== undefined) check(v, sub, keyPath(path, key));
        }
        return;
      }
      case 'array':
        if (!Array.isArray(value)) problem(`expected an array, got ${describe(value)}`);
        (value as unknown[]).forEach((item, i) => check(item, schema.items, `${path}[${i}]`));
        return;
      case 'string': {
        if (typeof value !== 'string') problem(`expected a string, got ${describe(value)}`);
        const s = value as string;
        if (schema.minLength !== undefined && s.length < schema.minLength) problem('must not be empty');
        if (schema.maxLength !== undefined && s.length > schema.maxLength) problem(`has ${s.length} characters, at most ${schema.maxLength} allowed`);
        if (schema.pattern && !new RegExp(schema.pattern).test(s)) problem(`${options.jsonQuotes ? JSON.stringify(s) : `"${s}"`} does not match ${schema.pattern}`);
        return;
      }
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) problem(`expected an integer, got ${describe(value)}`);
        if (schema.const !== undefined && value !== schema.const) problem(`${String(value)} is not a known format version (expected ${schema.const})`);
        if (schema.enum && !schema.enum.includes(value as number)) problem(`${String(value)} is not one of ${schema.enum.join(', ')}`);
        if (schema.minimum !== undefined && (value as number) < schema.minimum) problem(`must be at least ${schema.minimum}`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problem(`expected true or false, got ${describe(value)}`);
        return;
    }
  };
  check(value, schema, '$');
}
