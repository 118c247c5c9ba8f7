/**
 * The in-memory backend's state: plain JSON, so it can be persisted as is. Built from a seed.
 */
import { MISTATUS, MUASORT, type Phones, type ServiceRecord } from '@imessenger/contract';
import { type SeedDocument, type SeedUser, validateSeed } from './seed';

export interface UserState {
  signinName: string;
  friendlyName: string;
  status: number;
  blocked: boolean;
  canPage: boolean;
  phones: Phones;
  email?: string;
}

export interface GroupState { id: string; name: string; serviceId: string; members: string[] }

export interface MemoryState {
  version: 1;
  signedIn: boolean;
  self: UserState & { password?: string };
  services: ServiceRecord[];
  /** Every user the service knows, by lower-case sign-in name. */
  users: Record<string, UserState>;
  /** The contact list: lower-case sign-in names, in list order. */
  contactList: string[];
  groups: GroupState[];
  nextId: number;
  sortOrder: number;
  unreadEmail: number;
  receiveFileDirectory: string;
}

export const DEFAULT_SERVICE: ServiceRecord = { id: '{9b017612-c9f1-11d2-8d9f-0000f875c541}', name: '.NET Messenger Service', primary: true };

export const DEFAULT_SEED: SeedDocument = { self: { signinName: 'me@example.com', friendlyName: 'Me' } };

function user(u: SeedUser, defaultStatus: number): UserState {
  return {
    signinName: u.signinName,
    friendlyName: u.friendlyName ?? u.signinName,
    status: u.status ?? defaultStatus,
    blocked: u.blocked ?? false,
    canPage: u.canPage ?? false,
    phones: { ...u.phones },
    ...(u.email === undefined ? {} : { email: u.email }),
  };
}

/** A fresh state from a seed document (validated first; throws SeedError naming the bad key). */
export function stateFromSeed(doc: unknown = DEFAULT_SEED): MemoryState {
  const seed = validateSeed(doc);
  const services = (seed.services?.length ? seed.services : [DEFAULT_SERVICE]).map((s, i, all) => ({
    id: s.id, name: s.name, primary: s.primary ?? (!all.some((x) => x.primary) && i === 0),
  }));
  const primary = services.find((s) => s.primary) ?? services[0]!;
  // fromEntries makes own keys, also of "__proto__" (an assignment would set the prototype instead).
  const users: Record<string, UserState> = Object.fromEntries([...(seed.directory ?? []), ...(seed.contacts ?? [])].map((u) => [u.signinName.toLowerCase(), user(u, MISTATUS.MISTATUS_OFFLINE)]));
  const self = { ...user(seed.self, MISTATUS.MISTATUS_ONLINE), ...(seed.self.password === undefined ? {} : { password: seed.self.password }) };
  const state: MemoryState = {
    version: 1,
    signedIn: seed.signedIn ?? false,
    self,
    services,
    users,
    contactList: (seed.contacts ?? []).map((c) => c.signinName.toLowerCase()),
    groups: [],
    nextId: 1,
    sortOrder: seed.sortOrder ?? MUASORT.MUASORT_GROUPS,
    unreadEmail: seed.unreadEmail ?? 0,
    receiveFileDirectory: seed.receiveFileDirectory ?? 'My Received Files',
  };
  for (const g of seed.groups ?? []) {
    state.groups.push({
      id: `group-${state.nextId++}`, name: g.name, serviceId: primary.id,
      members: (g.members ?? []).map((m) => ((Object.hasOwn(users, m.toLowerCase()) ? users[m.toLowerCase()] : undefined) ?? self).signinName),
    });
  }
  return state;
}
