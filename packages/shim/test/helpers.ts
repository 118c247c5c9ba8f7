/**
 * Test helpers: the kit's seed, hosts, a fake Graph tenant on its own thread (the caller's thread
 * blocks in Atomics.wait during a synchronous call, so the tenant cannot live on it), and a "face"
 * abstraction that runs one scenario on the automation face or on the async face.
 */
import { Worker } from 'node:worker_threads';
import { isMessengerError, MESSENGER_EVENT_NAMES } from '@imessenger/contract';
import { kitSeed, type KitSeed } from '@imessenger/contract-tests';
import { type BackendConfig, createAutomationHost, interfaceOf, type ShimHost } from '../src';

/** A property bag as scripts use automation objects: any member, any value. */
export type Auto = Record<string, unknown> & { [name: string]: unknown };
/** An automation object read as the script sees it. */
export const auto = (o: unknown): Auto => o as Auto;
/** Call a member function of an automation object. */
export const call = (o: unknown, member: string, ...args: unknown[]): unknown => (auto(o)[member] as (...a: unknown[]) => unknown)(...args);

export function seed(overrides: Partial<KitSeed> = {}): KitSeed {
  return { ...kitSeed(), ...overrides };
}

export function memoryHost(s: unknown = seed({ signedIn: true }), extra: Partial<Parameters<typeof createAutomationHost>[0]> = {}): ShimHost {
  return createAutomationHost({ backend: { kind: 'memory', seed: s }, ...extra });
}

/** What a thrown value says, for comparisons across faces (number, description). */
export function errorOf(fn: () => unknown): { number: number; description: string; member: string | undefined; message: string } {
  try {
    fn();
  } catch (e) {
    if (!isMessengerError(e)) throw e;
    return { number: e.number, description: e.description, member: e.member, message: e.message };
  }
  throw new Error('expected a MessengerError, nothing was thrown');
}

// ---- the fake Graph tenant, on its own thread -------------------------------------------------------

export interface TenantThread {
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly token: string;
  stop(): Promise<void>;
}

const TENANT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const testing = require('@imessenger/adapter-graph/testing');
(async () => {
  const tenant = new testing.FakeTenant({ seed: workerData.seed, tenantId: workerData.tenantId });
  await tenant.start();
  parentPort.postMessage({ baseUrl: tenant.baseUrl, tenantId: tenant.tenantId, token: tenant.tokenFor(workerData.upn) });
  parentPort.on('message', async () => { await tenant.stop(); parentPort.close(); });
})().catch((e) => { parentPort.postMessage({ error: String(e && e.stack || e) }); });
`;

/** A FakeTenant (built adapter-graph) serving on loopback from another thread. */
export async function startTenant(s: KitSeed): Promise<TenantThread> {
  const tenantId = (s.services[0] as { id: string }).id.replace(/[{}]/g, '');
  const worker = new Worker(TENANT_THREAD, { eval: true, workerData: { seed: s, tenantId, upn: s.self.signinName } });
  const info = await new Promise<{ baseUrl: string; tenantId: string; token: string; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (info.error) throw new Error(info.error);
  return {
    baseUrl: info.baseUrl, tenantId: info.tenantId, token: info.token,
    async stop() {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

export function graphConfig(t: TenantThread, s: KitSeed): BackendConfig {
  // Signed in at start as the seed says (the kit's starts signed out), as the memory backend does.
  return { kind: 'graph', tenantId: t.tenantId, accessToken: t.token, username: s.self.signinName, baseUrl: t.baseUrl, presencePollMs: 0, signedInAtStart: s.signedIn };
}

// ---- one scenario, two faces ------------------------------------------------------------------------

/** Member access on either face: `get` a property, `put` one, `call` a method (or indexed property). */
export interface Face {
  readonly name: string;
  get(o: unknown, member: string, ...index: unknown[]): Promise<unknown>;
  put(o: unknown, member: string, ...indexAndValue: unknown[]): Promise<void>;
  call(o: unknown, member: string, ...args: unknown[]): Promise<unknown>;
  list(collection: unknown): Promise<unknown[]>;
  /** Events seen so far, normalised, then forgotten. */
  takeEvents(): Promise<unknown[]>;
  /** What kind of object this is: contact, group, window, service, contacts, groups, services, messenger. */
  kind(o: unknown): string;
}

type AsyncObject = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The automation face: synchronous members, wrapped in promises only for the shared scenario. */
export function syncFace(msn: unknown, host: ShimHost): Face {
  const events: unknown[][] = [];
  for (const name of MESSENGER_EVENT_NAMES) call(msn, 'on', name, (...args: unknown[]) => { events.push([name, ...args]); });
  const face: Face = {
    name: 'automation',
    async get(o, member, ...index) { return index.length ? call(o, member, ...index) : auto(o)[member]; },
    async put(o, member, ...iv) { if (iv.length === 1) auto(o)[member] = iv[0]; else call(o, `put_${member}`, ...iv); },
    async call(o, member, ...args) { return call(o, member, ...args); },
    async list(c) { return [...(c as Iterable<unknown>)]; },
    async takeEvents() { host.deliverEvents(); return normaliseEvents(face, events.splice(0)); },
    kind(o) {
      const iface = interfaceOf(o) ?? 'plain';
      return KIND[iface] ?? iface;
    },
  };
  return face;
}

const KIND: Record<string, string> = {
  IMessenger3: 'messenger', IMessengerContact: 'contact', IMessengerContacts: 'contacts', IMessengerGroup: 'group',
  IMessengerGroups: 'groups', IMessengerService: 'service', IMessengerServices: 'services', IMessengerWindow: 'window',
  IMessengerConversationWnd: 'window',
};
const CLASS_KIND: Record<string, string> = {
  Messenger: 'messenger', MessengerContact: 'contact', MessengerContacts: 'contacts', MessengerGroup: 'group', MessengerGroups: 'groups',
  MessengerService: 'service', MessengerServices: 'services', MainWindow: 'window', ConversationWindow: 'window',
};

/** The async face (core's Messenger), as new TypeScript code uses it. */
export function asyncFace(msn: { onAny(l: (event: string, args: readonly unknown[]) => void): unknown }): Face {
  const events: unknown[][] = [];
  msn.onAny((name, args) => events.push([name, ...args]));
  const face: Face = {
    name: 'async',
    async get(o, member, ...index) { return (o as AsyncObject)[`get_${member}`]!(...index); },
    async put(o, member, ...iv) { await (o as AsyncObject)[`put_${member}`]!(...iv); },
    async call(o, member, ...args) { return (o as AsyncObject)[member]!(...args); },
    async list(c) { const out: unknown[] = []; for await (const x of c as AsyncIterable<unknown>) out.push(x); return out; },
    async takeEvents() { return normaliseEvents(face, events.splice(0)); },
    kind(o) { return typeof o === 'object' && o !== null ? (CLASS_KIND[o.constructor.name] ?? 'plain') : typeof o; },
  };
  return face;
}

/** A value as both faces can be compared: objects by kind and identity, HRESULTs signed. */
export async function normalise(face: Face, v: unknown): Promise<unknown> {
  if (Array.isArray(v)) return Promise.all(v.map((x) => normalise(face, x)));
  if (typeof v !== 'object' || v === null) return v;
  const kind = face.kind(v);
  switch (kind) {
    case 'contact': return `contact:${String(await face.get(v, 'SigninName'))}`;
    case 'group': return `group:${String(await face.get(v, 'Name').catch(() => '?'))}`;
    case 'service': return `service:${String(await face.get(v, 'ServiceID'))}`;
    case 'window': return `window:${String(await face.get(v, 'IsClosed'))}`;
    case 'contacts': case 'groups': case 'services': return `${kind}:[${(await normalise(face, await face.list(v)) as unknown[]).join(',')}]`;
    case 'messenger': return 'messenger';
    default: return v;
  }
}

async function normaliseEvents(face: Face, events: unknown[][]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [name, ...args] of events) {
    const values = await normalise(face, args) as unknown[];
    out.push([name, ...values.map((a) => (typeof a === 'number' ? a | 0 : a))]);
  }
  return out;
}

/** Run a step and describe its outcome: a normalised value, or the error's signed number and description. */
export async function outcome(face: Face, step: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await normalise(face, await step()) };
  } catch (e) {
    if (isMessengerError(e)) return { hr: e.number, description: e.description };
    throw e;
  }
}

/** Threads that keep the cores busy in bursts, so both sides of the channel get preempted. */
export function loadThreads(count: number): () => Promise<void> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const source = `
    const { workerData } = require('node:worker_threads');
    const stop = new Int32Array(workerData);
    while (Atomics.load(stop, 0) === 0) {
      const end = performance.now() + 1 + Math.random() * 2;
      while (performance.now() < end) { /* busy */ }
      Atomics.wait(stop, 0, 0, 1 + Math.random() * 2);
    }`;
  const threads = Array.from({ length: count }, () => new Worker(source, { eval: true, workerData: stop.buffer }));
  return async () => {
    Atomics.store(stop, 0, 1);
    await Promise.all(threads.map((t) => new Promise((resolve) => t.once('exit', resolve))));
  };
}
