/**
 * Two faces, one behaviour: the same scenario on the automation face (synchronous, through the
 * worker) and on the async face (core's Messenger, awaited) gives the same values, the same
 * HRESULTs and the same events, on every backend that is built: memory, com (emulated) and graph
 * (against the fake tenant, on its own thread).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MISTATUS, MPHONE_TYPE, MUAFOLDER } from '@imessenger/contract';
import { BOB, CAROL, ERIN, KIT_PASSWORD, KIT_SELF, type KitSeed, kitSeed, NOBODY } from '@imessenger/contract-tests';
import { comBackend } from '@imessenger/adapter-com';
import { graphBackend, StaticTokenAuth } from '@imessenger/adapter-graph';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createMessenger } from '@imessenger/core';
import { type BackendConfig, createAutomationHost, type ShimHost } from '../src';
import { asyncFace, auto, type Face, graphConfig, outcome, startTenant, syncFace, type TenantThread } from './helpers';

const built = (adapter: string): boolean => fs.existsSync(path.resolve(__dirname, '..', '..', '..', 'adapters', adapter, 'dist', 'index.js'));

/** The scenario: every step's outcome and the events it raised, in order. */
async function scenario(face: Face, msn: unknown): Promise<unknown[]> {
  const log: unknown[] = [];
  const step = async (label: string, body: () => Promise<unknown>): Promise<void> => {
    log.push([label, await outcome(face, body), await face.takeEvents()]);
  };
  await step('MyStatus signed out', () => face.get(msn, 'MyStatus'));
  await step('MySigninName signed out', () => face.get(msn, 'MySigninName'));
  await step('MyContacts signed out', () => face.get(msn, 'MyContacts'));
  await step('Signin wrong password', () => face.call(msn, 'Signin', 0, KIT_SELF, 'wrong'));
  await step('Signin', () => face.call(msn, 'Signin', 0, KIT_SELF, KIT_PASSWORD));
  await step('Signin again', () => face.call(msn, 'Signin', 0, KIT_SELF, KIT_PASSWORD));
  for (const member of ['MyFriendlyName', 'MySigninName', 'MyStatus', 'MyServiceId', 'MyServiceName', 'ContactsSortOrder']) {
    await step(member, () => face.get(msn, member));
  }
  await step('MyPhoneNumber(WORK)', () => face.get(msn, 'MyPhoneNumber', MPHONE_TYPE.MPHONE_TYPE_WORK));
  await step('MyPhoneNumber(HOME)', () => face.get(msn, 'MyPhoneNumber', MPHONE_TYPE.MPHONE_TYPE_HOME));
  await step('MyPhoneNumber(99)', () => face.get(msn, 'MyPhoneNumber', 99));
  await step('UnreadEmailCount(INBOX)', () => face.get(msn, 'UnreadEmailCount', MUAFOLDER.MUAFOLDER_INBOX));
  await step('Services.PrimaryService.MySigninName', async () => face.get(await face.get(await face.get(msn, 'Services'), 'PrimaryService'), 'MySigninName'));
  const contacts = await face.get(msn, 'MyContacts');
  await step('MyContacts', async () => contacts);
  await step('MyContacts.Count', () => face.get(contacts, 'Count'));
  for (const index of [0, 2, 3, -1, 0.5, '1']) await step(`MyContacts.Item(${JSON.stringify(index)})`, () => face.call(contacts, 'Item', index));
  await step('identity', async () => (await face.call(msn, 'GetContact', BOB, '')) === (await face.call(contacts, 'Item', 0)));
  for (const name of [BOB, CAROL, ERIN, 'BOB@CONTOSO.COM', '', 'a b', null]) {
    await step(`GetContact(${JSON.stringify(name)})`, async () => {
      const c = await face.call(msn, 'GetContact', name, '');
      return [c, await face.get(c, 'Status'), await face.get(c, 'FriendlyName')];
    });
  }
  await step('GetContact(NOBODY, bad service)', () => face.call(msn, 'GetContact', NOBODY, '{00000000-0000-0000-0000-000000000000}'));
  await step('MyGroups', () => face.get(msn, 'MyGroups'));
  const serviceId = await face.get(msn, 'MyServiceId');
  await step('CreateGroup(tab)', () => face.call(msn, 'CreateGroup', 'a\tb', serviceId));
  await step('CreateGroup(empty)', () => face.call(msn, 'CreateGroup', '  ', serviceId));
  await step('CreateGroup(Family)', () => face.call(msn, 'CreateGroup', 'Family', serviceId));
  await step('CreateGroup(family) again', () => face.call(msn, 'CreateGroup', 'family', serviceId));
  await step('rename Family', async () => {
    const groups = await face.list(await face.get(msn, 'MyGroups'));
    const family = await (async () => { for (const g of groups) if (await face.get(g, 'Name') === 'Family') return g; return undefined; })();
    await face.put(family, 'Name', 'Kin');
    return face.get(family, 'Name');
  });
  await step('rename to an existing name', async () => face.put(await face.call(await face.get(msn, 'MyGroups'), 'Item', 0), 'Name', 'Kin'));
  await step('ContactsSortOrder = 1', async () => { await face.put(msn, 'ContactsSortOrder', 1); return face.get(msn, 'ContactsSortOrder'); });
  await step('ContactsSortOrder = 7', () => face.put(msn, 'ContactsSortOrder', 7));
  await step('MyStatus = AWAY', async () => { await face.put(msn, 'MyStatus', MISTATUS.MISTATUS_AWAY); return face.get(msn, 'MyStatus'); });
  await step('MyStatus = LOCAL_CONNECTING', () => face.put(msn, 'MyStatus', MISTATUS.MISTATUS_LOCAL_CONNECTING_TO_SERVER));
  await step('Contact.PhoneNumber(MOBILE)', async () => face.get(await face.call(msn, 'GetContact', BOB, ''), 'PhoneNumber', MPHONE_TYPE.MPHONE_TYPE_MOBILE));
  await step('Contact.Property(GROUPS)', async () => face.get(await face.call(msn, 'GetContact', BOB, ''), 'Property', 0));
  await step('InstantMessage(BOB)', async () => face.call(msn, 'InstantMessage', BOB));
  await step('InstantMessage(self)', async () => face.call(msn, 'InstantMessage', KIT_SELF));
  await step('InstantMessage(object)', async () => face.call(msn, 'InstantMessage', 42));
  await step('Remove a contact from MyContacts', async () => {
    const list = await face.get(msn, 'MyContacts');
    await face.call(list, 'Remove', await face.call(list, 'Item', 2));
    return [await face.get(list, 'Count'), await face.get(await face.get(msn, 'MyContacts'), 'Count')];
  });
  await step('Signout', () => face.call(msn, 'Signout'));
  await step('MyContacts after Signout', () => face.get(msn, 'MyContacts'));
  return log;
}

interface Backend {
  readonly name: string;
  /** The automation face's host on this backend. */
  shim(seed: KitSeed): Promise<{ host: ShimHost; dispose(): Promise<void> }>;
  /** core's Messenger on the same backend with the same seed. */
  async(seed: KitSeed): Promise<{ msn: ReturnType<typeof createMessenger>; dispose(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    async shim(seed) { const host = createAutomationHost({ backend: { kind: 'memory', seed } }); return { host, async dispose() { host.dispose(); } }; },
    async async(seed) {
      return { msn: createMessenger({ backend: memoryBackend({ seed }) }), async dispose() { /* nothing held */ } };
    },
  },
];

if (built('com')) {
  BACKENDS.push({
    name: 'com (emulated)',
    async shim(seed) {
      const config: BackendConfig = { kind: 'com', emulate: true, seed };
      const host = createAutomationHost({ backend: config });
      return { host, async dispose() { host.dispose(); } };
    },
    async async(seed) {
      const backend = comBackend({ emulate: { seed } });
      const msn = createMessenger({ backend });
      return { msn, async dispose() { msn.dispose(); backend.dispose(); } };
    },
  });
}

if (built('graph')) {
  BACKENDS.push({
    name: 'graph (fake tenant)',
    async shim(seed) {
      const tenant: TenantThread = await startTenant(seed);
      const host = createAutomationHost({ backend: graphConfig(tenant, seed) });
      return { host, async dispose() { host.dispose(); await tenant.stop(); } };
    },
    async async(seed) {
      const tenant = await startTenant(seed);
      const backend = graphBackend({
        auth: new StaticTokenAuth({ username: seed.self.signinName, token: () => tenant.token }),
        tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, signedInAtStart: seed.signedIn,
      });
      const msn = createMessenger({ backend });
      return { msn, async dispose() { msn.dispose(); await tenant.stop(); } };
    },
  });
}

describe.each(BACKENDS.map((b) => [b.name, b] as const))('on %s', (_name, backend) => {
  let syncLog: unknown[];
  let asyncLog: unknown[];

  beforeAll(async () => {
    const shim = await backend.shim(kitSeed());
    try {
      const msn = shim.host.create('Messenger.UIAutomation.1');
      syncLog = await scenario(syncFace(msn, shim.host), msn);
    } finally { await shim.dispose(); }
    const core = await backend.async(kitSeed());
    try {
      asyncLog = await scenario(asyncFace(core.msn), core.msn);
    } finally { await core.dispose(); }
  }, 60_000);

  test('the scenario ran its steps on both faces', () => {
    expect(syncLog.length).toBeGreaterThan(40);
    expect(syncLog.map((s) => (s as unknown[])[0])).toEqual(asyncLog.map((s) => (s as unknown[])[0]));
  });

  test('same values, same HRESULTs (signed) and descriptions, same events in the same order', () => {
    for (let i = 0; i < asyncLog.length; i++) expect(syncLog[i]).toEqual(asyncLog[i]);
  });

  test('the scenario did exercise successes, failures and events', () => {
    const outcomes = syncLog.map((s) => (s as unknown[])[1] as { ok?: unknown; hr?: number });
    expect(outcomes.filter((o) => 'hr' in o).length).toBeGreaterThan(8);
    expect(outcomes.filter((o) => 'ok' in o).length).toBeGreaterThan(20);
    expect(syncLog.filter((s) => ((s as unknown[])[2] as unknown[]).length > 0).length).toBeGreaterThan(3);
  });
});

test('the automation face reads like the legacy code it replaces', () => {
  // The sync face needs no awaits: a one-line check that the helper's wrapping hid nothing.
  const host = createAutomationHost({ backend: { kind: 'memory', seed: { ...kitSeed(), signedIn: true } } });
  try {
    const msn = auto(host.create('Messenger.UIAutomation'));
    expect(auto((msn['MyContacts'] as { Item(i: number): unknown }).Item(0))['SigninName']).toBe(BOB);
  } finally { host.dispose(); }
});
