/** VTABLE_ORDER (the original vtable order) names every row of TYPELIB exactly once, per interface. */
import { INTERFACES, rowsInVtableOrder, TYPELIB, VTABLE_ORDER, vtableName } from '../src';

describe('VTABLE_ORDER', () => {
  it.each(INTERFACES.map((i) => i.name))('%s: every row of the table exactly once', (name) => {
    const rows = TYPELIB.filter((r) => r.iface === name).map((r) => (r.kind === 'event' ? r.member : vtableName(r)));
    expect([...VTABLE_ORDER[name]].sort()).toEqual([...rows].sort());
    expect(rowsInVtableOrder(name)).toHaveLength(rows.length);
  });

  it('matches the counts of TYPELIB.md section 2 (vtable entries per interface)', () => {
    const entries = Object.fromEntries(INTERFACES.map((i) => [i.name, VTABLE_ORDER[i.name].length]));
    expect(entries).toEqual({
      IMessenger: 31, IMessenger2: 5, IMessenger3: 2, IMessengerWindow: 14, IMessengerConversationWnd: 3,
      IMessengerContact: 12, IMessengerContacts: 4, IMessengerServices: 4, IMessengerService: 7,
      IMessengerGroups: 4, IMessengerGroup: 6, DMessengerEvents: 25,
    });
  });

  it('starts IMessenger with Window, ViewProfile, ReceiveFileDirectory (msgrua.h) and keeps events in DISPID order', () => {
    expect(VTABLE_ORDER.IMessenger.slice(0, 3)).toEqual(['get_Window', 'ViewProfile', 'get_ReceiveFileDirectory']);
    const dispids = rowsInVtableOrder('DMessengerEvents').map((r) => r.dispid ?? 0);
    expect(dispids).toEqual([...dispids].sort((a, b) => a - b));
  });
});
