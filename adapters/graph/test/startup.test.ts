/**
 * Signed in at start (README "Signed in at start", src/startup.ts): a session whose auth has an
 * account at hand starts signed in, as the Messenger client was from logon, so a legacy program's
 * first line can read MyContacts. Through core's async face (createMessenger) on the fake tenant.
 */
import { HR, isMessengerError, MISTATUS } from '@imessenger/contract';
import { BOB, CAROL, DAVE, KIT_PASSWORD, KIT_SELF, kitSeed } from '@imessenger/contract-tests';
import { createMessenger, type Messenger } from '@imessenger/core';
import { type GraphAuth, type GraphBackendOptions, graphBackend, StaticTokenAuth, testing } from '../src';

let tenant: testing.FakeTenant;
const open: Messenger[] = [];

beforeEach(async () => {
  tenant = new testing.FakeTenant({ seed: kitSeed() });
  await tenant.start();
});
afterEach(async () => {
  for (const msn of open.splice(0)) msn.dispose();
  await tenant.stop();
});

/** A Messenger on the fake tenant, signed in as Ann by a configured token, recording its events. */
function session(options: Partial<GraphBackendOptions> = {}) {
  const warnings: string[] = [];
  const backend = graphBackend({
    auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF) }),
    tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 },
    retry: { delaySeconds: 0, maxRetries: 1 }, timeoutMs: 5000,
    onStartupWarning: (message) => warnings.push(message),
    ...options,
  });
  const msn = createMessenger({ backend });
  open.push(msn);
  const events: string[] = [];
  msn.onAny((name) => events.push(name));
  return { backend, msn, events, warnings };
}

const names = async (msn: Messenger): Promise<string[]> => {
  const out: string[] = [];
  for await (const contact of await msn.get_MyContacts()) out.push(await contact.get_SigninName());
  return out.sort();
};

describe('signedInAtStart (default): a configured account starts signed in', () => {
  test('the first call, MyContacts, lists the contacts: it waited for the start-up sign-in', async () => {
    const { msn, events, warnings } = session();
    expect(await names(msn)).toEqual([BOB, CAROL, DAVE]);
    expect(await msn.get_MySigninName()).toBe(KIT_SELF);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    // The client had signed in before the program connected: no OnSignin, no OnMyStatusChange.
    expect(events).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('no request before the first call; calls made at once share one sign-in', async () => {
    const { msn } = session();
    await new Promise((r) => setTimeout(r, 20));
    expect(tenant.requests).toEqual([]);
    const [list, name, status] = await Promise.all([names(msn), msn.get_MyFriendlyName(), msn.get_MyStatus()]);
    expect({ list, name, status }).toEqual({ list: [BOB, CAROL, DAVE], name: 'Ann Lee', status: MISTATUS.MISTATUS_ONLINE });
    // One sign-in: one $batch for me, profile, contacts and inbox.
    const signins = tenant.requests.filter((r) => r.path === '/$batch' && (r.body as { requests: { url: string }[] }).requests.some((q) => q.url.includes('mailFolders/inbox')));
    expect(signins).toHaveLength(1);
  });

  test('Signin then says MSGR_E_ALREADY_LOGGED_ON, as on a client signed in at logon; Signout and Signin work as before', async () => {
    const { msn, events } = session();
    await expect(msn.Signin(0, KIT_SELF, KIT_PASSWORD)).rejects.toMatchObject({ hresult: HR.MSGR_E_ALREADY_LOGGED_ON >>> 0 });
    await msn.Signout();
    expect(events).toEqual(['OnMyStatusChange', 'OnSignout']);
    expect(await names(msn)).toEqual([]);
    await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
    expect(await names(msn)).toEqual([BOB, CAROL, DAVE]);
    expect(events.slice(2)).toEqual(['OnSignin', 'OnMyStatusChange']);
  });

  test('a host driving the ports itself: a signin before any other call replaces the start-up sign-in', async () => {
    const { backend } = session();
    await backend.ports.session.signin({ signinName: KIT_SELF, password: '' });
    expect(await backend.ports.session.isSignedIn()).toBe(true);
    const signins = tenant.requests.filter((r) => r.path === '/$batch' && (r.body as { requests: { url: string }[] }).requests.some((q) => q.url.includes('mailFolders/inbox')));
    expect(signins).toHaveLength(1);
  });
});

describe('signedInAtStart: false keeps the old start', () => {
  test('signed out until Signin, which raises OnSignin', async () => {
    const { msn, events } = session({ signedInAtStart: false });
    expect(await names(msn)).toEqual([]);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
    await expect(msn.get_MySigninName()).rejects.toMatchObject({ code: 'MSGR_E_NOT_LOGGED_ON' });
    expect(tenant.requests).toEqual([]);
    await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
    expect(events).toEqual(['OnSignin', 'OnMyStatusChange']);
    expect(await names(msn)).toEqual([BOB, CAROL, DAVE]);
  });
});

describe('a start-up sign-in that fails leaves the session signed out, with a warning, never a failed call', () => {
  test('Graph unavailable at start: warning; MyContacts empty (S_OK), MyStatus offline; Signin later works', async () => {
    tenant.failNext({ status: 503, times: 2, match: { method: 'POST', path: /^\/\$batch$/ } });
    const { msn, events, warnings } = session();
    expect(await names(msn)).toEqual([]);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Graph: signing in at start failed \(.+\); the session starts signed out: call Signin to sign in\.$/);
    expect(events).toEqual([]);
    await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
    expect(await names(msn)).toEqual([BOB, CAROL, DAVE]);
  });

  test('the token source fails: the first call still answers, as signed out', async () => {
    const { msn, warnings } = session({
      auth: new StaticTokenAuth({ username: KIT_SELF, token: () => { throw new Error('token service unreachable'); } }),
    });
    const error = await msn.get_MySigninName().then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_NOT_LOGGED_ON')).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/signing in at start failed/);
  });

  test('without a warning handler it is a process warning (GraphStartupWarning), not a crash', async () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      tenant.failNext({ status: 503, times: 2, match: { method: 'POST', path: /^\/\$batch$/ } });
      const backend = graphBackend({
        auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF) }),
        tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0, maxRetries: 1 },
      });
      expect(await backend.ports.session.isSignedIn()).toBe(false);
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]).toEqual([expect.stringMatching(/^Graph: signing in at start failed/), 'GraphStartupWarning']);
    } finally {
      emit.mockRestore();
    }
  });
});

describe('an auth with no account at hand', () => {
  // A GraphAuth of the host's own, without signinSilently: it cannot sign in without the user.
  const interactiveOnly = (): GraphAuth => ({
    mode: 'delegated',
    async signin() { return { username: KIT_SELF }; },
    async signout() { /* nothing kept */ },
    async getToken() { return tenant.tokenFor(KIT_SELF); },
  });

  test('default: quietly signed out (nothing to sign in with is not a failure)', async () => {
    const { msn, warnings } = session({ auth: interactiveOnly() });
    expect(await names(msn)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(tenant.requests).toEqual([]);
  });

  test('signedInAtStart: true asked for it: signed out, with a warning', async () => {
    const { msn, warnings } = session({ auth: interactiveOnly(), signedInAtStart: true });
    expect(await names(msn)).toEqual([]);
    expect(warnings).toEqual(['Graph: this auth cannot sign in without the user (it has no signinSilently); the session starts signed out.']);
  });

  test('signinSilently resolving no account (an empty MSAL cache) with signedInAtStart: true: a warning', async () => {
    const { msn, warnings } = session({ auth: { ...interactiveOnly(), signinSilently: async () => undefined }, signedInAtStart: true });
    expect(await names(msn)).toEqual([]);
    expect(warnings[0]).toMatch(/no account to sign in with/);
  });
});

test('graphBackend refuses a signedInAtStart that is not a boolean', () => {
  expect(() => graphBackend({
    auth: new StaticTokenAuth({ username: KIT_SELF, token: () => 't' }), tenantId: tenant.tenantId,
    signedInAtStart: 'yes' as unknown as boolean,
  })).toThrow(/`signedInAtStart` must be true or false, got "yes"/);
});

test('graphBackend refuses an unknown statusPolicy', () => {
  expect(() => graphBackend({
    auth: new StaticTokenAuth({ username: KIT_SELF, token: () => 't' }), tenantId: tenant.tenantId,
    statusPolicy: 'closest' as 'strict',
  })).toThrow(/`statusPolicy` must be 'strict' or 'nearest', got "closest"/);
});
