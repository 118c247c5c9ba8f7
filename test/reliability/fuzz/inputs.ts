/**
 * What the fuzz run calls: every member of the type-library table that takes an argument (methods,
 * property puts, parameterised property gets), on every object of the seeded world that has it, with
 * generated arguments chosen by the parameter's IDL type. Cases are plain data (objects by name,
 * huge strings by recipe), so the same case runs on every face and prints readably.
 */
import fc from 'fast-check';
import {
  ENUMS, type InterfaceName, TYPELIB, type TypeLibMember, type TypeLibParam,
} from '@imessenger/contract';
import { BOB, CAROL, DAVE, ERIN, KIT_PASSWORD, KIT_SELF, KIT_SERVICE_ID, NOBODY } from '@imessenger/contract-tests';

/** The objects of the seeded world (fixture: the kit's seed), by name. */
export const TARGETS = {
  messenger: ['IMessenger', 'IMessenger2', 'IMessenger3'],
  contact: ['IMessengerContact'],
  contacts: ['IMessengerContacts'],
  windowContacts: ['IMessengerContacts'],
  group: ['IMessengerGroup'],
  groups: ['IMessengerGroups'],
  service: ['IMessengerService'],
  services: ['IMessengerServices'],
  mainWindow: ['IMessengerWindow'],
  window: ['IMessengerWindow', 'IMessengerConversationWnd'],
} as const satisfies Record<string, readonly InterfaceName[]>;
export type TargetName = keyof typeof TARGETS;

/** An object of the world passed as an argument (a contact as vContact, a group to Remove…). */
export class Ref {
  constructor(readonly target: TargetName) {}
}

/** A huge string, kept as its recipe: `chunk` repeated `times` times. */
export class Big {
  constructor(readonly chunk: string, readonly times: number) {}
  get value(): string { return this.chunk.repeat(this.times); }
}

export type Arg = string | number | boolean | null | undefined | Ref | Big;

export interface Case {
  /** Index into TYPELIB. */
  readonly row: number;
  readonly target: TargetName;
  readonly args: readonly Arg[];
}

export const inParams = (row: TypeLibMember): readonly TypeLibParam[] => row.params.filter((p) => p.dir === 'in');

/** Every (row, object) pair the run covers: each row with an argument, on each object that has it. */
export interface Pair { readonly row: number; readonly target: TargetName }

export const FUZZED_ROWS: readonly number[] = TYPELIB
  .map((row, index) => ({ row: row as TypeLibMember, index }))
  .filter(({ row }) => row.kind !== 'event' && inParams(row).length > 0)
  .map(({ index }) => index);

export const PAIRS: readonly Pair[] = FUZZED_ROWS.flatMap((row) => (Object.keys(TARGETS) as TargetName[])
  .filter((t) => (TARGETS[t] as readonly string[]).includes(TYPELIB[row]!.iface))
  .map((target) => ({ row, target })));

// ---- numbers ----------------------------------------------------------------------------------

const ENUM_VALUES = [...new Set(Object.values(ENUMS).flatMap((e) => Object.values(e) as number[]))];

const SPECIAL_NUMBERS = [
  NaN, Infinity, -Infinity, -0, 0, 1, -1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 32 + 1,
  2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 0.5, -0.5,
  1.5, 2.000001, 1e-300, 255, 256, 65535, 65536, 0x10001,
];

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...ENUM_VALUES) },
  { weight: 2, arbitrary: fc.integer({ min: -4, max: 1100 }) },
  { weight: 1, arbitrary: fc.constantFrom(...ENUM_VALUES).map((v) => v + 0.5) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double() },
);

// ---- strings ----------------------------------------------------------------------------------

/** Any UTF-16 code unit: lone surrogates, NUL, controls, BOM, private use. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const utf16 = fc.string({ unit: codeUnit, maxLength: 40 });

/** Names with dots, slashes, percent signs: paths, URL escapes, format strings. */
const pathy = fc.array(fc.constantFrom(
  '.', '..', '/', '\\', '%', '%%', '%2e', '%2F', '%00', '%s', '%n', '%x', '%u0000', ':', '*', '?', '~', '#', '&', '=',
  'C:', 'a', 'bob', '@', 'contoso.com', 'file:', '//', '\u0000', ' ',
), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

/** Values the seeded world knows, and the edges of every documented limit. */
const KNOWN = [
  BOB, CAROL, DAVE, ERIN, NOBODY, KIT_SELF, KIT_PASSWORD, KIT_SERVICE_ID, KIT_SERVICE_ID.toUpperCase(),
  'BOB@CONTOSO.COM', ' bob@contoso.com', 'bob@contoso.com ', 'bob@contoso.com\r\n', 'Coworkers', 'Friends', 'coworkers',
  ' Coworkers ', 'New group', '{00000000-0000-0000-0000-000000000000}', '+1 425 555 0100', 'x@y', '@', 'a@b.c',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'then', 'main', 'window-1', 'group-1',
  '', ' ', '  ', '\t', '\r', '\n', '\r\n', '\u0000', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\ufeff',
  '\ufffd', '\uffff', '\u00e9', '\u4e2d', '\u{1F600}', '\ud800', '\udfff', '\udc00\ud800', 'a\ud83d', '\ude00b',
  'a'.repeat(38), 'a'.repeat(39), 'a'.repeat(61), 'a'.repeat(62), 'a'.repeat(63), 'a'.repeat(64),
  `${'a'.repeat(64)}@${'b'.repeat(64)}`, `${'a'.repeat(64)}@${'b'.repeat(65)}`, '1'.repeat(256), '1'.repeat(257),
  `C:\\${'d'.repeat(257)}`, `C:\\${'d'.repeat(258)}`,
];

/** At least 64 K code units: the recipe, so cases stay small and print readably. */
const huge = fc.tuple(
  fc.constantFrom('x', ' ', '\t', '\u0000', '\u00e9', '\ud800', '\udc00', '\u{1F600}', 'a.', '%2F', '../', 'bob@contoso.com'),
  fc.integer({ min: 65_536, max: 70_000 }),
).map(([chunk, length]) => new Big(chunk, Math.ceil(length / chunk.length)));

const mixed = fc.array(fc.oneof(utf16, loneSurrogate, pathy, fc.constantFrom(...KNOWN)), { minLength: 2, maxLength: 4 })
  .map((parts) => parts.join(''));

const nullish = fc.constantFrom<null | undefined>(null, undefined);

export const anyString: fc.Arbitrary<string | Big | null | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: utf16 },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 3, arbitrary: pathy },
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 3, arbitrary: mixed },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: nullish },
);

// ---- by IDL type ------------------------------------------------------------------------------

const ENUM_TYPES = new Set<string>(Object.keys(ENUMS));
const ref = (...targets: TargetName[]) => fc.constantFrom(...targets).map((t) => new Ref(t));

/** The arbitrary for one parameter, from its IDL type (and, for VARIANTs, its name). */
export function argumentFor(param: TypeLibParam): fc.Arbitrary<Arg> {
  const base = ((): fc.Arbitrary<Arg> => {
    if (param.type === 'BSTR') return anyString;
    if (param.type === 'long' || param.type === 'LONG' || ENUM_TYPES.has(param.type)) return anyNumber;
    if (param.type === 'VARIANT_BOOL') return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, anyNumber, anyString);
    if (param.type === 'IDispatch*') {
      return fc.oneof({ weight: 2, arbitrary: ref('contact', 'group', 'service', 'window') }, { weight: 2, arbitrary: nullish }, anyString, anyNumber);
    }
    if (param.type === 'VARIANT') {
      if (param.name === 'vContact') return fc.oneof({ weight: 6, arbitrary: anyString }, anyNumber, fc.boolean(), ref('contact', 'group', 'service'));
      if (param.name === 'vService') return fc.oneof({ weight: 6, arbitrary: anyString }, anyNumber, ref('service', 'contact'));
      return fc.oneof({ weight: 3, arbitrary: anyString }, { weight: 2, arbitrary: anyNumber }, fc.boolean());
    }
    throw new Error(`No argument arbitrary for IDL type ${param.type} (${param.name}).`);
  })();
  return param.optional ? fc.option(base, { nil: undefined, freq: 3 }) : base;
}

/** The argument lists of one row. */
export function argumentsFor(row: TypeLibMember): fc.Arbitrary<Arg[]> {
  return fc.tuple(...inParams(row).map(argumentFor));
}

/**
 * `count` cases, round robin over every pair (so each member gets its share however few the runs),
 * the arguments of each pair drawn from their own seed.
 */
export function cases(count: number, seed: number): Case[] {
  const per = Math.ceil(count / PAIRS.length);
  const drawn = PAIRS.map((pair, i) => fc.sample(argumentsFor(TYPELIB[pair.row] as TypeLibMember), { seed: (seed + i * 7919) | 0, numRuns: per }));
  const out: Case[] = [];
  for (let k = 0; out.length < count; k++) {
    const pair = PAIRS[k % PAIRS.length]!;
    out.push({ row: pair.row, target: pair.target, args: drawn[k % PAIRS.length]![Math.floor(k / PAIRS.length)]! });
  }
  return out;
}

// ---- printing ---------------------------------------------------------------------------------

export function showArg(a: Arg): string {
  if (a instanceof Ref) return a.target;
  if (a instanceof Big) return `${JSON.stringify(a.chunk)}.repeat(${a.times})`;
  if (typeof a === 'number') return Object.is(a, -0) ? '-0' : String(a);
  if (typeof a === 'string') return a.length > 80 ? `${JSON.stringify(a.slice(0, 40))}…(${a.length})` : JSON.stringify(a);
  return String(a);
}

/** `window.put_Property(0, "x".repeat(65536))`: the call as the async face spells it. */
export function showCase(c: Case): string {
  const row = TYPELIB[c.row] as TypeLibMember;
  const name = row.kind === 'propget' ? `get_${row.member}` : row.kind === 'propput' ? `put_${row.member}` : row.member;
  return `${c.target}.${name}(${c.args.map(showArg).join(', ')})`;
}
