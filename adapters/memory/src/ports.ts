/**
 * The SPI ports of the in-memory backend: plain mappings onto MemoryStore. No Messenger rule lives
 * here (core checks arguments, state and identity); only what a real service would refuse.
 */
import {
  type BackendPorts, type ConversationKind, type ConversationsPort, type DirectoryPort, type EventsPort, type GroupsPort,
  type MailPort, MISTATUS, type MUASORT, type PreferencesPort, type PresencePort, type SelfRecord, type SessionPort,
  type ShellPort, type WindowGeometry, type WindowRecord, messengerError,
} from '@imessenger/contract';
import type { MemoryStore, WindowState } from './store';

/** What the in-memory "user interface" was asked to show: a log, since there is no screen. */
export interface ShellLog { readonly shown: string[] }

export function memoryPorts(store: MemoryStore, shellLog: ShellLog): Required<BackendPorts> {
  const windows = store.windows;
  const MAIN = 'main';
  let nextHwnd = 0x10010;

  const self = (): SelfRecord => {
    const s = store.state.self;
    const primary = store.state.services.find((x) => x.primary) ?? store.state.services[0]!;
    return { signinName: s.signinName, friendlyName: s.friendlyName, status: s.status as SelfRecord['status'], phones: s.phones, serviceId: primary.id };
  };

  const session: SessionPort = {
    async isSignedIn() { return store.state.signedIn; },
    async signin({ signinName, password }) {
      store.enter('signin');
      const me = store.state.self;
      if (signinName && signinName.toLowerCase() !== me.signinName.toLowerCase()) {
        throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `This service has no account "${signinName}".`);
      }
      if (signinName && me.password !== undefined && password !== me.password) {
        throw messengerError('MSGR_E_INVALID_PASSWORD', undefined, 'The password is not correct.');
      }
      store.write((s) => { s.signedIn = true; if (s.self.status === MISTATUS.MISTATUS_OFFLINE) s.self.status = MISTATUS.MISTATUS_ONLINE; });
      return self();
    },
    async signout() {
      store.enter('signout');
      store.write((s) => { s.signedIn = false; });
      windows.clear();
    },
    async self() { store.enter('self'); return self(); },
    async services() { return store.state.services; },
  };

  const directory: DirectoryPort = {
    async listContacts() {
      store.enter('listContacts');
      const serviceId = store.primaryServiceId();
      return store.state.contactList.map((key) => store.record(store.user(key)!, serviceId));
    },
    async lookup(signinName) {
      store.enter('lookup');
      const u = store.user(signinName);
      return u ? store.record(u) : null;
    },
    async listedContacts(signinNames) {
      store.enter('listedContacts');
      const serviceId = store.primaryServiceId();
      const listed = store.listedUsers();
      return signinNames.map((signinName) => {
        // The keys are lower case: a name that is already a key needs no lower-case copy (a copy
        // has no hash yet; a roster of 10^4 names spends a third of this call making and hashing them).
        const u = listed.get(signinName) ?? listed.get(signinName.toLowerCase());
        return u ? store.record(u, serviceId) : null;
      });
    },
    async addContact(signinName) {
      store.enter('addContact');
      store.requireSignedIn('addContact');
      const u = store.user(signinName);
      if (!u) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `No user "${signinName}".`);
      if (store.inList(signinName)) throw messengerError('MSGR_E_ALREADY_IN_LIST', undefined, `"${signinName}" is in the list.`);
      store.addToList(signinName);
      return store.record(u);
    },
    async removeContact(signinName) {
      store.enter('removeContact');
      store.requireSignedIn('removeContact');
      if (!store.inList(signinName)) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `"${signinName}" is not in the list.`);
      store.removeFromList(signinName);
    },
    async setBlocked(signinName, blocked) {
      store.enter('setBlocked');
      store.requireSignedIn('setBlocked');
      const u = store.user(signinName);
      if (!u) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `No user "${signinName}".`);
      store.write(() => { u.blocked = blocked; });
    },
    async find(query) {
      store.enter('find');
      const words = [query.firstName, query.lastName].filter(Boolean).map((w) => w.toLowerCase());
      return Object.values(store.state.users)
        .filter((u) => words.every((w) => u.friendlyName.toLowerCase().includes(w)))
        .map((u) => store.record(u));
    },
  };

  const presence: PresencePort = {
    async setMyStatus(status) {
      store.enter('setMyStatus');
      store.requireSignedIn('setMyStatus');
      store.write((s) => { s.self.status = status; });
    },
    async statuses(names) {
      store.enter('statuses');
      return new Map(names.map((n) => [n, (store.user(n)?.status ?? MISTATUS.MISTATUS_UNKNOWN) as MISTATUS]));
    },
  };

  const groups: GroupsPort = {
    async list() {
      store.enter('listGroups');
      return store.state.groups.map((g) => ({ ...g, members: [...g.members] }));
    },
    async create(name, serviceId) {
      store.enter('createGroup');
      store.requireSignedIn('createGroup');
      if (store.state.groups.some((g) => g.name.toLowerCase() === name.toLowerCase())) {
        throw messengerError('MSGR_E_GROUP_ALREADY_EXISTS', undefined, `A group "${name}" exists.`);
      }
      return store.write((s) => {
        const group = { id: `group-${s.nextId++}`, name, serviceId, members: [] };
        s.groups.push(group);
        return { ...group, members: [] };
      });
    },
    async rename(groupId, name) {
      store.enter('renameGroup');
      const group = store.group(groupId);
      store.write(() => { group.name = name; });
    },
    async remove(groupId) {
      store.enter('removeGroup');
      store.group(groupId);
      store.write((s) => { s.groups = s.groups.filter((g) => g.id !== groupId); });
    },
    async addMember(groupId, signinName) {
      store.enter('addMember');
      const group = store.group(groupId);
      const u = store.user(signinName);
      if (!u) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `No user "${signinName}".`);
      if (group.members.some((m) => m.toLowerCase() === u.signinName.toLowerCase())) return;
      store.write(() => { group.members.push(u.signinName); });
    },
    async removeMember(groupId, signinName) {
      store.enter('removeMember');
      const group = store.group(groupId);
      if (!group.members.some((m) => m.toLowerCase() === signinName.toLowerCase())) {
        throw messengerError('MSGR_E_USER_NOT_GROUP_MEMBER', undefined, `"${signinName}" is not in the group.`);
      }
      store.write(() => { group.members = group.members.filter((m) => m.toLowerCase() !== signinName.toLowerCase()); });
    },
  };

  const windowState = (id: string): WindowState => {
    const w = windows.get(id);
    if (!w) throw messengerError('E_FAIL', undefined, 'The window has been closed.');
    return w;
  };

  const conversations: ConversationsPort = {
    async open(kind: ConversationKind, signinName, options = {}) {
      store.enter(`open ${kind}`);
      store.requireSignedIn(`open ${kind}`);
      const reused = options.reuse ? windows.get(options.reuse) : undefined;
      const id = reused?.record.id ?? `window-${store.state.nextId++}`;
      const record: WindowRecord = {
        id, hwnd: reused?.record.hwnd ?? nextHwnd++, kind, contacts: reused?.record.contacts ?? [signinName],
        ...(kind === 'video' || kind === 'voice' ? { joinUrl: `memory://conversation/${id}` } : {}),
      };
      const state = reused ?? { record, geometry: { left: 100, top: 100, width: 420, height: 380 }, history: [] };
      state.record = record;
      if (options.detail) state.history.push(`[${kind}] ${options.detail}`);
      windows.set(id, state);
      return record;
    },
    async addParticipant(windowId, signinName) {
      store.enter('addParticipant');
      const w = windowState(windowId);
      w.record = { ...w.record, contacts: [...w.record.contacts, signinName] };
    },
    async history(windowId) { store.enter('history'); return windowState(windowId).history.join('\n'); },
    async close(windowId) { store.enter('close'); windows.delete(windowId); },
  };

  const mail: MailPort = {
    async unreadCount() { store.enter('unreadCount'); return store.state.unreadEmail; },
    async openInbox() { store.enter('openInbox'); shellLog.shown.push('inbox'); },
    async compose(to) { store.enter('compose'); shellLog.shown.push(`compose:${to}`); },
  };

  const preferences: PreferencesPort = {
    async sortOrder() { store.enter('sortOrder'); return store.state.sortOrder as MUASORT; },
    async setSortOrder(order) { store.enter('setSortOrder'); store.write((s) => { s.sortOrder = order; }); },
    async receiveFileDirectory() { return store.state.receiveFileDirectory; },
  };

  const mainGeometry: WindowGeometry = { left: 0, top: 0, width: 300, height: 600 };
  const shell: ShellPort = {
    async viewProfile(name) { store.enter('viewProfile'); shellLog.shown.push(`profile:${name}`); },
    async findContact(q) { store.enter('findContact'); shellLog.shown.push(`find:${q.firstName} ${q.lastName}`.trim()); },
    async optionsPages(page) { store.enter('optionsPages'); shellLog.shown.push(`options:${page}`); },
    async mediaWizard() { store.enter('mediaWizard'); shellLog.shown.push('media-wizard'); },
    async mainWindow() { return { id: MAIN, hwnd: 0x10001, kind: 'im', contacts: [] }; },
    async geometry(id) { return id === MAIN ? { ...mainGeometry } : { ...windowState(id).geometry }; },
    async setGeometry(id, g) { Object.assign(id === MAIN ? mainGeometry : windowState(id).geometry, g); },
    async show(id) { if (id !== MAIN) windowState(id); shellLog.shown.push(`show:${id}`); },
  };

  const events: EventsPort = { watch: (listener) => store.watch(listener) };

  return { session, directory, presence, groups, conversations, mail, preferences, shell, events };
}
