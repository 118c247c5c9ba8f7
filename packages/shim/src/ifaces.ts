/** Interface indices on the wire: the order of the contract's INTERFACES table. */
import { INTERFACES, type InterfaceName } from '@imessenger/contract';

export const IFACE_NAMES: readonly InterfaceName[] = INTERFACES.map((i) => i.name);
const IFACE_INDEX: ReadonlyMap<InterfaceName, number> = new Map(IFACE_NAMES.map((n, i) => [n, i]));

export function ifaceIndex(name: InterfaceName): number {
  const index = IFACE_INDEX.get(name);
  if (index === undefined) throw new Error(`No interface ${name} in the type library.`);
  return index;
}

/** The item interface of each collection interface. */
export const COLLECTION_ITEM: Readonly<Partial<Record<InterfaceName, InterfaceName>>> = {
  IMessengerContacts: 'IMessengerContact',
  IMessengerGroups: 'IMessengerGroup',
  IMessengerServices: 'IMessengerService',
};
