/**
 * The three faces the fuzz run drives, each over a fresh seeded memory backend per batch of cases:
 * - async: core's Messenger (createMessenger), awaited, each call under a time limit;
 * - shim: the synchronous COM-shaped objects over the worker (createAutomationHost), called as a
 *   script would (`obj.Name = v`, `obj.Member(args)`);
 * - cli: one generated legacy JScript file per batch, run by `imessenger run`'s runScript, which
 *   makes every call in try/catch and echoes what happened as one JSON line per case.
 * Every face signs in, fetches its objects (a contact, the collections, a group, the service, the
 * main window, a conversation window), then signs out for the signed-out runs. After each call it
 * reads MyStatus and MyContacts.Count: a member must not break the ones called after it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMessengerError, MessengerError, TYPELIB, type TypeLibMember, vtableName } from '@imessenger/contract';
import { BOB, KIT_PASSWORD, KIT_SELF, kitSeed } from '@imessenger/contract-tests';
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createAutomationHost, type ShimHost } from '@imessenger/shim';
import { runScript } from '../../../packages/cli/src/run';
import { type Arg, Big, type Case, inParams, Ref, type TargetName } from './inputs';

/** What one call did. */
export interface Outcome {
  readonly ok: boolean;
  /** The thrown value's name ('MessengerError', 'TypeError', …) and, for a MessengerError, its HRESULT. */
  readonly name?: string;
  readonly hresult?: number;
  readonly member?: string;
  readonly description?: string;
  /** An E_FAIL that only wraps a non-HRESULT exception (core's "The backend failed"). */
  readonly wrapped?: boolean;
  /** No answer within the time limit. */
  readonly hang?: boolean;
  /** After a property put that succeeded: what reading the property back gave (value or failure). */
  readonly back?: { readonly value?: unknown; readonly error?: Outcome };
  /** The sanity reads after the call: MyStatus and MyContacts.Count, or why they failed. */
  readonly status?: number;
  readonly count?: number;
  readonly broken?: string;
}

export interface Face {
  readonly name: 'async' | 'shim' | 'cli';
  /**
   * Run `cases` in order on a fresh world, signed in or not; one outcome per case, in order, up to
   * the first whose sanity reads failed (the world is spoilt: the rest of the batch is not run).
   */
  run(cases: readonly Case[], signedIn: boolean): Promise<Outcome[]>;
}

const CALL_LIMIT_MS = 5_000;
const rowOf = (c: Case): TypeLibMember => TYPELIB[c.row] as TypeLibMember;
const isSignin = (c: Case): boolean => rowOf(c).iface === 'IMessenger' && rowOf(c).member === 'Signin';
/** A property put without index parameters whose property can be read back (`obj.Name = v; obj.Name`). */
export const readsBack = (c: Case): boolean => {
  const row = rowOf(c);
  return row.kind === 'propput' && inParams(row).length === 1
    && TYPELIB.some((r) => r.iface === row.iface && r.member === row.member && r.kind === 'propget' && inParams(r).length === 0);
};
const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function failure(e: unknown, wrapped: (e: MessengerError) => boolean): Outcome {
  if (isMessengerError(e)) {
    return { ok: false, name: e.name, hresult: e.hresult, member: e.member, description: e.description, wrapped: wrapped(e) };
  }
  return { ok: false, name: e instanceof Error ? e.name : typeof e, description: describeError(e) };
}

/** core's text for a backend exception it turned into E_FAIL (Runtime.run). */
const WRAPPED_TEXT = /^The backend failed\b/;

// ---- the async face ---------------------------------------------------------------------------

type AsyncTarget = Record<string, (...args: unknown[]) => Promise<unknown>>;

async function asyncWorld(signedIn: boolean): Promise<{ msn: Messenger; targets: Record<TargetName, unknown> }> {
  const msn = createMessenger({ backend: memoryBackend({ seed: kitSeed() }) });
  await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
  const groups = await msn.get_MyGroups();
  const services = await msn.get_Services();
  const window = await msn.InstantMessage(BOB);
  const targets: Record<TargetName, unknown> = {
    messenger: msn, contact: await msn.GetContact(BOB, ''), contacts: await msn.get_MyContacts(),
    windowContacts: await window.get_Contacts(), group: await groups.Item(0), groups, service: await services.get_PrimaryService(),
    services, mainWindow: await msn.get_Window(), window,
  };
  if (!signedIn) await msn.Signout();
  return { msn, targets };
}

function withLimit<T>(promise: Promise<T>): Promise<T | typeof HANG> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<typeof HANG>((resolve) => { timer = setTimeout(() => resolve(HANG), CALL_LIMIT_MS); });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
const HANG = Symbol('hang');

/** A failure thrown by core itself: a MessengerError of this realm (not merely one in shape); wrapped when its cause is not one. */
function coreFailure(e: unknown): Outcome {
  if (!(e instanceof MessengerError)) return isMessengerError(e) ? { ...failure(e, () => false), name: 'MessengerError of another realm' } : failure(e, () => false);
  return failure(e, (m) => m.cause !== undefined && !isMessengerError(m.cause));
}

export const asyncFace: Face = {
  name: 'async',
  async run(cases, signedIn) {
    const { msn, targets } = await asyncWorld(signedIn);
    const value = (a: Arg): unknown => (a instanceof Ref ? targets[a.target] : a instanceof Big ? a.value : a);
    const out: Outcome[] = [];
    try {
      for (const c of cases) {
        const target = targets[c.target] as AsyncTarget;
        let outcome: Outcome;
        try {
          const fn = target[vtableName(rowOf(c))];
          if (typeof fn !== 'function') throw new TypeError(`${c.target} has no ${vtableName(rowOf(c))}`);
          const result = await withLimit(Promise.resolve().then(() => fn.apply(target, c.args.map(value))));
          outcome = result === HANG ? { ok: false, hang: true } : { ok: true };
        } catch (e) {
          outcome = coreFailure(e);
        }
        if (outcome.ok && readsBack(c)) {
          try {
            const read = await withLimit(target[`get_${rowOf(c).member}`]!());
            outcome = { ...outcome, back: read === HANG ? { error: { ok: false, hang: true } } : { value: read } };
          } catch (e) {
            outcome = { ...outcome, back: { error: coreFailure(e) } };
          }
        }
        if (!signedIn && isSignin(c) && outcome.ok) await msn.Signout();
        try {
          const status = await withLimit(msn.get_MyStatus());
          const count = await withLimit(msn.get_MyContacts().then((list) => list.get_Count()));
          if (status === HANG || count === HANG) throw new Error('the sanity read did not answer');
          outcome = { ...outcome, status, count };
        } catch (e) {
          outcome = { ...outcome, broken: describeError(e) };
        }
        out.push(outcome);
        if (outcome.broken !== undefined) break; // this world is spoilt: the rest of the batch is not run
      }
    } finally {
      msn.dispose();
    }
    // Let anything the batch left running settle here, so a stray rejection fails this face's test.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return out;
  },
};

// ---- the shim (automation) face ----------------------------------------------------------------

type Auto = Record<string, unknown>;
const auto = (o: unknown): Auto => o as Auto;
const invoke = (o: unknown, member: string, args: readonly unknown[]): unknown => (auto(o)[member] as (...a: unknown[]) => unknown)(...args);

/** A case as a script makes it: `obj.Member(args)`, `obj.Prop(index)`, `obj.Prop = v`, `obj.put_Prop(index, v)`. */
function scriptCall(target: unknown, row: TypeLibMember, args: readonly unknown[]): void {
  if (row.kind === 'propput') {
    if (inParams(row).length === 1) auto(target)[row.member] = args[0];
    else invoke(target, `put_${row.member}`, args);
    return;
  }
  invoke(target, row.member, args);
}

export const shimFace: Face = {
  name: 'shim',
  async run(cases, signedIn) {
    const host: ShimHost = createAutomationHost({ backend: { kind: 'memory', seed: kitSeed() }, hangTimeoutMs: CALL_LIMIT_MS });
    const out: Outcome[] = [];
    try {
      const msn = auto(host.create('Messenger.UIAutomation.1'));
      invoke(msn, 'Signin', [0, KIT_SELF, KIT_PASSWORD]);
      const groups = msn['MyGroups'];
      const services = auto(msn['Services']);
      const window = auto(invoke(msn, 'InstantMessage', [BOB]));
      const targets: Record<TargetName, unknown> = {
        messenger: msn, contact: invoke(msn, 'GetContact', [BOB, '']), contacts: msn['MyContacts'], windowContacts: window['Contacts'],
        group: invoke(groups, 'Item', [0]), groups, service: services['PrimaryService'], services, mainWindow: msn['Window'], window,
      };
      if (!signedIn) invoke(msn, 'Signout', []);
      const value = (a: Arg): unknown => (a instanceof Ref ? targets[a.target] : a instanceof Big ? a.value : a);
      for (const c of cases) {
        let outcome: Outcome;
        try {
          scriptCall(targets[c.target], rowOf(c), c.args.map(value));
          outcome = { ok: true };
        } catch (e) {
          outcome = failure(e, (m) => WRAPPED_TEXT.test(m.description));
        }
        if (host.stopped !== undefined) {
          out.push({ ...outcome, broken: `the worker stopped: ${host.stopped}` });
          break;
        }
        if (outcome.ok && readsBack(c)) {
          try {
            outcome = { ...outcome, back: { value: auto(targets[c.target])[rowOf(c).member] } };
          } catch (e) {
            outcome = { ...outcome, back: { error: failure(e, (m) => WRAPPED_TEXT.test(m.description)) } };
          }
        }
        if (!signedIn && isSignin(c) && outcome.ok) invoke(msn, 'Signout', []);
        try {
          outcome = { ...outcome, status: msn['MyStatus'] as number, count: auto(msn['MyContacts'])['Count'] as number };
        } catch (e) {
          outcome = { ...outcome, broken: describeError(e) };
        }
        out.push(outcome);
        if (outcome.broken !== undefined) break;
      }
    } finally {
      host.dispose();
    }
    return out;
  },
};

// ---- the CLI face: a generated legacy script ----------------------------------------------------

/** An argument as JScript source. */
function jsArg(a: Arg): string {
  if (a instanceof Ref) return `T.${a.target}`;
  if (a instanceof Big) return `${JSON.stringify(a.chunk)}.repeat(${a.times})`;
  if (typeof a === 'number') return Object.is(a, -0) ? '-0' : String(a); // NaN, Infinity: globals
  if (typeof a === 'string') return JSON.stringify(a); // lone surrogates come out as \ud800 escapes
  return String(a);
}

function jsCall(c: Case): string {
  const row = rowOf(c);
  const args = c.args.map(jsArg);
  const target = `T.${c.target}`;
  if (row.kind === 'propput') return inParams(row).length === 1 ? `${target}.${row.member} = ${args[0]}` : `${target}.put_${row.member}(${args.join(', ')})`;
  return `${target}.${row.member}(${args.join(', ')})`;
}

/** The script for one batch: the world, a runner that reports each case, then one line per case. */
export function scriptFor(cases: readonly Case[], signedIn: boolean): string {
  return [
    '// Generated by test/reliability/fuzz.test.ts: one fuzzed call per run(...) line.',
    'var msn = new ActiveXObject("Messenger.UIAutomation.1");',
    `var SIGNED_IN = ${signedIn};`,
    `msn.Signin(0, ${JSON.stringify(KIT_SELF)}, ${JSON.stringify(KIT_PASSWORD)});`,
    'var T = { messenger: msn };',
    `T.contact = msn.GetContact(${JSON.stringify(BOB)}, "");`,
    'T.contacts = msn.MyContacts;',
    'T.groups = msn.MyGroups;',
    'T.group = T.groups.Item(0);',
    'T.services = msn.Services;',
    'T.service = T.services.PrimaryService;',
    'T.mainWindow = msn.Window;',
    `T.window = msn.InstantMessage(${JSON.stringify(BOB)});`,
    'T.windowContacts = T.window.Contacts;',
    'if (!SIGNED_IN) msn.Signout();',
    'function text(e) { return String(e && e.description !== undefined ? e.description : e && e.message !== undefined ? e.message : e).slice(0, 400); }',
    'function failure(e) { return { ok: false, name: String(e && e.name), hresult: e && typeof e.hresult === "number" ? e.hresult : null, member: e && e.member || null, description: text(e) }; }',
    'var spoilt = false;',
    'function run(call, signin, back) {',
    '  if (spoilt) return;',
    '  var r;',
    '  try { call(); r = { ok: true }; } catch (e) { r = failure(e); }',
    '  if (r.ok && back) { try { r.back = { value: back() }; } catch (e) { r.back = { error: failure(e) }; } }',
    '  if (!SIGNED_IN && signin && r.ok) msn.Signout();',
    '  try { r.status = msn.MyStatus; r.count = msn.MyContacts.Count; } catch (e) { r.broken = text(e); spoilt = true; }',
    '  WScript.Echo("R " + JSON.stringify(r));',
    '}',
    ...cases.map((c) => `run(function () { ${jsCall(c)}; }, ${isSignin(c)}${readsBack(c) ? `, function () { return T.${c.target}.${rowOf(c).member}; }` : ''});`),
    '',
  ].join('\n');
}

interface ScriptFailure { ok: false; name?: string; hresult?: number | null; member?: string | null; description?: string }
interface ScriptLine {
  ok: boolean; name?: string; hresult?: number | null; member?: string | null; description?: string;
  back?: { value?: unknown; error?: ScriptFailure }; status?: number; count?: number; broken?: string;
}

function fromScript(r: ScriptFailure): Outcome {
  return {
    ok: false, name: r.name, hresult: r.hresult ?? undefined, member: r.member ?? undefined, description: r.description,
    wrapped: r.name === 'MessengerError' && WRAPPED_TEXT.test(r.description ?? ''),
  };
}

let scriptDir: string | undefined;
let scripts = 0;

export const cliFace: Face & { cleanup(): void } = {
  name: 'cli',
  async run(cases, signedIn) {
    scriptDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-fuzz-'));
    const file = path.join(scriptDir, `fuzz-${++scripts}.js`);
    fs.writeFileSync(file, scriptFor(cases, signedIn));
    let stdout = '';
    let stderr = '';
    const code = await runScript({
      file, backend: { kind: 'memory', seed: kitSeed() },
      stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
    });
    const lines = stdout.split('\n').filter((l) => l.startsWith('R ')).map((l) => JSON.parse(l.slice(2)) as ScriptLine);
    const out: Outcome[] = lines.map((r) => ({
      ...(r.ok ? { ok: true } : fromScript(r as ScriptFailure)),
      ...(r.back ? { back: r.back.error ? { error: fromScript(r.back.error) } : { value: r.back.value } } : {}),
      status: r.status, count: r.count, broken: r.broken,
    }));
    if (out.length < cases.length && out[out.length - 1]?.broken === undefined) {
      // The script ended early: the case it was on is the culprit.
      out.push({ ok: false, name: 'ScriptEnded', description: `exit code ${code}: ${stderr.trim().slice(0, 400)}`, broken: 'the script ended early' });
    } else if (code !== 0) {
      out[out.length - 1] = { ...out[out.length - 1]!, broken: `exit code ${code}: ${stderr.trim().slice(0, 400)}` };
    }
    return out;
  },
  cleanup() {
    if (scriptDir) fs.rmSync(scriptDir, { recursive: true, force: true });
    scriptDir = undefined;
  },
};
