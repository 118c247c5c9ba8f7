/**
 * Issue 10, item 4: strings exactly as COM carries them. A BSTR is a run of UTF-16 code units, any
 * of them, lone surrogates included; every string member must give back exactly what it was given,
 * or fail with the HRESULT core documents for that argument: never a changed string (UTF-8 on the
 * shim's channel used to turn a lone surrogate into U+FFFD).
 *
 * Properties (fast-check, fixed seeds) over arbitrary code units, on every face:
 * - the channel's string encoding itself (protocol.ts: latin1 or UTF-16LE, code unit for code unit);
 * - the async face (core on the memory backend): each string member, exact or its documented HRESULT;
 * - the shim: the same steps give exactly the same outcomes, values, error descriptions and events;
 * - `imessenger run`: a script reads the strings back and compares them itself, and echoes what it
 *   read as JSON (which escapes lone surrogates, so they survive stdout); a raw WScript.Echo of a
 *   lone surrogate is written as UTF-8, where it can only be U+FFFD (EF BF BD): the string inside
 *   the script is exact, the text on stdout is the writer's.
 *
 * The string members, as the memory backend lets them round-trip: group names (CreateGroup,
 * Name put, and the error naming a duplicate), GetContact / AddContact sign-in names (a stranger's
 * SigninName and FriendlyName, AddContact's "no such user" description), FindContact's fields,
 * InstantMessage / SendMail contacts, and what the other side sets: a contact's friendly name (and
 * the previous one, in OnContactFriendlyNameChange), the user's own (OnMyFriendlyNameChange), a
 * phone number, the e-mail Property, the groups Property.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { HR, MCONTACTPROPERTY, MPHONE_TYPE } from '@imessenger/contract';
import { BOB, kitSeed } from '@imessenger/contract-tests';
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createAutomationHost, type ShimHost } from '@imessenger/shim';
import { main } from '@imessenger/cli';
import { Wire } from '../../packages/shim/src/protocol';
import { asyncFace, type Face, outcome, syncFace } from '../../packages/shim/test/helpers';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const SEED = { ...kitSeed(), signedIn: true };
const signed = (name: keyof typeof HR): number => HR[name] | 0;

// ---- arbitrary UTF-16 --------------------------------------------------------------------------

/** Any code unit, surrogates (lone, or paired by chance) and controls often. */
const codeUnit = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
).map((unit) => String.fromCharCode(unit));
/** Strings of arbitrary code units, of well-formed code points, of graphemes; now and then long. */
const utf16 = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, minLength: 100, maxLength: 300 }) },
);
/** A surrogate not part of a pair (String.prototype.isWellFormed is ES2024; the project's lib is ES2022). */
const hasLoneSurrogate = (s: string): boolean => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

test('the arbitraries do produce lone surrogates (else the properties below prove little)', () => {
  const samples = fc.sample(utf16, { seed: 10, numRuns: 500 });
  expect(samples.filter(hasLoneSurrogate).length).toBeGreaterThan(100);
});

// ---- the channel -------------------------------------------------------------------------------

test('the channel carries every string code unit for code unit, whatever the buffer held before', () => {
  const wire = new Wire(new SharedArrayBuffer(1 << 16));
  fc.assert(fc.property(fc.array(fc.oneof(utf16, fc.string({ unit: codeUnit, maxLength: 5000 })), { maxLength: 8 }), (strings) => {
    wire.reset();
    for (const s of strings) wire.str(s);
    const end = wire.pos;
    wire.reset();
    const read = strings.map(() => wire.rStr());
    expect(read).toEqual(strings);
    expect(wire.pos).toBe(end);
  }), { seed: 11, numRuns: 2000 });
});

// ---- the async face and the shim ---------------------------------------------------------------

/** The other side of the memory backend (test hooks), on either face. */
interface OtherSide {
  contactFriendlyName(name: string, friendlyName: string): Promise<void>;
  myFriendlyName(friendlyName: string): Promise<void>;
  contactPhone(name: string, type: number, number: string): Promise<void>;
  contactEmail(name: string, email: string): Promise<void>;
}

interface World {
  readonly face: Face;
  readonly msn: unknown;
  readonly other: OtherSide;
  /** What the memory backend's shell was asked to show (async face only). */
  readonly shown?: string[];
}

/** JavaScript's trim: core's documented rule for group names ("leading and trailing spaces are removed"). */
const trimmed = (s: string): string => s.trim();

/**
 * Every string member once, with `s` in it (prefixed by `n` where the name must be new). The
 * outcomes, as `outcome()` describes them: `{ ok: value }` (objects by kind and name) or
 * `{ hr, description }`; and the events each step raised.
 */
async function exercise(w: World, s: string, t: string, n: number): Promise<Record<string, unknown>> {
  const { face, msn, other } = w;
  const r: Record<string, unknown> = {};
  const step = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    r[name] = await outcome(face, fn);
    r[`${name} events`] = await face.takeEvents();
  };
  const service = await face.get(msn, 'MyServiceId');
  const bob = await face.call(msn, 'GetContact', BOB, '');

  // Group names: CreateGroup, Name put, a duplicate's error, the contact's groups Property.
  let group: unknown;
  await step('CreateGroup', async () => (group = await face.call(msn, 'CreateGroup', `g${n}|${s}`, service)));
  let other2: unknown;
  await step('CreateGroup 2', async () => (other2 = await face.call(msn, 'CreateGroup', `h${n}`, service)));
  await step('Name put', async () => { await face.put(other2, 'Name', `h${n}|${t}`); return face.get(other2, 'Name'); });
  if (group) {
    await step('Name put duplicate', async () => face.put(other2, 'Name', await face.get(group, 'Name')));
    await step('AddContact to group', async () => face.call(group, 'AddContact', bob));
    await step('groups Property', async () => face.get(bob, 'Property', MCONTACTPROPERTY.MCONTACTPROP_GROUPS_PROPERTY));
  }

  // Sign-in names: a stranger from GetContact, AddContact's error, conversations, mail.
  const name = `u${n}.${s}`;
  let stranger: unknown;
  await step('GetContact', async () => (stranger = await face.call(msn, 'GetContact', name, '')));
  if (stranger) await step('stranger FriendlyName', async () => face.get(stranger, 'FriendlyName'));
  await step('AddContact', async () => face.call(msn, 'AddContact', 0, name));
  await step('InstantMessage', async () => {
    const window = await face.call(msn, 'InstantMessage', name);
    const contacts = await face.list(await face.get(window, 'Contacts'));
    await face.call(window, 'Close');
    return contacts;
  });
  await step('SendMail', async () => face.call(msn, 'SendMail', name));
  await step('FindContact', async () => face.call(msn, 'FindContact', 0, s, t));

  // What the other side sets.
  await step('contact FriendlyName', async () => { await other.contactFriendlyName(BOB, s); return face.get(bob, 'FriendlyName'); });
  await step('MyFriendlyName', async () => { await other.myFriendlyName(t); return face.get(msn, 'MyFriendlyName'); });
  await step('PhoneNumber', async () => { await other.contactPhone(BOB, MPHONE_TYPE.MPHONE_TYPE_HOME, s); return face.get(bob, 'PhoneNumber', MPHONE_TYPE.MPHONE_TYPE_HOME); });
  await step('e-mail Property', async () => { await other.contactEmail(BOB, t); return face.get(bob, 'Property', MCONTACTPROPERTY.MCONTACTPROP_EMAIL); });
  return r;
}

/** Exact, or one of the HRESULTs core documents for the argument. */
function expectExactOr(o: unknown, value: unknown, hresults: readonly (keyof typeof HR)[]): void {
  if (typeof o === 'object' && o !== null && 'ok' in o) expect(o).toEqual({ ok: value });
  else expect(hresults.map(signed)).toContain((o as { hr: number }).hr);
}

/** What each step must give on any face (the async face is checked against these; the shim against the async face). */
function checkExact(r: Record<string, unknown>, s: string, t: string, n: number, previous: { bob: string; me: string }, shown?: string[]): void {
  const groupName = trimmed(`g${n}|${s}`);
  expectExactOr(r['CreateGroup'], `group:${groupName}`, ['E_INVALIDARG', 'MSGR_E_BAD_GROUP_NAME', 'MSGR_E_GROUP_NAME_TOO_LONG']);
  expectExactOr(r['Name put'], trimmed(`h${n}|${t}`), ['E_INVALIDARG', 'MSGR_E_BAD_GROUP_NAME', 'MSGR_E_GROUP_NAME_TOO_LONG']);
  if ('ok' in (r['CreateGroup'] as object)) {
    // The service's answer arrives in the event (docs/decisions.md, "What the service decides").
    const renamed = 'ok' in (r['Name put'] as object) ? trimmed(`h${n}|${t}`) : `h${n}`;
    expect(r['Name put duplicate']).toEqual({ ok: undefined });
    expect(r['Name put duplicate events']).toEqual([['OnGroupNameChanged', signed('MSGR_E_GROUP_ALREADY_EXISTS'), `group:${renamed}`]]);
    expect(((r['groups Property'] as { ok: string[] }).ok)).toContain(groupName);
  }
  const name = `u${n}.${s}`;
  expectExactOr(r['GetContact'], `contact:${name}`, ['E_INVALIDARG']);
  if ('ok' in (r['GetContact'] as object)) expect(r['stranger FriendlyName']).toEqual({ ok: name });
  // A name the service does not know: the call succeeds, OnContactListAdd names the contact exactly.
  if ('ok' in (r['AddContact'] as object)) expect(r['AddContact events']).toEqual([['OnContactListAdd', signed('MSGR_E_USER_NOT_FOUND'), `contact:${name}`]]);
  else expect((r['AddContact'] as { hr: number }).hr).toBe(signed('E_INVALIDARG'));
  expectExactOr(r['InstantMessage'], [`contact:${name}`], ['E_INVALIDARG']);
  expectExactOr(r['SendMail'], undefined, ['E_INVALIDARG']);
  expectExactOr(r['FindContact'], undefined, ['E_INVALIDARG']);
  if (shown && 'ok' in (r['SendMail'] as object)) expect(shown).toContain(`compose:${name}`);
  if (shown && 'ok' in (r['FindContact'] as object)) expect(shown[shown.length - 1]).toBe(`find:${s} ${t}`.trim());
  expect(r['contact FriendlyName']).toEqual({ ok: s });
  expect(r['contact FriendlyName events']).toEqual(previous.bob === s ? [] : [['OnContactFriendlyNameChange', 0, `contact:${BOB}`, previous.bob]]);
  expect(r['MyFriendlyName']).toEqual({ ok: t });
  expect(r['MyFriendlyName events']).toEqual([['OnMyFriendlyNameChange', 0, previous.me]]);
  // No number is the documented E_FAIL (the PhoneNumber page), not an empty string.
  expectExactOr(r['PhoneNumber'], s, s === '' ? ['E_FAIL'] : []);
  expect(r['e-mail Property']).toEqual({ ok: t });
}

describe('every string member, on the async face and through the shim', () => {
  let messenger: Messenger;
  let backend: ReturnType<typeof memoryBackend>;
  let host: ShimHost;
  let reference: World;
  let shim: World;

  beforeAll(() => {
    backend = memoryBackend({ seed: SEED });
    messenger = createMessenger({ backend });
    const sideOf = backend.otherSide;
    reference = {
      face: asyncFace(messenger), msn: messenger, shown: backend.shell.shown,
      other: {
        contactFriendlyName: (a, b) => sideOf.contactFriendlyName(a, b), myFriendlyName: (a) => sideOf.myFriendlyName(a),
        contactPhone: (a, b, c) => sideOf.contactPhone(a, b as never, c), contactEmail: (a, b) => sideOf.contactEmail(a, b),
      },
    };
    host = createAutomationHost({ backend: { kind: 'memory', seed: SEED } });
    const msn = host.create('Messenger.UIAutomation');
    shim = {
      face: syncFace(msn, host), msn,
      other: {
        async contactFriendlyName(a, b) { host.otherSide.contactFriendlyName(a, b); },
        async myFriendlyName(a) { host.otherSide.myFriendlyName(a); },
        async contactPhone(a, b, c) { host.otherSide.contactPhone(a, b as never, c); },
        async contactEmail(a, b) { host.otherSide.contactEmail(a, b); },
      },
    };
  });

  afterAll(() => {
    host.dispose();
    messenger.dispose();
  });

  test('exact, or the documented HRESULT; the shim gives exactly what the async face gives', async () => {
    const previous = { bob: 'Bob Kelly', me: 'Ann Lee' };
    let n = 0;
    /** Per step, how many runs round-tripped a string with a lone surrogate in it (rather than failing on the rules). */
    const exactLone: Record<string, number> = {};
    await fc.assert(fc.asyncProperty(utf16, utf16, async (s, t) => {
      n++;
      const expected = await exercise(reference, s, t, n);
      checkExact(expected, s, t, n, previous, reference.shown);
      const got = await exercise(shim, s, t, n);
      expect(got).toEqual(expected);
      previous.bob = s;
      previous.me = t;
      for (const [step, input] of [['CreateGroup', s], ['Name put', t], ['GetContact', s], ['InstantMessage', s], ['FindContact', s + t]] as const) {
        if (hasLoneSurrogate(input) && 'ok' in (got[step] as object)) exactLone[step] = (exactLone[step] ?? 0) + 1;
      }
    }), { seed: 12, numRuns: 150 });
    const steps = ['CreateGroup', 'Name put', 'GetContact', 'InstantMessage', 'FindContact'];
    expect(steps.filter((step) => (exactLone[step] ?? 0) < 10)).toEqual([]);
  });
});

// ---- imessenger run ----------------------------------------------------------------------------

/**
 * A script that runs the string members on each of STRINGS, compares what it reads back with what
 * it expects itself, and echoes one JSON line per string (JSON escapes lone surrogates, so the line
 * survives stdout whole).
 */
function scriptFor(strings: readonly string[]): string {
  return `var STRINGS = ${JSON.stringify(strings)};
var msn = new ActiveXObject("Messenger.UIAutomation.1");
var added;
function msn_OnContactListAdd(hr, contact) { added = { hr: hr, name: contact.SigninName }; }
WScript.ConnectObject(msn, "msn_");
var service = msn.MyServiceId;
function attempt(fn) { try { return { ok: fn() }; } catch (e) { return { hr: e.number, description: e.description }; } }
for (var i = 0; i < STRINGS.length; i++) {
  var s = STRINGS[i], name = "u" + i + "." + s, groupName = "g" + i + "|" + s;
  var out = {};
  out.group = attempt(function () { return msn.CreateGroup(groupName, service).Name; });
  out.groupExact = out.group.ok === undefined || out.group.ok === groupName.replace(/^\\s+|\\s+$/g, "");
  out.contact = attempt(function () { var c = msn.GetContact(name, ""); return [c.SigninName, c.FriendlyName]; });
  out.contactExact = out.contact.ok === undefined || (out.contact.ok[0] === name && out.contact.ok[1] === name);
  added = undefined;
  out.add = attempt(function () { msn.AddContact(0, name); });
  out.addExact = out.add.hr === ${signed('E_INVALIDARG')} || (added !== undefined && added.hr === ${signed('MSGR_E_USER_NOT_FOUND')} && added.name === name);
  WScript.Echo(JSON.stringify(out));
}
`;
}

describe('imessenger run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-strings-'));
  const seedFile = path.join(dir, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(SEED));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let scripts = 0;

  test('a script reads every string back exactly (it says so itself, and echoes what it read as JSON)', async () => {
    let exactLone = 0;
    await fc.assert(fc.asyncProperty(fc.array(utf16, { minLength: 20, maxLength: 40 }), async (strings) => {
      const file = path.join(dir, `strings${++scripts}.js`);
      fs.writeFileSync(file, scriptFor(strings));
      let out = '';
      let err = '';
      const code = await main(['run', file, '--seed', seedFile], { stdout: (text) => { out += text; }, stderr: (text) => { err += text; } });
      expect({ code, err }).toEqual({ code: 0, err: '' });
      const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.length).toBe(strings.length);
      // The same steps on the async face, from the same seed: the same values and errors.
      const backend = memoryBackend({ seed: SEED });
      const messenger = createMessenger({ backend });
      try {
        const face = asyncFace(messenger);
        const service = await messenger.get_MyServiceId();
        for (const [i, s] of strings.entries()) {
          const name = `u${i}.${s}`;
          const group = await outcome(face, async () => (await messenger.CreateGroup(`g${i}|${s}`, service)).get_Name()) as object;
          const contact = await outcome(face, async () => { const c = await messenger.GetContact(name, ''); return [await c.get_SigninName(), await c.get_FriendlyName()]; }) as object;
          const add = await outcome(face, async () => messenger.AddContact(0, name)) as object;
          expect(lines[i]).toEqual({
            group, groupExact: true, contact, contactExact: true, add: { ok: undefined, ...add }, addExact: true,
          });
          if (hasLoneSurrogate(s) && 'ok' in group && 'ok' in contact) exactLone++;
        }
      } finally {
        messenger.dispose();
      }
    }), { seed: 13, numRuns: 3 });
    expect(exactLone).toBeGreaterThanOrEqual(10);
  });

  test('WScript.Echo of a lone surrogate: exact to the writer; on stdout (UTF-8) it is U+FFFD, as UTF-8 cannot carry it', async () => {
    const file = path.join(dir, 'echo.js');
    fs.writeFileSync(file, 'var s = "a\\ud800b\\udc00\\ud83d\\ude00"; WScript.Echo(s.length, s);\n');
    let out = '';
    expect(await main(['run', file, '--seed', seedFile], { stdout: (text) => { out += text; }, stderr: () => undefined })).toBe(0);
    expect(out).toBe('6 a\ud800b\udc00\ud83d\ude00\n');
    // The real command: the bytes on stdout.
    const child = spawnSync(process.execPath, [path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js'), 'run', file, '--seed', seedFile]);
    expect(child.status).toBe(0);
    expect(child.stdout.toString('hex')).toBe(Buffer.from('6 a\ufffdb\ufffd\ud83d\ude00\n', 'utf8').toString('hex'));
  });
});
