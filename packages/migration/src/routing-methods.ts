/**
 * What each SPI port method is, as data: a READ (asks for state; shadow mode sends it to both
 * backends and compares), a WRITE (changes state; dual-write mode sends it to both), or LOCAL (acts
 * on this session or this screen: conversation windows, the shell, opening the inbox; it goes to the
 * route's backend only, in every mode, because doing it twice would show the user two windows).
 * Which modes a capability supports follows from this table.
 */
import type { BackendPorts, Capability } from '@imessenger/contract';

export type MethodKind = 'read' | 'write' | 'local';

/** Capabilities a route can name: every optional port but events (events follow the capability they report), and session. */
export type RoutableCapability = 'session' | Exclude<Capability, 'events'>;

export const ROUTABLE_CAPABILITIES = [
  'session', 'directory', 'presence', 'groups', 'conversations', 'mail', 'preferences', 'shell',
] as const satisfies readonly RoutableCapability[];

/** The capabilities whose ports the routing backend delegates method by method (session and events are special). */
export type DelegatedCapability = Exclude<RoutableCapability, 'session'>;

/** The SPI port of a delegated capability. */
export type PortOf<C extends DelegatedCapability> = NonNullable<BackendPorts[C]>;
/** Each method of a capability's port, with how the routing backend treats it (read, write, …). */
export type MethodTable<C extends DelegatedCapability> = { readonly [M in keyof PortOf<C>]: MethodKind };

/** Every method of every delegated port, classified. A method added to the SPI fails to compile here until classified. */
export const PORT_METHODS: { readonly [C in DelegatedCapability]: MethodTable<C> } = {
  directory: { listContacts: 'read', lookup: 'read', find: 'read', addContact: 'write', removeContact: 'write', setBlocked: 'write' },
  presence: { statuses: 'read', setMyStatus: 'write' },
  groups: { list: 'read', create: 'write', rename: 'write', remove: 'write', addMember: 'write', removeMember: 'write' },
  conversations: { open: 'local', addParticipant: 'local', history: 'local', close: 'local' },
  mail: { unreadCount: 'read', openInbox: 'local', compose: 'local' },
  // The receive-file folder is a path on this machine: local, never compared.
  preferences: { sortOrder: 'read', setSortOrder: 'write', receiveFileDirectory: 'local' },
  shell: {
    viewProfile: 'local', findContact: 'local', optionsPages: 'local', mediaWizard: 'local', mainWindow: 'local',
    geometry: 'local', setGeometry: 'local', show: 'local',
  },
};

export function methodsOf(capability: DelegatedCapability): readonly string[] {
  return Object.keys(PORT_METHODS[capability]);
}

export function methodKind(capability: DelegatedCapability, method: string): MethodKind {
  return (PORT_METHODS[capability] as Readonly<Record<string, MethodKind>>)[method] ?? 'local';
}

export type Mode = 'route' | 'shadow' | 'dual-write';
export const MODES = ['route', 'shadow', 'dual-write'] as const satisfies readonly Mode[];

/** The modes a capability supports: shadow needs reads, dual-write needs writes; session is route only (sign-in already reaches every backend in use). */
export function modesFor(capability: RoutableCapability): readonly Mode[] {
  if (capability === 'session') return ['route'];
  const kinds = Object.values(PORT_METHODS[capability] as Readonly<Record<string, MethodKind>>);
  return MODES.filter((m) => m === 'route' || (m === 'shadow' && kinds.includes('read')) || (m === 'dual-write' && kinds.includes('write')));
}
