/**
 * Fake tenant routes for change-notification subscriptions (ENDPOINTS.md #23). They are stored
 * and validated like Graph does (clientState ≤ 128, presence needs an encryption certificate and
 * lives at most 60 minutes, quoted ids ≤ 650: FACTS #31-#37), but the fake never calls the
 * notification URL: no validation handshake, no notifications.
 */
import { badRequest, fail, GUID, type GraphResult, requireObject, requireString } from './fake-http';
import type { Route, RouteContext } from './fake-routes';
import type { SubscriptionRecord } from './fake-state';

const MAX_CLIENT_STATE = 128;        // FACTS #37
const MAX_PRESENCE_IDS = 650;        // FACTS #34
const MINUTE = 60_000;
/** Longest lifetime per kind of resource, in minutes (FACTS #31, #32; Outlook's 4230 for the rest). */
const LIFETIME = { presence: 60, teams: 4320, other: 4230 } as const;
/** Teams subscriptions longer than this need a lifecycleNotificationUrl (FACTS #33). */
const TEAMS_WITHOUT_LIFECYCLE = 60;
/** The app id the fake reports as the subscriber. */
const APPLICATION_ID = '00000000-0000-4000-8000-0000000fa4e0';

type ResourceKind = keyof typeof LIFETIME;

const PRESENCE_ONE = /^\/?communications\/presences\/([^/?]+)$/i;
const PRESENCE_MANY = /^\/?communications\/presences\?\$filter=id in \((.*)\)$/i;
const TEAMS = /^\/?(chats|teams|me\/chats|users\/[^/]+\/chats)(\/|$)|^\/?chats\/getAllMessages/i;

/** What kind of resource a subscription watches; presence resources are checked here (PITFALLS C3). */
function resourceKind(resource: string): ResourceKind {
  const one = PRESENCE_ONE.exec(resource);
  if (one) {
    if (!GUID.test(one[1]!)) badRequest(`'${one[1]}' is not a user object id.`);
    return 'presence';
  }
  const many = PRESENCE_MANY.exec(resource);
  if (many) {
    const ids = many[1]!.split(',').map((s) => s.trim());
    if (!ids.every((id) => /^'[^']+'$/.test(id) && GUID.test(id.slice(1, -1)))) badRequest("Presence ids must be quoted object ids: id in ('{id}','{id}').");
    if (ids.length > MAX_PRESENCE_IDS) badRequest(`At most ${MAX_PRESENCE_IDS} ids are allowed in a presence subscription.`);
    return 'presence';
  }
  if (/^\/?communications\/presences/i.test(resource)) badRequest(`The presence resource '${resource}' is not valid.`);
  return TEAMS.test(resource) ? 'teams' : 'other';
}

function checkExpiration(value: unknown, kind: ResourceKind, lifecycleUrl: string | null): string {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return badRequest("'expirationDateTime' must be a date-time.");
  const minutes = (at - Date.now()) / MINUTE;
  if (minutes <= 0) badRequest('Subscription expiration can only be in the future.');
  if (minutes > LIFETIME[kind]) badRequest(`Subscription expiration can only be ${LIFETIME[kind]} minutes in the future for this resource.`);
  if (kind === 'teams' && minutes > TEAMS_WITHOUT_LIFECYCLE && !lifecycleUrl) badRequest("A subscription longer than 1 hour on Teams resources needs 'lifecycleNotificationUrl'.");
  return new Date(at).toISOString();
}

function httpsUrl(body: Record<string, unknown>, key: string, required: boolean): string | null {
  const value = body[key];
  if (value === undefined || value === null) return required ? badRequest(`'${key}' is required.`) : null;
  if (typeof value !== 'string' || !/^https:\/\/\S+$/i.test(value)) return badRequest(`'${key}' must be an https URL.`);
  return value;
}

function subscriptionEntity(ctx: RouteContext, s: SubscriptionRecord): Record<string, unknown> {
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#subscriptions/$entity`,
    id: s.id, resource: s.resource, applicationId: APPLICATION_ID, changeType: s.changeType, clientState: s.clientState,
    notificationUrl: s.notificationUrl, lifecycleNotificationUrl: s.lifecycleNotificationUrl, expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId, includeResourceData: s.includeResourceData, latestSupportedTlsVersion: 'v1_2', encryptionCertificate: null,
    encryptionCertificateId: s.encryptionCertificateId, notificationUrlAppId: null,
  };
}

function createSubscription(ctx: RouteContext): GraphResult {
  const body = requireObject(ctx.body);
  const resource = requireString(body, 'resource');
  const changeType = requireString(body, 'changeType');
  if (!changeType.split(',').every((c) => ['created', 'updated', 'deleted'].includes(c.trim()))) badRequest(`'${changeType}' is not a valid changeType.`);
  const notificationUrl = httpsUrl(body, 'notificationUrl', true)!;
  const lifecycleNotificationUrl = httpsUrl(body, 'lifecycleNotificationUrl', false);
  const clientState = body['clientState'] ?? null;
  if (clientState !== null && (typeof clientState !== 'string' || clientState.length > MAX_CLIENT_STATE)) badRequest(`'clientState' must be a string of at most ${MAX_CLIENT_STATE} characters.`);
  const kind = resourceKind(resource);
  const certificate = body['encryptionCertificate'];
  // Presence change notifications always carry encrypted resource data (FACTS #36).
  if (kind === 'presence' && (typeof certificate !== 'string' || certificate === '')) badRequest("Presence subscriptions need 'encryptionCertificate'.");
  const record: SubscriptionRecord = {
    id: ctx.state.newSubscriptionId(), creatorId: ctx.caller.id, resource, changeType, notificationUrl, lifecycleNotificationUrl,
    clientState: clientState as string | null, includeResourceData: body['includeResourceData'] === true,
    encryptionCertificateId: typeof body['encryptionCertificateId'] === 'string' ? body['encryptionCertificateId'] : null,
    expirationDateTime: checkExpiration(body['expirationDateTime'], kind, lifecycleNotificationUrl),
  };
  ctx.state.subscriptions.set(record.id, record);
  return { status: 201, body: subscriptionEntity(ctx, record) };
}

function callerSubscription(ctx: RouteContext): SubscriptionRecord {
  const s = ctx.state.subscriptions.get(ctx.params['subscriptionId']!);
  if (!s || s.creatorId !== ctx.caller.id) return fail(404, 'ResourceNotFound', `The object was not found: subscription '${ctx.params['subscriptionId']}'.`);
  return s;
}

/** Renewal: only the expiration changes (the lifetime limits apply again). */
function renewSubscription(ctx: RouteContext): GraphResult {
  const s = callerSubscription(ctx);
  const body = requireObject(ctx.body);
  for (const key of Object.keys(body)) if (key !== 'expirationDateTime') badRequest(`The property '${key}' cannot be updated on a subscription.`);
  s.expirationDateTime = checkExpiration(body['expirationDateTime'], resourceKind(s.resource), s.lifecycleNotificationUrl);
  return { status: 200, body: subscriptionEntity(ctx, s) };
}

function deleteSubscription(ctx: RouteContext): GraphResult {
  ctx.state.subscriptions.delete(callerSubscription(ctx).id);
  return { status: 204 };
}

export const SUBSCRIPTION_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/subscriptions', handle: createSubscription },
  { method: 'PATCH', path: '/subscriptions/:subscriptionId', handle: renewSubscription },
  { method: 'DELETE', path: '/subscriptions/:subscriptionId', handle: deleteSubscription },
];
