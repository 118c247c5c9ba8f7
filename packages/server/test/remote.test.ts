/**
 * The async face over the wire (RemoteSession), beyond what the conformance kit checks: one object per
 * handle, references given back when an object is collected, a stale object refused as an argument.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { BOB, KIT_PASSWORD, KIT_SELF } from '@imessenger/contract-tests';
import { RemoteSession, ServeClient, WIRE_HR } from '../src';
import { type Served, serve, until } from './helpers';

type Obj = Record<string, (...args: unknown[]) => Promise<unknown>>;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let s: Served;
let session: RemoteSession;
let msn: Obj;
beforeEach(async () => {
  s = await serve();
  session = await RemoteSession.open(() => ServeClient.connect({ serveFile: s.serveFile }));
  msn = session.messenger as unknown as Obj;
  await msn.Signin!(0, KIT_SELF, KIT_PASSWORD);
});
afterEach(async () => {
  session.messenger.dispose();
  await s.dispose();
});

it('one object per identity; members resolved from the type library (inherited ones too), unknown ones absent', async () => {
  const a = await msn.GetContact!(BOB, '');
  const contacts = await msn.get_MyContacts!() as Obj;
  const items: unknown[] = [];
  for await (const c of contacts as unknown as AsyncIterable<unknown>) items.push(c);
  expect(items).toContain(a);
  expect(await msn.GetContact!(BOB, '')).toBe(a);
  expect('get_MyGroups' in msn && 'get_Property' in msn && 'Signin' in msn).toBe(true);
  expect('NoSuchMember' in msn).toBe(false);
  expect((msn as Record<string, unknown>).then).toBeUndefined();
});

it('objects no longer referenced are released: the daemon forgets their handles', async () => {
  await (async () => {
    const contacts = await msn.get_MyContacts!() as Obj;
    const count = await contacts.get_Count!() as number;
    for (let i = 0; i < count; i++) await contacts.Item!(i);
  })();
  const held = s.daemon.handlesHeld();
  expect(held).toBeGreaterThan(3);
  await until(() => {
    gc();
    return s.daemon.handlesHeld() === 0;
  }, 'the handles released', 10_000);
});

it('an object of a lost connection is refused as an argument (RPC_E_DISCONNECTED), never sent as another object', async () => {
  const groups = await msn.get_MyGroups!() as Obj;
  const group = await groups.Item!(0) as Obj;
  const bob = await msn.GetContact!(BOB, '');
  session.connection.close();
  const freshGroups = await msn.get_MyGroups!() as Obj; // the root reconnects
  const fresh = await freshGroups.Item!(0) as Obj;
  await expect(fresh.AddContact!(bob)).rejects.toMatchObject({ hresult: WIRE_HR.RPC_E_DISCONNECTED });
  await expect(group.get_Name!()).rejects.toMatchObject({ hresult: WIRE_HR.RPC_E_DISCONNECTED });
});
