/**
 * The caller's side: synchronous, COM-shaped automation objects over the worker (serve.ts).
 *
 * Every object the script holds is a Proxy over a small target (the worker's handle and the
 * interface's dispatch table). A read of a property runs its propget and waits for the answer;
 * methods and parameterised properties are functions; an assignment runs the propput. Member
 * names resolve here, case-insensitively, from the type-library table (members.ts), so only the
 * call itself crosses to the worker. One proxy per handle: the same contact is the same object.
 *
 * A call writes its request (numbered) into the shared buffer, publishes its number in REQ_SEQ and
 * waits until RESP_SEQ carries it (the handshake: protocol.ts): first spinning, when SpinPolicy
 * finds that pays (a back-to-back call is then answered in microseconds), then with Atomics.wait in
 * short slices that also watch the worker's state and heartbeat, so a dead worker gives a clear
 * error instead of a hang. The reply must carry the request's number too. Events ride back on every reply and are delivered, in order, once the
 * call is complete: never inside another call, never nested.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HR, MESSENGER_EVENT_NAMES, type MessengerEventName, MessengerError, type OtherSide, TYPELIB } from '@imessenger/contract';
import type { HostOptions, LegacyEnumerator, ShimHost, SyncOtherSide } from './api';
import { ifaceIndex } from './ifaces';
import { isQuit, JSCRIPT, jscriptError } from './jscript';
import { IFACES, type IfaceInfo, lookup, type MemberDesc } from './members';
import {
  createBuffers, CRASH_EXIT, CRASH_HANG, CRASH_THROW, EVENTS_PENDING, HEARTBEAT, OP_CALL, OP_COLL_CALL, OP_CRASH, OP_INDEX_ERROR,
  OP_OTHER_SIDE, OP_PING, OP_SHUTDOWN, OP_SLEEP, readNote, REQ_SEQ, RESP_ERROR, RESP_OK, RESP_SEQ, SpinPolicy, spinWhile, STATE, STATE_DEAD, STATE_FAILED,
  STATE_READY, STATE_STARTING, T_ARRAY, T_BOOLREF, T_COLLECTION, T_DOUBLE, T_FALSE, T_INT, T_JSON, T_NULL, T_OBJECT, T_OPAQUE,
  T_STRING, T_TRUE, T_UNDEFINED, Wire, type WorkerInit,
} from './protocol';

/** The ProgIDs of the Messenger object (case-insensitive, as COM's were). All reach the one backend. */
export const MESSENGER_PROGIDS = ['Messenger.UIAutomation', 'Messenger.UIAutomation.1', 'Communicator.UIAutomation'] as const;
const MESSENGER_KEYS = new Set<string>(MESSENGER_PROGIDS.map((p) => p.toLowerCase()));

type Fn = (...args: unknown[]) => unknown;
type Listener = (...args: unknown[]) => void;
interface QueuedEvent { readonly name: MessengerEventName; readonly args: unknown[] }

const NO_ARGS: readonly unknown[] = [];
const EVENT_BY_LOWER = new Map<string, MessengerEventName>(MESSENGER_EVENT_NAMES.map((n) => [n.toLowerCase(), n]));
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
/** Names JavaScript machinery probes (await, JSON, test matchers): undefined, not a JScript error. */
const PROBES = new Set([
  'then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType', 'nodeName', 'tagName', 'inspect', '_isMockFunction',
  '@@__IMMUTABLE_ITERABLE__@@', '@@__IMMUTABLE_RECORD__@@', '@@__IMMUTABLE_KEYED__@@', '@@__IMMUTABLE_INDEXED__@@',
  '@@__IMMUTABLE_ORDERED__@@',
]);
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

const rowName = (row: number): string | undefined => {
  const r = TYPELIB[row];
  return r ? `${r.iface}.${r.member}` : undefined;
};

// ---- targets and the one proxy handler ------------------------------------------------------------

class ObjectTarget {
  fns: Map<MemberDesc, Fn> | undefined = undefined;
  constructor(readonly host: Host, readonly handle: number, readonly iface: IfaceInfo) {}
  /** util.inspect finds this on the target (it bypasses traps), then calls it on the proxy. */
  [INSPECT](): string { return `[${(TARGETS.get(this) ?? this).iface.name}]`; }
}

/** A Messenger object (one per ActiveXObject): its own `.on()` listeners and ConnectObject prefixes. */
class RootTarget extends ObjectTarget {
  readonly listeners = new Map<MessengerEventName, Set<Listener>>();
  readonly prefixes: string[] = [];
  on: Fn | undefined = undefined;
  off: Fn | undefined = undefined;
  get connected(): boolean { return this.listeners.size > 0 || this.prefixes.length > 0; }
}

/** A collection snapshot: its items' handles live here; the worker keeps the object for Remove & co. */
class CollectionTarget extends ObjectTarget {
  constructor(host: Host, id: number, iface: IfaceInfo, readonly source: number, readonly sourceRow: number,
    public items: Int32Array, readonly itemIface: number) { super(host, id, iface); }
  iterate: Fn | undefined = undefined;
}

/** Proxy -> target, for every host (arguments, Enumerator, ConnectObject find their target here). */
const TARGETS = new WeakMap<object, ObjectTarget>();

function functionFor(t: ObjectTarget, d: MemberDesc): Fn {
  let fns = t.fns;
  if (fns === undefined) t.fns = fns = new Map();
  let f = fns.get(d);
  if (f === undefined) {
    const host = t.host;
    const local = d.local;
    const row = d.row;
    if (local !== undefined) f = (...args: unknown[]) => host.local(t as CollectionTarget, local, args);
    else if (row >= 0) f = (...args: unknown[]) => host.call(t, row, args);
    else f = () => { throw jscriptError(JSCRIPT.NOT_SUPPORTED, `${t.iface.name}.${d.name}`); };
    fns.set(d, f);
  }
  return f;
}

const HANDLER: ProxyHandler<ObjectTarget> = {
  get(t, key) {
    if (typeof key !== 'string') return t.host.symbol(t, key);
    const d = lookup(t.iface, key);
    if (d === undefined) return t.host.missing(t, key);
    if (d.kind === 'func') return functionFor(t, d);
    return d.local === undefined ? t.host.call(t, d.row, NO_ARGS) : t.host.local(t as CollectionTarget, d.local, NO_ARGS);
  },
  set(t, key, value) {
    if (typeof key !== 'string') return false;
    const d = lookup(t.iface, key);
    if (d === undefined || d.putRow < 0 || d.kind === 'func' && d.name.startsWith('put_')) {
      throw jscriptError(JSCRIPT.NOT_SUPPORTED, `${t.iface.name}.${d?.name ?? key}`);
    }
    if (d.putIndexed) throw jscriptError(JSCRIPT.WRONG_ARGUMENTS, `${t.iface.name}.${d.name}`);
    t.host.call(t, d.putRow, [value]);
    return true;
  },
  has(t, key) {
    if (typeof key !== 'string') return key === Symbol.iterator && t instanceof CollectionTarget;
    return lookup(t.iface, key) !== undefined || (t instanceof RootTarget && (key === 'on' || key === 'off'));
  },
  ownKeys() { return []; },
  getOwnPropertyDescriptor() { return undefined; },
  defineProperty() { return false; },
  deleteProperty() { return false; },
  getPrototypeOf() { return Object.prototype; },
  setPrototypeOf() { return false; },
};

// ---- enumeration ----------------------------------------------------------------------------------

/** A JavaScript iterator over a snapshot (for…of, _NewEnum). */
class SnapshotIterator implements IterableIterator<object> {
  private index = 0;
  private readonly items: Int32Array;
  constructor(private readonly t: CollectionTarget) { this.items = t.items.slice(); }
  next(): IteratorResult<object> {
    if (this.index >= this.items.length) return { value: undefined, done: true };
    return { value: this.t.host.proxyFor(this.items[this.index++] as number, this.t.itemIface), done: false };
  }
  [Symbol.iterator](): IterableIterator<object> { return this; }
}

/**
 * The JScript `Enumerator`: `new Enumerator(msn.MyContacts)`, then atEnd / moveNext / item /
 * moveFirst. Over a shim collection it walks the snapshot (as _NewEnum did); it also takes any
 * JavaScript iterable (WScript.Arguments, arrays).
 */
export class Enumerator implements LegacyEnumerator {
  private index = 0;
  private readonly count: number;
  private readonly at: (index: number) => unknown;

  constructor(collection?: unknown) {
    if (collection === undefined || collection === null) { this.count = 0; this.at = () => undefined; return; }
    const t = typeof collection === 'object' ? TARGETS.get(collection) : undefined;
    if (t instanceof CollectionTarget) {
      t.host.pollEvents();
      const items = t.items.slice();
      this.count = items.length;
      this.at = (i) => t.host.proxyFor(items[i] as number, t.itemIface);
      return;
    }
    if (t === undefined && typeof (collection as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
      const items = Array.from(collection as Iterable<unknown>);
      this.count = items.length;
      this.at = (i) => items[i];
      return;
    }
    throw jscriptError(JSCRIPT.NOT_A_COLLECTION);
  }

  atEnd(): boolean { return this.index >= this.count; }
  moveNext(): void { if (this.index < this.count) this.index++; }
  item(): unknown { return this.index < this.count ? this.at(this.index) : undefined; }
  moveFirst(): void { this.index = 0; }
}

// ---- the host -------------------------------------------------------------------------------------

const OTHER_SIDE_METHODS = [
  'contactStatus', 'contactFriendlyName', 'contactPhone', 'contactPager', 'contactEmail', 'contactLeavesConversations',
  'myFriendlyName', 'myPhone', 'appShutdown', 'unreadEmail', 'signOut', 'failNextCall',
] as const satisfies readonly (keyof OtherSide)[];
// Every OtherSide hook is listed (a compile error names the one missing).
const allOtherSideMethods: Exclude<keyof OtherSide, (typeof OTHER_SIDE_METHODS)[number]> extends never ? true : never = true;
void allOtherSideMethods;

/** dist/worker.js, also when this module runs from src (ts-jest): a .ts worker cannot run on Node 20. */
export function workerPath(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '..', 'dist', 'worker.js') : path.join(__dirname, 'worker.js');
}

function defaultSpin(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 ? 100 : 0;
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export class Host implements ShimHost {
  readonly ActiveXObject: new (progId: string) => object;
  readonly Enumerator = Enumerator;
  readonly otherSide: SyncOtherSide;

  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly wire: Wire;
  private readonly note: SharedArrayBuffer;
  private readonly spin: SpinPolicy;
  private readonly hangTimeoutMs: number;
  private readonly globals: object;
  private readonly safeForScripting: boolean;
  private seq = 0;
  private state: 'starting' | 'ready' | 'stopped' = 'starting';
  private stopMessage: string | undefined;
  private readonly proxies: (object | undefined)[] = [];
  private readonly roots = new Set<RootTarget>();
  private running: object | undefined;
  private readonly queue: QueuedEvent[] = [];
  private head = 0;
  private delivering = false;
  /** Where a collection in the reply being read came from (for re-reading an evicted snapshot). */
  private sourceHandle = 0;
  private sourceRow = 0;

  constructor(private readonly options: HostOptions) {
    if (!options || typeof options.backend !== 'object' || options.backend === null) {
      throw new TypeError('createAutomationHost: `backend` is required, e.g. { backend: { kind: "memory", seed } }.');
    }
    this.globals = options.globals ?? globalThis;
    this.safeForScripting = options.safeForScripting === true;
    this.hangTimeoutMs = Math.max(100, options.hangTimeoutMs ?? 10_000);
    const buffers = createBuffers();
    this.ctrl = new Int32Array(buffers.ctrl);
    this.spin = new SpinPolicy(this.ctrl, Math.max(0, options.spinMicros ?? defaultSpin()), Math.max(0, options.workerSpinMicros ?? defaultSpin()));
    this.wire = new Wire(buffers.data);
    this.note = buffers.note;
    const file = workerPath();
    if (!fs.existsSync(file)) throw new Error(`The shim's worker is not built (${file} is missing): run \`npx tsc -b packages/shim\`.`);
    const init: WorkerInit = { buffers, backend: options.backend };
    this.worker = new Worker(file, { workerData: init });
    this.worker.unref();
    // Failures are read from the shared state by the waiting caller; these only keep Node from
    // treating them as unhandled, and record an exit seen between calls.
    this.worker.on('error', () => undefined);
    this.worker.on('exit', (code) => { if (this.state !== 'stopped') this.stopWith(this.deathMessage(`the worker exited (code ${code}).`)); });

    const host = this;
    function ActiveXObject(this: unknown, progId: string): object { return host.create(progId); }
    this.ActiveXObject = ActiveXObject as unknown as new (progId: string) => object;
    this.otherSide = this.otherSideHooks(0);
  }

  get stopped(): string | undefined { return this.stopMessage; }

  // ---- activation -------------------------------------------------------------------------------

  create(progId: string): object {
    const key = typeof progId === 'string' ? progId.trim().toLowerCase() : '';
    if (MESSENGER_KEYS.has(key)) { this.ready(); return this.newRoot(); }
    const extra = this.extraProgId(key);
    if (extra) return extra();
    throw jscriptError(JSCRIPT.CANT_CREATE_OBJECT);
  }

  GetObject(pathOrProgId?: string, progId?: string): object {
    const cls = typeof progId === 'string' && progId !== '' ? progId : pathOrProgId;
    const key = typeof cls === 'string' ? cls.trim().toLowerCase() : '';
    if (MESSENGER_KEYS.has(key)) { this.ready(); return (this.running ??= this.newRoot()); }
    const extra = this.extraProgId(key);
    if (extra) return extra();
    throw jscriptError(JSCRIPT.CANT_CREATE_OBJECT);
  }

  CreateObject(progId: string, prefix?: string): object {
    const object = this.create(progId);
    if (prefix !== undefined && prefix !== '' && TARGETS.get(object) instanceof RootTarget) this.ConnectObject(object, prefix);
    return object;
  }

  ConnectObject(object: object, prefix: string): void {
    const t = this.rootOf(object);
    const p = String(prefix);
    if (!t.prefixes.includes(p)) t.prefixes.push(p);
    this.roots.add(t);
  }

  DisconnectObject(object: object): void {
    const t = this.rootOf(object);
    t.prefixes.length = 0;
    if (!t.connected) this.roots.delete(t);
  }

  private rootOf(object: object): RootTarget {
    const t = typeof object === 'object' && object !== null ? TARGETS.get(object) : undefined;
    if (t === undefined || t.host !== this) throw jscriptError(JSCRIPT.OBJECT_REQUIRED);
    // Only the Messenger object has a connection point (DMessengerEvents).
    if (!(t instanceof RootTarget)) throw jscriptError(JSCRIPT.ACTION_NOT_SUPPORTED, `${t.iface.name}`);
    return t;
  }

  private extraProgId(key: string): (() => object) | undefined {
    const extra = this.options.progIds;
    if (!extra || key === '') return undefined;
    for (const [name, factory] of Object.entries(extra)) if (name.toLowerCase() === key) return factory;
    return undefined;
  }

  private newRoot(): object {
    const t = new RootTarget(this, 0, IFACES[ifaceIndex('IMessenger3')] as IfaceInfo);
    const p = new Proxy<ObjectTarget>(t, HANDLER);
    TARGETS.set(p, t);
    return p;
  }

  /** The one proxy of a handle (0 is the Messenger object itself). */
  proxyFor(handle: number, iface: number): object {
    if (handle === 0) return (this.running ??= this.newRoot());
    let p = this.proxies[handle];
    if (p === undefined) {
      const t = new ObjectTarget(this, handle, IFACES[iface] as IfaceInfo);
      p = new Proxy<ObjectTarget>(t, HANDLER);
      TARGETS.set(p, t);
      this.proxies[handle] = p;
    }
    return p;
  }

  // ---- members ------------------------------------------------------------------------------------

  /** A propget, propput or method on the worker's object, synchronously. */
  call(t: ObjectTarget, row: number, args: readonly unknown[]): unknown {
    if (this.safeForScripting && TYPELIB[row]?.scriptable === false) {
      throw new MessengerError(HR.E_NOTIMPL, { member: rowName(row), detail: 'Not available for scripting languages (safe-for-scripting mode).' });
    }
    const w = this.begin(row);
    if (t instanceof CollectionTarget) {
      w.u8(OP_COLL_CALL); w.i32(t.handle); w.i32(t.source); w.u16(t.sourceRow); w.u16(row);
    } else {
      w.u8(OP_CALL); w.i32(t.handle); w.u16(row);
    }
    this.writeArgs(w, args);
    this.sourceHandle = t.handle;
    this.sourceRow = row;
    const value = this.exchange(true, row);
    // The snapshot drops what Remove removed, as core's collection does, before any event is seen.
    if (t instanceof CollectionTarget && row === t.iface.removeRow) {
      const removed = typeof args[0] === 'object' && args[0] !== null ? TARGETS.get(args[0]) : undefined;
      if (removed) t.items = t.items.filter((h) => h !== removed.handle);
    }
    this.deliver();
    return value;
  }

  /** A collection's Count, Item or _NewEnum, served from the snapshot the caller holds. */
  local(t: CollectionTarget, kind: 'count' | 'item' | 'enum', args: readonly unknown[]): unknown {
    this.pollEvents();
    const items = t.items;
    if (kind === 'count') return items.length;
    if (kind === 'enum') return new SnapshotIterator(t);
    const index = args[0];
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < items.length) return this.proxyFor(items[index] as number, t.itemIface);
    // Anything else is judged by core's own rule, in the worker (the same function the async face runs).
    const w = this.begin(-1);
    w.u8(OP_INDEX_ERROR); w.u8(t.iface.index); this.writeValue(w, index); w.u32(items.length);
    const checked = this.exchange(false, -1);
    this.deliver();
    return this.proxyFor(items[checked as number] as number, t.itemIface);
  }

  /** Symbol-keyed reads: iteration, inspection, string tags. */
  symbol(t: ObjectTarget, key: symbol): unknown {
    if (key === Symbol.iterator) {
      if (!(t instanceof CollectionTarget)) return undefined;
      return (t.iterate ??= () => { this.pollEvents(); return new SnapshotIterator(t); });
    }
    if (key === Symbol.toStringTag) return t.iface.name;
    if (key === INSPECT) return () => `[${t.iface.name}]`;
    return undefined;
  }

  /** A name the interface does not have: `.on`/`.off` on the Messenger object, JS probes, else JScript's 438. */
  missing(t: ObjectTarget, key: string): unknown {
    if (t instanceof RootTarget) {
      if (key === 'on') return (t.on ??= (event: unknown, listener: unknown) => this.addListener(t, event, listener));
      if (key === 'off') return (t.off ??= (event: unknown, listener: unknown) => { this.removeListener(t, event, listener); });
    }
    if (PROBES.has(key)) return undefined;
    if (key === 'toString' || key === 'toLocaleString') return () => `[object ${t.iface.name}]`;
    if (OBJECT_MEMBERS.has(key)) return Reflect.get(Object.prototype, key);
    throw jscriptError(JSCRIPT.NOT_SUPPORTED, `${t.iface.name}.${key}`);
  }

  // ---- events -------------------------------------------------------------------------------------

  private eventName(event: unknown): MessengerEventName {
    const name = typeof event === 'string' ? EVENT_BY_LOWER.get(event.toLowerCase()) : undefined;
    if (!name) throw new TypeError(`Unknown event ${String(event)}: one of ${MESSENGER_EVENT_NAMES.join(', ')}.`);
    return name;
  }

  private addListener(t: RootTarget, event: unknown, listener: unknown): () => void {
    const name = this.eventName(event);
    if (typeof listener !== 'function') throw new TypeError(`The listener of ${name} must be a function.`);
    let set = t.listeners.get(name);
    if (!set) t.listeners.set(name, (set = new Set()));
    set.add(listener as Listener);
    this.roots.add(t);
    return () => this.removeListener(t, name, listener);
  }

  private removeListener(t: RootTarget, event: unknown, listener: unknown): void {
    const name = this.eventName(event);
    const set = t.listeners.get(name);
    if (set?.delete(listener as Listener) && set.size === 0) t.listeners.delete(name);
    if (!t.connected) this.roots.delete(t);
  }

  /** Fetch events the worker holds (if any) and deliver everything queued. */
  pollEvents(): void {
    if (this.state === 'ready' && Atomics.load(this.ctrl, EVENTS_PENDING) > 0 && !this.delivering) {
      const w = this.begin(-1);
      w.u8(OP_PING);
      this.exchange(false, -1);
    }
    this.deliver();
  }

  deliverEvents(): void { this.pollEvents(); }

  /** Run the queued events' handlers, in order; a handler's error is reported, never thrown. */
  private deliver(): void {
    if (this.delivering || this.head >= this.queue.length) return;
    this.delivering = true;
    try {
      while (this.head < this.queue.length) {
        const event = this.queue[this.head++] as QueuedEvent;
        for (const root of Array.from(this.roots)) this.dispatch(root, event);
      }
    } finally {
      this.delivering = false;
      if (this.head >= this.queue.length) { this.queue.length = 0; this.head = 0; }
    }
  }

  private dispatch(root: RootTarget, event: QueuedEvent): void {
    const listeners = root.listeners.get(event.name);
    if (listeners) for (const listener of Array.from(listeners)) this.runHandler(listener, undefined, event);
    for (const prefix of root.prefixes.slice()) {
      const handler = this.handler(prefix + event.name);
      if (handler) this.runHandler(handler, this.globals, event);
    }
  }

  /** `prefix_OnSignin` on the globals, looked up now (exact spelling first, then any case). */
  private handler(name: string): Listener | undefined {
    const globals = this.globals as Record<string, unknown>;
    const exact = globals[name];
    if (typeof exact === 'function') return exact as Listener;
    const lower = name.toLowerCase();
    for (const key of Object.keys(globals)) {
      if (key.toLowerCase() === lower && typeof globals[key] === 'function') return globals[key] as Listener;
    }
    return undefined;
  }

  private runHandler(handler: Listener, thisArg: unknown, event: QueuedEvent): void {
    try {
      handler.apply(thisArg, event.args);
    } catch (error) {
      if (isQuit(error)) throw error;
      try {
        if (this.options.onHandlerError) this.options.onHandlerError(error, event.name);
        else process.stderr.write(`[imessenger] the ${event.name} handler threw: ${describe(error)}\n`);
      } catch { /* a failing reporter must not break the caller either */ }
    }
  }

  sleep(ms: number): void {
    const total = Number(ms);
    const deadline = performance.now() + (total > 0 ? total : 0);
    for (;;) {
      const w = this.begin(-1, 'WScript.Sleep');
      w.u8(OP_SLEEP);
      w.f64(Math.max(0, deadline - performance.now()));
      this.exchange(false, -1, 'WScript.Sleep');
      this.deliver();
      if (performance.now() >= deadline) return;
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  dispose(): void {
    if (this.state === 'stopped') return;
    if (this.state === 'ready') {
      try {
        const w = this.begin(-1);
        w.u8(OP_SHUTDOWN);
        this.exchange(false, -1);
      } catch { /* stopping anyway */ }
    }
    this.stopWith('the Messenger host stopped: it was disposed.');
  }

  simulateCrash(how: 'exit' | 'throw' | 'hang'): void {
    const w = this.begin(-1);
    w.u8(OP_CRASH);
    w.u8(how === 'exit' ? CRASH_EXIT : how === 'throw' ? CRASH_THROW : CRASH_HANG);
    try { this.exchange(false, -1); } catch { /* the point */ }
  }

  otherSideAfter(ms: number): SyncOtherSide { return this.otherSideHooks(Math.max(0, Number(ms) || 0)); }

  private otherSideHooks(delayMs: number): SyncOtherSide {
    return Object.freeze(Object.fromEntries(OTHER_SIDE_METHODS.map((m) => [m, (...args: unknown[]) => { this.otherSideCall(m, args, delayMs); }]))) as SyncOtherSide;
  }

  private otherSideCall(method: string, args: readonly unknown[], delayMs: number): void {
    const w = this.begin(-1, `otherSide.${method}`);
    w.u8(OP_OTHER_SIDE); w.str(method); w.f64(delayMs);
    this.writeArgs(w, args);
    this.exchange(false, -1, `otherSide.${method}`);
    this.deliver();
  }

  private stopWith(message: string): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.stopMessage = message;
    void this.worker.terminate().catch(() => undefined);
  }

  /** Why the worker stopped, from its death note (start failure or death). */
  private deathMessage(fallback: string): string {
    const note = readNote(this.note);
    if (Atomics.load(this.ctrl, STATE) === STATE_FAILED) return `the Messenger host could not start: ${note || fallback}`;
    return `the Messenger host stopped: ${note || fallback}`;
  }

  private stoppedError(member: string | undefined): MessengerError {
    return new MessengerError(HR.E_FAIL, { member, detail: this.stopMessage ?? 'the Messenger host stopped.' });
  }

  /** Wait for the worker to start (first activation), or say clearly why it did not. */
  private ready(row = -1, label?: string): void {
    if (this.state === 'ready') return;
    const member = label ?? rowName(row);
    if (this.state === 'stopped') throw this.stoppedError(member);
    const ctrl = this.ctrl;
    const started = performance.now();
    let beat = Atomics.load(ctrl, HEARTBEAT);
    let since = started;
    for (;;) {
      const state = Atomics.load(ctrl, STATE);
      if (state === STATE_READY) { this.state = 'ready'; return; }
      if (state === STATE_FAILED || state === STATE_DEAD) {
        this.stopWith(this.deathMessage('the worker died while starting.'));
        throw this.stoppedError(member);
      }
      Atomics.wait(ctrl, STATE, STATE_STARTING, 50);
      const now = performance.now();
      const b = Atomics.load(ctrl, HEARTBEAT);
      if (b !== beat) { beat = b; since = now; }
      // Before its first heartbeat the thread may still be loading: allow it longer.
      const limit = b === 0 ? Math.max(this.hangTimeoutMs, 30_000) : this.hangTimeoutMs;
      if (now - since > limit) {
        this.stopWith(`the Messenger host could not start: the worker gave no sign of life for ${Math.round(now - since)} ms.`);
        throw this.stoppedError(member);
      }
    }
  }

  // ---- the channel --------------------------------------------------------------------------------

  /** Start a request (step 1 of the handshake, protocol.ts): the header carries the number it will be sent as. */
  private begin(row: number, label?: string): Wire {
    if (this.state !== 'ready') this.ready(row, label);
    const w = this.wire.reset();
    w.i32((this.seq + 1) | 0);
    return w;
  }

  /**
   * Send the request in the buffer, wait for the reply, read it (value or error, then events into
   * the queue). Throws the call's MessengerError after delivering the events that came with it.
   */
  private exchange(fast: boolean, row: number, label?: string): unknown {
    const seq = this.roundTrip(fast, row, label);
    const w = this.wire.reset();
    const answered = w.rI32();
    const status = w.rU8();
    if (answered !== seq || (status !== RESP_OK && status !== RESP_ERROR)) {
      throw new MessengerError(HR.E_FAIL, { member: label ?? rowName(row), detail: `Shim protocol error: request ${seq} got a buffer numbered ${answered}, status ${status}.` });
    }
    let value: unknown;
    let error: MessengerError | undefined;
    if (status === RESP_OK) value = this.readValue(w);
    else error = this.readError(w);
    this.readEvents(w);
    if (error) { this.deliver(); throw error; }
    return value;
  }

  /** Steps 2 and 6: publish the request, wait until RESP_SEQ says it is answered. */
  private roundTrip(fast: boolean, row: number, label?: string): number {
    const ctrl = this.ctrl;
    const seq = (this.seq = (this.seq + 1) | 0);
    const start = performance.now();
    Atomics.store(ctrl, REQ_SEQ, seq);
    Atomics.notify(ctrl, REQ_SEQ, 1);
    if (fast) spinWhile(ctrl, RESP_SEQ, (seq - 1) | 0, this.spin.callerMicros);
    if (Atomics.load(ctrl, RESP_SEQ) !== seq) this.await(seq, row, label);
    if (fast) this.spin.record((performance.now() - start) * 1000);
    return seq;
  }

  /** Wait in short slices, re-reading RESP_SEQ after every wake (a wake is only a hint), watching for the worker's death or silence. */
  private await(seq: number, row: number, label?: string): void {
    const ctrl = this.ctrl;
    let beat = Atomics.load(ctrl, HEARTBEAT);
    let since = performance.now();
    for (;;) {
      const current = Atomics.load(ctrl, RESP_SEQ);
      if (current === seq) return;
      Atomics.wait(ctrl, RESP_SEQ, current, 50);
      if (Atomics.load(ctrl, RESP_SEQ) === seq) return;
      const state = Atomics.load(ctrl, STATE);
      if (state === STATE_DEAD || state === STATE_FAILED) {
        this.stopWith(this.deathMessage('the worker died.'));
        throw this.stoppedError(label ?? rowName(row));
      }
      const now = performance.now();
      const b = Atomics.load(ctrl, HEARTBEAT);
      if (b !== beat) { beat = b; since = now; } else if (now - since > this.hangTimeoutMs) {
        this.stopWith(`the Messenger host stopped: the worker gave no sign of life for ${Math.round(now - since)} ms.`);
        throw this.stoppedError(label ?? rowName(row));
      }
    }
  }

  private writeArgs(w: Wire, args: readonly unknown[]): void {
    const argc = Math.min(args.length, 255);
    w.u8(argc);
    for (let i = 0; i < argc; i++) this.writeValue(w, args[i]);
  }

  private writeValue(w: Wire, v: unknown): void {
    switch (typeof v) {
      case 'undefined': w.u8(T_UNDEFINED); return;
      case 'boolean': w.u8(v ? T_TRUE : T_FALSE); return;
      case 'number': w.num(v); return;
      case 'string': w.u8(T_STRING); w.str(v); return;
      case 'bigint': w.num(Number(v)); return;
      case 'object': {
        if (v === null) { w.u8(T_NULL); return; }
        if (Array.isArray(v)) { w.u8(T_ARRAY); w.u32(v.length); for (const item of v) this.writeValue(w, item); return; }
        const t = TARGETS.get(v);
        if (t !== undefined && t.host === this) { w.u8(T_OBJECT); w.i32(t.handle); w.u8(t.iface.index); return; }
        w.u8(T_OPAQUE);
        return;
      }
      default: w.u8(T_OPAQUE);
    }
  }

  private readValue(w: Wire): unknown {
    const tag = w.rU8();
    switch (tag) {
      case T_UNDEFINED: return undefined;
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_INT: return w.rI32();
      case T_DOUBLE: return w.rF64();
      case T_STRING: return w.rStr();
      case T_ARRAY: {
        const n = w.rU32();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.readValue(w);
        return out;
      }
      case T_OBJECT: { const h = w.rI32(); return this.proxyFor(h, w.rU8()); }
      case T_COLLECTION: {
        const id = w.rI32();
        const iface = IFACES[w.rU8()] as IfaceInfo;
        const itemIface = w.rU8();
        const items = w.rI32s(w.rU32());
        const t = new CollectionTarget(this, id, iface, this.sourceHandle, this.sourceRow, items, itemIface);
        const p = new Proxy<ObjectTarget>(t, HANDLER);
        TARGETS.set(p, t);
        return p;
      }
      case T_BOOLREF: return { value: w.rU8() === 1 };
      case T_JSON: return JSON.parse(w.rStr()) as unknown;
      case T_OPAQUE: return {};
      default: throw new MessengerError(HR.E_FAIL, { detail: `Unknown value tag ${tag} in a reply.` });
    }
  }

  private readError(w: Wire): MessengerError {
    const hresult = w.rU32();
    const member = w.rStr();
    const description = w.rStr();
    const cause = w.rStr();
    const error = new MessengerError(hresult, { member: member || undefined, detail: description, cause: cause ? new Error(cause) : undefined });
    // JScript's own runtime errors (FACILITY_CONTROL) carry their description as the message.
    if (hresult >>> 16 === 0x800a) error.message = description;
    return error;
  }

  private readEvents(w: Wire): void {
    const n = w.rU32();
    for (let i = 0; i < n; i++) {
      const name = MESSENGER_EVENT_NAMES[w.rU8()] as MessengerEventName;
      const argc = w.rU8();
      const args = new Array<unknown>(argc);
      for (let j = 0; j < argc; j++) args[j] = this.readValue(w);
      this.queue.push({ name, args });
    }
  }
}

/** A host over a worker running the configured backend: `host.create('Messenger.UIAutomation')`. */
export function createAutomationHost(options: HostOptions): ShimHost {
  return new Host(options);
}

/** The IDL interface name of a shim object (`IMessengerContact`, …), or undefined for anything else. */
export function interfaceOf(object: unknown): string | undefined {
  return typeof object === 'object' && object !== null ? TARGETS.get(object)?.iface.name : undefined;
}
