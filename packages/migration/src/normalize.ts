/**
 * What shadow mode compares: each read's result brought to a backend-neutral form (sign-in names
 * lower-cased, lists keyed and sorted, statuses mapped to a canonical class, backend-specific ids
 * and service ids dropped: groups compare by name and members), and a structured difference
 * between two such forms.
 */
import { type ContactRecord, type GroupRecord, MISTATUS, isMessengerError } from '@imessenger/contract';
import type { ContactField } from './config';
import type { DelegatedCapability } from './routing-methods';

/** The canonical status classes: what a user would tell apart on either backend. */
export type StatusClass = 'available' | 'busy' | 'do-not-disturb' | 'away' | 'offline' | 'unknown';

/** MISTATUS -> canonical class, as data (Teams has no "on the phone" in a settable form, COM has no "presenting", …). */
export const STATUS_CLASSES: Readonly<Record<number, StatusClass>> = {
  [MISTATUS.MISTATUS_ONLINE]: 'available',
  [MISTATUS.MISTATUS_MAY_BE_AVAILABLE]: 'available',
  [MISTATUS.MISTATUS_BUSY]: 'busy',
  [MISTATUS.MISTATUS_ON_THE_PHONE]: 'busy',
  [MISTATUS.MISTATUS_IN_A_MEETING]: 'busy',
  [MISTATUS.MISTATUS_IN_A_CONFERENCE]: 'busy',
  [MISTATUS.MISTATUS_DO_NOT_DISTURB]: 'do-not-disturb',
  [MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS]: 'do-not-disturb',
  [MISTATUS.MISTATUS_AWAY]: 'away',
  [MISTATUS.MISTATUS_BE_RIGHT_BACK]: 'away',
  [MISTATUS.MISTATUS_IDLE]: 'away',
  [MISTATUS.MISTATUS_OUT_TO_LUNCH]: 'away',
  [MISTATUS.MISTATUS_OUT_OF_OFFICE]: 'away',
  [MISTATUS.MISTATUS_OFFLINE]: 'offline',
  // Others see an invisible user as offline.
  [MISTATUS.MISTATUS_INVISIBLE]: 'offline',
};

export function statusClass(status: number): StatusClass {
  return STATUS_CLASSES[status] ?? 'unknown';
}

export interface NormalizeOptions {
  /** canonical (default): compare status classes; exact: compare MISTATUS values. */
  readonly statuses?: 'canonical' | 'exact';
  /** Contact fields left out of the comparison. */
  readonly ignoreFields?: readonly ContactField[];
}

/** A JSON value: what normalised results and records are made of. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A failed call, in normalised form: compared by HRESULT name. */
export interface FailedResult { readonly $error: string; readonly message?: string }

const key = (signinName: string): string => signinName.trim().toLowerCase();

function sortedObject<T extends Json>(entries: readonly (readonly [string, T])[]): { readonly [k: string]: T } {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function normalizeStatus(status: number, options: NormalizeOptions = {}): Json {
  return options.statuses === 'exact' ? status : statusClass(status);
}

export function normalizeContact(c: ContactRecord, options: NormalizeOptions = {}): { readonly [k: string]: Json } {
  const ignored = new Set<string>(options.ignoreFields ?? []);
  const phones = sortedObject(Object.entries(c.phones ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  const fields: [string, Json][] = [
    ['signinName', key(c.signinName)],
    ['friendlyName', c.friendlyName],
    ['status', normalizeStatus(c.status, options)],
    ['blocked', c.blocked],
    ['canPage', c.canPage],
    ['phones', phones],
    ['email', c.email === undefined ? null : c.email.toLowerCase()],
  ];
  return Object.fromEntries(fields.filter(([f]) => !ignored.has(f)));
}

export function normalizeContacts(list: readonly ContactRecord[], options: NormalizeOptions = {}): Json {
  return sortedObject(list.map((c) => [key(c.signinName), normalizeContact(c, options)] as const));
}

/** Groups by lower-cased name: `{ name, members }`, members lower-cased and sorted; ids dropped. */
export function normalizeGroups(groups: readonly GroupRecord[]): Json {
  return sortedObject(groups.map((g) => [g.name.trim().toLowerCase(), { name: g.name, members: [...new Set(g.members.map(key))].sort() }] as const));
}

export function normalizeStatuses(statuses: ReadonlyMap<string, number>, options: NormalizeOptions = {}): Json {
  return sortedObject([...statuses].map(([n, s]) => [key(n), normalizeStatus(s, options)] as const));
}

/** Anything else: JSON-safe copy (Maps become sorted objects, undefined becomes null). */
export function toJson(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Map) return sortedObject([...value].map(([k, v]) => [String(k), toJson(v)] as const));
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]));
  return String(value);
}

/** The normalised form of one read's result. */
export function normalizeResult(capability: DelegatedCapability, member: string, value: unknown, options: NormalizeOptions = {}): Json {
  switch (`${capability}.${member}`) {
    case 'directory.listContacts':
    case 'directory.find':
      return normalizeContacts(value as readonly ContactRecord[], options);
    case 'directory.lookup':
      return value === null || value === undefined ? null : normalizeContact(value as ContactRecord, options);
    case 'presence.statuses':
      return normalizeStatuses(value as ReadonlyMap<string, number>, options);
    case 'groups.list':
      return normalizeGroups(value as readonly GroupRecord[]);
    default:
      return toJson(value);
  }
}

/** A failure in normalised form: the HRESULT name for a MessengerError, else the error's message. */
export function normalizeError(error: unknown): FailedResult {
  if (isMessengerError(error)) return { $error: error.code, message: error.description };
  return { $error: 'Error', message: error instanceof Error ? error.message : String(error) };
}

/** Arguments as recorded (sign-in names kept as given: they are what the caller passed). */
export function normalizeArgs(args: readonly unknown[]): Json[] {
  return args.map(toJson);
}

// ---- differences ---------------------------------------------------------------------------------

/** One difference between the primary's and the secondary's normalised results, at a path (`bob@contoso.com/status`). */
export type Difference =
  | { readonly path: string; readonly kind: 'changed'; readonly primary: Json; readonly secondary: Json }
  | { readonly path: string; readonly kind: 'onlyInPrimary'; readonly value: Json }
  | { readonly path: string; readonly kind: 'onlyInSecondary'; readonly value: Json };

const isObject = (v: Json): v is { readonly [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalarList = (v: Json): v is readonly (string | number | boolean | null)[] => Array.isArray(v) && v.every((x) => !isObject(x) && !Array.isArray(x));
const join = (at: string, k: string | number): string => (at ? `${at}/${k}` : String(k));

/** Structured differences; empty when the results match. Keyed objects are compared key by key, lists of names as sets. */
export function differences(primary: Json | FailedResult, secondary: Json | FailedResult, at = ''): Difference[] {
  const a = primary as Json;
  const b = secondary as Json;
  const errorOf = (v: Json): Json | undefined => (isObject(v) && '$error' in v ? v.$error : undefined);
  if (errorOf(a) !== undefined || errorOf(b) !== undefined) {
    // Failures compare by HRESULT name only: the texts differ between backends by design.
    return errorOf(a) === errorOf(b) ? [] : [{ path: at, kind: 'changed', primary: a, secondary: b }];
  }
  if (isObject(a) && isObject(b)) {
    const out: Difference[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      // Own keys only: a sign-in name such as "constructor" is not in `b` because Object.prototype has it.
      if (!Object.hasOwn(b, k)) out.push({ path: join(at, k), kind: 'onlyInPrimary', value: a[k]! });
      else if (!Object.hasOwn(a, k)) out.push({ path: join(at, k), kind: 'onlyInSecondary', value: b[k]! });
      else out.push(...differences(a[k]!, b[k]!, join(at, k)));
    }
    return out;
  }
  if (isScalarList(a) && isScalarList(b)) {
    const inB = new Set(b.map((x) => JSON.stringify(x)));
    const inA = new Set(a.map((x) => JSON.stringify(x)));
    const onlyA = a.filter((x) => !inB.has(JSON.stringify(x)));
    const onlyB = b.filter((x) => !inA.has(JSON.stringify(x)));
    if (onlyA.length === 0 && onlyB.length === 0 && a.length === b.length) return [];
    const out: Difference[] = [];
    for (const x of onlyA) out.push({ path: at, kind: 'onlyInPrimary', value: x });
    for (const x of onlyB) out.push({ path: at, kind: 'onlyInSecondary', value: x });
    return out.length > 0 ? out : [{ path: at, kind: 'changed', primary: a, secondary: b }];
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => differences(x, b[i]!, join(at, i)));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at, kind: 'changed', primary: a, secondary: b }];
}
