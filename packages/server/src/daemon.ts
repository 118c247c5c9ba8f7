/**
 * The `imessenger serve` daemon: one core Messenger on one backend, served over loopback TCP to
 * every authenticated connection (docs/protocol.md). Members are run through the shim's dispatch
 * (@imessenger/shim: the same backend start-up, row -> core method, errors and signed event
 * arguments as the shim's worker); this module adds what a wire needs: DISPIDs to rows, per-connection
 * handles with reference counts, enumerators, and events pushed to advised connections.
 */
import * as net from 'node:net';
import {
  HR, INTERFACES, type InterfaceName, type MessengerEventName, MessengerError, rowsWithInherited, TYPELIB,
  type TypeLibMember,
} from '@imessenger/contract';
import { type BackendConfig, callError, type CoreClass, coreClasses, invokeRow, rowName, signedEventArgs, startBackend, type StartedBackend } from '@imessenger/shim';
import { clientMac, MAC_BYTES, macEquals, NONCE_BYTES, nonce, serverMac } from './auth';
import { loadOrCreateSecret, lockHolder, lockPathOf, removeServeFile, runningDaemon, secretPathOf, serveFilePath, takeLock, writeServeFile } from './files';
import {
  ENUM_DISPID, FOREIGN, FrameReader, FrameSplitter, FrameWriter, INVOKE, KIND_ENUM, MAX_FRAME, MISSING, MSG, NOTHING, PROTOCOL_VERSION, ProtocolError, Ref, WIRE_HR,
  type WireValue,
} from './wire';

type Core = typeof import('@imessenger/core');
type Messenger = import('@imessenger/core').Messenger;

export interface DaemonOptions {
  readonly backend: BackendConfig;
  /** Default: serveFilePath() ($IMESSENGER_SERVE_FILE or the per-user default). */
  readonly serveFile?: string;
  /** Accept HOOK frames (tests: the backend's otherSide, "sleep"). */
  readonly testHooks?: boolean;
  /** One line per event worth logging (default: stderr). Never given a secret. */
  readonly log?: (line: string) => void;
  /** How long a connection may take to authenticate (default 5000 ms). */
  readonly authTimeoutMs?: number;
}

export interface Daemon {
  readonly port: number;
  /** The address it listens on (always 127.0.0.1). */
  readonly host: string;
  readonly serveFile: string;
  readonly backend: string;
  /** Authenticated connections now open. */
  readonly connections: number;
  /** Handles held, over every connection (tests: a closed connection frees its objects). */
  handlesHeld(): number;
  /** Stop: close every connection, dispose core and the backend, remove the serve file. Idempotent. */
  close(): Promise<void>;
  /** Settles when the daemon has stopped (close(), or a STOP from a client). */
  readonly stopped: Promise<void>;
}

/** Another daemon already serves this serve file. */
export class DaemonRunningError extends Error {
  override readonly name = 'DaemonRunningError';
  constructor(readonly pid: number, readonly port: number | undefined) {
    super(port === undefined ? `imessenger serve is already starting (pid ${pid}).` : `imessenger serve is already running (pid ${pid}, port ${port}).`);
  }
}

const HOST = '127.0.0.1';
/** An AUTH frame's length field: type, version, client nonce, MAC, pid. */
const AUTH_FRAME_LENGTH = 1 + 4 + NONCE_BYTES + MAC_BYTES + 4;
const ROOT_KIND = INTERFACES.findIndex((i) => i.name === 'IMessenger3');
const EVENT_DISPID = new Map<MessengerEventName, number>(TYPELIB.filter((r) => r.kind === 'event').map((r) => [r.member as MessengerEventName, r.dispid as number]));
const TYPELIB_ROW = new Map<TypeLibMember, number>(TYPELIB.map((r, i) => [r as TypeLibMember, i]));

/** Per interface kind: `dispid:kind` -> row (inherited members included), as GetIDsOfNames + Invoke resolved them. */
const DISPATCH_TABLE: readonly ReadonlyMap<string, number>[] = INTERFACES.map((iface) => {
  const table = new Map<string, number>();
  for (const r of rowsWithInherited(iface.name)) if (r.kind !== 'event') table.set(`${r.dispid}:${r.kind}`, TYPELIB_ROW.get(r) as number);
  return table;
});

/** The row a CALL names, or undefined (DISP_E_MEMBERNOTFOUND). */
function resolveRow(kind: number, dispid: number, invokeKind: number): number | undefined {
  const table = DISPATCH_TABLE[kind];
  if (!table) return undefined;
  if (invokeKind & INVOKE.METHOD) {
    const method = table.get(`${dispid}:method`);
    if (method !== undefined || !(invokeKind & INVOKE.PROPERTYGET)) return method;
  }
  if (invokeKind & INVOKE.PROPERTYGET) return table.get(`${dispid}:propget`);
  // PROPERTYPUT (4) or PROPERTYPUTREF (8).
  if (invokeKind & 12) return table.get(`${dispid}:propput`);
  return undefined;
}

const IN_PARAMS: readonly number[] = TYPELIB.map((r) => r.params.filter((p) => p.dir === 'in').length);

/** IEnumVARIANT over a copy of a collection snapshot. */
class Enumerator {
  constructor(readonly items: readonly object[], public index = 0) {}
}

/** A call's failure with an HRESULT of the protocol. */
const wireError = (hr: number, detail: string, member?: string): MessengerError => new MessengerError(hr, { detail, ...(member ? { member } : {}) });

interface Entry { readonly object: object; readonly kind: number; refs: number }

/** An enumerator's Next/Skip that came short: S_FALSE (a success) with what there was. */
class Short {
  constructor(readonly value: WireValue) {}
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const serveFile = options.serveFile ?? serveFilePath();
  const log = options.log ?? ((line: string) => { process.stderr.write(`[imessenger serve] ${line}\n`); });
  const authTimeoutMs = options.authTimeoutMs ?? 5000;
  const secret = loadOrCreateSecret(secretPathOf(serveFile));

  const lockFile = lockPathOf(serveFile);
  const releaseLock = takeLock(lockFile);
  const running = await runningDaemon(serveFile);
  if (!releaseLock || running) {
    releaseLock?.();
    // Running, or starting (another process holds the start lock and has not written the serve file yet).
    throw new DaemonRunningError(running?.pid ?? lockHolder(lockFile) ?? 0, running?.port);
  }

  let backend: StartedBackend;
  let messenger: Messenger;
  let core: Core;
  let classes: readonly (readonly [CoreClass, InterfaceName])[];
  try {
    core = require('@imessenger/core') as Core;
    classes = coreClasses(core);
    backend = await startBackend(options.backend);
    messenger = core.createMessenger({ backend: backend.definition });
  } catch (e) {
    releaseLock();
    throw e;
  }

  const kindIndex = new Map<InterfaceName, number>(INTERFACES.map((i, n) => [i.name, n]));
  const kindOf = (o: object): number | undefined => {
    if (o instanceof Enumerator) return KIND_ENUM;
    for (const [cls, iface] of classes) if (o instanceof cls) return kindIndex.get(iface);
    return undefined;
  };

  const connections = new Set<Connection>();
  let nextConnection = 1;
  let calls = 0;
  const startedAt = new Date().toISOString();

  class Connection {
    readonly id = nextConnection++;
    private readonly entries = new Map<number, Entry>();
    private readonly handles = new Map<object, number>();
    private nextHandle = 1;
    private chain: Promise<void> = Promise.resolve();
    advised = false;
    authenticated = false;

    constructor(readonly socket: net.Socket, readonly peer: string) {}

    get held(): number { return this.entries.size; }

    send(frame: FrameWriter): void {
      if (!this.socket.destroyed) this.socket.write(frame.finish());
    }

    // ---- values ----

    /** One more reference to `o`'s handle (made on first use). */
    private refTo(o: object): Ref {
      if (o === messenger) return new Ref(0, ROOT_KIND);
      let h = this.handles.get(o);
      if (h === undefined) {
        const kind = kindOf(o);
        if (kind === undefined) throw wireError(HR.E_FAIL, `The daemon cannot send a ${o.constructor?.name ?? 'plain'} object.`);
        h = this.nextHandle++;
        this.handles.set(o, h);
        this.entries.set(h, { object: o, kind, refs: 0 });
      }
      const entry = this.entries.get(h) as Entry;
      entry.refs++;
      return new Ref(h, entry.kind);
    }

    toWire(v: unknown): WireValue {
      switch (typeof v) {
        case 'undefined': case 'boolean': case 'number': case 'string': return v;
        case 'bigint': return Number(v);
        case 'object': {
          if (v === null) return null;
          if (Array.isArray(v)) return v.map((item) => this.toWire(item));
          const keys = Object.keys(v);
          // OnUnreadEmailChange's VARIANT_BOOL*: by value.
          if (keys.length === 1 && keys[0] === 'value' && typeof (v as { value?: unknown }).value === 'boolean') return (v as { value: boolean }).value;
          return this.refTo(v);
        }
        default: throw wireError(HR.E_FAIL, `The daemon cannot send a ${typeof v}.`);
      }
    }

    entry(handle: number): Entry {
      if (handle === 0) return { object: messenger, kind: ROOT_KIND, refs: 1 };
      const entry = this.entries.get(handle);
      if (!entry) throw wireError(WIRE_HR.RPC_E_DISCONNECTED, `Handle ${handle} is not an object of this connection (released, or never given).`);
      return entry;
    }

    fromWire(v: WireValue): unknown {
      if (v instanceof Ref) return this.entry(v.handle).object;
      if (v === NOTHING) return null;
      if (v === MISSING) return undefined;
      if (v === FOREIGN) return {};
      if (Array.isArray(v)) return (v as readonly WireValue[]).map((item) => this.fromWire(item));
      return v;
    }

    release(handle: number, count: number): void {
      const entry = this.entries.get(handle);
      if (!entry) return;
      entry.refs -= Math.min(count, entry.refs);
      if (entry.refs === 0) {
        this.entries.delete(handle);
        this.handles.delete(entry.object);
      }
    }

    // ---- frames ----

    /** Frames after authentication, run one at a time in arrival order. */
    enqueue(type: number, payload: Buffer): void {
      this.chain = this.chain.then(() => this.serve(type, payload)).catch((e: unknown) => {
        log(`connection ${this.id} (${this.peer}) closed: ${e instanceof Error ? e.message : String(e)}`);
        this.socket.destroy();
      });
    }

    private result(callId: number, hresult: number, value: WireValue, description: string): void {
      this.send(new FrameWriter(MSG.RESULT).u32(callId).i32(hresult).value(value).str(description));
    }

    /** Run a call and send its RESULT: the value, S_FALSE for a short enumeration, or the error's HRESULT and description. */
    private async answer(callId: number, run: (named: (member: string | undefined) => void) => Promise<WireValue> | WireValue): Promise<void> {
      let member: string | undefined;
      let value: WireValue;
      try {
        value = await run((m) => { member = m; });
      } catch (e) {
        if (e instanceof Short) { this.result(callId, WIRE_HR.S_FALSE, e.value, ''); return; }
        const error = callError(e, member);
        this.result(callId, error.hresult, undefined, error.description);
        return;
      }
      this.result(callId, 0, value, '');
    }

    private async serve(type: number, payload: Buffer): Promise<void> {
      if (this.socket.destroyed) return;
      const r = new FrameReader(payload);
      switch (type) {
        case MSG.CALL: {
          const callId = r.u32();
          const handle = r.u32();
          const dispid = r.i32();
          const invokeKind = r.u16();
          const args = r.values();
          calls++;
          await this.call(callId, handle, dispid, invokeKind, args);
          return;
        }
        case MSG.RELEASE: this.release(r.u32(), r.u32()); return;
        case MSG.ADVISE: this.advised = true; this.result(r.u32(), 0, undefined, ''); return;
        case MSG.UNADVISE: this.advised = false; this.result(r.u32(), 0, undefined, ''); return;
        case MSG.STATUS: {
          const callId = r.u32();
          const port = (server.address() as net.AddressInfo).port;
          this.result(callId, 0, JSON.stringify({ pid: process.pid, port, backend: messenger.backend, startedAt, connections: connections.size, calls }), '');
          return;
        }
        case MSG.STOP: {
          const callId = r.u32();
          log(`stop asked by connection ${this.id}`);
          this.result(callId, 0, undefined, '');
          setImmediate(() => { void daemon.close(); });
          return;
        }
        case MSG.HOOK: {
          const callId = r.u32();
          const method = r.str();
          const delayMs = r.u32();
          const args = r.values();
          await this.answer(callId, () => this.hook(method, delayMs, args));
          return;
        }
        default: throw new ProtocolError(`unexpected frame type 0x${type.toString(16)}`);
      }
    }

    private call(callId: number, handle: number, dispid: number, invokeKind: number, rawArgs: WireValue[]): Promise<void> {
      return this.answer(callId, async (named) => {
        const { object, kind } = this.entry(handle);
        if (kind === KIND_ENUM) return this.enumerate(object as Enumerator, dispid, rawArgs.map((a) => this.fromWire(a)));
        const row = resolveRow(kind, dispid, invokeKind);
        if (row === undefined) throw wireError(WIRE_HR.DISP_E_MEMBERNOTFOUND, `${INTERFACES[kind]?.name ?? kind} has no member with DISPID ${dispid} for invoke kind ${invokeKind}.`);
        const member = rowName(row);
        named(member);
        if (rawArgs.length > (IN_PARAMS[row] as number)) throw wireError(WIRE_HR.DISP_E_BADPARAMCOUNT, `${member} takes ${IN_PARAMS[row]} arguments, not ${rawArgs.length}.`, member);
        const args = rawArgs.map((a) => this.fromWire(a));
        if (TYPELIB[row]?.member === '_NewEnum') return this.refTo(new Enumerator((object as { toArray(): object[] }).toArray()));
        return this.toWire(await invokeRow(object, row, args));
      });
    }

    private enumerate(e: Enumerator, dispid: number, args: unknown[]): WireValue {
      const count = (): number => {
        const n = args[0];
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw wireError(HR.E_INVALIDARG, `IEnumVARIANT: celt must be a count, not ${String(n)}.`);
        return n;
      };
      switch (dispid) {
        case ENUM_DISPID.NEXT: {
          const n = count();
          const taken = e.items.slice(e.index, e.index + n);
          e.index += taken.length;
          if (taken.length < n) throw new Short(taken.map((o) => this.refTo(o)));
          return taken.map((o) => this.refTo(o));
        }
        case ENUM_DISPID.SKIP: {
          const n = count();
          const skipped = Math.min(n, e.items.length - e.index);
          e.index += skipped;
          if (skipped < n) throw new Short(undefined);
          return undefined;
        }
        case ENUM_DISPID.RESET: e.index = 0; return undefined;
        case ENUM_DISPID.CLONE: return this.refTo(new Enumerator(e.items, e.index));
        default: throw wireError(WIRE_HR.DISP_E_MEMBERNOTFOUND, `IEnumVARIANT has no member ${dispid}.`);
      }
    }

    private async hook(method: string, delayMs: number, rawArgs: WireValue[]): Promise<WireValue> {
      if (!options.testHooks) throw wireError(WIRE_HR.E_ACCESSDENIED, 'This daemon was not started with --test-hooks.');
      if (method === 'sleep') { await new Promise((resolve) => setTimeout(resolve, delayMs)); return undefined; }
      const side = backend.otherSide as unknown as Record<string, unknown> | undefined;
      const fn = side?.[method];
      if (typeof fn !== 'function') throw wireError(HR.E_NOTIMPL, `The ${messenger.backend} backend has no otherSide.${method} test hook.`);
      const args = rawArgs.map((a) => this.fromWire(a));
      if (delayMs > 0) {
        setTimeout(() => { Promise.resolve((fn as (...a: unknown[]) => unknown).apply(side, args)).catch((e: unknown) => log(`otherSide.${method} failed: ${String(e)}`)); }, delayMs);
        return undefined;
      }
      return this.toWire(await (fn as (...a: unknown[]) => unknown).apply(side, args));
    }

    event(name: MessengerEventName, args: readonly unknown[]): void {
      const frame = new FrameWriter(MSG.EVENT).u32(0).i32(EVENT_DISPID.get(name) as number);
      frame.values(signedEventArgs(name, args).map((a) => this.toWire(a)));
      this.send(frame);
    }

    closed(): void {
      this.entries.clear();
      this.handles.clear();
      this.advised = false;
    }
  }

  messenger.onAny((name, args) => {
    for (const c of connections) {
      if (!c.advised) continue;
      try { c.event(name, args); } catch (e) { log(`the ${name} event could not be sent to connection ${c.id}: ${e instanceof Error ? e.message : String(e)}`); }
    }
  });

  const server = net.createServer((socket) => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const conn = new Connection(socket, peer);
    const splitter = new FrameSplitter();
    // Until it has authenticated, a connection may send one AUTH frame and nothing bigger: no stranger makes the daemon buffer 64 MiB.
    splitter.limit = AUTH_FRAME_LENGTH;
    const serverNonce = nonce();
    socket.setNoDelay(true);
    const refuse = (why: string): void => {
      log(`connection from ${peer} refused: ${why}`);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse('timeout'), authTimeoutMs);
    socket.write(new FrameWriter(MSG.HELLO).u32(PROTOCOL_VERSION).bytes(serverNonce).finish());
    socket.on('data', (data: Buffer) => {
      let frames: { type: number; payload: Buffer }[];
      try { frames = splitter.push(data); } catch (e) { refuse((e as Error).message); return; }
      for (const { type, payload } of frames) {
        if (socket.destroyed) return;
        if (!conn.authenticated) {
          clearTimeout(timer);
          if (type !== MSG.AUTH) { refuse(`frame 0x${type.toString(16)} before AUTH`); return; }
          if (payload.length !== AUTH_FRAME_LENGTH - 1) { refuse('malformed AUTH'); return; }
          const r = new FrameReader(payload);
          const version = r.u32();
          const clientNonce = r.bytes(NONCE_BYTES);
          const mac = r.bytes(MAC_BYTES);
          const pid = r.u32();
          if (version !== PROTOCOL_VERSION) { refuse(`version ${version}`); return; }
          if (!macEquals(mac, clientMac(secret, serverNonce, clientNonce))) { refuse('bad answer'); return; }
          conn.authenticated = true;
          splitter.limit = MAX_FRAME;
          connections.add(conn);
          log(`connection ${conn.id} from ${peer} (pid ${pid})`);
          socket.write(new FrameWriter(MSG.WELCOME).bytes(serverMac(secret, clientNonce, serverNonce)).u32(conn.id).finish());
          continue;
        }
        conn.enqueue(type, payload);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (connections.delete(conn)) log(`connection ${conn.id} closed (${conn.held} handles freed)`);
      conn.closed();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as net.AddressInfo).port;
  try {
    writeServeFile(serveFile, { version: PROTOCOL_VERSION, pid: process.pid, host: HOST, port, backend: messenger.backend, startedAt });
  } finally {
    releaseLock();
  }
  log(`listening on ${HOST}:${port} (backend ${messenger.backend}, pid ${process.pid})`);

  let closing: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => { markStopped = resolve; });
  const daemon: Daemon = {
    port, host: HOST, serveFile, backend: messenger.backend,
    get connections() { return connections.size; },
    handlesHeld: () => [...connections].reduce((n, c) => n + c.held, 0),
    stopped,
    close() {
      closing ??= (async () => {
        removeServeFile(serveFile, process.pid);
        for (const c of connections) c.socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        messenger.dispose();
        await backend.dispose?.();
        log('stopped');
        markStopped();
      })();
      return closing;
    },
  };
  return daemon;
}
