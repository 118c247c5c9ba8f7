/**
 * The Messenger's async face (the contract's interfaces, as core's objects offer them) over a
 * connection to `imessenger serve`: every member is a CALL by DISPID, resolved here from the
 * type-library table as a COM client resolves it from the type library. One object per handle (so
 * one per identity, as the daemon gives one handle per identity), references given back when an
 * object is garbage-collected, events as `on`/`onAny`. This is how the conformance kit runs
 * through the wire; a Node program can share a daemon's backend session with it.
 *
 * After a lost connection, the next call on the Messenger object connects again (`connect`, which
 * may start the daemon); other objects of the lost connection fail with RPC_E_DISCONNECTED.
 */
import {
  type IMessenger3, INTERFACES, type MessengerEventListener, type MessengerEventName, MessengerError, type OtherSide, rowsWithInherited, TYPELIB, vtableName,
} from '@imessenger/contract';
import type { ServeClient } from './client';
import { ENUM_DISPID, FOREIGN, INVOKE, KIND_ENUM, MISSING, NOTHING, Ref, WIRE_HR, type WireValue } from './wire';

interface MemberRef { readonly dispid: number; readonly invokeKind: number; readonly member: string }

const INVOKE_OF = { method: INVOKE.METHOD, propget: INVOKE.PROPERTYGET, propput: INVOKE.PROPERTYPUT } as const;

/** Per interface kind: async-face name -> DISPID and invoke kind (what GetIDsOfNames + the type library say). */
const MEMBERS: readonly ReadonlyMap<string, MemberRef>[] = INTERFACES.map((iface) => new Map(
  rowsWithInherited(iface.name).filter((r) => r.kind !== 'event')
    .map((r) => [vtableName(r), { dispid: r.dispid as number, invokeKind: INVOKE_OF[r.kind as keyof typeof INVOKE_OF], member: `${r.iface}.${r.member}` }]),
));
const ROOT_KIND = INTERFACES.findIndex((i) => i.name === 'IMessenger3');
const COLLECTION_KINDS = new Set(['IMessengerContacts', 'IMessengerGroups', 'IMessengerServices'].map((n) => INTERFACES.findIndex((i) => i.name === n)));
const EVENT_NAMES = new Map<number, MessengerEventName>(TYPELIB.filter((r) => r.kind === 'event').map((r) => [r.dispid as number, r.member as MessengerEventName]));
/**
 * Per event DISPID, how each argument differs between the wire (as COM delivered it) and the async
 * face (as core raises it): a LONG is signed there and unsigned here; a `VARIANT_BOOL*` is a BOOL by
 * value there and a `{ value }` here.
 */
const EVENT_PARAMS = new Map<number, readonly ('long' | 'byref' | undefined)[]>(TYPELIB.filter((r) => r.kind === 'event').map((r) => [
  r.dispid as number, r.params.map((p) => (p.type === 'LONG' ? 'long' : p.type === 'VARIANT_BOOL*' ? 'byref' : undefined)),
]));

/** What a remote object stands for: a handle on one connection, and the references received for it. */
interface Token { readonly client: ServeClient; readonly handle: number; readonly kind: number; refs: number }

/** A listener of every event: its name and its arguments (as the async face gives them). */
export type AnyListener = (event: MessengerEventName, args: readonly unknown[]) => void;

/** The async face of the daemon's Messenger: the IMessenger3 members, `on`, `onAny` (each returns its unsubscribe), `dispose` (closes the connection). */
export interface RemoteMessenger extends IMessenger3 {
  on<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): () => void;
  onAny(listener: AnyListener): () => void;
  dispose(): void;
}

const disconnected = (): MessengerError => new MessengerError(WIRE_HR.RPC_E_DISCONNECTED, { detail: 'The object invoked has disconnected from its clients: its connection to imessenger serve was lost.' });

export class RemoteSession {
  private client: ServeClient;
  private connecting: Promise<ServeClient> | undefined;
  private readonly live = new Map<ServeClient, Map<number, { ref: WeakRef<object>; token: Token }>>();
  private readonly tokens = new WeakMap<object, Token>();
  private readonly registry = new FinalizationRegistry<Token>((t) => {
    const entry = this.live.get(t.client)?.get(t.handle);
    if (entry?.token === t) this.live.get(t.client)?.delete(t.handle);
    if (t.refs > 0) t.client.release(t.handle, t.refs);
  });
  private readonly anyListeners = new Set<AnyListener>();
  private advised = false;
  private disposed = false;
  readonly messenger: RemoteMessenger;

  private constructor(client: ServeClient, private readonly connect: () => Promise<ServeClient>) {
    this.client = client;
    this.attach(client);
    this.messenger = this.root();
  }

  /** A session on a connection made by `connect` (called again to reconnect after a loss). */
  static async open(connect: () => Promise<ServeClient>): Promise<RemoteSession> {
    return new RemoteSession(await connect(), connect);
  }

  /**
   * The backend's test hooks (the contract's OtherSide) through HOOK frames: a daemon started with
   * `testHooks`. A hook's RESULT follows the events it raised, as a call's does.
   */
  otherSide(): OtherSide {
    return new Proxy({}, {
      get: (_t, method) => (typeof method !== 'string' ? undefined : async (...args: unknown[]) => {
        const client = await this.rootClient();
        await client.hook(method, args.map((a) => this.toWire(client, a)));
      }),
    }) as OtherSide;
  }

  /** The current connection (tests). */
  get connection(): ServeClient { return this.client; }

  private attach(client: ServeClient): void {
    this.live.set(client, new Map());
    client.onEvent((_source, dispid, args) => {
      const name = EVENT_NAMES.get(dispid);
      if (name === undefined) return;
      const params = EVENT_PARAMS.get(dispid);
      const values = args.map((a, i) => {
        const param = params?.[i];
        return param === 'long' && typeof a === 'number' ? a >>> 0 : param === 'byref' ? { value: a } : this.fromWire(client, a);
      });
      for (const l of [...this.anyListeners]) l(name, values);
    });
    client.onClose(() => { this.live.delete(client); });
    if (this.advised) void client.advise().catch(() => undefined);
  }

  /** The connection for a call on the root: the current one, or a new one after a loss. */
  private async rootClient(): Promise<ServeClient> {
    if (this.disposed) throw disconnected();
    if (this.client.closed === undefined) return this.client;
    this.connecting ??= this.connect().then((c) => { this.client = c; this.attach(c); return c; }).finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  // ---- values ----

  private toWire(client: ServeClient, v: unknown): WireValue {
    switch (typeof v) {
      case 'undefined': return MISSING;
      case 'boolean': case 'number': case 'string': return v;
      case 'object': {
        if (v === null) return null;
        if (Array.isArray(v)) return v.map((x) => this.toWire(client, x));
        if (v === this.messenger) return new Ref(0, ROOT_KIND);
        const t = this.tokens.get(v);
        if (!t) return FOREIGN;
        if (t.client !== client) throw disconnected();
        return new Ref(t.handle, t.kind);
      }
      default: return FOREIGN;
    }
  }

  private fromWire(client: ServeClient, v: WireValue): unknown {
    if (v instanceof Ref) return v.handle === 0 ? this.messenger : this.object(client, v);
    if (v === NOTHING) return null;
    if (v === MISSING) return undefined;
    if (Array.isArray(v)) return (v as readonly WireValue[]).map((x) => this.fromWire(client, x));
    return v;
  }

  /** The one object of handle `ref` on `client`, holding one more reference. */
  private object(client: ServeClient, ref: Ref): object {
    const table = this.live.get(client);
    const entry = table?.get(ref.handle);
    const existing = entry?.ref.deref();
    if (entry && existing) { entry.token.refs++; return existing; }
    const token: Token = { client, handle: ref.handle, kind: ref.kind, refs: 1 };
    const made = ref.kind === KIND_ENUM ? this.enumerator(token) : this.proxy(() => this.tokenClient(token), ref.handle, ref.kind);
    this.tokens.set(made, token);
    this.registry.register(made, token);
    table?.set(ref.handle, { ref: new WeakRef(made), token });
    return made;
  }

  private async tokenClient(t: Token): Promise<ServeClient> {
    if (t.client.closed !== undefined) throw disconnected();
    return t.client;
  }

  private async invoke(getClient: () => Promise<ServeClient>, handle: number, m: MemberRef, args: readonly unknown[]): Promise<unknown> {
    const client = await getClient();
    try {
      const value = await client.call(handle, m.dispid, m.invokeKind, args.map((a) => this.toWire(client, a)));
      return this.fromWire(client, value);
    } catch (e) {
      // The member a COM client called is the one it knows: name it as core does.
      if (e instanceof MessengerError && e.member === undefined) throw new MessengerError(e.hresult, { member: m.member, detail: e.description });
      throw e;
    }
  }

  // ---- objects ----

  private root(): RemoteMessenger {
    const events = {
      on: <E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): (() => void) =>
        this.subscribe((name, args) => { if (name === event) (listener as (...a: unknown[]) => void)(...args); }),
      onAny: (listener: AnyListener): (() => void) => this.subscribe(listener),
      dispose: (): void => { this.disposed = true; this.client.close(); },
    };
    return this.proxy(() => this.rootClient(), 0, ROOT_KIND, events) as unknown as RemoteMessenger;
  }

  private subscribe(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    if (!this.advised) {
      this.advised = true;
      // Written now, before any later call's frame: the daemon subscribes before it runs that call.
      if (this.client.closed === undefined) void this.client.advise().catch(() => undefined);
    }
    return () => { this.anyListeners.delete(listener); };
  }

  private proxy(getClient: () => Promise<ServeClient>, handle: number, kind: number, extra: Record<string, unknown> = {}): object {
    const members = MEMBERS[kind] ?? new Map<string, MemberRef>();
    const functions = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    const target: object = {};
    const proxy: object = new Proxy(target, {
      get: (_t, key) => {
        if (typeof key === 'string') {
          if (key in extra) return extra[key];
          let fn = functions.get(key);
          if (fn) return fn;
          const m = members.get(key);
          if (!m) return undefined;
          fn = (...args: unknown[]) => this.invoke(getClient, handle, m, args);
          functions.set(key, fn);
          return fn;
        }
        if (key === Symbol.asyncIterator && COLLECTION_KINDS.has(kind)) {
          return () => this.iterate(async () => (await (proxy as { get__NewEnum(): Promise<AsyncIterator<unknown>> }).get__NewEnum()));
        }
        return undefined;
      },
      has: (_t, key) => (typeof key === 'string' && (members.has(key) || key in extra)) || (key === Symbol.asyncIterator && COLLECTION_KINDS.has(kind)),
    });
    return proxy;
  }

  /** An IEnumVARIANT as core's `_NewEnum` gives one: `next()` (one Next(1) per item), async-iterable. */
  private enumerator(token: Token): object {
    const call = async (dispid: number, args: readonly WireValue[] = []): Promise<{ hresult: number; value: unknown }> => {
      const client = await this.tokenClient(token);
      const r = await client.callRaw(token.handle, dispid, INVOKE.METHOD, args);
      return { hresult: r.hresult, value: this.fromWire(client, r.value) };
    };
    const e = {
      async next(): Promise<IteratorResult<unknown>> {
        const { value } = await call(ENUM_DISPID.NEXT, [1]);
        const items = value as unknown[];
        return items.length > 0 ? { value: items[0], done: false } : { value: undefined, done: true };
      },
      async skip(n: number): Promise<boolean> { return (await call(ENUM_DISPID.SKIP, [n])).hresult === 0; },
      async reset(): Promise<void> { await call(ENUM_DISPID.RESET); },
      async clone(): Promise<unknown> { return (await call(ENUM_DISPID.CLONE)).value; },
      [Symbol.asyncIterator]() { return e; },
    };
    return e;
  }

  private iterate(open: () => Promise<AsyncIterator<unknown>>): AsyncIterator<unknown> {
    let it: Promise<AsyncIterator<unknown>> | undefined;
    return { next: async () => (await (it ??= open())).next() };
  }
}
