/**
 * The conformance kit on the Graph adapter, against a stateful fake tenant on loopback that checks
 * every request against the permissions of the token (src/testing/fake-permissions.ts). Remote
 * changes reach the adapter the way they do in production without a webhook: by polling, here
 * right after each change.
 *
 * Two runs:
 * - 'graph': delegated, every capability, the tokens carrying exactly the scopes graphPermissions()
 *   computes for them — a deployment asking for less fails here;
 * - 'graph (application)': an app-only token (client credentials acting as the user) with exactly
 *   the application roles computed for the capabilities Graph serves that way. Declared
 *   differences (GRAPH_APPLICATION_UNSUPPORTED): StartVideo/StartVoice (the invitation has no
 *   application permission) and Groups.Remove (hideForUser is delegated only), refused before any write.
 */
import type { OtherSide } from '@imessenger/contract';
import { runMessengerContract, withPortFaults } from '@imessenger/contract-tests';
import {
  GRAPH_APPLICATION_UNSUPPORTED, GRAPH_CAPABILITIES, GRAPH_UNSUPPORTED, type GraphAuth, GraphAuthError, type GraphMode, SETTABLE_ON_TEAMS,
  graphBackend, graphPermissions, testing,
} from '@imessenger/adapter-graph';

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

const kit = (mode: GraphMode) => async (seed: Parameters<Parameters<typeof runMessengerContract>[1]>[0]) => {
  // The fixture's service is the tenant: its id is the tenant id in braces.
  const service = seed.services.find((s) => s.primary) ?? seed.services[0]!;
  const tenant = new testing.FakeTenant({ seed, tenantId: service.id.replace(/[{}]/g, '') });
  await tenant.start();
  const upn = seed.self.signinName;
  // A signed-in user's tokens; after the other side signs them out, no new token until they sign in again.
  let token = '';
  let revoked = false;
  // Exactly the permissions computed for the capabilities Graph serves in this mode.
  const plan = graphPermissions(GRAPH_CAPABILITIES, mode);
  const capabilities = GRAPH_CAPABILITIES.filter((c) => !plan.unsupported.some((u) => u.capability === c));
  const mint = (): string => tenant.tokenFor(upn, mode === 'delegated' ? { scopes: plan.permissions } : { mode, roles: plan.permissions });
  const auth: GraphAuth = {
    mode, ...(mode === 'application' ? { actAs: upn } : {}),
    async signin() { revoked = false; token = mint(); return { username: upn }; },
    async signout() { token = ''; },
    async getToken(options) {
      if (revoked) throw new GraphAuthError('Signed out by the other side.', 'no-account');
      if (options?.forceRefresh || !token) token = mint();
      return token;
    },
  };
  const other = tenant.otherSide(upn);
  const backend = graphBackend({
    auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, serviceName: service.name,
    presence: { intervalMs: 0 }, retry: { delaySeconds: 0, maxRetries: 2 }, timeoutMs: 5000, capabilities,
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
};

const common = { settableStatuses: { statuses: SETTABLE_ON_TEAMS, otherwise: 'E_INVALIDARG' as const }, timeout: 20_000 };
runMessengerContract('graph', kit('delegated'), { ...common, unsupported: GRAPH_UNSUPPORTED });
runMessengerContract('graph (application)', kit('application'), { ...common, unsupported: { ...GRAPH_UNSUPPORTED, ...GRAPH_APPLICATION_UNSUPPORTED } });
