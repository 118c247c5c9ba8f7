/**
 * The conformance kit on the Graph adapter, against a stateful fake tenant on loopback. Remote
 * changes reach the adapter the way they do in production without a webhook: by polling, here
 * right after each change.
 */
import type { OtherSide } from '@imessenger/contract';
import { runMessengerContract, withPortFaults } from '@imessenger/contract-tests';
import { GRAPH_UNSUPPORTED, type GraphAuth, GraphAuthError, SETTABLE_ON_TEAMS, graphBackend, testing } from '@imessenger/adapter-graph';

/** The other side's hooks, each followed by one poll of the adapter. */
function polled(other: OtherSide, poll: () => Promise<void>): OtherSide {
  const after = <A extends unknown[]>(f: (...a: A) => Promise<void>) => async (...a: A) => { await f(...a); await poll(); };
  return {
    contactStatus: after(other.contactStatus), contactFriendlyName: after(other.contactFriendlyName),
    contactPhone: after(other.contactPhone), contactPager: after(other.contactPager), contactEmail: after(other.contactEmail),
    contactLeavesConversations: after(other.contactLeavesConversations), myFriendlyName: after(other.myFriendlyName),
    contactJoinsConversations: after(other.contactJoinsConversations), conversationsClosed: after(other.conversationsClosed),
    contactListAdd: after(other.contactListAdd), contactListRemove: after(other.contactListRemove),
    myPhone: after(other.myPhone), appShutdown: after(other.appShutdown), unreadEmail: after(other.unreadEmail),
    signOut: after(other.signOut), failNextCall: (hr) => other.failNextCall(hr),
  };
}

runMessengerContract('graph', async (seed) => {
  // The fixture's service is the tenant: its id is the tenant id in braces.
  const service = seed.services.find((s) => s.primary) ?? seed.services[0]!;
  const tenant = new testing.FakeTenant({ seed, tenantId: service.id.replace(/[{}]/g, '') });
  await tenant.start();
  const upn = seed.self.signinName;
  // A signed-in user's tokens; after the other side signs them out, no new token until they sign in again.
  let token = '';
  let revoked = false;
  const auth: GraphAuth = {
    mode: 'delegated',
    async signin() { revoked = false; token = tenant.tokenFor(upn); return { username: upn }; },
    async signout() { token = ''; },
    async getToken(options) {
      if (revoked) throw new GraphAuthError('Signed out by the other side.', 'no-account');
      if (options?.forceRefresh || !token) token = tenant.tokenFor(upn);
      return token;
    },
  };
  const other = tenant.otherSide(upn);
  const backend = graphBackend({
    auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, serviceName: service.name,
    presence: { intervalMs: 0 }, retry: { delaySeconds: 0, maxRetries: 2 }, timeoutMs: 5000,
    // As the memory backend does, start signed in only when the fixture says so (it does not).
    signedInAtStart: seed.signedIn,
  });
  const signOut = async () => { revoked = true; await other.signOut(); };
  // The adapter answers many calls from what it already holds, so "the next call fails" is injected
  // at its ports; the fake tenant's own HTTP faults are exercised in test/graph-faults.test.ts.
  const faults = withPortFaults(backend);
  // Signed out, the adapter does not poll: a change made meanwhile is found by a directory round
  // after the next sign-in (in production the timer's, every `directoryEvery`-th round); here, one
  // round as soon as the watcher starts again.
  let changedSignedOut = false;
  const poll = async (): Promise<void> => {
    if (await backend.ports.session.isSignedIn()) await backend.watcher.pollNow();
    else changedSignedOut = true;
  };
  const start = backend.watcher.start.bind(backend.watcher);
  backend.watcher.start = () => {
    start();
    if (changedSignedOut) { changedSignedOut = false; void backend.watcher.pollNow(); }
  };
  return {
    backend: faults.backend,
    otherSide: polled({ ...other, signOut, failNextCall: faults.failNextCall }, poll),
    dispose: () => tenant.stop(),
  };
}, {
  unsupported: GRAPH_UNSUPPORTED,
  settableStatuses: { statuses: SETTABLE_ON_TEAMS, otherwise: 'E_INVALIDARG' },
  timeout: 20_000,
});
