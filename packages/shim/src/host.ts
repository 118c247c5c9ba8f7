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
 * short slices that also watch the worker's state and progress, so a dead or stuck worker gives a
 * clear error instead of a hang, and a slow one is waited for. The reply must carry the request's
 * number too. Events ride back on every reply and are delivered, in order, once the call is
 * complete: never inside another call, never nested.
 *
 * A worker and its channel are a Link. When the worker dies (exit, uncaught exception) or is found
 * stuck (terminated), its Link stops for good: the objects it handed out fail with E_FAIL "the
 * Messenger host stopped: …", and the next activation (new ActiveXObject, GetObject, CreateObject)
 * or host-level call (Sleep, otherSide) starts a new Link with the same backend configuration.
 * dispose() and a backend that cannot start stop the host itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { HR, MESSENGER_EVENT_NAMES, type MessengerEventName, MessengerError, type OtherSide, TYPELIB } from '@imessenger/contract';
import type { HostOptions, LegacyEnumerator, ShimHost, SyncOtherSide } from './api';
import { missingBackendPackage } from './backend-packages';
import { ifaceIndex } from './ifaces';
import { isQuit, JSCRIPT, jscriptError } from './jscript';
import { IFACES, type IfaceInfo, lookup, type MemberDesc } from './members';
import {
  createBuffers, CRASH_EXIT, CRASH_GARBLE, CRASH_HANG, CRASH_STALL, CRASH_THROW, EVENTS_PENDING, OP_CALL, OP_COLL_CALL, OP_CRASH, OP_INDEX_ERROR,
  OP_OTHER_SIDE, OP_PING, OP_SHUTDOWN, OP_SLEEP, OP_SLOW, PROGRESS, readNote, REQ_SEQ, RESP_ERROR, RESP_OK, RESP_SEQ, RunQueueClock,
  SLOW_BUSY, SLOW_PROGRESS, SLOW_WAIT, SpinPolicy, spinWhile, STATE, STATE_DEAD, STATE_FAILED, STATE_READY, STATE_STARTING, T_ARRAY,
  T_BOOLREF, T_COLLECTION, T_DOUBLE, T_FALSE, T_INT, T_JSON, T_NULL, T_OBJECT, T_OPAQUE, T_STRING, T_TRUE, T_UNDEFINED, Wire,
  type WorkerInit,
} from './protocol';

/** The ProgIDs of the Messenger object (case-insensitive, as COM's were). All reach the one backend. */
export const MESSENGER_PROGIDS = ['Messenger.UIAutomation', 'Messenger.UIAutomation.1', 'Communicator.UIAutomation'] as const;
const MESSENGER_KEYS = new Set<string>(MESSENGER_PROGIDS.map((p) => p.toLowerCase()));

type Fn = (...args: unknown[]) => unknown;
type Listener = (...args: unknown[]) => void;
interface QueuedEvent { readonly name: MessengerEventName; readonly args: unknown[]; readonly link: Link }

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

/**
 * One worker and its channel. A Link that stopped stays stopped: its objects' handles are gone with
 * its worker; the host starts another Link for what comes next.
 */
class Link {
  readonly worker: Worker;
  readonly ctrl: Int32Array;
  readonly wire: Wire;
  readonly note: SharedArrayBuffer;
  readonly spin: SpinPolicy;
  readonly runQueue: RunQueueClock;
  seq = 0;
  state: 'starting' | 'ready' | 'stopped' = 'starting';
  /** Why it stopped: "the Messenger host stopped: …" / "could not start: …". */
  stopMessage: string | undefined;
  /** Whether what comes next may start another Link (a death after the start), or not (dispose, a start failure). */
  restartable = false;
  /** The one proxy of each handle (0 is the Messenger object: `running`). */
  readonly proxies: (object | undefined)[] = [];
  running: object | undefined;

  constructor(options: HostOptions, callerSpin: number, workerSpin: number) {
    const buffers = createBuffers();
    this.ctrl = new Int32Array(buffers.ctrl);
    this.spin = new SpinPolicy(this.ctrl, callerSpin, workerSpin);
    this.wire = new Wire(buffers.data);
    this.note = buffers.note;
    this.runQueue = new RunQueueClock(this.ctrl);
    const init: WorkerInit = { buffers, backend: options.backend };
    this.worker = new Worker(workerPath(), { workerData: init });
    this.worker.unref();
  }
}

class ObjectTarget {
  fns: Map<MemberDesc, Fn> | undefined = undefined;
  constructor(readonly host: Host, readonly link: Link, readonly handle: number, readonly iface: IfaceInfo) {}
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
  constructor(host: Host, link: Link, id: number, iface: IfaceInfo, readonly source: number, readonly sourceRow: number,
    readonly sourceArgs: readonly unknown[], public items: Int32Array, readonly itemIface: number) { super(host, link, id, iface); }
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
    return { value: this.t.host.proxyFor(this.t.link, this.items[this.index++] as number, this.t.itemIface), done: false };
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
      t.host.alive(t, 'Enumerator');
      t.host.pollEvents();
      const items = t.items.slice();
      this.count = items.length;
      this.at = (i) => t.host.proxyFor(t.link, items[i] as number, t.itemIface);
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

/**
 * Time a worker went without progress while a caller waited on it (protocol.ts, Progress): wall
 * time, less the time its thread waited for a CPU, since PROGRESS last moved. The run-queue clock
 * is read only once a wait has lasted a slice (a call answered at once costs nothing more).
 */
class StallClock {
  private progress: number;
  private wall = performance.now();
  private queued = NaN;
  private total = 0;

  constructor(private readonly link: Link) { this.progress = Atomics.load(link.ctrl, PROGRESS); }

  stalled(): number {
    const now = performance.now();
    const queued = this.link.runQueue.waitedMs();
    const progress = Atomics.load(this.link.ctrl, PROGRESS);
    if (progress !== this.progress) {
      this.progress = progress;
      this.total = 0;
    } else {
      const waitedForCpu = Number.isNaN(this.queued) ? 0 : queued - this.queued;
      this.total += Math.max(0, now - this.wall - waitedForCpu);
    }
    this.wall = now;
    this.queued = queued;
    return this.total;
  }
}

const OTHER_SIDE_METHODS = [
  'contactStatus', 'contactFriendlyName', 'contactPhone', 'contactPager', 'contactEmail', 'contactLeavesConversations',
  'contactJoinsConversations', 'conversationsClosed', 'contactListAdd', 'contactListRemove', 'myFriendlyName', 'myPhone', 'appShutdown', 'unreadEmail', 'signOut', 'failNextCall',
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
/** Said after why a Link stopped, when the next activation starts another. */
const RESTART_HINT = ' Its objects are gone; a new ActiveXObject starts a new host.';
/** The start (loading modules, a big seed) is a long stretch that cannot report progress: it gets at least this long. */
const START_TIMEOUT_MS = 30_000;

export class Host implements ShimHost {
  readonly ActiveXObject: new (progId: string) => object;
  readonly Enumerator = Enumerator;
  readonly otherSide: SyncOtherSide;

  /** The current worker; replaced by a new one after a death, when something needs it. */
  private link: Link;
  private disposed = false;
  private readonly callerSpin: number;
  private readonly workerSpin: number;
  private readonly hangTimeoutMs: number;
  private readonly globals: object;
  private readonly safeForScripting: boolean;
  private readonly roots = new Set<RootTarget>();
  private readonly queue: QueuedEvent[] = [];
  private head = 0;
  private delivering = false;
  /** Where a collection in the reply being read came from (for re-reading an evicted snapshot). */
  private sourceHandle = 0;
  private sourceRow = 0;
  private sourceArgs: readonly unknown[] = NO_ARGS;

  constructor(private readonly options: HostOptions) {
    if (!options || typeof options.backend !== 'object' || options.backend === null) {
      throw new TypeError('createAutomationHost: `backend` is required, e.g. { backend: { kind: "memory", seed } }.');
    }
    // A backend whose package is not installed fails here, with the install command, before a worker starts.
    const missing = missingBackendPackage(options.backend);
    if (missing) throw missing;
    this.globals = options.globals ?? globalThis;
    this.safeForScripting = options.safeForScripting === true;
    this.hangTimeoutMs = Math.max(100, options.hangTimeoutMs ?? 10_000);
    this.callerSpin = Math.max(0, options.spinMicros ?? defaultSpin());
    this.workerSpin = Math.max(0, options.workerSpinMicros ?? defaultSpin());
    const file = workerPath();
    if (!fs.existsSync(file)) throw new Error(`The shim's worker is not built (${file} is missing): run \`npx tsc -b packages/shim\`.`);
    // Started now, so that it starts while the script is read.
    this.link = this.startLink();

    const host = this;
    function ActiveXObject(this: unknown, progId: string): object { return host.create(progId); }
    this.ActiveXObject = ActiveXObject as unknown as new (progId: string) => object;
    this.otherSide = this.otherSideHooks(0);
  }

  get stopped(): string | undefined { return this.link.state === 'stopped' ? this.stopDescription(this.link) : undefined; }

  private startLink(): Link {
    const link = new Link(this.options, this.callerSpin, this.workerSpin);
    // Failures are read from the shared state by the waiting caller; these only keep Node from
    // treating them as unhandled, and record an exit seen between calls.
    link.worker.on('error', () => undefined);
    link.worker.on('exit', (code) => {
      if (link.state !== 'stopped') this.stop(link, this.deathMessage(link, `the worker exited (code ${code}).`), link.state === 'ready');
    });
    return link;
  }

  /**
   * The current Link, ready: after a death (not after dispose or a start failure) a new worker is
   * started with the same backend configuration, and waited for.
   */
  private live(row = -1, label?: string): Link {
    let link = this.link;
    if (link.state === 'stopped' && link.restartable && !this.disposed) {
      this.pruneRoots();
      link = this.link = this.startLink();
    }
    this.ready(link, row, label);
    return link;
  }

  /** An object's Link, which must not have stopped: a dead worker's objects say so (their handles are gone). */
  alive(t: ObjectTarget, member?: string): Link {
    if (t.link.state === 'stopped') throw this.stoppedError(t.link, member);
    return t.link;
  }

  // ---- activation -------------------------------------------------------------------------------

  create(progId: string): object {
    const key = typeof progId === 'string' ? progId.trim().toLowerCase() : '';
    if (MESSENGER_KEYS.has(key)) return this.newRoot(this.live());
    const extra = this.extraProgId(key);
    if (extra) return extra();
    throw jscriptError(JSCRIPT.CANT_CREATE_OBJECT);
  }

  GetObject(pathOrProgId?: string, progId?: string): object {
    const cls = typeof progId === 'string' && progId !== '' ? progId : pathOrProgId;
    const key = typeof cls === 'string' ? cls.trim().toLowerCase() : '';
    if (MESSENGER_KEYS.has(key)) { const link = this.live(); return (link.running ??= this.newRoot(link)); }
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
    this.alive(t, 'WScript.ConnectObject');
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

  private newRoot(link: Link): object {
    const t = new RootTarget(this, link, 0, IFACES[ifaceIndex('IMessenger3')] as IfaceInfo);
    const p = new Proxy<ObjectTarget>(t, HANDLER);
    TARGETS.set(p, t);
    return p;
  }

  /** The one proxy of a handle of `link` (0 is the Messenger object itself). */
  proxyFor(link: Link, handle: number, iface: number): object {
    if (handle === 0) return (link.running ??= this.newRoot(link));
    let p = link.proxies[handle];
    if (p === undefined) {
      const t = new ObjectTarget(this, link, handle, IFACES[iface] as IfaceInfo);
      p = new Proxy<ObjectTarget>(t, HANDLER);
      TARGETS.set(p, t);
      link.proxies[handle] = p;
    }
    return p;
  }

  // ---- members ------------------------------------------------------------------------------------

  /** A propget, propput or method on the worker's object, synchronously. */
  call(t: ObjectTarget, row: number, args: readonly unknown[]): unknown {
    if (this.safeForScripting && TYPELIB[row]?.scriptable === false) {
      throw new MessengerError(HR.E_NOTIMPL, { member: rowName(row), detail: 'Not available for scripting languages (safe-for-scripting mode).' });
    }
    const link = this.alive(t, rowName(row));
    const w = this.begin(link, row);
    if (t instanceof CollectionTarget) {
      w.u8(OP_COLL_CALL); w.i32(t.handle); w.i32(t.source); w.u16(t.sourceRow);
      this.writeArgs(link, w, t.sourceArgs, row);
      w.u16(row);
    } else {
      w.u8(OP_CALL); w.i32(t.handle); w.u16(row);
    }
    this.writeArgs(link, w, args, row);
    this.sourceHandle = t.handle;
    this.sourceRow = row;
    this.sourceArgs = args;
    const value = this.exchange(link, true, row);
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
    const link = this.alive(t, `${t.iface.name}.${kind === 'count' ? 'Count' : kind === 'item' ? 'Item' : '_NewEnum'}`);
    this.pollEvents();
    const items = t.items;
    if (kind === 'count') return items.length;
    if (kind === 'enum') return new SnapshotIterator(t);
    const index = args[0];
    if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < items.length) return this.proxyFor(link, items[index] as number, t.itemIface);
    // Anything else is judged by core's own rule, in the worker (the same function the async face runs).
    const member = `${t.iface.name}.Item`;
    const w = this.begin(link, -1, member);
    w.u8(OP_INDEX_ERROR); w.u8(t.iface.index); this.writeValue(link, w, index); w.u32(items.length);
    const checked = this.exchange(link, false, -1, member);
    this.deliver();
    return this.proxyFor(link, items[checked as number] as number, t.itemIface);
  }

  /** Symbol-keyed reads: iteration, inspection, string tags. */
  symbol(t: ObjectTarget, key: symbol): unknown {
    if (key === Symbol.iterator) {
      if (!(t instanceof CollectionTarget)) return undefined;
      return (t.iterate ??= () => { this.alive(t, `${t.iface.name}._NewEnum`); this.pollEvents(); return new SnapshotIterator(t); });
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
    const link = this.link;
    if (link.state === 'ready' && Atomics.load(link.ctrl, EVENTS_PENDING) > 0 && !this.delivering) {
      const w = this.begin(link, -1);
      w.u8(OP_PING);
      this.exchange(link, false, -1);
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

  /** Forget the connections of stopped Links once their events are delivered. */
  private pruneRoots(): void {
    if (this.head < this.queue.length) return;
    for (const root of Array.from(this.roots)) if (root.link.state === 'stopped') this.roots.delete(root);
  }

  private dispatch(root: RootTarget, event: QueuedEvent): void {
    // A worker's events reach the objects of that worker only.
    if (root.link !== event.link) return;
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
    // biome-ignore lint/complexity/useMathMinMax: NaN must sleep 0 ms, and Math.max(NaN, 0) is NaN.
    const deadline = performance.now() + (total > 0 ? total : 0);
    for (;;) {
      const link = this.live(-1, 'WScript.Sleep');
      const w = this.begin(link, -1, 'WScript.Sleep');
      w.u8(OP_SLEEP);
      w.f64(Math.max(0, deadline - performance.now()));
      this.exchange(link, false, -1, 'WScript.Sleep');
      this.deliver();
      if (performance.now() >= deadline) return;
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const link = this.link;
    if (link.state === 'ready') {
      try {
        const w = this.begin(link, -1);
        w.u8(OP_SHUTDOWN);
        this.exchange(link, false, -1);
      } catch { /* stopping anyway */ }
    }
    if (link.state !== 'stopped') this.stop(link, 'the Messenger host stopped: it was disposed.', false);
  }

  simulateCrash(how: 'exit' | 'throw' | 'hang' | 'stall' | 'garble'): void {
    const link = this.live();
    const w = this.begin(link, -1);
    w.u8(OP_CRASH);
    w.u8({ exit: CRASH_EXIT, throw: CRASH_THROW, hang: CRASH_HANG, stall: CRASH_STALL, garble: CRASH_GARBLE }[how] ?? CRASH_HANG);
    try { this.exchange(link, false, -1); } catch { /* the point */ }
  }

  simulateSlowCall(ms: number, how: 'progress' | 'busy' | 'wait' = 'progress'): void {
    const label = `simulateSlowCall(${how})`;
    const link = this.live(-1, label);
    const w = this.begin(link, -1, label);
    w.u8(OP_SLOW);
    w.u8(how === 'progress' ? SLOW_PROGRESS : how === 'busy' ? SLOW_BUSY : SLOW_WAIT);
    w.f64(Math.max(0, Number(ms) || 0));
    this.exchange(link, false, -1, label);
    this.deliver();
  }

  otherSideAfter(ms: number): SyncOtherSide { return this.otherSideHooks(Math.max(0, Number(ms) || 0)); }

  private otherSideHooks(delayMs: number): SyncOtherSide {
    return Object.freeze(Object.fromEntries(OTHER_SIDE_METHODS.map((m) => [m, (...args: unknown[]) => { this.otherSideCall(m, args, delayMs); }]))) as SyncOtherSide;
  }

  private otherSideCall(method: string, args: readonly unknown[], delayMs: number): void {
    const label = `otherSide.${method}`;
    const link = this.live(-1, label);
    const w = this.begin(link, -1, label);
    w.u8(OP_OTHER_SIDE); w.str(method); w.f64(delayMs);
    this.writeArgs(link, w, args, -1, label);
    this.exchange(link, false, -1, label);
    this.deliver();
  }

  /** A Link stops for good; the worker is terminated (a stuck one too: V8 stops even an endless loop). */
  private stop(link: Link, message: string, restartable: boolean): void {
    if (link.state === 'stopped') return;
    link.state = 'stopped';
    link.stopMessage = message;
    link.restartable = restartable;
    link.runQueue.close();
    void link.worker.terminate().catch(() => undefined);
  }

  /** Why the worker stopped, from its death note (start failure or death). */
  private deathMessage(link: Link, fallback: string): string {
    const note = readNote(link.note);
    if (Atomics.load(link.ctrl, STATE) === STATE_FAILED) return `the Messenger host could not start: ${note || fallback}`;
    return `the Messenger host stopped: ${note || fallback}`;
  }

  private stopDescription(link: Link): string {
    const message = link.stopMessage ?? 'the Messenger host stopped.';
    return link.restartable && !this.disposed ? message + RESTART_HINT : message;
  }

  private stoppedError(link: Link, member: string | undefined): MessengerError {
    return new MessengerError(HR.E_FAIL, { member, detail: this.stopDescription(link) });
  }

  /** Wait for the worker to start, or say clearly why it did not. */
  private ready(link: Link, row = -1, label?: string): void {
    if (link.state === 'ready') return;
    const member = label ?? rowName(row);
    if (link.state === 'stopped') throw this.stoppedError(link, member);
    const ctrl = link.ctrl;
    const clock = new StallClock(link);
    for (;;) {
      const state = Atomics.load(ctrl, STATE);
      if (state === STATE_READY) { link.state = 'ready'; return; }
      if (state === STATE_FAILED || state === STATE_DEAD) {
        this.stop(link, this.deathMessage(link, 'the worker died while starting.'), false);
        throw this.stoppedError(link, member);
      }
      Atomics.wait(ctrl, STATE, STATE_STARTING, 50);
      // Loading the modules and the backend's start are long stretches that cannot report progress.
      const stalled = clock.stalled();
      if (stalled > Math.max(this.hangTimeoutMs, START_TIMEOUT_MS)) {
        this.stop(link, `the Messenger host could not start: the worker made no progress for ${Math.round(stalled)} ms.`, false);
        throw this.stoppedError(link, member);
      }
    }
  }

  // ---- the channel --------------------------------------------------------------------------------

  /** Start a request (step 1 of the handshake, protocol.ts): the header carries the number it will be sent as. */
  private begin(link: Link, row: number, label?: string): Wire {
    this.ready(link, row, label);
    const w = link.wire.reset();
    w.i32((link.seq + 1) | 0);
    return w;
  }

  /**
   * Send the request in the buffer, wait for the reply, read it (value or error, then events into
   * the queue). Throws the call's MessengerError after delivering the events that came with it.
   */
  private exchange(link: Link, fast: boolean, row: number, label?: string): unknown {
    const seq = this.roundTrip(link, fast, row, label);
    const w = link.wire.reset();
    const queued = this.queue.length;
    let value: unknown;
    let error: MessengerError | undefined;
    try {
      const answered = w.rI32();
      const status = w.rU8();
      if (answered !== seq || (status !== RESP_OK && status !== RESP_ERROR)) {
        throw new Error(`request ${seq} got a buffer numbered ${answered}, status ${status}`);
      }
      if (status === RESP_OK) value = this.readValue(link, w);
      else error = this.readError(w);
      this.readEvents(link, w);
    } catch (e) {
      // A reply that is not this call's, or does not decode: the channel is out of step and nothing
      // the worker says can be trusted. The call fails and the Link stops (never a value meant for
      // another call, never a RangeError out of the decoder).
      this.queue.length = queued;
      this.stop(link, `the Messenger host stopped: Shim protocol error: ${e instanceof Error ? e.message : String(e)}.`, true);
      throw this.stoppedError(link, label ?? rowName(row));
    }
    if (error) { this.deliver(); throw error; }
    return value;
  }

  /** Steps 2 and 6: publish the request, wait until RESP_SEQ says it is answered. */
  private roundTrip(link: Link, fast: boolean, row: number, label?: string): number {
    const ctrl = link.ctrl;
    const seq = (link.seq = (link.seq + 1) | 0);
    const start = performance.now();
    Atomics.store(ctrl, REQ_SEQ, seq);
    Atomics.notify(ctrl, REQ_SEQ, 1);
    if (fast) spinWhile(ctrl, RESP_SEQ, (seq - 1) | 0, link.spin.callerMicros);
    if (Atomics.load(ctrl, RESP_SEQ) !== seq) this.await(link, seq, row, label);
    if (fast) link.spin.record((performance.now() - start) * 1000);
    return seq;
  }

  /**
   * Wait in short slices, re-reading RESP_SEQ after every wake (a wake is only a hint), watching
   * for the worker's death, and for it being stuck: no progress for hangTimeoutMs, not counting
   * the time it waited for a CPU (protocol.ts, Progress). A stuck worker is terminated.
   */
  private await(link: Link, seq: number, row: number, label?: string): void {
    const ctrl = link.ctrl;
    const clock = new StallClock(link);
    for (;;) {
      const current = Atomics.load(ctrl, RESP_SEQ);
      if (current === seq) return;
      Atomics.wait(ctrl, RESP_SEQ, current, 50);
      if (Atomics.load(ctrl, RESP_SEQ) === seq) return;
      const state = Atomics.load(ctrl, STATE);
      if (state === STATE_DEAD || state === STATE_FAILED) {
        this.stop(link, this.deathMessage(link, 'the worker died.'), true);
        throw this.stoppedError(link, label ?? rowName(row));
      }
      const stalled = clock.stalled();
      if (stalled > this.hangTimeoutMs) {
        this.stop(link, `the Messenger host stopped: the worker made no progress for ${Math.round(stalled)} ms (time it waited for a CPU not counted); it was stopped.`, true);
        throw this.stoppedError(link, label ?? rowName(row));
      }
    }
  }

  private writeArgs(link: Link, w: Wire, args: readonly unknown[], row: number, label?: string): void {
    const argc = Math.min(args.length, 255);
    w.u8(argc);
    try {
      for (let i = 0; i < argc; i++) this.writeValue(link, w, args[i]);
    } catch (e) {
      // Bigger than the channel (DATA_MAX_BYTES): the call fails as COM's marshaller would.
      if (e instanceof RangeError) throw new MessengerError(HR.E_OUTOFMEMORY, { member: label ?? rowName(row), detail: e.message });
      throw e;
    }
  }

  private writeValue(link: Link, w: Wire, v: unknown): void {
    switch (typeof v) {
      case 'undefined': w.u8(T_UNDEFINED); return;
      case 'boolean': w.u8(v ? T_TRUE : T_FALSE); return;
      case 'number': w.num(v); return;
      case 'string': w.u8(T_STRING); w.str(v); return;
      case 'bigint': w.num(Number(v)); return;
      case 'object': {
        if (v === null) { w.u8(T_NULL); return; }
        if (Array.isArray(v)) { w.u8(T_ARRAY); w.u32(v.length); for (const item of v) this.writeValue(link, w, item); return; }
        const t = TARGETS.get(v);
        if (t !== undefined && t.host === this) {
          // An object of a worker that stopped: its handle would name another object in this one.
          if (t.link !== link) throw this.stoppedError(t.link, undefined);
          w.u8(T_OBJECT); w.i32(t.handle); w.u8(t.iface.index);
          return;
        }
        w.u8(T_OPAQUE);
        return;
      }
      default: w.u8(T_OPAQUE);
    }
  }

  private readValue(link: Link, w: Wire): unknown {
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
        if (n > w.buf.length - w.pos) throw new RangeError(`an array of ${n} values at ${w.pos} runs past the channel's ${w.buf.length} bytes`);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.readValue(link, w);
        return out;
      }
      case T_OBJECT: { const h = w.rI32(); return this.proxyFor(link, h, this.ifaceIndexOf(w.rU8())); }
      case T_COLLECTION: {
        const id = w.rI32();
        const iface = IFACES[this.ifaceIndexOf(w.rU8())] as IfaceInfo;
        const itemIface = w.rU8();
        const items = w.rI32s(w.rU32());
        const t = new CollectionTarget(this, link, id, iface, this.sourceHandle, this.sourceRow, this.sourceArgs, items, itemIface);
        const p = new Proxy<ObjectTarget>(t, HANDLER);
        TARGETS.set(p, t);
        return p;
      }
      case T_BOOLREF: return { value: w.rU8() === 1 };
      case T_JSON: return JSON.parse(w.rStr()) as unknown;
      case T_OPAQUE: return {};
      default: throw new Error(`unknown value tag ${tag} at ${w.pos - 1}`);
    }
  }

  private ifaceIndexOf(index: number): number {
    if (IFACES[index] === undefined) throw new Error(`unknown interface ${index}`);
    return index;
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

  private readEvents(link: Link, w: Wire): void {
    const n = w.rU32();
    for (let i = 0; i < n; i++) {
      const index = w.rU8();
      const name = MESSENGER_EVENT_NAMES[index];
      if (name === undefined) throw new Error(`unknown event ${index}`);
      const argc = w.rU8();
      const args = new Array<unknown>(argc);
      for (let j = 0; j < argc; j++) args[j] = this.readValue(link, w);
      this.queue.push({ name, args, link });
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
