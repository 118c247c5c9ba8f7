/**
 * The worker's work: hosts core's Messenger (the async face) on the configured backend and serves
 * the synchronous callers' requests over the shared channel (protocol.ts), one at a time.
 *
 * Objects stay here, in a handle table; the caller gets handles. Collections are snapshots: the
 * caller gets the item handles in the same reply and keeps them; the collection object itself is
 * kept in a bounded LRU for the members that need it (Remove, PrimaryService), and an older
 * snapshot is re-read from its source (the member that gave it, with the same arguments). Events are recorded in order as core raises them and ride
 * back on the next reply.
 *
 * Progress (protocol.ts): the worker bumps PROGRESS as its work on a request moves, so the caller
 * can tell a slow call from a stuck one. A stretch of foreign code (core, a backend) cannot report
 * from inside; the caller counts its CPU time, not the time it waited for a CPU.
 */
import * as fs from 'node:fs';
import { HR, type InterfaceName, MESSENGER_EVENT_NAMES, type MessengerEventName, MessengerError } from '@imessenger/contract';
import type { BackendConfig } from './api';
import { callError, type CoreClass, coreClasses, invokeRow as invoke, rowName, signedEventArgs, startBackend, type StartedBackend } from './dispatch';
import { COLLECTION_ITEM, ifaceIndex, IFACE_NAMES } from './ifaces';
import { JSCRIPT } from './jscript';
import {
  CRASH_EXIT, CRASH_GARBLE, CRASH_HANG, CRASH_THROW, EVENTS_PENDING, OP_CALL, OP_COLL_CALL, OP_CRASH, OP_INDEX_ERROR, OP_OTHER_SIDE, OP_PING,
  OP_SHUTDOWN, OP_SLEEP, OP_SLOW, PROGRESS, REQ_SEQ, RESP_ERROR, RESP_OK, RESP_SEQ, SLOW_BUSY, SLOW_PROGRESS, SLOW_WAIT, STATE, STATE_READY,
  T_ARRAY, T_BOOLREF, T_COLLECTION, T_FALSE, T_INT, T_DOUBLE, T_JSON, T_NULL, T_OBJECT, T_OPAQUE, T_STRING, T_TRUE, T_UNDEFINED, spinWhile,
  Wire, WORKER_SPIN, type WorkerInit,
} from './protocol';

type Core = typeof import('@imessenger/core');
type Messenger = import('@imessenger/core').Messenger;

interface Collection { toArray(): object[] }
type Member = (...args: unknown[]) => unknown;
interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

let ctrl: Int32Array | undefined;
let wire: Wire;
const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

// ---- progress ---------------------------------------------------------------------------------

/** The work on the request in flight moved (protocol.ts, Progress). */
function progress(): void { if (ctrl) Atomics.add(ctrl, PROGRESS, 1); }

/** Starting the backend or serving a request (not waiting for one). */
let busy = true;
/** Serving WScript.Sleep: waiting on purpose. */
let sleeping = false;
/** Active handles and requests (timers, sockets, file operations…) while no request is served: the backend's standing ones. */
let standing = Infinity;
let idleTicks = 0;
const activeResources = (): number => process.getActiveResourcesInfo().length;

/**
 * Every TICK_MS, when the event loop turns (never inside a synchronous stretch). While a request is
 * served, a timer or I/O beyond the standing ones (a backend's retry delay, an HTTP request, a file
 * write) may still settle it: waiting on it is progress. A request that waits on nothing that could
 * settle it (a promise that never settles) makes none. While idle, it learns the standing count:
 * the lowest seen, re-learned every 64 idle ticks (a backend may start a poller of its own).
 */
export function tick(): void {
  if (!ctrl) return;
  if (busy) {
    if (sleeping || activeResources() > standing) progress();
    return;
  }
  const active = activeResources();
  standing = (idleTicks++ & 63) === 0 ? active : Math.min(standing, active);
}

// ---- the handle table -------------------------------------------------------------------------

/** Collections kept for their own members; older snapshots are re-read from their source. */
const COLLECTIONS_KEPT = 256;

let core: Core;
let messenger: Messenger;
let backend: StartedBackend;
const objects: object[] = [];
const objectIfaces: number[] = [];
const handles = new Map<object, number>();
const collections = new Map<number, object>();
let nextCollection = 1;
let classes: readonly (readonly [CoreClass, InterfaceName])[] = [];

function ifaceOf(o: object): number {
  for (const [cls, iface] of classes) if (o instanceof cls) return ifaceIndex(iface);
  throw new MessengerError(HR.E_FAIL, { detail: `The shim cannot hand out a ${o.constructor?.name ?? 'plain'} object.` });
}

function handleOf(o: object): number {
  let h = handles.get(o);
  if (h === undefined) {
    const iface = ifaceOf(o);
    h = objects.length;
    objects.push(o);
    objectIfaces.push(iface);
    handles.set(o, h);
  }
  return h;
}

function isCollection(o: object): o is Collection {
  return o instanceof core.MessengerContacts || o instanceof core.MessengerGroups || o instanceof core.MessengerServices;
}

function keepCollection(o: object): number {
  const id = -nextCollection++;
  collections.set(id, o);
  if (collections.size > COLLECTIONS_KEPT) {
    const oldest = collections.keys().next();
    if (!oldest.done) collections.delete(oldest.value);
  }
  return id;
}

function objectAt(h: number): object {
  const o = h < 0 ? collections.get(h) : objects[h];
  if (o === undefined) throw new MessengerError(JSCRIPT.OBJECT_REQUIRED.number, { detail: JSCRIPT.OBJECT_REQUIRED.description });
  return o;
}

// ---- values -----------------------------------------------------------------------------------

function writeValue(v: unknown): void {
  switch (typeof v) {
    case 'undefined': wire.u8(T_UNDEFINED); return;
    case 'boolean': wire.u8(v ? T_TRUE : T_FALSE); return;
    case 'number': wire.num(v); return;
    case 'string': wire.u8(T_STRING); wire.str(v); return;
    case 'bigint': wire.num(Number(v)); return;
    case 'object': {
      if (v === null) { wire.u8(T_NULL); return; }
      if (Array.isArray(v)) { wire.u8(T_ARRAY); wire.u32(v.length); for (const item of v) writeValue(item); return; }
      if (isCollection(v)) { writeCollection(v); return; }
      if (handles.has(v) || classes.some(([cls]) => v instanceof cls)) {
        const h = handleOf(v);
        wire.u8(T_OBJECT); wire.i32(h); wire.u8(objectIfaces[h] as number);
        return;
      }
      if (isBoolRef(v)) { wire.u8(T_BOOLREF); wire.u8(v.value ? 1 : 0); return; }
      let json: string | undefined;
      try { json = JSON.stringify(v); } catch { json = undefined; }
      if (json === undefined) { wire.u8(T_OPAQUE); return; }
      wire.u8(T_JSON); wire.str(json);
      return;
    }
    default: wire.u8(T_OPAQUE);
  }
}

function isBoolRef(v: object): v is { value: boolean } {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === 'value' && typeof (v as { value?: unknown }).value === 'boolean';
}

function writeCollection(c: Collection & object): void {
  const items = c.toArray();
  const iface = ifaceOf(c);
  const itemIface = COLLECTION_ITEM[IFACE_NAMES[iface] as InterfaceName];
  wire.u8(T_COLLECTION);
  wire.i32(keepCollection(c));
  wire.u8(iface);
  wire.u8(itemIface ? ifaceIndex(itemIface) : 255);
  wire.u32(items.length);
  for (let i = 0; i < items.length; i++) {
    wire.i32(handleOf(items[i] as object));
    if ((i & 4095) === 4095) progress();
  }
}

function readValue(): unknown {
  const tag = wire.rU8();
  switch (tag) {
    case T_UNDEFINED: return undefined;
    case T_NULL: return null;
    case T_FALSE: return false;
    case T_TRUE: return true;
    case T_INT: return wire.rI32();
    case T_DOUBLE: return wire.rF64();
    case T_STRING: return wire.rStr();
    case T_ARRAY: {
      const n = wire.rU32();
      const out: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = readValue();
      return out;
    }
    case T_OBJECT: {
      const h = wire.rI32();
      wire.rU8();
      // A snapshot older than the kept ones can no longer be passed; it arrives as a foreign object.
      return (h < 0 ? collections.get(h) : objects[h]) ?? {};
    }
    case T_BOOLREF: return { value: wire.rU8() === 1 };
    case T_JSON: return JSON.parse(wire.rStr()) as unknown;
    case T_OPAQUE: return {};
    default: throw new Error(`Unknown value tag ${tag} in a request.`);
  }
}

function readArgs(): unknown[] {
  const argc = wire.rU8();
  const args: unknown[] = new Array<unknown>(argc);
  for (let i = 0; i < argc; i++) args[i] = readValue();
  return args;
}

// ---- events -----------------------------------------------------------------------------------

const EVENT_INDEX = new Map<MessengerEventName, number>(MESSENGER_EVENT_NAMES.map((n, i) => [n, i]));
const pending: [MessengerEventName, readonly unknown[]][] = [];
let wakeSleeper: (() => void) | undefined;

function recordEvent(name: MessengerEventName, args: readonly unknown[]): void {
  pending.push([name, args]);
  Atomics.store(ctrl as Int32Array, EVENTS_PENDING, pending.length);
  progress();
  wakeSleeper?.();
}

/**
 * The pending events, in order, after the reply's value. An event that cannot be encoded is dropped
 * (and said on stderr), never left half-written; when the channel is full (DATA_MAX_BYTES) the rest
 * stay pending for the next reply. The count is patched in at the end.
 */
function writeEvents(): void {
  const countAt = wire.pos;
  wire.u32(0);
  let written = 0;
  let taken = 0;
  for (; taken < pending.length; taken++) {
    const [name, args] = pending[taken] as [MessengerEventName, readonly unknown[]];
    const at = wire.pos;
    try {
      wire.u8(EVENT_INDEX.get(name) as number);
      wire.u8(args.length);
      for (const arg of signedEventArgs(name, args)) writeValue(arg);
    } catch (e) {
      wire.pos = at;
      if (e instanceof RangeError && written > 0) break;
      fs.writeSync(2, `[imessenger shim] the ${name} event could not be sent and was dropped: ${describe(e)}\n`);
      continue;
    }
    if ((++written & 255) === 0) progress();
  }
  wire.u32At(countAt, written);
  pending.splice(0, taken);
}

// ---- requests ---------------------------------------------------------------------------------

function writeError(e: unknown, member: string | undefined): void {
  const error = callError(e, member);
  wire.u8(RESP_ERROR);
  wire.u32(error.hresult);
  wire.str(error.member);
  wire.str(error.description);
  wire.str(error.cause);
}

function sleep(ms: number): Promise<void> {
  if (pending.length > 0 || !(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => { clearTimeout(timer); wakeSleeper = undefined; resolve(); };
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    wakeSleeper = done;
  });
}

/** Test hook: the reply being written is to be garbled. */
let garble = false;

async function crash(how: number): Promise<never | void> {
  if (how === CRASH_GARBLE) { garble = true; return; }
  if (how === CRASH_EXIT) process.exit(70);
  if (how === CRASH_THROW) setImmediate(() => { throw new Error('crash requested by a test'); });
  if (how === CRASH_HANG) for (;;) { /* a thread that never answers again */ }
  // CRASH_STALL (and what follows the others): a promise nothing will ever settle.
  return new Promise<never>(() => undefined);
}

/** This thread's CPU time in ms (Linux), else undefined. */
function threadCpuMs(): number | undefined {
  try { return Number(fs.readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6; } catch { return undefined; }
}

/** Test hook: a call that takes `ms`, busy reporting progress, busy in silence, or waiting on a timer. */
async function slow(how: number, ms: number): Promise<void> {
  if (how === SLOW_WAIT) { await new Promise<void>((resolve) => setTimeout(resolve, ms)); return; }
  const cpu = threadCpuMs();
  const end = performance.now() + ms;
  let next = performance.now() + 5;
  // SLOW_BUSY counts this thread's CPU time (what the caller's clock counts, on Linux), SLOW_PROGRESS wall time.
  for (let i = 0; ; i++) {
    const now = performance.now();
    if (how === SLOW_PROGRESS) {
      if (now >= end) return;
      if (now >= next) { progress(); next = now + 5; }
    } else if (how === SLOW_BUSY) {
      if ((i & 1023) === 0 && (cpu === undefined ? now >= end : (threadCpuMs() as number) - cpu >= ms)) return;
    } else {
      throw new MessengerError(HR.E_INVALIDARG, { detail: `Unknown slow-call kind ${how}.` });
    }
  }
}

let shuttingDown = false;

/** Serve request `seq` (steps 4 and 5 of the handshake, protocol.ts): its reply replaces it in the buffer. */
async function handle(seq: number): Promise<void> {
  wire.reset();
  const asked = wire.rI32();
  const op = wire.rU8();
  let member: string | undefined;
  let value: unknown;
  let failed = false;
  let error: unknown;
  try {
    if (asked !== seq) throw protocolError(`request ${seq} was announced but the buffer is numbered ${asked}`);
    progress();
    switch (op) {
      case OP_CALL: {
        const h = wire.rI32();
        const row = wire.rU16();
        const args = readArgs();
        member = rowName(row);
        value = await invoke(objectAt(h), row, args);
        progress();
        break;
      }
      case OP_COLL_CALL: {
        const id = wire.rI32();
        const source = wire.rI32();
        const sourceRow = wire.rU16();
        const sourceArgs = readArgs();
        const row = wire.rU16();
        const args = readArgs();
        member = rowName(row);
        let coll = collections.get(id);
        // An older snapshot: the member that gave it, called again with the same arguments (Property(MCONTACTPROP_GROUPS_PROPERTY)).
        if (coll) { collections.delete(id); collections.set(id, coll); } else coll = (await invoke(objectAt(source), sourceRow, sourceArgs)) as object;
        value = await invoke(coll, row, args);
        progress();
        break;
      }
      case OP_INDEX_ERROR: {
        const iface = IFACE_NAMES[wire.rU8()] as string;
        const index = readValue();
        const count = wire.rU32();
        member = `${iface}.Item`;
        value = core.rules.checkIndex(index, count, member);
        break;
      }
      case OP_SLEEP:
        sleeping = true;
        try { await sleep(wire.rF64()); } finally { sleeping = false; }
        break;
      case OP_PING: break;
      case OP_OTHER_SIDE: {
        const method = wire.rStr();
        const delay = wire.rF64();
        const args = readArgs();
        const side = backend.otherSide as unknown as Record<string, unknown> | undefined;
        const fn = side?.[method];
        if (typeof fn !== 'function') throw new MessengerError(HR.E_NOTIMPL, { detail: `The ${messenger.backend} backend has no otherSide.${method} test hook.` });
        if (delay > 0) {
          setTimeout(() => {
            Promise.resolve((fn as Member).apply(side, args)).catch((e: unknown) => { fs.writeSync(2, `[imessenger shim] otherSide.${method} failed: ${describe(e)}\n`); });
          }, delay);
        } else {
          value = await (fn as Member).apply(side, args);
        }
        break;
      }
      case OP_CRASH: await crash(wire.rU8()); break;
      case OP_SLOW: { const how = wire.rU8(); await slow(how, wire.rF64()); break; }
      case OP_SHUTDOWN:
        shuttingDown = true;
        messenger.dispose();
        await backend.dispose?.();
        break;
      default: throw protocolError(`the buffer of request ${seq} holds no request (op ${op})`);
    }
  } catch (e) {
    failed = true;
    error = e;
  }
  wire.reset();
  wire.i32(seq);
  if (!failed) {
    try {
      wire.u8(RESP_OK);
      writeValue(value);
    } catch (e) {
      wire.reset();
      wire.i32(seq);
      failed = true;
      error = e instanceof RangeError ? new MessengerError(HR.E_OUTOFMEMORY, { member, detail: e.message }) : e;
    }
  }
  if (failed) writeError(error, member);
  writeEvents();
  if (garble) {
    // What a torn read once saw: a string length running past the end of the buffer.
    garble = false;
    wire.reset();
    wire.i32(seq); wire.u8(RESP_OK); wire.u8(T_STRING); wire.u32(0xfffffff0);
  }
}

/** The channel out of step: a clear E_FAIL for the call, never a stale buffer served as a request. */
function protocolError(what: string): MessengerError {
  return new MessengerError(HR.E_FAIL, { detail: `Shim protocol error: ${what}.` });
}

// ---- the loop ---------------------------------------------------------------------------------

const waitAsync = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync.bind(Atomics);

async function serve(ctrl: Int32Array): Promise<void> {
  // Requests are numbered from 1: one may already be waiting when this loop starts.
  let seen = 0;
  let burst = performance.now();
  for (;;) {
    // Step 3: a wake is only a hint; REQ_SEQ says whether there is a request (a late notify, for
    // one already served while spinning, finds none and waits again).
    let seq = Atomics.load(ctrl, REQ_SEQ);
    while (seq === seen) {
      if (!spinWhile(ctrl, REQ_SEQ, seen, Atomics.load(ctrl, WORKER_SPIN))) {
        const w = waitAsync(ctrl, REQ_SEQ, seen);
        if (w.async) {
          busy = false;
          await w.value;
          busy = true;
        }
        burst = performance.now();
      }
      seq = Atomics.load(ctrl, REQ_SEQ);
    }
    // Requests served back to back never leave this microtask chain: let timers and I/O run now and then.
    if (performance.now() - burst > 8) { await new Promise<void>((resolve) => setImmediate(resolve)); burst = performance.now(); }
    seen = seq;
    await handle(seq);
    Atomics.store(ctrl, EVENTS_PENDING, pending.length);
    Atomics.store(ctrl, RESP_SEQ, seq);
    Atomics.notify(ctrl, RESP_SEQ);
    if (shuttingDown) return;
  }
}

/**
 * Start the backend and serve requests until shutdown. `failed` records a start failure (the caller
 * then reports it on activation); `quiet` marks a deliberate exit so it is not reported as a death.
 */
export async function start(init: WorkerInit, failed: (reason: string) => void, quiet: () => void): Promise<void> {
  const channel = (ctrl = new Int32Array(init.buffers.ctrl));
  wire = new Wire(init.buffers.data);
  // Before the backend starts: what is active now is the shim's own (its tick).
  standing = activeResources();
  try {
    core = require('@imessenger/core') as Core;
    classes = coreClasses(core);
    backend = await startBackend(init.backend as BackendConfig);
    messenger = core.createMessenger({ backend: backend.definition });
    objects.push(messenger); // handle 0: the Messenger object
    objectIfaces.push(ifaceIndex('IMessenger3'));
    handles.set(messenger, 0);
    messenger.onAny(recordEvent);
  } catch (e) {
    failed(describe(e));
    setImmediate(() => process.exit(1));
    return;
  }
  progress();
  Atomics.store(channel, STATE, STATE_READY);
  Atomics.notify(channel, STATE);
  await serve(channel);
  quiet();
  setImmediate(() => process.exit(0));
}
