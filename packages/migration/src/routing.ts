/**
 * The routing backend: one SPI implementation that delegates each capability port to the backend
 * the migration config picks for the signed-in user (groups -> new, presence -> old, …), optionally
 * shadowing reads or dual-writing writes to the other backend. It is a BackendDefinition like any
 * other, so core (and every documented rule) sits on top of it unchanged:
 *
 *   const backend = routingBackend({ old: comBackend(), new: graphBackend(…), config: loadMigrationConfig('stage-2.yaml') });
 *   const msn = createMessenger({ backend });
 *
 * The session decides the user: `user` when given, else the sign-in name (AutoSignin: whoever the
 * default backend signs in). Signin signs in to every backend the user's routes use; Signout signs
 * out of each. Remote changes are merged from both backends, each kept only from the backend that
 * serves its capability (contact status from the presence route, list changes from directory, …).
 */
import {
  type BackendDefinition, type BackendInfo, type BackendPorts, CAPABILITY_HRESULTS, type ContactRecord, type GroupRecord, type MISTATUS,
  type EventsPort, type RemoteChange, type SelfRecord, type SessionPort, type SigninRequest, messengerError,
} from '@imessenger/contract';
import {
  type MigrationConfig, type Routes, type Side, answeringBackends, backendsUsed, routesFor, validateMigrationConfig,
} from './config';
import { DualWriter, type DualWriteFailure, type RetryReport } from './dual-write';
import { type WriteQueue, fileWriteQueue, memoryWriteQueue } from './dual-write-queue';
import { type MismatchStore, fileMismatchStore, memoryMismatchStore } from './mismatch-store';
import type { NormalizeOptions } from './normalize';
import { RECONCILABLE, type ReconcilableCapability, type ReconcileReport, reconcile } from './reconcile';
import { type DelegatedCapability, type RoutableCapability, methodKind, methodsOf } from './routing-methods';
import { Shadow } from './shadow';

/** A backend taken apart: its ports and what it says about itself (its `info`, or just its name). */
export interface ResolvedBackend {
  readonly name: string;
  readonly ports: BackendPorts;
  readonly info: BackendInfo;
}

/** A backend definition with its `info` filled in; refuses what is not a backend. */
export function portsOf(backend: BackendDefinition): ResolvedBackend {
  if (!backend || typeof backend.name !== 'string' || typeof backend.ports !== 'object' || backend.ports === null || !backend.ports.session) {
    throw new TypeError('routingBackend: `old` and `new` must be backend definitions with ports (a session port at least), e.g. memoryBackend({ seed }).');
  }
  return { name: backend.name, ports: backend.ports, info: backend.info ?? { name: backend.name } };
}

/** Which capability reports each kind of remote change: a change is kept only from that capability's backend. */
export const CHANGE_CAPABILITY: { readonly [T in RemoteChange['type']]: RoutableCapability } = {
  contactStatus: 'presence',
  myStatus: 'presence',
  contactFriendlyName: 'directory',
  contactPhone: 'directory',
  contactPager: 'directory',
  contactEmail: 'directory',
  contactListAdd: 'directory',
  contactListRemove: 'directory',
  myFriendlyName: 'session',
  myPhone: 'session',
  unreadEmail: 'mail',
  windowContactAdded: 'conversations',
  windowContactRemoved: 'conversations',
  windowClosed: 'conversations',
  signedOut: 'session',
  appShutdown: 'session',
};

export interface RoutingBackendOptions {
  readonly old: BackendDefinition;
  readonly new: BackendDefinition;
  /** Validated again here (a config built in code gets the same checks as a file). */
  readonly config: MigrationConfig;
  /** The user whose routes apply; default: decided at sign-in. Given, it also makes absent capabilities exact (see README). */
  readonly user?: string;
  /** Where shadow mismatches go; default: config.shadow.mismatches, else in memory. */
  readonly mismatches?: MismatchStore;
  /** The dual-write retry queue; default: config.dualWrite.queue (`{user}` replaced), else in memory. */
  readonly queue?: WriteQueue;
  /** Overrides config.shadow's normalisation settings. */
  readonly normalize?: NormalizeOptions;
  readonly now?: () => Date;
  /** Failures in the background (shadow comparisons, a secondary-only backend refusing sign-in). Default: process warnings. */
  readonly onBackgroundError?: (error: unknown) => void;
  /** Each write the secondary did not receive (it is queued). */
  readonly onSecondaryFailure?: (failure: DualWriteFailure) => void;
}

export interface RoutingBackend extends BackendDefinition {
  readonly config: MigrationConfig;
  readonly old: ResolvedBackend;
  readonly new: ResolvedBackend;
  /** The user whose routes apply now (undefined before sign-in unless given). */
  user(): string | undefined;
  /** The effective route of every capability for the current user. */
  routes(): Routes;
  readonly mismatches: MismatchStore;
  readonly queue: WriteQueue;
  readonly shadow: Shadow;
  readonly dualWrite: DualWriter;
  /** Resolves when every background shadow read so far has been compared and recorded. */
  idle(): Promise<void>;
  /** Apply this user's queued secondary writes, oldest first. */
  retryQueued(): Promise<RetryReport>;
  /** Repair the secondary of each dual-write capability (or of `capabilities`) from its primary. */
  reconcile(options?: { readonly capabilities?: readonly ReconcilableCapability[]; readonly dryRun?: boolean; readonly removeExtras?: boolean }): Promise<ReconcileReport>;
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;
type MethodBag = Record<string, AnyMethod>;

/** Directory methods that return contact records (their statuses come from the presence route). */
const CONTACT_READS = new Set(['listContacts', 'lookup', 'find', 'addContact']);
const DELEGATED: readonly DelegatedCapability[] = ['directory', 'presence', 'groups', 'conversations', 'mail', 'preferences', 'shell'];
const SIDES: readonly Side[] = ['old', 'new'];
const otherSide = (side: Side): Side => (side === 'old' ? 'new' : 'old');

export function routingBackend(options: RoutingBackendOptions): RoutingBackend {
  const config = validateMigrationConfig(options.config);
  const sides: Record<Side, ResolvedBackend> = { old: portsOf(options.old), new: portsOf(options.new) };
  const name = `routing(${config.old}→${config.new})`;
  const fixedUser = options.user;
  let user = fixedUser;
  let signedOutDelivered = false;

  const mismatches = options.mismatches ?? (config.shadow?.mismatches ? fileMismatchStore(config.shadow.mismatches) : memoryMismatchStore());
  const queuePath = config.dualWrite?.queue;
  let queue = options.queue ?? (queuePath && !queuePath.includes('{user}') ? fileWriteQueue(queuePath) : memoryWriteQueue());
  const queueFor = (u: string): void => {
    if (!options.queue && queuePath?.includes('{user}')) queue = fileWriteQueue(queuePath.replaceAll('{user}', u.toLowerCase().replace(/[^a-z0-9@._-]/g, '_')));
  };
  if (user) queueFor(user);
  const backgroundError = options.onBackgroundError ?? ((error: unknown) => {
    process.emitWarning(`${name}: ${error instanceof Error ? error.message : String(error)}`, 'MigrationRoutingWarning');
  });
  const shadow = new Shadow({
    store: mismatches,
    normalize: options.normalize ?? { statuses: config.shadow?.statuses, ignoreFields: config.shadow?.ignoreFields },
    now: options.now,
    onError: backgroundError,
  });
  const dualWriter = new DualWriter({
    get queue() { return queue; },
    now: options.now,
    onSecondaryFailure: options.onSecondaryFailure,
  });

  // ---- routes --------------------------------------------------------------------------------
  let cached: { user: string | undefined; routes: Routes } | undefined;
  const routesOf = (u: string | undefined): Routes => {
    if (!cached || cached.user !== u) cached = { user: u, routes: routesFor(config, u) };
    return cached.routes;
  };

  /** The user, learnt from a backend that is already signed in when nobody told us. */
  const knownUser = async (): Promise<string | undefined> => {
    if (user !== undefined) return user;
    const probe = sides[routesOf(undefined).session.backend].ports.session;
    if (await probe.isSignedIn()) { user = (await probe.self()).signinName; queueFor(user); }
    return user;
  };

  // ---- service ids: a record served by another backend than the session's speaks the session's ids
  const servicesCache = new Map<Side, string>();
  const primaryServiceOf = async (side: Side): Promise<string> => {
    const known = servicesCache.get(side);
    if (known !== undefined) return known;
    const services = await sides[side].ports.session.services();
    const id = (services.find((s) => s.primary) ?? services[0])?.id ?? '';
    servicesCache.set(side, id);
    return id;
  };
  const translateOut = async <T>(value: T, from: Side, to: Side): Promise<T> => {
    if (from === to) return value;
    const [fromId, toId] = await Promise.all([primaryServiceOf(from), primaryServiceOf(to)]);
    const fix = (r: unknown): unknown => (isServiced(r) && r.serviceId.toLowerCase() === fromId.toLowerCase() ? { ...r, serviceId: toId } : r);
    return (Array.isArray(value) ? value.map(fix) : fix(value)) as T;
  };

  // ---- delegation ----------------------------------------------------------------------------
  const unsupported = (capability: DelegatedCapability, side: Side): Error => messengerError(
    CAPABILITY_HRESULTS[capability], undefined, `The ${sides[side].name} backend (${side}), which serves ${capability} for ${user ?? 'this user'}, has no ${capability} capability.`,
  );

  const call = async (capability: DelegatedCapability, method: string, args: unknown[]): Promise<unknown> => {
    const u = await knownUser();
    const routes = routesOf(u);
    const route = routes[capability];
    const sessionSide = routes.session.backend;
    const primaryPorts = sides[route.backend].ports;
    const port = primaryPorts[capability] as unknown as MethodBag | undefined;
    if (!port) throw unsupported(capability, route.backend);
    const kind = methodKind(capability, method);

    const invoke = async (side: Side, translate: boolean): Promise<unknown> => {
      const target = sides[side].ports[capability] as unknown as MethodBag | undefined;
      if (!target) throw unsupported(capability, side);
      let callArgs = args;
      if (capability === 'groups' && method === 'create' && side !== sessionSide) {
        const [fromId, toId] = await Promise.all([primaryServiceOf(sessionSide), primaryServiceOf(side)]);
        callArgs = [args[0], String(args[1]).toLowerCase() === fromId.toLowerCase() ? toId : args[1]];
      }
      const result = await target[method]!(...callArgs);
      return translate ? translateOut(result, side, sessionSide) : result;
    };
    const primary = async (): Promise<unknown> => {
      const result = await invoke(route.backend, true);
      if (capability === 'groups' && method === 'list' && route.mode === 'dual-write') dualWriter.learnGroups(result as readonly GroupRecord[]);
      return result;
    };

    let answer: Promise<unknown>;
    if (route.mode === 'shadow' && kind === 'read' && route.secondary) {
      const secondary = route.secondary;
      const secondaryPort = sides[secondary].ports[capability];
      answer = shadow.read(capability, method, args, primary,
        secondaryPort ? () => invoke(secondary, false) : { $error: CAPABILITY_HRESULTS[capability], message: `${sides[secondary].name} has no ${capability} capability` },
        { ...(u ? { user: u } : {}), primary: { side: route.backend, name: sides[route.backend].name }, secondary: { side: secondary, name: sides[secondary].name } });
    } else if (route.mode === 'dual-write' && kind === 'write' && route.secondary) {
      answer = dualWriter.write(capability, method, args, primaryPorts, primary, { side: route.secondary, ports: sides[route.secondary].ports }, u);
    } else {
      answer = primary();
    }
    return capability === 'directory' && CONTACT_READS.has(method) ? answer.then((result) => withStatuses(result, routes)) : answer;
  };

  /**
   * Contacts' statuses are presence: when presence is served by another backend than the
   * directory (or shadowed), the contact records take their status from the presence route (one
   * batched read). If that read fails, the directory's own statuses stand.
   */
  const withStatuses = async (result: unknown, routes: Routes): Promise<unknown> => {
    const route = routes.presence;
    const side = route.backend;
    // Same backend, no shadow: the records' statuses are already the presence backend's.
    if ((side === routes.directory.backend && route.mode !== 'shadow') || !sides[side].ports.presence || result === null || result === undefined) return result;
    const records = (Array.isArray(result) ? result : [result]) as ContactRecord[];
    if (records.length === 0) return result;
    let statuses: ReadonlyMap<string, MISTATUS>;
    try {
      // Through the presence route, so a shadowed presence compares these statuses too.
      statuses = await call('presence', 'statuses', [records.map((r) => r.signinName)]) as ReadonlyMap<string, MISTATUS>;
    } catch (error) {
      backgroundError(new Error(`contact statuses from ${sides[side].name} failed; the directory's statuses are shown`, { cause: error }));
      return result;
    }
    const merged = records.map((r) => {
      const status = statuses.get(r.signinName);
      return status === undefined || status === r.status ? r : { ...r, status };
    });
    return Array.isArray(result) ? merged : merged[0];
  };

  const delegatingPort = (capability: DelegatedCapability): MethodBag =>
    Object.fromEntries(methodsOf(capability).map((method) => [method, (...args: unknown[]) => call(capability, method, args)]));

  // ---- session -------------------------------------------------------------------------------
  /** The user's own status is presence: when presence is served elsewhere, it comes from there (MyStatus put goes there too). */
  const withOwnStatus = async (self: SelfRecord, routes: Routes, known?: ReadonlyMap<Side, SelfRecord>): Promise<SelfRecord> => {
    const side = routes.presence.backend;
    if (side === routes.session.backend || !sides[side].ports.presence) return self;
    const there = known?.get(side) ?? await sides[side].ports.session.self();
    return { ...self, status: there.status };
  };

  const sessionPort = (): SessionPort => ({
    async isSignedIn() {
      const routes = routesOf(await knownUser());
      const states = await Promise.all(answeringBackends(routes).map((side) => sides[side].ports.session.isSignedIn()));
      return states.every(Boolean);
    },
    async signin(request: SigninRequest): Promise<SelfRecord> {
      const selves = new Map<Side, SelfRecord>();
      const signedHere: Side[] = [];
      const signInto = async (side: Side): Promise<SelfRecord> => {
        const self = await sides[side].ports.session.signin(request);
        selves.set(side, self);
        signedHere.push(side);
        return self;
      };
      try {
        let who = fixedUser ?? (request.signinName || undefined);
        if (who === undefined) who = (await signInto(routesOf(undefined).session.backend)).signinName;
        user = who;
        queueFor(who);
        signedOutDelivered = false;
        const routes = routesOf(who);
        const answering = answeringBackends(routes);
        const order = [routes.session.backend, ...answering.filter((s) => s !== routes.session.backend)];
        for (const side of order) {
          if (selves.has(side) || await sides[side].ports.session.isSignedIn()) continue;
          await signInto(side);
        }
        // Backends used only as shadow or dual-write secondaries: their refusal must not stop the user.
        for (const side of backendsUsed(routes).filter((s) => !answering.includes(s))) {
          if (selves.has(side)) continue;
          try {
            if (!(await sides[side].ports.session.isSignedIn())) await signInto(side);
          } catch (error) {
            backgroundError(new Error(`sign-in to the secondary ${sides[side].name} failed; its shadow reads and dual writes will fail until it signs in`, { cause: error }));
          }
        }
        // The backend asked who the user is, when none of their routes use it.
        for (const side of signedHere.filter((s) => !backendsUsed(routes).includes(s))) await sides[side].ports.session.signout();
        return withOwnStatus(selves.get(routes.session.backend) ?? await sides[routes.session.backend].ports.session.self(), routes, selves);
      } catch (error) {
        for (const side of [...signedHere].reverse()) await sides[side].ports.session.signout().catch(() => undefined);
        user = fixedUser;
        throw error;
      }
    },
    async signout() {
      const routes = routesOf(await knownUser());
      const sessionSide = routes.session.backend;
      let failure: unknown;
      // The session's backend last: the others end first, so no routed call lands on a half-closed session.
      for (const side of [...backendsUsed(routes).filter((x) => x !== sessionSide), sessionSide]) {
        try {
          if (await sides[side].ports.session.isSignedIn()) await sides[side].ports.session.signout();
        } catch (error) {
          if (side === sessionSide) failure = error; else backgroundError(error);
        }
      }
      user = fixedUser;
      if (failure !== undefined) throw failure;
    },
    async self() {
      const routes = routesOf(await knownUser());
      return withOwnStatus(await sides[routes.session.backend].ports.session.self(), routes);
    },
    async services() { return sides[routesOf(await knownUser()).session.backend].ports.session.services(); },
  });

  // ---- events --------------------------------------------------------------------------------
  const eventsPort = (): EventsPort => ({
    watch(listener) {
      const stops = SIDES.map((side) => sides[side].ports.events?.watch((change) => {
        const routes = routesOf(user);
        if (change.type === 'signedOut') {
          // The session ends when any backend that answers the user signs them out; said once.
          if (answeringBackends(routes).includes(side) && !signedOutDelivered) { signedOutDelivered = true; listener(change); }
          return;
        }
        if (routes[CHANGE_CAPABILITY[change.type]].backend === side) listener(change);
      }));
      return () => { for (const stop of stops) stop?.(); };
    },
  });

  // ---- the ports -----------------------------------------------------------------------------
  const info: BackendInfo = {
    name,
    // Consulted by core only for a port this backend leaves unbound: the declarations of the backends that answer.
    get unsupported() {
      const routes = routesOf(user);
      const answering = [...answeringBackends(routes).filter((x) => x !== routes.session.backend), routes.session.backend];
      return Object.assign({}, ...answering.map((side) => sides[side].info.unsupported ?? {})) as Readonly<Record<string, string>>;
    },
  };
  const ports: Record<string, unknown> = { session: sessionPort() };
  if (SIDES.some((side) => sides[side].ports.events)) ports['events'] = eventsPort();
  for (const capability of DELEGATED) {
    // With the user known, a capability the routed backend lacks is left out: core answers with the documented HRESULT.
    const present = fixedUser !== undefined
      ? Boolean(sides[routesOf(fixedUser)[capability].backend].ports[capability])
      : SIDES.some((side) => sides[side].ports[capability]);
    if (present) ports[capability] = delegatingPort(capability);
  }

  const reconcileRoutes = async (opts: Parameters<RoutingBackend['reconcile']>[0] = {}): Promise<ReconcileReport> => {
    const routes = routesOf(await knownUser());
    const chosen = opts.capabilities ?? RECONCILABLE.filter((c) => routes[c].mode === 'dual-write');
    const reports: ReconcileReport[] = [];
    for (const capability of chosen) {
      const route = routes[capability];
      reports.push(await reconcile({
        primary: sides[route.backend].ports, secondary: sides[route.secondary ?? otherSide(route.backend)].ports,
        capabilities: [capability], ...(opts.dryRun !== undefined ? { dryRun: opts.dryRun } : {}),
        ...(opts.removeExtras !== undefined ? { removeExtras: opts.removeExtras } : {}),
      }));
    }
    return mergeReports(reports, opts.dryRun ?? false);
  };

  return {
    name,
    ports: ports as unknown as BackendPorts,
    info,
    config,
    old: sides.old,
    new: sides.new,
    user: () => user,
    routes: () => routesOf(user),
    mismatches,
    get queue() { return queue; },
    shadow,
    dualWrite: dualWriter,
    idle: () => shadow.idle(),
    async retryQueued() {
      const u = await knownUser();
      return dualWriter.retry((side) => sides[side].ports, u);
    },
    reconcile: reconcileRoutes,
  };
}

function isServiced(r: unknown): r is ContactRecord | GroupRecord {
  return typeof r === 'object' && r !== null && typeof (r as { serviceId?: unknown }).serviceId === 'string';
}

function mergeReports(reports: readonly ReconcileReport[], dryRun: boolean): ReconcileReport {
  const sortOrderSet = reports.find((r) => r.sortOrderSet)?.sortOrderSet;
  return {
    dryRun,
    capabilities: reports.flatMap((r) => r.capabilities),
    contactsAdded: reports.flatMap((r) => r.contactsAdded),
    contactsRemoved: reports.flatMap((r) => r.contactsRemoved),
    blockedChanged: reports.flatMap((r) => r.blockedChanged),
    groupsCreated: reports.flatMap((r) => r.groupsCreated),
    groupsRemoved: reports.flatMap((r) => r.groupsRemoved),
    membersAdded: reports.flatMap((r) => r.membersAdded),
    membersRemoved: reports.flatMap((r) => r.membersRemoved),
    ...(sortOrderSet ? { sortOrderSet } : {}),
    failures: reports.flatMap((r) => r.failures),
    changes: reports.reduce((n, r) => n + r.changes, 0),
  };
}

