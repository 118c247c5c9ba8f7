/**
 * Fake tenant routes about people: users (ENDPOINTS.md #1, #7, #8), presence (#2, #3, #9),
 * Outlook contacts with their open extension (#4-#6), the inbox count (#20) and the open
 * extension on the user (#21). Shapes follow the examples of the pages in spec/graph/docs.
 */
import {
  asObject, badRequest, decodeSkipToken, fail, GUID, type GraphResult, ISO_DURATION, LITERAL, pageOf, parseSelect, parseTop,
  project, requireObject, requireString, unquoteLiteral,
} from './fake-http';
import { FULL_PROFILE } from '../permissions';
import { readsFullProfiles } from './fake-permissions';
import { durationMs, SESSION_DEFAULT_MS, SESSION_MAX_MS, SESSION_MIN_MS } from './fake-presence';
import type { Route, RouteContext } from './fake-routes';
import {
  asExtensionValue, type ContactRecord, type ExtensionValue, extensionMatches, type OpenExtension, outlookExtension, type UserRecord,
} from './fake-state';

const ok = (body: unknown, status = 200): GraphResult => ({ status, body });
const noContent: GraphResult = { status: 204 };

// ---------------------------------------------------------------------------------------------
// Users

/** The default property set of a user (docs/user-get.md), which is also all the fake knows. */
const USER_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];

function userEntity(u: UserRecord): Record<string, unknown> {
  const [givenName, ...rest] = u.displayName.split(' ');
  return {
    businessPhones: [...u.businessPhones], displayName: u.displayName, givenName: givenName || null, id: u.id, jobTitle: null,
    mail: u.upn, mobilePhone: u.mobilePhone, officeLocation: null, preferredLanguage: null, surname: rest.join(' ') || null,
    userPrincipalName: u.upn,
  };
}

/** A user by id or UPN, or Graph's directory 404. */
export function resolveUser(ctx: RouteContext, key: string): UserRecord {
  return ctx.state.user(key) ?? fail(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
}

/**
 * A user as this caller may read it: another user's phones need a full-profile permission; with only
 * User.ReadBasic.All Graph answers `businessPhones: []` and `mobilePhone: null`
 * (microsoftgraph/microsoft-graph-docs#4940, #4993). The caller's own profile is always whole.
 */
function visibleUser(ctx: RouteContext, u: UserRecord): Record<string, unknown> {
  const entity = userEntity(u);
  if (u.id === ctx.caller.id && ctx.grant.mode === 'delegated') return entity;
  return readsFullProfiles(ctx.grant, FULL_PROFILE[ctx.grant.mode]) ? entity : { ...entity, businessPhones: [], mobilePhone: null };
}

function getUser(ctx: RouteContext, user: UserRecord): GraphResult {
  const select = parseSelect(ctx.query, USER_PROPERTIES, 'microsoft.graph.user');
  const context = `${ctx.baseUrl}/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`;
  return ok({ '@odata.context': context, ...project(visibleUser(ctx, user), select, false) });
}

const STARTSWITH = new RegExp(`^startswith\\((displayName|userPrincipalName|mail|givenName|surname)\\s*,\\s*'${LITERAL}'\\)$`, 'i');

/** `GET /users?$filter=startswith(displayName,'x')`: the only filter the adapter sends (#8). */
function listUsers(ctx: RouteContext): GraphResult {
  const filter = ctx.query.get('$filter');
  let users = [...ctx.state.users.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
  if (filter !== undefined) {
    const m = STARTSWITH.exec(filter.trim()) ?? badRequest(`Unsupported or invalid query filter clause specified: '${filter}'.`, 'Request_UnsupportedQuery');
    const property = USER_PROPERTIES.find((p) => p.toLowerCase() === m[1]!.toLowerCase())!;
    const prefix = unquoteLiteral(m[2]!).toLowerCase();
    users = users.filter((u) => String(userEntity(u)[property] ?? '').toLowerCase().startsWith(prefix));
  }
  const select = parseSelect(ctx.query, USER_PROPERTIES, 'microsoft.graph.user');
  const page = pageOf(users, {
    offset: decodeSkipToken(ctx.query.get('$skiptoken')), size: parseTop(ctx.query, { max: 999, fallback: 100 }),
    baseUrl: ctx.baseUrl, path: ctx.path, query: ctx.query, cursor: '$skiptoken',
  });
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#users${select ? `(${select.join(',')})` : ''}`,
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
    value: page.value.map((u) => project(visibleUser(ctx, u), select, false)),
  });
}

// ---------------------------------------------------------------------------------------------
// Presence

/** setUserPreferredPresence's pairs (FACTS #27): anything else is a 400. */
const PREFERRED_PAIRS: readonly (readonly [string, string])[] = [
  ['Available', 'Available'], ['Busy', 'Busy'], ['DoNotDisturb', 'DoNotDisturb'], ['BeRightBack', 'BeRightBack'], ['Away', 'Away'], ['Offline', 'OffWork'],
];
const MAX_PRESENCE_IDS = 650; // FACTS #1

const presenceEntity = (ctx: RouteContext, u: UserRecord): Record<string, unknown> => ({ id: u.id, ...ctx.state.presenceOf(u) });

function getPresencesByUserId(ctx: RouteContext): GraphResult {
  const ids = requireObject(ctx.body)['ids'];
  // Graph answers these with a bare 400 (PITFALLS C1): too many ids, or ids that are not object ids.
  if (!Array.isArray(ids) || ids.length === 0) return badRequest("The request body must carry 'ids', a non-empty array of user object ids.");
  if (ids.length > MAX_PRESENCE_IDS) return badRequest(`At most ${MAX_PRESENCE_IDS} user ids are allowed per request; got ${ids.length}.`);
  for (const id of ids) if (typeof id !== 'string' || !GUID.test(id)) badRequest(`'${String(id)}' is not a valid user object id.`);
  const value = (ids as string[]).map((id) => {
    const user = ctx.state.users.get(id.toLowerCase());
    return user ? presenceEntity(ctx, user) : { id, availability: 'PresenceUnknown', activity: 'PresenceUnknown' };
  });
  return ok({ '@odata.context': `${ctx.baseUrl}/$metadata#Collection(microsoft.graph.presence)`, value });
}

/** The user whose presence a write targets: delegated callers write their own only. */
function presenceTarget(ctx: RouteContext, what: string): UserRecord {
  const target = resolveUser(ctx, ctx.params['userId']!);
  if (ctx.grant.mode === 'delegated' && target.id !== ctx.caller.id) fail(403, 'Forbidden', `A user can ${what} of their own account only.`);
  return target;
}

function pairOf(body: Record<string, unknown>, pairs: readonly (readonly [string, string])[], operation: string): readonly [string, string] {
  const availability = requireString(body, 'availability');
  const activity = requireString(body, 'activity');
  return pairs.find(([a, b]) => a.toLowerCase() === availability.toLowerCase() && b.toLowerCase() === activity.toLowerCase())
    ?? badRequest(`The availability '${availability}' with activity '${activity}' is not a supported combination for ${operation}.`);
}

function durationOf(body: Record<string, unknown>): number | undefined {
  const duration = body['expirationDuration'];
  if (duration === undefined) return undefined;
  if (typeof duration !== 'string' || !ISO_DURATION.test(duration)) badRequest(`'${String(duration)}' is not a valid ISO 8601 duration.`);
  return durationMs(duration as string);
}

/** Default expiry of a preferred presence: 1 day for DoNotDisturb and Busy, 7 days otherwise (FACTS #28). */
const preferredDefaultMs = (availability: string): number => (['DoNotDisturb', 'Busy'].includes(availability) ? 1 : 7) * 24 * 3_600_000;

/** Shows only while a presence session exists (FACTS #29; fake-presence.ts). */
function setUserPreferredPresence(ctx: RouteContext): GraphResult {
  const target = presenceTarget(ctx, 'set the preferred presence');
  const body = requireObject(ctx.body);
  const [availability, activity] = pairOf(body, PREFERRED_PAIRS, 'setUserPreferredPresence');
  const ms = durationOf(body) ?? preferredDefaultMs(availability);
  target.presence.preferred = { availability, activity, expiresAt: ctx.state.clock() + ms };
  return { status: 200 };
}

/** setPresence's pairs (FACTS #23). */
const SESSION_PAIRS: readonly (readonly [string, string])[] = [['Available', 'Available'], ['Busy', 'InACall'], ['Busy', 'InAConferenceCall'], ['Away', 'Away']];

/** The application's session id: the page requires the app's own id (docs/presence-setpresence.md, IMPORTANT). */
function sessionIdOf(ctx: RouteContext, body: Record<string, unknown>): string {
  const sessionId = requireString(body, 'sessionId');
  if (sessionId.toLowerCase() !== ctx.grant.appId.toLowerCase()) badRequest(`The sessionId '${sessionId}' is not the id of the calling application.`);
  return sessionId.toLowerCase();
}

/** An application presence session: created or renewed, expiring after expirationDuration (PT5M..PT4H, default 5 min). */
function setPresence(ctx: RouteContext): GraphResult {
  const target = presenceTarget(ctx, 'set the presence');
  const body = requireObject(ctx.body);
  const sessionId = sessionIdOf(ctx, body);
  const [availability, activity] = pairOf(body, SESSION_PAIRS, 'setPresence');
  const ms = durationOf(body) ?? SESSION_DEFAULT_MS;
  if (ms < SESSION_MIN_MS || ms > SESSION_MAX_MS) badRequest(`The expirationDuration must be between PT5M and PT4H; got '${String(body['expirationDuration'])}'.`);
  const now = ctx.state.clock();
  target.presence.apps.set(sessionId, { availability, activity, setAt: now, expiresAt: now + ms });
  return { status: 200 };
}

/** Ends the application's presence session (docs/presence.md "Clear presence"). */
function clearPresence(ctx: RouteContext): GraphResult {
  const target = presenceTarget(ctx, 'clear the presence');
  target.presence.apps.delete(sessionIdOf(ctx, requireObject(ctx.body)));
  return { status: 200 };
}

// ---------------------------------------------------------------------------------------------
// Mail

function getMailFolder(ctx: RouteContext): GraphResult {
  const inboxId = Buffer.from(`inbox:${ctx.caller.id}`).toString('base64');
  const folderId = ctx.params['folderId']!;
  if (folderId.toLowerCase() !== 'inbox' && folderId !== inboxId) fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  const folder = { id: inboxId, displayName: 'Inbox', parentFolderId: null, childFolderCount: 0, unreadItemCount: ctx.caller.unreadItemCount, totalItemCount: ctx.caller.unreadItemCount, isHidden: false };
  const select = parseSelect(ctx.query, Object.keys(folder), 'microsoft.graph.mailFolder');
  return ok({ '@odata.context': `${ctx.baseUrl}/$metadata#users('${ctx.caller.id}')/mailFolders/$entity`, ...project(folder, select, true) });
}

// ---------------------------------------------------------------------------------------------
// Open extensions

const OPEN_TYPE = /^#?microsoft\.graph\.openTypeExtension$/i;
const RESERVED_KEYS = new Set(['@odata.type', 'extensionname', 'id']);

/** The custom properties of an extension body: primitives or arrays of primitives, else 400 (FACTS §6). */
function customProperties(body: Record<string, unknown>): Record<string, ExtensionValue> {
  const out: Record<string, ExtensionValue> = {};
  for (const [key, value] of Object.entries(body)) {
    if (RESERVED_KEYS.has(key.toLowerCase()) || key.includes('@odata.')) continue;
    const v = asExtensionValue(value);
    if (v === undefined) badRequest(`The value of property '${key}' must be a primitive or an array of primitives.`);
    else out[key] = v;
  }
  return out;
}

/** `@odata.type` and `extensionName` are required on create and update (docs/opentypeextension-*.md). */
function extensionHeader(body: Record<string, unknown>): string {
  const type = body['@odata.type'];
  if (typeof type !== 'string' || !OPEN_TYPE.test(type)) badRequest("The '@odata.type' must be 'microsoft.graph.openTypeExtension'.");
  return requireString(body, 'extensionName');
}

function extensionEntity(ext: OpenExtension): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.openTypeExtension', id: ext.id, extensionName: ext.extensionName, ...ext.properties };
}

function userExtension(ctx: RouteContext): OpenExtension {
  const name = ctx.params['name']!;
  return ctx.caller.extensions.find((e) => extensionMatches(e, name))
    ?? fail(404, 'Request_ResourceNotFound', `Resource '${name}' does not exist or one of its queried reference-property objects are not present.`);
}

const extensionContext = (ctx: RouteContext): string => `${ctx.baseUrl}/$metadata#users('${ctx.caller.id}')/extensions/$entity`;

function createUserExtension(ctx: RouteContext): GraphResult {
  const body = requireObject(ctx.body);
  const name = extensionHeader(body);
  if (ctx.caller.extensions.some((e) => extensionMatches(e, name))) fail(409, 'NameAlreadyExists', `An extension named '${name}' already exists on this user.`);
  const ext: OpenExtension = { id: name, extensionName: name, properties: customProperties(body) };
  ctx.caller.extensions.push(ext);
  return ok({ '@odata.context': extensionContext(ctx), ...extensionEntity(ext) }, 201);
}

/** PATCH replaces every custom property: those left out are deleted (FACTS §6; PITFALLS F). */
function updateUserExtension(ctx: RouteContext): GraphResult {
  const ext = userExtension(ctx);
  const body = requireObject(ctx.body);
  const name = extensionHeader(body);
  if (!extensionMatches(ext, name)) badRequest(`The extensionName '${name}' does not match the extension '${ext.extensionName}'.`);
  ext.properties = customProperties(body);
  return ok({ '@odata.context': extensionContext(ctx), ...extensionEntity(ext) });
}

// ---------------------------------------------------------------------------------------------
// Outlook contacts

/** Contact properties the fake stores and can select (docs/contact.md; a subset). */
const CONTACT_FIELDS = ['displayName', 'givenName', 'surname', 'emailAddresses', 'businessPhones', 'mobilePhone', 'homePhones', 'imAddresses', 'categories', 'personalNotes', 'companyName', 'jobTitle'];
const CONTACT_PROPERTIES = ['id', 'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'parentFolderId', ...CONTACT_FIELDS];

function contactEntity(c: ContactRecord): Record<string, unknown> {
  return {
    id: c.id, createdDateTime: c.createdDateTime, lastModifiedDateTime: c.createdDateTime, changeKey: Buffer.from(c.id).toString('base64').slice(0, 24),
    parentFolderId: 'contacts', displayName: '', givenName: null, surname: null, emailAddresses: [], businessPhones: [], mobilePhone: null, homePhones: [],
    imAddresses: [], categories: [], personalNotes: '', companyName: null, jobTitle: null, ...c.fields,
  };
}

const EXTENSION_FILTER = new RegExp(`^extensions/any\\((\\w+):\\s*\\1/id eq '${LITERAL}'\\)$`, 'i');
const EMAIL_FILTER = new RegExp(`^emailAddresses/any\\((\\w+):\\s*\\1/address eq '${LITERAL}'\\)$`, 'i');
const EXTENSION_EXPAND = new RegExp(`^extensions\\(\\$filter=id eq '${LITERAL}'\\)$`, 'i');

/** The contact `$filter`s Outlook supports here: by extension id (#4) or by e-mail address (docs/user-list-contacts.md). */
function contactFilter(filter: string | undefined): (c: ContactRecord) => boolean {
  if (filter === undefined) return () => true;
  const byExtension = EXTENSION_FILTER.exec(filter.trim());
  if (byExtension) {
    const name = unquoteLiteral(byExtension[2]!);
    return (c) => c.extensions.some((e) => extensionMatches(e, name));
  }
  const byEmail = EMAIL_FILTER.exec(filter.trim());
  if (byEmail) {
    const address = unquoteLiteral(byEmail[2]!).toLowerCase();
    return (c) => contactAddresses(c).includes(address);
  }
  return badRequest(`The query filter '${filter}' is not supported on contacts.`, 'ErrorInvalidUrlQueryFilter');
}

function contactAddresses(c: ContactRecord): string[] {
  const list = Array.isArray(c.fields['emailAddresses']) ? (c.fields['emailAddresses'] as unknown[]) : [];
  return list.map((e) => String(asObject(e)?.['address'] ?? '').toLowerCase());
}

/** `$expand=Extensions($filter=id eq 'x')` selects which extensions come inline; plain `extensions` brings all. */
function extensionExpansion(expand: string | undefined): ((e: OpenExtension) => boolean) | undefined {
  if (expand === undefined) return undefined;
  if (expand.trim().toLowerCase() === 'extensions') return () => true;
  const m = EXTENSION_EXPAND.exec(expand.trim()) ?? badRequest(`The $expand '${expand}' is not supported on contacts.`);
  const name = unquoteLiteral(m[1]!);
  return (e) => extensionMatches(e, name);
}

function listContacts(ctx: RouteContext): GraphResult {
  const keep = contactFilter(ctx.query.get('$filter'));
  const expand = extensionExpansion(ctx.query.get('$expand'));
  const select = parseSelect(ctx.query, CONTACT_PROPERTIES, 'Microsoft.OutlookServices.Contact');
  const skip = ctx.query.get('$skip');
  if (skip !== undefined && !/^\d+$/.test(skip)) badRequest(`Invalid value '${skip}' for $skip query option.`);
  const page = pageOf(ctx.caller.contacts.filter(keep), {
    offset: Number(skip ?? 0), size: parseTop(ctx.query, { max: 1000, fallback: 10 }),
    baseUrl: ctx.baseUrl, path: ctx.path, query: ctx.query, cursor: '$skip',
  });
  const value = page.value.map((c) => ({
    ...project(contactEntity(c), select, true),
    ...(expand ? { extensions: c.extensions.filter(expand).map(extensionEntity) } : {}),
  }));
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#users('${ctx.caller.id}')/contacts${select ? `(${select.join(',')})` : ''}`,
    value,
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
  });
}

/** `POST /me/contacts` with inline extensions (#5). Outlook does not deduplicate contacts. */
function createContact(ctx: RouteContext): GraphResult {
  const body = requireObject(ctx.body);
  const fields: Record<string, unknown> = {};
  let extensions: OpenExtension[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === '@odata.type') continue;
    if (key === 'extensions') extensions = inlineExtensions(value);
    else if (CONTACT_FIELDS.includes(key)) fields[key] = checkContactField(key, value);
    else badRequest(`The property '${key}' does not exist on type 'Microsoft.OutlookServices.Contact'.`, 'RequestBodyRead');
  }
  const contact = ctx.state.newContact(fields, extensions);
  ctx.caller.contacts.push(contact);
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#users('${ctx.caller.id}')/contacts/$entity`,
    ...contactEntity(contact),
    extensions: contact.extensions.map(extensionEntity),
  }, 201);
}

function checkContactField(key: string, value: unknown): unknown {
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const valid = key === 'emailAddresses'
    ? Array.isArray(value) && value.every((e) => typeof asObject(e)?.['address'] === 'string')
    : ['businessPhones', 'homePhones', 'imAddresses', 'categories'].includes(key) ? strings(value) : value === null || typeof value === 'string';
  if (!valid) badRequest(`The value of property '${key}' has the wrong type.`, 'RequestBodyRead');
  return value;
}

function inlineExtensions(value: unknown): OpenExtension[] {
  if (!Array.isArray(value)) return badRequest("'extensions' must be an array of openTypeExtension objects.");
  return value.map((item) => {
    const body = asObject(item) ?? badRequest("'extensions' must be an array of openTypeExtension objects.");
    return outlookExtension(extensionHeader(body), customProperties(body));
  });
}

function deleteContact(ctx: RouteContext): GraphResult {
  const index = ctx.caller.contacts.findIndex((c) => c.id === ctx.params['contactId']);
  if (index < 0) fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  ctx.caller.contacts.splice(index, 1);
  return noContent;
}

// ---------------------------------------------------------------------------------------------

export const PEOPLE_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/me', query: ['$select'], handle: (ctx) => getUser(ctx, ctx.caller) },
  { method: 'GET', path: '/users/:userId', query: ['$select'], handle: (ctx) => getUser(ctx, resolveUser(ctx, ctx.params['userId']!)) },
  { method: 'GET', path: '/users', query: ['$filter', '$select', '$top', '$skiptoken'], handle: listUsers },
  {
    method: 'GET', path: '/me/presence',
    handle: (ctx) => ok({ '@odata.context': `${ctx.baseUrl}/$metadata#users('${ctx.caller.id}')/presence/$entity`, ...presenceEntity(ctx, ctx.caller) }),
  },
  // presence-get.md: one user's presence (what naive code calls once per contact).
  {
    method: 'GET', path: '/users/:userId/presence',
    handle: (ctx) => {
      const user = resolveUser(ctx, ctx.params['userId']!);
      return ok({ '@odata.context': `${ctx.baseUrl}/$metadata#users('${user.id}')/presence/$entity`, ...presenceEntity(ctx, user) });
    },
  },
  { method: 'POST', path: '/communications/getPresencesByUserId', handle: getPresencesByUserId },
  { method: 'POST', path: '/users/:userId/presence/setUserPreferredPresence', handle: setUserPreferredPresence },
  { method: 'POST', path: '/users/:userId/presence/setPresence', handle: setPresence },
  { method: 'POST', path: '/users/:userId/presence/clearPresence', handle: clearPresence },
  { method: 'GET', path: '/me/mailFolders/:folderId', query: ['$select'], handle: getMailFolder },
  { method: 'GET', path: '/me/extensions/:name', handle: (ctx) => ok({ '@odata.context': extensionContext(ctx), ...extensionEntity(userExtension(ctx)) }) },
  { method: 'POST', path: '/me/extensions', handle: createUserExtension },
  { method: 'PATCH', path: '/me/extensions/:name', handle: updateUserExtension },
  { method: 'GET', path: '/me/contacts', query: ['$filter', '$expand', '$select', '$top', '$skip'], handle: listContacts },
  { method: 'POST', path: '/me/contacts', handle: createContact },
  { method: 'DELETE', path: '/me/contacts/:contactId', handle: deleteContact },
];
