/**
 * installLegacyGlobals: a Windows Script Host script, unchanged, in a vm context: ActiveXObject,
 * Enumerator, WScript (Echo, Sleep, Arguments, ScriptName, StdOut/StdErr, CreateObject with event
 * prefix, ConnectObject, Quit), JScript-style error handling with e.number.
 */
import * as vm from 'node:vm';
import { MISTATUS } from '@imessenger/contract';
import { BOB } from '@imessenger/contract-tests';
import { installLegacyGlobals, type LegacyHost, WScriptQuit } from '../src';
import { seed } from './helpers';

/** A legacy JScript file as people wrote them for WSH (cscript msn.js /verbose alice). */
const LEGACY_SCRIPT = String.raw`
var MISTATUS_ONLINE = 2, MISTATUS_AWAY = 0x22, MPHONE_TYPE_WORK = 1;
var msn = WScript.CreateObject("Messenger.UIAutomation.1", "Msn_");
var events = [];
function Msn_OnSignin(hr) { events.push("OnSignin " + hr); }
function Msn_OnContactStatusChange(contact, status) { events.push("status " + contact.SigninName + " " + status); }
function Msn_OnGroupAdded(hr, group) { events.push("group " + hr + " " + group.Name); }

WScript.Echo("script", WScript.ScriptName, "args", WScript.Arguments.length, WScript.Arguments.Item(1));
if (WScript.Arguments.Named.Exists("verbose")) WScript.StdErr.WriteLine("verbose on");
msn.Signin(0, "ann@contoso.com", "correct-horse");
WScript.Echo(msn.myFriendlyName, msn.MyPhoneNumber(MPHONE_TYPE_WORK));

var e = new Enumerator(msn.MyContacts);
for (; !e.atEnd(); e.moveNext()) {
  var c = e.item();
  WScript.StdOut.Write(c.SigninName + "=" + c.Status + ";");
}
WScript.StdOut.WriteLine();

var count = 0;
for (var i = 0; i < msn.MyContacts.Count; i++) { if (msn.MyContacts.Item(i).Status == MISTATUS_ONLINE) count++; }
WScript.Echo("online", count);

try {
  msn.CreateGroup("bad\tname", msn.MyServiceId);
} catch (err) {
  WScript.Echo("error", err.number, (err.number >>> 0).toString(16), err.description);
}
msn.CreateGroup("Family", msn.MyServiceId);
msn.ContactsSortOrder = 1;
otherSideActs(); // the test's stand-in for Bob changing his status while the script sleeps
WScript.Sleep(150);
WScript.Echo("events", events.join(" | "));
if (msn.ContactsSortOrder != 1) WScript.Quit(2);
WScript.Quit(3);
WScript.Echo("not reached");
`;

let out: string[];
let err: string[];
let sandbox: Record<string, unknown>;
let host: LegacyHost;

beforeEach(() => {
  out = [];
  err = [];
  sandbox = {};
  host = installLegacyGlobals(sandbox, {
    backend: { kind: 'memory', seed: seed({ signedIn: false }) },
    scriptPath: '/scripts/msn.js',
    args: ['/verbose', 'alice'],
    stdout: (t) => { out.push(t); },
    stderr: (t) => { err.push(t); },
  });
});
afterEach(() => host.dispose());

test('installLegacyGlobals puts ActiveXObject, GetObject, Enumerator and WScript on the target', () => {
  expect(typeof sandbox['ActiveXObject']).toBe('function');
  expect(typeof sandbox['GetObject']).toBe('function');
  expect(typeof sandbox['Enumerator']).toBe('function');
  expect(sandbox['WScript']).toBe(host.WScript);
  expect(host.WScript.ScriptName).toBe('msn.js');
  expect(host.WScript.ScriptFullName).toBe('/scripts/msn.js');
  expect(host.WScript.Arguments.Count()).toBe(2);
  expect(host.WScript.Arguments.Unnamed.Item(0)).toBe('alice');
  expect(host.WScript.Arguments.Named.Item('VERBOSE')).toBe('');
  expect(() => host.WScript.Arguments.Item(5)).toThrow('Subscript out of range');
});

test('a legacy WSH script runs unchanged, events bound by prefix, Quit(code) ends it', () => {
  // The other side acts just before the script sleeps (called from the script, so a slow machine
  // cannot move the change before the script has read Bob's status).
  sandbox['otherSideActs'] = () => host.otherSideAfter(0).contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
  let quit: unknown;
  try {
    vm.runInNewContext(LEGACY_SCRIPT, sandbox, { filename: 'msn.js' });
  } catch (e) {
    quit = e;
  }
  expect(quit).toBeInstanceOf(WScriptQuit);
  expect((quit as WScriptQuit).code).toBe(3);
  expect(out.join('')).toBe([
    'script msn.js args 2 alice',
    'Ann Lee +1 425 555 0100',
    'bob@contoso.com=2;carol@contoso.com=34;dave@fabrikam.com=1;',
    'online 1',
    'error -2130705583 81000351 bstrName contains a tab or a non-printable character.',
    `events OnSignin 0 | group 0 Family | status bob@contoso.com ${MISTATUS.MISTATUS_AWAY}`,
    '',
  ].join('\n'));
  expect(err.join('')).toBe('verbose on\n');
});

test('WScript.Quit from inside an event handler ends the script (not reported as a handler error)', () => {
  const script = `
    var msn = new ActiveXObject("Messenger.UIAutomation");
    WScript.ConnectObject(msn, "M_");
    function M_OnSignin(hr) { WScript.Quit(7); }
    msn.Signin(0, "ann@contoso.com", "correct-horse");
    WScript.Echo("not reached");
  `;
  let quit: unknown;
  try { vm.runInNewContext(script, sandbox); } catch (e) { quit = e; }
  expect((quit as WScriptQuit).code).toBe(7);
  expect(out).toEqual([]);
});

test('onQuit: the embedder decides what Quit does; its error still ends the script from a handler', () => {
  class Exit extends Error { constructor(readonly code: number) { super('exit'); } }
  const own: Record<string, unknown> = {};
  const h = installLegacyGlobals(own, { backend: { kind: 'memory', seed: seed() }, onQuit: (code) => { throw new Exit(code); } });
  try {
    const script = `
      var msn = new ActiveXObject("Messenger.UIAutomation");
      WScript.ConnectObject(msn, "M_");
      function M_OnSignin(hr) { WScript.Quit(9); }
      msn.Signin(0, "ann@contoso.com", "correct-horse");
    `;
    expect(() => vm.runInNewContext(script, own)).toThrow(Exit);
  } finally { h.dispose(); }
});

test('GetObject gives the running Messenger; an unknown class throws 429 to the script', () => {
  const script = `
    var result = [];
    var a = GetObject("", "Messenger.UIAutomation.1");
    result.push(a === GetObject("", "messenger.uiautomation"));
    try { new ActiveXObject("Word.Application"); } catch (e) { result.push(e.number, e.message); }
    result;
  `;
  expect(vm.runInNewContext(script, sandbox)).toEqual([true, -2146827859, "Automation server can't create object"]);
});
