/** Test fixtures of the Graph adapter: the fake tenant and the presence helper it is built on. */
export { FakeTenant, type FakeChat, type FakeMeeting, type FakeMessage, type FakeTenantOptions, type FaultKind, type FaultSpec, type RecordedRequest } from './fake-tenant';
export { faultForHresult } from './fake-other-side';
export { CONTACT_EXTENSION, guidFromUpn, PROFILE_EXTENSION } from './fake-state';
export { graphPresenceFor, STATUSES_WITH_GRAPH_PRESENCE } from './graph-presence-for';
export { observeAcceptedRequests, type AcceptedRequest } from './observe';
export { DEFAULT_APP_ID, type TokenOptions } from './fake-permissions';
