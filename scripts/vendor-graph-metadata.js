#!/usr/bin/env node
/**
 * Trims Microsoft's Graph v1.0 metadata (CSDL) and permission map to what the Graph adapter uses,
 * for the test fixtures in adapters/graph/test/fixtures/graph-v1.0/ (README.md there says where
 * the inputs come from). Usage:
 *
 *   node scripts/vendor-graph-metadata.js <cleanMetadata.xml> <permissions.json>
 *
 * - metadata.xml: the elements of the `microsoft.graph` schema the adapter's requests reach, copied
 *   verbatim line by line: the entity types named in ROOT_TYPES with their base types, every
 *   complex and enum type their properties use (transitively), the actions bound to them (or to
 *   collections of them) with the types of their parameters, and the entity sets and singletons
 *   the paths start from (their NavigationPropertyBinding children dropped).
 * - permissions.json: for every permission, the path sets holding a path the adapter or the fake
 *   tenant uses (ROOT_PATHS prefixes), with only those paths kept; names, schemes and consent flags as given.
 */
const fs = require('node:fs');
const path = require('node:path');

const OUT = path.join(__dirname, '..', 'adapters', 'graph', 'test', 'fixtures', 'graph-v1.0');
const ROOT_TYPES = [
  'user', 'presence', 'contact', 'chat', 'conversationMember', 'aadUserConversationMember', 'chatMessage', 'onlineMeeting',
  'mailFolder', 'extension', 'openTypeExtension', 'subscription', 'cloudCommunications',
];
/** Complex types of the request bodies the adapter sends (with the types of their properties). */
const BODY_TYPES = ['itemBody', 'emailAddress', 'identitySet', 'identity', 'meetingParticipants', 'meetingParticipantInfo', 'chatInfo'];
const ROOTS = ['me', 'users', 'chats', 'communications', 'subscriptions'];
/** Paths (lower case, keys as {id}) whose permissions the fixture keeps. */
const ROOT_PATHS = [
  /^\/me$/, /^\/users(\/\{id\})?$/, /^\/(me|users\/\{id\})\/(presence|contacts|chats|onlinemeetings|mailfolders|extensions)(\/.*)?$/,
  /^\/chats(\/.*)?$/, /^\/communications\/(getpresencesbyuserid|presences(\/\{id\})?)$/, /^\/subscriptions(\/\{id\})?$/,
];

function trimMetadata(xml) {
  const lines = xml.split(/\r?\n/);
  const start = lines.findIndex((l) => /<Schema Namespace="microsoft\.graph"/.test(l));
  let end = start;
  while (!/^\s*<\/Schema>/.test(lines[end])) end++;
  /** Each top-level element of the schema: kind, name, its lines. */
  const elements = [];
  for (let i = start + 1; i < end; i++) {
    const m = /^\s{6}<(EntityType|ComplexType|EnumType|Action|Function|Term|EntityContainer|Annotations|TypeDefinition)\b[^>]*?(\/?)>\s*$/.exec(lines[i]);
    if (!m) continue;
    const block = [lines[i]];
    if (m[2] !== '/') {
      while (!new RegExp(`^\\s{6}</${m[1]}>`).test(lines[i])) block.push(lines[++i]);
    }
    elements.push({ kind: m[1], name: /\b(?:Name|Target)="([^"]+)"/.exec(lines[i - block.length + 1])?.[1], lines: block });
  }
  const byName = new Map(elements.filter((e) => /Type$/.test(e.kind)).map((e) => [e.name, e]));
  const keep = new Set();
  const local = (type) => { const m = /^(?:Collection\()?(?:graph|microsoft\.graph)\.([A-Za-z0-9_]+)\)?$/.exec(type); return m?.[1]; };
  // An entity type brings its base types and its enum types; a complex type (a body's parts) the types of all its properties.
  const visit = (name) => {
    const e = byName.get(name);
    if (!e || keep.has(e)) return;
    keep.add(e);
    const base = /BaseType="([^"]+)"/.exec(e.lines[0]);
    if (base) visit(local(base[1]));
    for (const l of e.lines) {
      const p = /<Property Name="[^"]+" Type="([^"]+)"/.exec(l);
      const used = p && local(p[1]) ? byName.get(local(p[1])) : undefined;
      // An entity type's enum properties come along (small); its complex ones only if a body uses them.
      if (used && (e.kind === 'ComplexType' || used.kind === 'EnumType')) visit(used.name);
    }
  };
  for (const t of [...ROOT_TYPES, ...BODY_TYPES]) visit(t);
  const kept = new Set([...keep].map((e) => e.name));
  const actions = elements.filter((e) => e.kind === 'Action' && (() => {
    const binding = /<Parameter Name="bindingParameter" Type="([^"]+)"/.exec(e.lines.join('\n'));
    return binding && kept.has(local(binding[1]));
  })());
  for (const a of actions) {
    for (const l of a.lines) {
      const p = /<Parameter Name="(?!bindingParameter)[^"]+" Type="([^"]+)"/.exec(l);
      if (p && local(p[1])) visit(local(p[1]));
    }
  }
  const container = elements.find((e) => e.kind === 'EntityContainer');
  const roots = [];
  for (let i = 1; i < container.lines.length - 1; i++) {
    const l = container.lines[i];
    const m = /^\s{8}<(EntitySet|Singleton) Name="([^"]+)"[^>]*?(\/?)>/.exec(l);
    if (!m) continue;
    const selfClosing = m[3] === '/';
    if (ROOTS.includes(m[2])) roots.push(selfClosing ? l : l.replace(/>\s*$/, ' />'));
    if (!selfClosing) while (!/^\s{8}<\/(EntitySet|Singleton)>/.test(container.lines[i])) i++;
  }
  const body = elements.filter((e) => keep.has(e) || actions.includes(e)).flatMap((e) => e.lines);
  return [
    ...lines.slice(0, start + 1), ...body,
    container.lines[0], ...roots, container.lines[container.lines.length - 1],
    lines[end], '  </edmx:DataServices>', '</edmx:Edmx>',
  ].join('\n') + '\n';
}

function trimPermissions(json) {
  const out = {};
  for (const [name, permission] of Object.entries(json.permissions)) {
    const pathSets = [];
    for (const set of permission.pathSets ?? []) {
      const paths = Object.fromEntries(Object.entries(set.paths).filter(([p]) => ROOT_PATHS.some((r) => r.test(p.toLowerCase()))));
      if (Object.keys(paths).length) pathSets.push({ schemeKeys: set.schemeKeys, methods: set.methods, paths });
    }
    if (!pathSets.length) continue;
    const schemes = Object.fromEntries(Object.entries(permission.schemes).map(([k, s]) => [k, { adminDisplayName: s.adminDisplayName, adminDescription: s.adminDescription, requiresAdminConsent: s.requiresAdminConsent }]));
    out[name] = { schemes, pathSets };
  }
  return { permissions: out };
}

if (require.main === module) {
  const [metadataFile, permissionsFile] = process.argv.slice(2);
  if (!metadataFile || !permissionsFile) {
    console.error('usage: node scripts/vendor-graph-metadata.js <cleanMetadata.xml> <permissions.json>');
    process.exit(2);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const xml = fs.readFileSync(metadataFile, 'utf8').replace(/^\uFEFF/, '');
  fs.writeFileSync(path.join(OUT, 'metadata.xml'), trimMetadata(xml));
  const permissions = trimPermissions(JSON.parse(fs.readFileSync(permissionsFile, 'utf8')));
  fs.writeFileSync(path.join(OUT, 'permissions.json'), `${JSON.stringify(permissions, null, 1)}\n`);
  for (const f of ['metadata.xml', 'permissions.json']) console.log(`${f}: ${fs.statSync(path.join(OUT, f)).size} bytes`);
}

module.exports = { trimMetadata, trimPermissions };
