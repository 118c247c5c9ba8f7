/**
 * MyStatus put under both status policies (README "Statuses Teams cannot express"), through core's
 * async face on the fake tenant. 'strict' (the default) is also what the conformance kit checks
 * (settableStatuses in test/graph.contract.test.ts); 'nearest' is checked here, row by row: the
 * kit's round-trip rule (get gives back what was put) is exactly what 'nearest' gives up.
 */
import { HR, MISTATUS } from '@imessenger/contract';
import { KIT_SELF, kitSeed } from '@imessenger/contract-tests';
import { createMessenger, type Messenger } from '@imessenger/core';
import { type GraphBackend, graphBackend, NEAREST_ON_TEAMS, SETTABLE_ON_TEAMS, StaticTokenAuth, type StatusPolicy, testing } from '../src';

let tenant: testing.FakeTenant;
let backend: GraphBackend;
let msn: Messenger;
let events: [string, readonly unknown[]][];

async function start(statusPolicy?: StatusPolicy): Promise<void> {
  tenant = new testing.FakeTenant({ seed: kitSeed() });
  await tenant.start();
  backend = graphBackend({
    auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF) }),
    tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 },
    ...(statusPolicy ? { statusPolicy } : {}),
  });
  msn = createMessenger({ backend });
  events = [];
  msn.onAny((name, args) => events.push([name, args]));
  expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE); // signed in at start
}
afterEach(async () => { msn.dispose(); await tenant.stop(); });

/** The pairs sent to setUserPreferredPresence, in order. */
const preferred = (): string[] => tenant.requests
  .filter((r) => r.path.endsWith('/presence/setUserPreferredPresence'))
  .map((r) => { const b = r.body as { availability: string; activity: string }; return `${b.availability}/${b.activity}`; });

const INEXPRESSIBLE = [...NEAREST_ON_TEAMS.keys()];

describe.each([[undefined], ['strict' as const]])("statusPolicy %s (strict, the default)", (policy) => {
  beforeEach(() => start(policy));

  test.each(INEXPRESSIBLE)('MISTATUS %s -> E_INVALIDARG; nothing sent, no event, status unchanged', async (status) => {
    await expect(msn.put_MyStatus(status)).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0, member: 'IMessenger.MyStatus' });
    expect(preferred()).toEqual([]);
    expect(events).toEqual([]);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('the message names the opt-in', async () => {
    await expect(msn.put_MyStatus(MISTATUS.MISTATUS_OUT_TO_LUNCH)).rejects.toThrow(/statusPolicy 'nearest' sets the nearest one/);
  });
});

describe("statusPolicy 'nearest'", () => {
  beforeEach(() => start('nearest'));

  test.each(INEXPRESSIBLE)('MISTATUS %s: set as the nearest presence; MyStatus and OnMyStatusChange give what Teams shows', async (status) => {
    const shown = NEAREST_ON_TEAMS.get(status)!;
    await expect(msn.put_MyStatus(status)).resolves.toBeUndefined();
    expect(await msn.get_MyStatus()).toBe(shown);
    expect(await (await (await msn.get_Services()).get_PrimaryService()).get_MyStatus()).toBe(shown);
    expect(events).toEqual([['OnMyStatusChange', [HR.S_OK, shown]]]);
    expect(preferred()).toHaveLength(1);
    // The next poll reads Teams' presence: the same status, so no second event.
    await backend.watcher.pollNow();
    expect(await msn.get_MyStatus()).toBe(shown);
    expect(events).toHaveLength(1);
  });

  test('a legacy status setter keeps working: Out To Lunch, On The Phone, Idle, then Online', async () => {
    for (const status of [MISTATUS.MISTATUS_OUT_TO_LUNCH, MISTATUS.MISTATUS_ON_THE_PHONE, MISTATUS.MISTATUS_IDLE, MISTATUS.MISTATUS_ONLINE]) {
      await msn.put_MyStatus(status);
    }
    expect(preferred()).toEqual(['Away/Away', 'Busy/Busy', 'Away/Away', 'Available/Available']);
    expect(events.map(([, args]) => args[1])).toEqual([MISTATUS.MISTATUS_AWAY, MISTATUS.MISTATUS_BUSY, MISTATUS.MISTATUS_AWAY, MISTATUS.MISTATUS_ONLINE]);
  });

  test('statuses Teams can express are set and read back as they are', async () => {
    for (const status of SETTABLE_ON_TEAMS) {
      await msn.put_MyStatus(status);
      expect(await msn.get_MyStatus()).toBe(status);
    }
    expect(events.map(([, args]) => args[1])).toEqual([...SETTABLE_ON_TEAMS]);
  });

  test('MISTATUS_CUSTOM has no nearest presence: still E_INVALIDARG', async () => {
    await expect(msn.put_MyStatus(MISTATUS.MISTATUS_CUSTOM)).rejects.toMatchObject({ hresult: HR.E_INVALIDARG >>> 0 });
    expect(preferred()).toEqual([]);
  });
});
