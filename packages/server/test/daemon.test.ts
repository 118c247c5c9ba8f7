/**
 * The daemon's side of docs/protocol.md, driven by raw CALLs as the C side makes them: members by
 * DISPID and invoke kind, objects by handle (one per identity, reference-counted per connection),
 * IEnumVARIANT, several clients sharing one backend session, and events pushed in order.
 */
import { BOB, CAROL, KIT_PASSWORD, KIT_SELF, KIT_SERVICE_ID, kitSeed } from '@imessenger/contract-tests';
import { HR } from '@imessenger/contract';
import { DaemonRunningError, ENUM_DISPID, INVOKE, KIND_ENUM, NOTHING, Ref, type ServeClient, startDaemon, WIRE_HR, type WireValue } from '../src';
import { type Served, serve, until } from './helpers';

// DISPIDs from the type library (TYPELIB.md).
const D = {
  Signin: 1297, GetContact: 1286, MyContacts: 1303, MyFriendlyName: 1282, MyStatus: 1305, MyGroups: 1311, CreateGroup: 1312,
  FriendlyName: 1536, SigninName: 1538, Status: 1537, Count: 1792, Item: 0, NewEnum: -4, GroupName: 1668,
  OnContactFriendlyNameChange: 1028, OnSignin: 1024, OnGroupNameChanged: 1047, OnMyStatusChange: 1031,
} as const;
const KIND = { IMessenger3: 2, IMessengerContact: 3, IMessengerContacts: 4, IMessengerGroup: 5 } as const;
const { METHOD, PROPERTYGET, PROPERTYPUT } = INVOKE;

let s: Served;
let c: ServeClient;
beforeEach(async () => {
  s = await serve();
  c = await s.connect();
});
afterEach(async () => { await s.dispose(); });

const signIn = (client: ServeClient = c): Promise<WireValue> => client.call(0, D.Signin, METHOD, [0, KIT_SELF, KIT_PASSWORD]);
const ref = (v: WireValue): Ref => { expect(v).toBeInstanceOf(Ref); return v as Ref; };

it('a second daemon on the same serve file refuses to start, naming the running one', async () => {
  await expect(startDaemon({ backend: { kind: 'memory', seed: kitSeed() }, serveFile: s.serveFile, log: () => undefined })).rejects.toThrow(
    new DaemonRunningError(process.pid, s.daemon.port),
  );
  expect(await c.call(0, D.MyFriendlyName, PROPERTYGET)).toBe('');
});

describe('calls', () => {
  it('a propget, a method with arguments, a propput (value last), each by DISPID on handle 0', async () => {
    await signIn();
    expect(await c.call(0, D.MyFriendlyName, PROPERTYGET)).toBe('Ann Lee');
    const bob = ref(await c.call(0, D.GetContact, METHOD, [BOB, KIT_SERVICE_ID]));
    expect(bob.kind).toBe(KIND.IMessengerContact);
    expect(await c.call(bob.handle, D.SigninName, PROPERTYGET)).toBe(BOB);
    const groups = ref(await c.call(0, D.MyGroups, PROPERTYGET));
    const group = ref(await c.call(groups.handle, D.Item, METHOD, [0]));
    expect(group.kind).toBe(KIND.IMessengerGroup);
    await c.call(group.handle, D.GroupName, PROPERTYPUT, ['Renamed \ud800']);
    expect(await c.call(group.handle, D.GroupName, PROPERTYGET)).toBe('Renamed \ud800');
  });

  it('METHOD|PROPERTYGET (what VB sends) runs the propget of a property, the method of a method', async () => {
    await signIn();
    expect(await c.call(0, D.MyFriendlyName, METHOD | PROPERTYGET)).toBe('Ann Lee');
    expect(ref(await c.call(0, D.GetContact, METHOD | PROPERTYGET, [BOB, ''])).kind).toBe(KIND.IMessengerContact);
  });

  it('errors: core\'s HRESULT and description; an unknown DISPID, too many arguments, a handle never given', async () => {
    await expect(c.call(0, 4242, METHOD)).rejects.toMatchObject({ hresult: WIRE_HR.DISP_E_MEMBERNOTFOUND, description: expect.stringMatching(/IMessenger3 has no member with DISPID 4242/) });
    await expect(c.call(0, D.MyFriendlyName, PROPERTYPUT, ['x'])).rejects.toMatchObject({ hresult: WIRE_HR.DISP_E_MEMBERNOTFOUND });
    await expect(c.call(0, D.MyFriendlyName, PROPERTYGET, [1])).rejects.toMatchObject({ hresult: WIRE_HR.DISP_E_BADPARAMCOUNT });
    await expect(c.call(99, D.FriendlyName, PROPERTYGET)).rejects.toMatchObject({ hresult: WIRE_HR.RPC_E_DISCONNECTED });
    await signIn();
    await expect(c.call(0, D.GetContact, METHOD, ['', ''])).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0 });
    const contacts = ref(await c.call(0, D.MyContacts, PROPERTYGET));
    await expect(c.call(contacts.handle, D.Item, METHOD, [-1])).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0 });
    await expect(c.call(contacts.handle, D.Item, METHOD, [999])).rejects.toMatchObject({ hresult: HR.E_FAIL >>> 0 });
    expect(await c.call(0, D.MyStatus, PROPERTYGET)).toBe(2); // MISTATUS_ONLINE: the connection still works
  });
});

describe('objects', () => {
  it('one handle per identity: GetContact twice and MyContacts.Item give the same handle; a collection read is a new one', async () => {
    await signIn();
    const a = ref(await c.call(0, D.GetContact, METHOD, [BOB, '']));
    const b = ref(await c.call(0, D.GetContact, METHOD, [BOB, KIT_SERVICE_ID]));
    expect(b.handle).toBe(a.handle);
    const contacts = ref(await c.call(0, D.MyContacts, PROPERTYGET));
    const names: WireValue[] = [];
    const count = await c.call(contacts.handle, D.Count, PROPERTYGET) as number;
    let bobAt = -1;
    for (let i = 0; i < count; i++) {
      const item = ref(await c.call(contacts.handle, D.Item, METHOD, [i]));
      names.push(await c.call(item.handle, D.SigninName, PROPERTYGET));
      if (names[i] === BOB) bobAt = item.handle;
    }
    expect(names).toContain(CAROL);
    expect(bobAt).toBe(a.handle);
    expect(ref(await c.call(0, D.MyContacts, PROPERTYGET)).handle).not.toBe(contacts.handle);
  });

  it('handles are per connection; RELEASE of every reference frees one, and the same object then gets a new handle', async () => {
    await signIn();
    const other = await s.connect();
    const a = ref(await c.call(0, D.GetContact, METHOD, [BOB, '']));
    await c.call(0, D.GetContact, METHOD, [BOB, '']); // a second reference to the same handle
    expect(await other.call(a.handle, D.SigninName, PROPERTYGET).catch((e: { hresult: number }) => e.hresult)).toBe(WIRE_HR.RPC_E_DISCONNECTED);
    const held = s.daemon.handlesHeld();
    c.release(a.handle, 1);
    expect(await c.call(a.handle, D.SigninName, PROPERTYGET)).toBe(BOB); // one reference left
    c.release(a.handle, 1);
    await expect(c.call(a.handle, D.SigninName, PROPERTYGET)).rejects.toMatchObject({ hresult: WIRE_HR.RPC_E_DISCONNECTED });
    expect(s.daemon.handlesHeld()).toBe(held - 1);
    c.release(a.handle, 5); // a handle no longer held: ignored
    c.release(0, 5); // the root: ignored
    expect(await c.call(0, D.MyFriendlyName, PROPERTYGET)).toBe('Ann Lee');
    const again = ref(await c.call(0, D.GetContact, METHOD, [BOB, '']));
    expect(again.handle).not.toBe(a.handle);
  });

  it('a client that disconnects without releasing: the daemon frees all its objects', async () => {
    await signIn();
    const other = await s.connect();
    const contacts = ref(await other.call(0, D.MyContacts, PROPERTYGET));
    for (let i = 0; i < 3; i++) await other.call(contacts.handle, D.Item, METHOD, [i]);
    expect(s.daemon.handlesHeld()).toBe(4);
    other.close();
    await until(() => s.daemon.handlesHeld() === 0 && s.daemon.connections === 1, 'the handles freed');
  });

  it('an object argument is its handle; NOTHING is a null object', async () => {
    await signIn();
    const groups = ref(await c.call(0, D.MyGroups, PROPERTYGET));
    const group = ref(await c.call(groups.handle, D.Item, METHOD, [0]));
    const bob = ref(await c.call(0, D.GetContact, METHOD, [BOB, '']));
    await expect(c.call(group.handle, 1669, METHOD, [bob])).resolves.toBeUndefined(); // IMessengerGroup.AddContact(vContact)
    await expect(c.call(group.handle, 1669, METHOD, [NOTHING])).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0 });
  });
});

describe('IEnumVARIANT', () => {
  it('_NewEnum gives an enumerator: Next(n), S_FALSE when short, Skip, Reset, Clone at the same position', async () => {
    await signIn();
    const contacts = ref(await c.call(0, D.MyContacts, PROPERTYGET));
    const count = await c.call(contacts.handle, D.Count, PROPERTYGET) as number;
    const e = ref(await c.call(contacts.handle, D.NewEnum, PROPERTYGET));
    expect(e.kind).toBe(KIND_ENUM);
    const first = await c.callRaw(e.handle, ENUM_DISPID.NEXT, METHOD, [2]);
    expect(first.hresult).toBe(0);
    expect(first.value).toHaveLength(2);
    const clone = ref(await c.call(e.handle, ENUM_DISPID.CLONE, METHOD));
    const rest = await c.callRaw(e.handle, ENUM_DISPID.NEXT, METHOD, [100]);
    expect(rest.hresult).toBe(WIRE_HR.S_FALSE);
    expect(rest.value).toHaveLength(count - 2);
    expect(await c.callRaw(e.handle, ENUM_DISPID.NEXT, METHOD, [1])).toEqual({ hresult: WIRE_HR.S_FALSE, value: [] });
    expect((await c.callRaw(clone.handle, ENUM_DISPID.NEXT, METHOD, [100])).value).toEqual(rest.value);
    await c.call(e.handle, ENUM_DISPID.RESET, METHOD);
    expect((await c.callRaw(e.handle, ENUM_DISPID.SKIP, METHOD, [1])).hresult).toBe(0);
    expect((await c.callRaw(e.handle, ENUM_DISPID.SKIP, METHOD, [100])).hresult).toBe(WIRE_HR.S_FALSE);
    await c.call(e.handle, ENUM_DISPID.RESET, METHOD);
    expect((await c.call(e.handle, ENUM_DISPID.NEXT, METHOD, [2]) as WireValue[])).toEqual(first.value);
    await expect(c.call(e.handle, ENUM_DISPID.NEXT, METHOD, [-1])).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0 });
    await expect(c.call(e.handle, 9, METHOD)).rejects.toMatchObject({ hresult: WIRE_HR.DISP_E_MEMBERNOTFOUND });
  });
});

describe('one daemon, several clients, one backend session', () => {
  it('a sign-in by one client is every client\'s; each advised client gets the events', async () => {
    const other = await s.connect();
    const seen: [number, WireValue[]][] = [];
    const unadvised: number[] = [];
    other.onEvent((_source, dispid, args) => seen.push([dispid, args]));
    c.onEvent((_source, dispid) => unadvised.push(dispid));
    await other.advise();
    await signIn();
    await until(() => seen.some(([d]) => d === D.OnSignin), 'OnSignin');
    expect(await other.call(0, D.MyFriendlyName, PROPERTYGET)).toBe('Ann Lee');
    expect(seen.find(([d]) => d === D.OnSignin)![1]).toEqual([0]);
    expect(unadvised).toEqual([]);
    await other.unadvise();
    const before = seen.length;
    await c.call(0, D.MyStatus, PROPERTYPUT, [0x22]);
    await other.call(0, D.MyStatus, PROPERTYGET);
    expect(seen.length).toBe(before);
  });

  it('a failed hr in an event is a signed LONG, as COM delivered it; the event comes before its call\'s RESULT', async () => {
    await signIn();
    await c.advise();
    const events: [number, WireValue[]][] = [];
    c.onEvent((_s, dispid, args) => events.push([dispid, args]));
    const groups = ref(await c.call(0, D.MyGroups, PROPERTYGET));
    const group = ref(await c.call(groups.handle, D.Item, METHOD, [0]));
    await c.hook('failNextCall', ['MSGR_E_SERVER_UNAVAILABLE']);
    await c.call(group.handle, D.GroupName, PROPERTYPUT, ['Refused']);
    expect(events).toEqual([[D.OnGroupNameChanged, [HR.MSGR_E_SERVER_UNAVAILABLE | 0, expect.any(Ref)]]]);
    expect(HR.MSGR_E_SERVER_UNAVAILABLE | 0).toBeLessThan(0);
  });
});

describe('events', () => {
  it('10^4 events, raised by pipelined calls, arrive in order and none is lost; an unadvised client gets none', async () => {
    const N = 10_000;
    await signIn();
    const quiet = await s.connect();
    let unadvised = 0;
    quiet.onEvent(() => { unadvised++; });
    await c.advise();
    const previous: string[] = [];
    c.onEvent((_s, dispid, args) => { if (dispid === D.OnContactFriendlyNameChange) previous.push(args[2] as string); });
    // Core reports changes of contacts it has seen: read the list first.
    await c.call(0, D.MyContacts, PROPERTYGET);
    await c.hook('contactFriendlyName', [BOB, 'Bob -1']);
    await until(() => previous.length === 1, 'the first event');
    previous.length = 0;
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) calls.push(c.hook('contactFriendlyName', [BOB, `Bob ${i}`]));
    await Promise.all(calls);
    await until(() => previous.length >= N, `${N} events (${previous.length} so far)`);
    expect(previous).toHaveLength(N);
    // Each event carries the name before it: Bob i-1.
    for (let i = 0; i < N; i++) if (previous[i] !== `Bob ${i - 1}`) throw new Error(`event ${i} carries ${previous[i]}`);
    await quiet.call(0, D.MyFriendlyName, PROPERTYGET);
    expect(unadvised).toBe(0);
  }, 30_000);

  it('a call\'s events come before its RESULT (200 renames, each checked when its RESULT arrives)', async () => {
    await signIn();
    await c.advise();
    let events = 0;
    const groups = ref(await c.call(0, D.MyGroups, PROPERTYGET));
    const group = ref(await c.call(groups.handle, D.Item, METHOD, [0]));
    c.onEvent((_s, dispid) => { if (dispid === D.OnGroupNameChanged) events++; });
    for (let i = 0; i < 200; i++) {
      await c.call(group.handle, D.GroupName, PROPERTYPUT, [`Group ${i}`]);
      expect(events).toBe(i + 1);
    }
  });
});
