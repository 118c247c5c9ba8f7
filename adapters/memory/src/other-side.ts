import type { HResultName, MISTATUS, MPHONE_TYPE, MUAFOLDER, OtherSide, PhoneKind } from '@imessenger/contract';
import type { MemoryStore } from './store';

const PHONE_KINDS: readonly PhoneKind[] = ['home', 'work', 'mobile', 'custom'];

/** Test hooks: make the other side of the in-memory service act. */
export function memoryOtherSide(store: MemoryStore): OtherSide {
  const userOf = (signinName: string) => {
    const u = store.user(signinName);
    if (!u) throw new Error(`The in-memory service has no user "${signinName}".`);
    return u;
  };
  return {
    async contactStatus(signinName: string, status: MISTATUS) {
      const u = userOf(signinName);
      store.write(() => { u.status = status; });
      store.notify({ type: 'contactStatus', signinName: u.signinName, status });
    },
    async contactFriendlyName(signinName: string, friendlyName: string) {
      const u = userOf(signinName);
      store.write(() => { u.friendlyName = friendlyName; });
      store.notify({ type: 'contactFriendlyName', signinName: u.signinName, friendlyName });
    },
    async contactPhone(signinName: string, phoneType: MPHONE_TYPE, number: string) {
      const u = userOf(signinName);
      const kind = PHONE_KINDS[phoneType];
      if (!kind) throw new Error(`Phone type ${phoneType} names no single number.`);
      // A new phones object (never changed in place): records handed out share the one they were made with.
      store.write(() => { u.phones = { ...u.phones, [kind]: number }; });
      store.notify({ type: 'contactPhone', signinName: u.signinName, phoneType, number });
    },
    async contactPager(signinName: string, canPage: boolean) {
      const u = userOf(signinName);
      store.write(() => { u.canPage = canPage; });
      store.notify({ type: 'contactPager', signinName: u.signinName, canPage });
    },
    async contactEmail(signinName: string, email: string) {
      const u = userOf(signinName);
      store.write(() => { u.email = email; });
      store.notify({ type: 'contactEmail', signinName: u.signinName, email });
    },
    async contactLeavesConversations(signinName: string) {
      const key = signinName.toLowerCase();
      for (const w of store.windows.values()) {
        const left = w.record.contacts.find((c) => c.toLowerCase() === key);
        if (!left) continue;
        w.record = { ...w.record, contacts: w.record.contacts.filter((c) => c !== left) };
        store.notify({ type: 'windowContactRemoved', windowId: w.record.id, signinName: left });
      }
    },
    async contactJoinsConversations(signinName: string) {
      const u = userOf(signinName);
      const key = u.signinName.toLowerCase();
      for (const w of store.windows.values()) {
        if (w.record.contacts.some((c) => c.toLowerCase() === key)) continue;
        w.record = { ...w.record, contacts: [...w.record.contacts, u.signinName] };
        store.notify({ type: 'windowContactAdded', windowId: w.record.id, signinName: u.signinName });
      }
    },
    async conversationsClosed(signinName: string) {
      const key = signinName.toLowerCase();
      for (const [id, w] of [...store.windows]) {
        if (!w.record.contacts.some((c) => c.toLowerCase() === key)) continue;
        store.windows.delete(id);
        store.notify({ type: 'windowClosed', windowId: id });
      }
    },
    async contactListAdd(signinName: string) {
      const u = userOf(signinName);
      if (store.inList(u.signinName)) return;
      store.addToList(u.signinName);
      store.notify({ type: 'contactListAdd', signinName: u.signinName });
    },
    async contactListRemove(signinName: string) {
      const u = userOf(signinName);
      if (!store.inList(u.signinName)) return;
      store.removeFromList(u.signinName);
      store.notify({ type: 'contactListRemove', signinName: u.signinName });
    },
    async myFriendlyName(friendlyName: string) {
      const previous = store.state.self.friendlyName;
      store.write((s) => { s.self.friendlyName = friendlyName; });
      store.notify({ type: 'myFriendlyName', friendlyName, previous });
    },
    async myPhone(phoneType: MPHONE_TYPE, number: string) {
      const kind = PHONE_KINDS[phoneType];
      if (!kind) throw new Error(`Phone type ${phoneType} names no single number.`);
      store.write((s) => { s.self.phones = { ...s.self.phones, [kind]: number }; });
      store.notify({ type: 'myPhone', phoneType, number });
    },
    async appShutdown() {
      store.notify({ type: 'appShutdown' });
    },
    async unreadEmail(folder: MUAFOLDER, count: number) {
      store.write((s) => { s.unreadEmail = count; });
      store.notify({ type: 'unreadEmail', folder, count });
    },
    async signOut() {
      store.write((s) => { s.signedIn = false; });
      store.notify({ type: 'signedOut' });
    },
    failNextCall(hr: HResultName) { store.failNext(hr); },
  };
}
