/**
 * MessengerContacts, MessengerGroups and MessengerServices as winax sees them. As in core, a
 * collection is a snapshot taken when it was retrieved: Count and Item read the snapshot, Remove
 * changes the client and drops the item from this snapshot. Item is zero-based (A22, decisions.md):
 * a negative or fractional index -> E_INVALIDARG, Index >= Count -> E_FAIL (rules.checkIndex).
 */
import { messengerError } from '@imessenger/contract';
import { rules } from '@imessenger/core';
import type { AutomationObject } from '../dispatch';
import { automationObject } from './automation';
import type { Session } from './session';

/** How a collection removes one of its items; runs after the item was found in the snapshot. */
export type RemoveItem = (item: AutomationObject, member: string) => void;

/**
 * What every collection shares. `_NewEnum` gives an iterator over a copy of the snapshot: the JS
 * form of an IEnumVARIANT (winax on Windows cannot be observed from here; `for...of` over the
 * collection itself is what callers use).
 */
function common(iface: string, items: readonly AutomationObject[]) {
  return {
    get: {
      Count: () => items.length,
      _NewEnum: () => [...items][Symbol.iterator](),
    },
    call: {
      Item: (index: unknown) => items[rules.checkIndex(index, items.length, `${iface}.Item`)],
    },
    iterate: () => items,
  };
}

/**
 * Remove(obj): NULL -> E_POINTER; `precheck` (a signed-out rule that comes before the lookup);
 * an object that is not in this snapshot -> E_FAIL; then `remove`, then drop it from the snapshot.
 */
function remover(iface: string, items: AutomationObject[], remove: RemoveItem, precheck?: (member: string) => void) {
  return (item: unknown): void => {
    const member = `${iface}.Remove`;
    if (item === null || item === undefined) throw messengerError('E_POINTER', member, 'The object to remove is NULL.');
    precheck?.(member);
    const index = items.indexOf(item as AutomationObject);
    if (index < 0) throw messengerError('E_FAIL', member, 'The object is not in this collection.');
    remove(items[index]!, member);
    items.splice(index, 1);
  };
}

export function contactsCollection(session: Session, contacts: readonly AutomationObject[], remove: RemoveItem): AutomationObject {
  const items = [...contacts];
  const base = common('IMessengerContacts', items);
  return automationObject<'IMessengerContacts'>(session, {
    get: base.get,
    put: {},
    call: { Item: base.call.Item, Remove: remover('IMessengerContacts', items, remove) },
    iterate: base.iterate,
  });
}

/** MyGroups. Signed out, Remove fails with MSGR_E_CONNECT before the group is looked up (the page). */
export function groupsCollection(session: Session, groups: readonly AutomationObject[], remove: RemoveItem): AutomationObject {
  const items = [...groups];
  const base = common('IMessengerGroups', items);
  const precheck = (member: string) => session.requireSignedIn(member, 'MSGR_E_CONNECT');
  return automationObject<'IMessengerGroups'>(session, {
    get: base.get,
    put: {},
    call: { Item: base.call.Item, Remove: remover('IMessengerGroups', items, remove, precheck) },
    iterate: base.iterate,
  });
}

/** Services: listed signed in or not (B206, B483); no Remove in the IDL. */
export function servicesCollection(session: Session, services: readonly AutomationObject[], primary: AutomationObject): AutomationObject {
  const items = [...services];
  const base = common('IMessengerServices', items);
  return automationObject<'IMessengerServices'>(session, {
    get: { ...base.get, PrimaryService: () => primary },
    put: {},
    call: { Item: base.call.Item },
    iterate: base.iterate,
  });
}
