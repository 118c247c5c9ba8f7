/**
 * What every host of core's Messenger that serves the automation face shares: starting the
 * configured backend, the interface of each core object, running a type-library row on an object,
 * the error a failed call reports, and the signed LONGs of event arguments. Used by the shim's
 * worker (serve.ts) and by the `imessenger serve` daemon (@imessenger/server), so both dispatch
 * alike. Core and the adapters are loaded when first needed, never by importing this module.
 */
import * as fs from 'node:fs';
import {
  HR, type InterfaceName, isMessengerError, type MessengerEventName, MessengerError, type OtherSide, TYPELIB, toSigned, vtableName,
} from '@imessenger/contract';
import type { BackendConfig } from './api';
import { loadBackendPackage } from './backend-packages';
import { JSCRIPT } from './jscript';

type BackendDefinition = import('@imessenger/core').BackendDefinition;
type Core = typeof import('@imessenger/core');
type Member = (...args: unknown[]) => unknown;

export interface StartedBackend { readonly definition: BackendDefinition; readonly otherSide?: OtherSide; dispose?(): void | Promise<void> }

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
/** An error's message with its causes' (`… (cause: …)`). */
const describeCauses = (e: unknown): string => {
  const cause = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  const own = e instanceof Error ? e.message : String(e);
  return cause === undefined ? own : `${own} (${describeCauses(cause)})`;
};


export async function startBackend(config: BackendConfig): Promise<StartedBackend> {
  switch (config.kind) {
    case 'memory': {
      const memory = loadBackendPackage<typeof import('@imessenger/adapter-memory')>('memory');
      const backend = memory.memoryBackend({ seed: config.seed, seedFile: config.seedFile, stateFile: config.stateFile });
      return { definition: backend, otherSide: backend.otherSide };
    }
    case 'com': {
      const com = loadBackendPackage<typeof import('@imessenger/adapter-com')>('com');
      const progId = (config.progId ?? 'Messenger.UIAutomation.1') as import('@imessenger/adapter-com').MessengerProgId;
      const backend = com.comBackend({ progId, emulate: config.emulate ? { seed: config.seed } : false });
      return { definition: backend, otherSide: backend.otherSide, dispose: () => backend.dispose() };
    }
    case 'graph': {
      const graph = loadBackendPackage<typeof import('@imessenger/adapter-graph')>('graph');
      // One builder for every configuration (the adapter's config-build.ts); the flat keys are one more way to write it.
      const settings: import('@imessenger/adapter-graph').GraphSettings = config.settings ?? {
        tenantId: config.tenantId, source: 'the graph backend configuration',
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.presencePollMs !== undefined ? { presencePollMs: config.presencePollMs } : {}),
        ...(config.signedInAtStart !== undefined ? { signedInAtStart: config.signedInAtStart } : {}),
        ...(config.statusPolicy !== undefined ? { statusPolicy: config.statusPolicy } : {}),
        auth: config.accessToken !== undefined
          ? { type: 'access-token', accessToken: config.accessToken, username: config.username ?? '' }
          : { type: 'device-code', clientId: config.clientId ?? '', ...(config.authority ? { authority: config.authority } : {}), ...(config.cacheFile ? { cacheFile: config.cacheFile, cacheProtection: 'plain' } : {}) },
      };
      if (!config.settings && config.accessToken !== undefined && !config.username) throw new TypeError('graph backend: `accessToken` needs `username`, the user the token belongs to.');
      if (!config.settings && config.accessToken === undefined && !config.clientId) throw new TypeError('graph backend: give `clientId` (device code sign-in) or `accessToken` + `username`.');
      const backend = graph.graphBackendFromSettings(settings, {
        // As the device code: on stderr at once, before the call that waited for the sign-in is answered.
        onDeviceCode: (info) => { fs.writeSync(2, `${info.message}\n`); },
        onStartupWarning: (message) => { fs.writeSync(2, `Warning: ${message}\n`); },
        onWarning: (message) => { fs.writeSync(2, `Warning: Graph: ${message}\n`); },
      });
      return { definition: backend, dispose: () => backend.watcher.stop() };
    }
    case 'routing': {
      // Loaded only here: the routing backend needs the migration package, no other backend does.
      const migration = loadBackendPackage<typeof import('@imessenger/migration')>('routing');
      let plan = migration.loadMigrationConfig(config.config);
      if (config.stage !== undefined) plan = migration.withStage(plan, config.stage);
      const old = await startBackend(config.old);
      const neu = await startBackend(config.new);
      const routing = migration.routingBackend({
        old: old.definition, new: neu.definition, config: plan,
        ...(config.user !== undefined ? { user: config.user } : {}),
        ...(config.mismatches !== undefined ? { mismatches: migration.fileMismatchStore(config.mismatches) } : {}),
        // As Graph's start-up warnings: on stderr at once (a shadow read that failed, a secondary that refused sign-in).
        onBackgroundError: (error) => { fs.writeSync(2, `Warning: ${routing.name}: ${describeCauses(error)}\n`); },
      });
      return {
        definition: routing,
        // The shadow comparisons still running are recorded before the sides stop.
        dispose: async () => {
          try { await routing.idle(); } finally {
            old.dispose?.();
            neu.dispose?.();
          }
        },
      };
    }
    default:
      throw new TypeError(`Unknown backend kind ${JSON.stringify((config as { kind?: unknown }).kind)}: memory, com, graph or routing.`);
  }
}

// ---- objects and members ------------------------------------------------------------------------

export type CoreClass = abstract new (...args: never[]) => object;

/** Core's classes and the interface each serves (most derived), in the order they are tested. */
export function coreClasses(core: Core): readonly (readonly [CoreClass, InterfaceName])[] {
  return [
    [core.Messenger, 'IMessenger3'], [core.MessengerContact, 'IMessengerContact'], [core.MessengerContacts, 'IMessengerContacts'],
    [core.MessengerGroup, 'IMessengerGroup'], [core.MessengerGroups, 'IMessengerGroups'], [core.MessengerService, 'IMessengerService'],
    [core.MessengerServices, 'IMessengerServices'], [core.ConversationWindow, 'IMessengerConversationWnd'], [core.MainWindow, 'IMessengerWindow'],
  ];
}

const VTABLE: readonly string[] = TYPELIB.map((row) => vtableName(row));

/** `Interface.Member` of a type-library row, or undefined. */
export function rowName(row: number): string | undefined {
  const r = TYPELIB[row];
  return r ? `${r.iface}.${r.member}` : undefined;
}

/** Run the member of type-library row `row` on core's object `target` (its async-face method). */
export async function invokeRow(target: object, row: number, args: unknown[]): Promise<unknown> {
  const fn = (target as Record<string, unknown>)[VTABLE[row] as string];
  if (typeof fn !== 'function') {
    throw new MessengerError(JSCRIPT.NOT_SUPPORTED.number, { member: rowName(row), detail: JSCRIPT.NOT_SUPPORTED.description });
  }
  return (fn as Member).apply(target, args);
}

/** What a failed call reports: its MessengerError, or E_FAIL for anything else (a bug, a backend that threw past core), as core maps backend failures. */
export function callError(e: unknown, member: string | undefined): { readonly hresult: number; readonly member: string; readonly description: string; readonly cause: string } {
  if (isMessengerError(e)) {
    const cause = (e as { cause?: unknown }).cause;
    return { hresult: e.hresult, member: e.member ?? '', description: e.description, cause: cause === undefined ? '' : describe(cause) };
  }
  return { hresult: HR.E_FAIL, member: member ?? '', description: `The backend failed: ${e instanceof Error ? e.message : String(e)}`, cause: describe(e) };
}

/** Per event, which arguments are LONGs: COM clients saw them signed (an `hr` of 0x8100034B is negative). */
const EVENT_LONGS = new Map<string, readonly boolean[]>(
  TYPELIB.filter((r) => r.kind === 'event').map((r) => [r.member, r.params.map((p) => p.type === 'LONG')]),
);

/** An event's arguments as COM delivered them: its LONGs signed. */
export function signedEventArgs(name: MessengerEventName, args: readonly unknown[]): readonly unknown[] {
  const longs = EVENT_LONGS.get(name);
  return longs ? args.map((arg, i) => (typeof arg === 'number' && longs[i] ? toSigned(arg) : arg)) : args;
}
