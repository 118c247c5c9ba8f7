/**
 * The TypeScript interfaces and the type-library table describe the same members: a member cannot
 * exist in one and not the other. The first half is checked by the compiler (`npm test` runs
 * `tsc -p tsconfig.spec.json`), the second at run time over the table itself.
 */
import {
  type DMessengerEvents, type InterfaceMap, type InterfaceVtable, INTERFACES, MESSENGER_EVENT_NAMES, TYPELIB,
  rowsWithInherited, vtableName,
} from '@imessenger/contract';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type StringKeys<T> = Extract<keyof T, string>;

// Compile-time: each interface's string members == the table's rows (with inherited ones).
const interfacesMatchTable: { [I in keyof InterfaceMap]: Equal<StringKeys<InterfaceMap[I]>, InterfaceVtable<I>> } = {
  IMessenger: true, IMessenger2: true, IMessenger3: true,
  IMessengerContact: true, IMessengerContacts: true, IMessengerGroup: true, IMessengerGroups: true,
  IMessengerService: true, IMessengerServices: true, IMessengerWindow: true, IMessengerConversationWnd: true,
};
const eventsMatchTable: Equal<keyof DMessengerEvents, Extract<(typeof TYPELIB)[number], { kind: 'event' }>['member']> = true;

describe('type-library table', () => {
  test('the compile-time checks above hold', () => {
    expect(Object.values(interfacesMatchTable).every(Boolean)).toBe(true);
    expect(eventsMatchTable).toBe(true);
  });

  test('IMessenger has the 17 methods and 12 properties the docs list', () => {
    const rows = TYPELIB.filter((r) => r.iface === 'IMessenger');
    expect(rows.filter((r) => r.kind === 'method')).toHaveLength(17);
    expect(new Set(rows.filter((r) => r.kind !== 'method').map((r) => r.member)).size).toBe(12);
  });

  test('DMessengerEvents has the 25 events, in the order of the events page', () => {
    const events = TYPELIB.filter((r) => r.kind === 'event').map((r) => r.member);
    expect(events).toHaveLength(25);
    expect([...events].sort()).toEqual([...MESSENGER_EVENT_NAMES].sort());
  });

  test('each (interface, member, kind) appears once and every DISPID is unique within its interface', () => {
    const keys = TYPELIB.map((r) => `${r.iface}.${r.member}.${r.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const { name } of INTERFACES) {
      const byDispid = new Map<number, Set<string>>();
      for (const r of rowsWithInherited(name)) {
        if (r.dispid === null) continue;
        byDispid.set(r.dispid, (byDispid.get(r.dispid) ?? new Set()).add(r.member));
      }
      // A property's get and put share a DISPID; two different members never do.
      for (const [dispid, members] of byDispid) expect([name, dispid, [...members]]).toEqual([name, dispid, [...members].slice(0, 1)]);
    }
  });

  test('a put row exists only beside a get row of the same property', () => {
    for (const put of TYPELIB.filter((r) => r.kind === 'propput')) {
      expect(TYPELIB.some((r) => r.iface === put.iface && r.member === put.member && r.kind === 'propget')).toBe(true);
    }
  });

  test('vtable names follow the C++ reference (get_/put_ for properties)', () => {
    expect(vtableName({ kind: 'propget', member: 'MyStatus' })).toBe('get_MyStatus');
    expect(vtableName({ kind: 'propput', member: 'MyStatus' })).toBe('put_MyStatus');
    expect(vtableName({ kind: 'method', member: 'Signin' })).toBe('Signin');
    expect(rowsWithInherited('IMessenger3').length).toBe(TYPELIB.filter((r) => r.iface.startsWith('IMessenger') && /^IMessenger\d?$/.test(r.iface)).length);
  });
});
