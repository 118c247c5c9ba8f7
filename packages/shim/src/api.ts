import type { GraphSettings } from '@imessenger/adapter-graph';
import type { OtherSide } from '@imessenger/contract';

/**
 * The shim's public contract: what legacy code gets in place of the COM runtime. Objects are
 * synchronous and COM-shaped (exact IDL member names, case-insensitive like GetIDsOfNames;
 * `typeof` "object"); calls run on the async face in a worker thread while the caller waits on
 * Atomics; errors are MessengerError with `.number` (signed HRESULT) and `.description`.
 */

/** Which backend the worker runs; plain data so it can cross to the worker thread. */
export type BackendConfig = SingleBackendConfig | RoutingBackendConfig;

/** One backend (what each side of a routing backend is). */
export type SingleBackendConfig =
  /** `seedFile`: where `seed` was read from, named in a seed error. */
  | { readonly kind: 'memory'; readonly seed?: unknown; readonly seedFile?: string; readonly stateFile?: string }
  | { readonly kind: 'com'; readonly progId?: string; readonly emulate?: boolean; readonly seed?: unknown }
  | {
    readonly kind: 'graph';
    readonly tenantId: string;
    /** Device-code sign-in (people): the app registration and the token cache file. */
    readonly clientId?: string;
    readonly authority?: string;
    readonly cacheFile?: string;
    /** A token the host already holds (daemons, tests against a fake tenant), with its user. */
    readonly accessToken?: string;
    readonly username?: string;
    /** Graph root with version (the fake tenant's in tests). */
    readonly baseUrl?: string;
    readonly presencePollMs?: number;
    /**
     * Start signed in, as the Messenger client was from logon (default: when the token or the token
     * cache has an account); false: start signed out. graphBackend's `signedInAtStart`.
     */
    readonly signedInAtStart?: boolean;
    /** MyStatus put of a status Teams cannot express: 'strict' (default, E_INVALIDARG) or 'nearest'. */
    readonly statusPolicy?: 'strict' | 'nearest';
    /**
     * A configuration loaded by @imessenger/adapter-graph's loadGraphConfig (what `imessenger run
     * --graph-config` passes): when given, it is the configuration and the keys above are not read.
     */
    readonly settings?: GraphSettings;
  };

/**
 * A phased migration's routing backend (@imessenger/migration's routingBackend): each capability
 * served by `old` or `new` as the migration config says for the user, with shadow reads compared
 * and dual writes sent to the other side. The worker builds it from the config file.
 */
export interface RoutingBackendConfig {
  readonly kind: 'routing';
  /** The migration config (.yaml, .yml or .json; loadMigrationConfig: paths in it are relative to it). */
  readonly config: string;
  /** Make this stage of the plan the active one (instead of the file's `stage`). */
  readonly stage?: string;
  /** Whose routes apply (default: whoever signs in). */
  readonly user?: string;
  /** JSON-lines file the shadow mismatches are appended to (default: the config's shadow.mismatches, else kept in memory). */
  readonly mismatches?: string;
  /** The legacy backend and the new one. */
  readonly old: SingleBackendConfig;
  readonly new: SingleBackendConfig;
}

/** The JScript `Enumerator` over a COM collection. */
export interface LegacyEnumerator {
  atEnd(): boolean;
  moveNext(): void;
  item(): unknown;
  moveFirst(): void;
}

export interface HostOptions {
  readonly backend: BackendConfig;
  /**
   * Where `WScript.ConnectObject(obj, 'prefix_')` / `WScript.CreateObject(progId, 'prefix_')` find
   * their handler functions (`prefix_OnSignin`), looked up when each event is delivered.
   */
  readonly globals?: object;
  /** A handler that throws: reported here (default: printed to stderr), never breaks the caller. */
  readonly onHandlerError?: (error: unknown, event: string) => void;
  /**
   * Other ProgIDs the host can create (case-insensitive), e.g. an embedder's own
   * `Scripting.FileSystemObject`. The Messenger ProgIDs always resolve to the configured backend.
   */
  readonly progIds?: Readonly<Record<string, () => object>>;
  /**
   * The most microseconds the caller, then the worker, spin on the channel before they sleep on it
   * (default 100 each on a machine with two or more cores, 0 on one core). Back-to-back calls then
   * cost a few microseconds instead of two thread wake-ups. Whether they spin, and how long within
   * this, follows what calls cost either way (they stop where spinning does not pay, e.g. on a
   * loaded machine); 0 never spins.
   */
  readonly spinMicros?: number;
  readonly workerSpinMicros?: number;
  /**
   * A worker that makes no progress for this long while a call waits on it is declared hung,
   * stopped, and replaced at the next activation (default 10 000). Progress is the worker's work on
   * the call moving, or its waiting on a timer or I/O the call started; the time its thread waited
   * for a CPU (a loaded machine) does not count (Linux; elsewhere it does). So a slow call is waited
   * for, an endless loop or a promise that never settles is not. A stretch of code that cannot
   * report (core, a backend) is judged by its CPU time: one longer than this is taken for a hang.
   */
  readonly hangTimeoutMs?: number;
  /**
   * Internet Explorer's safe-for-scripting mode: the members the pages mark "not available for
   * scripting languages" fail with E_NOTIMPL. Default false: a trusted host, like WSH and VB6.
   */
  readonly safeForScripting?: boolean;
}

/** What installLegacyGlobals puts on a script's global object, besides WScript. */
export interface AutomationHost {
  /** `new ActiveXObject('Messenger.UIAutomation.1')`: every Messenger ProgID reaches one shared object. */
  readonly ActiveXObject: new (progId: string) => object;
  /** `GetObject('', progId)` / `GetObject(progId)`: the running Messenger object. */
  GetObject(pathOrProgId?: string, progId?: string): object;
  /** `WScript.CreateObject(progId, prefix?)`: create, and bind global `prefix + EventName` handlers. */
  CreateObject(progId: string, prefix?: string): object;
  ConnectObject(object: object, prefix: string): void;
  DisconnectObject(object: object): void;
  readonly Enumerator: new (collection: object) => LegacyEnumerator;
  /** `WScript.Sleep(ms)`: wait, delivering events as they happen. */
  sleep(ms: number): void;
  /** Deliver the events that happened so far (done after every call anyway). */
  deliverEvents(): void;
  /** Stop the worker (the process can then exit). */
  dispose(): void;
}

/** The other side of the backend, synchronously (memory and the COM emulator): test and demo hooks. */
export type SyncOtherSide = {
  readonly [K in keyof OtherSide]: (...args: Parameters<OtherSide[K]>) => void;
};

/** What createAutomationHost returns: the AutomationHost, plus hooks for tests and embedders. */
export interface ShimHost extends AutomationHost {
  /** `new ActiveXObject(progId)` without `new` (also what WScript.CreateObject uses). */
  create(progId: string): object;
  /** Make the backend's other side act (a contact changes status, the server fails the next call…). */
  readonly otherSide: SyncOtherSide;
  /** The same hooks, acting `ms` later in the worker (the call returns at once): events while the script sleeps. */
  otherSideAfter(ms: number): SyncOtherSide;
  /**
   * Why the worker stopped (crash, hang, dispose), or undefined while it runs (also once a new one
   * was started after a crash).
   */
  readonly stopped: string | undefined;
  /**
   * Test hook: make the worker die (exit, an uncaught exception) or hang, as a crash would: `hang`
   * is an endless synchronous loop, `stall` a call awaiting a promise that never settles; `garble`
   * answers this call with a reply that does not decode.
   */
  simulateCrash(how: 'exit' | 'throw' | 'hang' | 'stall' | 'garble'): void;
  /**
   * Test hook: a call that takes `ms` in the worker: busy and reporting progress (as encoding a big
   * collection does), busy for `ms` of CPU time reporting nothing (a long stretch in core), or
   * waiting on a timer (a backend's retry delay).
   */
  simulateSlowCall(ms: number, how?: 'progress' | 'busy' | 'wait'): void;
}

/** WScript.Arguments (and its Named / Unnamed views). */
export interface WScriptArguments extends Iterable<string> {
  readonly length: number;
  readonly Length: number;
  Count(): number;
  Item(index: number): string;
}

export interface WScriptNamedArguments {
  readonly length: number;
  readonly Length: number;
  Count(): number;
  /** The value of `/name:value` (case-insensitive name); `/name` alone gives "". */
  Item(name: string): string | undefined;
  Exists(name: string): boolean;
}

export interface WScriptStream {
  Write(text: unknown): void;
  WriteLine(text?: unknown): void;
  WriteBlankLines(lines: number): void;
}

/** The WScript object a legacy script sees. */
export interface WScriptObject {
  readonly Name: string;
  readonly Version: string;
  readonly FullName: string;
  readonly Path: string;
  readonly ScriptName: string;
  readonly ScriptFullName: string;
  readonly Interactive: boolean;
  readonly Arguments: WScriptArguments & { readonly Named: WScriptNamedArguments; readonly Unnamed: WScriptArguments };
  readonly StdOut: WScriptStream;
  readonly StdErr: WScriptStream;
  Echo(...values: unknown[]): void;
  Sleep(ms: number): void;
  Quit(code?: number): never;
  CreateObject(progId: string, prefix?: string): object;
  GetObject(pathOrProgId?: string, progId?: string): object;
  ConnectObject(object: object, prefix: string): void;
  DisconnectObject(object: object): void;
}

/** What installLegacyGlobals returns: the host (dispose it when the script ends) and its WScript. */
export interface LegacyHost extends ShimHost {
  readonly WScript: WScriptObject;
}

/** Options of installLegacyGlobals: the host's, plus what the script sees as WScript. */
export interface LegacyGlobalsOptions extends Omit<HostOptions, 'globals'> {
  /** WScript.ScriptName / ScriptFullName. */
  readonly scriptPath?: string;
  /** WScript.Arguments. */
  readonly args?: readonly string[];
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** WScript.Quit(code): default throws a WScriptQuit carrying the code. */
  readonly onQuit?: (code: number) => never;
}
