/**
 * Checks a Graph request against Microsoft's vendored v1.0 metadata (CSDL) and permission map
 * (test/fixtures/graph-v1.0, README there): the path walks the schema (entity sets, singletons,
 * navigation properties, keys, bound actions) and the method suits where it ends; system query
 * options are known ones and `$select`/`$expand` name real properties; a body has only the
 * parameters or properties the schema has, of their types, with the action's required parameters;
 * and the token's permissions (scp or roles) are among those the permission map lists for the
 * path and method (the adapter's own table, permissions.ts, for paths the map leaves out).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GRAPH_REQUESTS, type GraphMode, requestFor } from '../../src/permissions';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'graph-v1.0');

interface Member { readonly type: string; readonly nullable: boolean }
interface StructuredType { readonly kind: 'entity' | 'complex'; readonly base?: string; readonly open: boolean; readonly props: Map<string, Member>; readonly navs: Map<string, Member> }
interface Action { readonly binding: string; readonly params: Map<string, Member> }

export interface Schema {
  readonly types: Map<string, StructuredType>;
  readonly enums: Map<string, Set<string>>;
  readonly actions: Map<string, Action[]>;
  readonly roots: Map<string, string>;
}

const local = (t: string): string => t.replace(/^(microsoft\.graph|graph)\./, '');
const elementOf = (t: string): string | undefined => /^Collection\((.+)\)$/.exec(t)?.[1];
const attr = (line: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(line)?.[1];

let cached: Schema | undefined;

/** The vendored metadata, parsed (one element per line, as cleanMetadata.xml is written). */
export function graphSchema(): Schema {
  if (cached) return cached;
  const schema: Schema = { types: new Map(), enums: new Map(), actions: new Map(), roots: new Map() };
  let type: StructuredType | undefined;
  let enumMembers: Set<string> | undefined;
  let action: Action | undefined;
  for (const line of fs.readFileSync(path.join(FIXTURES, 'metadata.xml'), 'utf8').split('\n')) {
    const tag = /^\s*<(\w+)/.exec(line)?.[1];
    const name = attr(line, 'Name') ?? '';
    if (tag === 'EntityType' || tag === 'ComplexType') {
      type = { kind: tag === 'EntityType' ? 'entity' : 'complex', open: attr(line, 'OpenType') === 'true', props: new Map(), navs: new Map(), ...(attr(line, 'BaseType') ? { base: local(attr(line, 'BaseType')!) } : {}) };
      schema.types.set(name, type);
    } else if (tag === 'EnumType') {
      enumMembers = new Set();
      schema.enums.set(name, enumMembers);
    } else if (tag === 'Member' && enumMembers) {
      enumMembers.add(name);
    } else if ((tag === 'Property' || tag === 'NavigationProperty') && type) {
      (tag === 'Property' ? type.props : type.navs).set(name, { type: attr(line, 'Type')!, nullable: attr(line, 'Nullable') !== 'false' });
    } else if (tag === 'Action') {
      action = { binding: '', params: new Map() };
      schema.actions.set(name.toLowerCase(), [...(schema.actions.get(name.toLowerCase()) ?? []), action]);
    } else if (tag === 'Parameter' && action) {
      if (name === 'bindingParameter') action = Object.assign(action, { binding: attr(line, 'Type')! });
      else action.params.set(name, { type: attr(line, 'Type')!, nullable: attr(line, 'Nullable') !== 'false' });
    } else if (tag === 'EntitySet' || tag === 'Singleton') {
      schema.roots.set(name.toLowerCase(), tag === 'EntitySet' ? `Collection(${attr(line, 'EntityType')})` : attr(line, 'Type')!);
    }
    if (/^\s*<\/(EntityType|ComplexType)>/.test(line)) type = undefined;
    if (/^\s*<\/EnumType>/.test(line)) enumMembers = undefined;
    if (/^\s*<\/Action>/.test(line)) action = undefined;
  }
  cached = schema;
  return schema;
}

/** A member of a structured type or its base types, by name (case-insensitive, as Graph matches segments). */
function memberOf(schema: Schema, typeName: string, name: string, which: 'props' | 'navs'): Member | undefined {
  for (let t = schema.types.get(typeName); t; t = t.base ? schema.types.get(t.base) : undefined) {
    for (const [n, m] of t[which]) if (n.toLowerCase() === name.toLowerCase()) return m;
  }
  return undefined;
}

function isOpen(schema: Schema, typeName: string): boolean {
  for (let t = schema.types.get(typeName); t; t = t.base ? schema.types.get(t.base) : undefined) if (t.open) return true;
  return false;
}

/** Split a raw (percent-encoded) path below /v1.0 into decoded segments, `users('x')` as two. */
function segmentsOf(p: string): string[] {
  const decode = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };
  return p.split('/').filter(Boolean).map(decode).flatMap((s) => { const k = /^([A-Za-z]+)\('(.*)'\)$/.exec(s); return k ? [k[1]!, k[2]!] : [s]; });
}

export interface GraphRequestSeen {
  readonly method: string;
  /** Raw (percent-encoded, as sent), below the version root: `/users/…/presence/setPresence`. */
  readonly path: string;
  /** Decoded query string without '?'. */
  readonly query: string;
  readonly body: unknown;
  readonly mode: GraphMode;
  /** The token's scp or roles, when known. */
  readonly permissions?: readonly string[];
}

type Place = { readonly type: string } & ({ readonly kind: 'entity' | 'collection' } | { readonly kind: 'action'; readonly action: Action });

/** Every way the request departs from Graph v1.0 as the fixtures describe it ([] when none). */
export function checkGraphRequest(r: GraphRequestSeen): string[] {
  return describeGraphRequest(r).problems;
}

/**
 * The request as a template (`POST /users/{id}/presence/setPresence`: keys as `{id}`, the query's
 * option names) when its path is Graph's, and how it departs from Graph v1.0.
 */
export function describeGraphRequest(r: GraphRequestSeen): { readonly template?: string; readonly problems: string[] } {
  const schema = graphSchema();
  const problems: string[] = [];
  const segments = segmentsOf(r.path);
  const template: string[] = [];
  const rootType = schema.roots.get(segments[0]?.toLowerCase() ?? '');
  if (!rootType) return { problems: [`${r.method} ${r.path}: '${segments[0]}' is no entity set or singleton of Graph v1.0`] };
  template.push(segments[0]!);
  let place: Place = elementOf(rootType) ? { kind: 'collection', type: local(elementOf(rootType)!) } : { kind: 'entity', type: local(rootType) };
  for (const [i, seg] of segments.slice(1).entries()) {
    const last = i === segments.length - 2;
    if (place.kind === 'action') return { problems: [`${r.method} ${r.path}: nothing follows the action`] };
    const binding: string = place.kind === 'collection' ? `Collection(graph.${place.type})` : `graph.${place.type}`;
    const action: Action | undefined = schema.actions.get(seg.toLowerCase())?.find((a) => a.binding === binding || a.binding === binding.replace('graph.', 'microsoft.graph.'));
    if (action && last) {
      place = { kind: 'action', type: place.type, action };
      template.push(seg);
    } else if (place.kind === 'collection') {
      place = { kind: 'entity', type: place.type };
      template.push('{id}');
    } else {
      const nav = memberOf(schema, place.type, seg, 'navs');
      if (!nav) return { problems: [`${r.method} ${r.path}: ${place.type} has no navigation property or bound action '${seg}'`] };
      const element = elementOf(nav.type);
      place = element ? { kind: 'collection', type: local(element) } : { kind: 'entity', type: local(nav.type) };
      if (!schema.types.has(place.type)) return { problems: [`${r.method} ${r.path}: '${seg}' leads to ${place.type}, outside the vendored metadata`] };
      template.push(seg);
    }
  }
  const allowed = place.kind === 'action' ? ['POST'] : place.kind === 'collection' ? ['GET', 'POST'] : ['GET', 'PATCH', 'DELETE'];
  if (!allowed.includes(r.method.toUpperCase())) problems.push(`${r.method} ${r.path}: ${r.method} is not allowed on a ${place.kind} (${allowed.join(', ')})`);
  const path = `/${template.join('/')}`;
  problems.push(...checkQuery(schema, place, r), ...checkBody(schema, place, r), ...checkPermission(r, path.toLowerCase()));
  const options = r.query ? r.query.split('&').map((q) => q.split('=')[0]!).filter((q) => q.startsWith('$')) : [];
  return {
    template: `${r.method.toUpperCase()} ${path}${options.length ? `?${options.join('&')}` : ''}`,
    problems: problems.map((p) => (p.startsWith(`${r.method} `) ? p : `${r.method} ${r.path}: ${p}`)),
  };
}

const SYSTEM_OPTIONS = new Set(['$select', '$expand', '$filter', '$top', '$skip', '$skiptoken', '$orderby', '$count', '$search', '$format']);

function checkQuery(schema: Schema, place: Place, r: GraphRequestSeen): string[] {
  const problems: string[] = [];
  if (!r.query) return problems;
  for (const part of r.query.split('&')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (!name.startsWith('$')) continue;
    if (!SYSTEM_OPTIONS.has(name)) { problems.push(`unknown query option ${name}`); continue; }
    if (name === '$top' && !/^\d+$/.test(value)) problems.push(`$top must be a whole number, got '${value}'`);
    if (name === '$select') {
      for (const p of value.split(',')) if (!memberOf(schema, place.type, p, 'props') && !memberOf(schema, place.type, p, 'navs')) problems.push(`$select: ${place.type} has no property '${p}'`);
    }
    if (name === '$expand') {
      for (const e of value.split(/,(?![^(]*\))/)) {
        const nav = e.replace(/\(.*\)$/, '');
        if (!memberOf(schema, place.type, nav, 'navs')) problems.push(`$expand: ${place.type} has no navigation property '${nav}'`);
      }
    }
  }
  return problems;
}

function checkBody(schema: Schema, place: Place, r: GraphRequestSeen): string[] {
  const method = r.method.toUpperCase();
  if (place.kind === 'action') {
    const body = r.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) return ['the action body must be a JSON object'];
    const problems: string[] = [];
    for (const [k, v] of Object.entries(body)) {
      const param = place.action.params.get(k);
      if (!param) problems.push(`the action has no parameter '${k}'`);
      else problems.push(...checkValue(schema, param, v, k));
    }
    for (const [k, p] of place.action.params) if (!p.nullable && !(k in body)) problems.push(`the required parameter '${k}' is missing`);
    return problems;
  }
  if ((method === 'POST' && place.kind === 'collection') || method === 'PATCH') {
    return checkValue(schema, { type: `graph.${place.type}`, nullable: false }, r.body, 'body');
  }
  return r.body === undefined ? [] : [`a ${method} carries no body`];
}

function checkValue(schema: Schema, member: Member, value: unknown, where: string): string[] {
  if (value === null) return member.nullable ? [] : [`${where}: null where ${member.type} is not nullable`];
  const element = elementOf(member.type);
  if (element) {
    if (!Array.isArray(value)) return [`${where}: ${member.type} must be an array`];
    return value.flatMap((v, i) => checkValue(schema, { type: element, nullable: true }, v, `${where}[${i}]`));
  }
  const edm = /^Edm\.(\w+)$/.exec(member.type)?.[1];
  if (edm) {
    const kind = ['Boolean'].includes(edm) ? 'boolean' : ['Int16', 'Int32', 'Int64', 'Double', 'Single', 'Decimal', 'Byte'].includes(edm) ? 'number' : 'string';
    if (typeof value !== kind) return [`${where}: ${member.type} must be a ${kind}`];
    if (edm === 'Duration' && !/^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(value as string)) return [`${where}: '${String(value)}' is not an ISO 8601 duration`];
    return [];
  }
  const name = local(member.type);
  const members = schema.enums.get(name);
  if (members) return typeof value === 'string' && value.split(',').every((v) => members.has(v.trim())) ? [] : [`${where}: '${String(value)}' is not a ${name}`];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${where}: ${name} must be an object`];
  const given = (value as Record<string, unknown>)['@odata.type'];
  const actual = typeof given === 'string' ? local(given.replace(/^#/, '')) : name;
  if (!schema.types.has(actual)) return [`${where}: the type ${actual} is not in the vendored metadata`];
  if (isOpen(schema, actual)) return [];
  const problems: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '@odata.type') continue;
    const bind = /^(\w+)@odata\.bind$/.exec(k);
    if (bind) {
      if (!memberOf(schema, actual, bind[1]!, 'navs')) problems.push(`${where}: ${actual} has no navigation property '${bind[1]}' to bind`);
      continue;
    }
    const m = memberOf(schema, actual, k, 'props') ?? memberOf(schema, actual, k, 'navs');
    if (!m) problems.push(`${where}: ${actual} has no property '${k}'`);
    else problems.push(...checkValue(schema, m, v, `${where}.${k}`));
  }
  return problems;
}

interface PermissionMap { permissions: Record<string, { pathSets: { schemeKeys: string[]; methods: string[]; paths: Record<string, string> }[] }> }
let permissionMap: PermissionMap | undefined;

/** The permissions Microsoft's map lists for a path template and method in a mode. */
export function mappedPermissions(template: string, method: string, mode: GraphMode): string[] | undefined {
  permissionMap ??= JSON.parse(fs.readFileSync(path.join(FIXTURES, 'permissions.json'), 'utf8')) as PermissionMap;
  const scheme = mode === 'delegated' ? 'DelegatedWork' : 'Application';
  let known = false;
  const out: string[] = [];
  for (const [name, p] of Object.entries(permissionMap.permissions)) {
    for (const set of p.pathSets) {
      const hit = Object.keys(set.paths).some((k) => k.toLowerCase() === template);
      if (!hit) continue;
      known = true;
      if (set.methods.includes(method.toUpperCase()) && set.schemeKeys.includes(scheme)) out.push(name);
    }
  }
  return known ? [...new Set(out)] : undefined;
}

function checkPermission(r: GraphRequestSeen, template: string): string[] {
  const fromMap = mappedPermissions(template, r.method, r.mode);
  // Paths the map leaves out (open extensions, subscriptions: by resource): the adapter's table, from the page it names.
  const documented = Object.values(GRAPH_REQUESTS).find((q) => q.page && q === requestFor(r.method, template));
  const accepted = (fromMap?.length ? fromMap : undefined) ?? documented?.[r.mode] ?? fromMap;
  if (!accepted) return [`${template} is not in Microsoft's permission map`];
  if (accepted.length === 0) return [`${r.method} ${template} has no ${r.mode} permission in Microsoft's permission map`];
  if (r.permissions && !r.permissions.some((p) => accepted.some((a) => a.toLowerCase() === p.toLowerCase()))) {
    return [`the token's ${r.mode === 'delegated' ? 'scopes' : 'roles'} (${r.permissions.join(' ')}) do not cover ${r.method} ${template} (needs one of ${accepted.join(', ')})`];
  }
  return [];
}
