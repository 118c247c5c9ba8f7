/**
 * The native COM server under real hosts, on Linux through Wine (Debian's wine64, mingw-w64, libwine-dev):
 * Wine's cscript running VBScript and JScript, an early-bound C client built against the generated
 * header, the legacy example programs side by side with `imessenger run`, the C side's authentication,
 * the daemon dying mid-call, and `imessenger com register|unregister` with another server's ProgID.
 *
 * One private Wine prefix (kept between runs in the temporary directory: its first wineboot takes ~15 s)
 * and one build per run; every daemon gets its own serve file. About 60 s on 2 cores. Without the
 * packages the suite is skipped, saying why, except in CI (CI=true), where .ci/run installs them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENUMS, INTERFACES, rowsInVtableOrder } from '@imessenger/contract';
import {
  buildDll, type BuildResult, ensurePrefix, installServer, missingToolchain, missingWine, regQuery, runWine, type WineRun,
  vtableRows, WINE64, WINESERVER, wineEnv, windowsPath, wineServeCommand,
} from '../src';

const IN_CI = process.env['CI'] === 'true';
const SKIP_REASON = missingWine() ?? missingToolchain('x64');
if (SKIP_REASON && !IN_CI) process.stderr.write(`wine.test.ts: skipped: ${SKIP_REASON}\n`);
const describeWine = SKIP_REASON && !IN_CI ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI_BIN = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const SEED = path.join(ROOT, 'examples', 'legacy-jscript', 'seed.json');
const SCRIPTS = path.join(__dirname, 'scripts');
const PREFIX = path.join(os.tmpdir(), `imessenger-com-wine-test-${os.userInfo().uid}`);

let work: string;
let build: BuildResult;
let clientExe: string;
let tlbdumpExe: string;

function mingw(output: string, sources: string[], extra: string[] = []): void {
  execFileSync('x86_64-w64-mingw32-gcc', ['-O2', '-I', path.dirname(build.header), '-o', output, ...sources, ...extra,
    '-lole32', '-loleaut32', '-luuid', '-lws2_32', '-luser32', '-ladvapi32'], { stdio: 'pipe' });
}

/** A daemon of its own: a serve file in a fresh user-only directory; the server starts it on demand. */
class Daemon {
  readonly dir = fs.mkdtempSync(path.join(work, 'serve-'));
  readonly file = path.join(this.dir, 'serve.json');
  constructor(readonly args: readonly string[] = ['--seed', SEED]) {}
  get env(): Record<string, string> {
    return { IMESSENGER_SERVE_FILE: windowsPath(this.file), IMESSENGER_SERVE_COMMAND: wineServeCommand(CLI_BIN, [...this.args, '--test-hooks'], this.file) };
  }
  info(): { pid: number; port: number } {
    return JSON.parse(fs.readFileSync(this.file, 'utf8')) as { pid: number; port: number };
  }
  log(): string {
    return fs.existsSync(path.join(this.dir, 'serve.log')) ? fs.readFileSync(path.join(this.dir, 'serve.log'), 'utf8') : '';
  }
  stop(): void {
    if (!fs.existsSync(this.file)) return;
    execFileSync(process.execPath, [CLI_BIN, 'serve', '--stop'], { env: { ...process.env, IMESSENGER_SERVE_FILE: this.file }, stdio: 'ignore' });
  }
}

const run = (daemon: Daemon, argv: string[], env: Record<string, string> = {}): Promise<WineRun> =>
  runWine(PREFIX, argv, { env: { ...daemon.env, ...env }, timeoutMs: 60_000 });
const cscript = (daemon: Daemon, file: string): Promise<WineRun> => run(daemon, ['cscript', '//nologo', windowsPath(file)]);

describeWine('the COM server under Wine', () => {
  const daemons: Daemon[] = [];
  const daemon = (args?: readonly string[]) => { const d = new Daemon(args); daemons.push(d); return d; };

  beforeAll(() => {
    if (SKIP_REASON) throw new Error(`CI=true but ${SKIP_REASON}: .ci/run installs wine64, mingw-w64 and libwine-dev; these tests must run in CI.`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-com-test-'));
    fs.chmodSync(work, 0o700);
    build = buildDll('x64', work);
    clientExe = path.join(work, 'client.exe');
    mingw(clientExe, [path.join(__dirname, 'native', 'client.c'), build.guids]);
    tlbdumpExe = path.join(work, 'tlbdump.exe');
    mingw(tlbdumpExe, [path.join(__dirname, 'native', 'tlbdump.c')], ['-municode']);
    const testhost = path.join(work, 'imessenger-testhost.dll');
    mingw(testhost, [path.join(__dirname, 'native', 'testhost.c'), path.join(__dirname, '..', 'native', 'imessenger-com.def')], ['-shared', '-static-libgcc']);
    ensurePrefix(PREFIX);
    installServer(PREFIX, build.dll);
    execFileSync(WINE64, ['regsvr32', '/s', windowsPath(testhost)], { env: wineEnv(PREFIX), stdio: 'pipe' });
  }, 180_000);

  afterAll(() => {
    for (const d of daemons) d.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    // The prefix's services (winedevice.exe) keep its wineserver alive, and use CPU, long after the
    // suite: stop them (the next run starts the prefix again; ensurePrefix handles that).
    try { execFileSync(WINESERVER, ['-k'], { env: wineEnv(PREFIX), stdio: 'ignore', timeout: 30_000 }); } catch { /* not running */ }
  }, 60_000);

  it('the binary type library (widl) holds the contract: LIBID, every IID and parent, members in vtable order with DISPIDs and kinds, events, enums', async () => {
    const r = await runWine(PREFIX, [windowsPath(tlbdumpExe), windowsPath(build.tlb)]);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('lib MessengerAPI {E02AD29E-80F5-46C6-B416-9B3EBDDF057E} 1.0');
    const invkind = { method: 1, propget: 2, propput: 4, event: 1 } as const;
    const parentEntries = (name: (typeof INTERFACES)[number]['name']) => vtableRows(name).length - rowsInVtableOrder(name).length;
    for (const i of INTERFACES) {
      const dispatch = i.name === 'DMessengerEvents';
      const start = lines.indexOf(`type ${i.name} ${dispatch ? 'dispatch' : 'interface'} {${i.iid}} ${i.inherits}`);
      expect(start).toBeGreaterThan(0);
      const funcs: string[] = [];
      for (let k = start + 1; lines[k]?.startsWith('func '); k++) funcs.push(lines[k] as string);
      const own = dispatch ? funcs.filter((f) => Number(f.split(' ')[2]) >= 1024) : funcs;
      expect(own).toEqual(rowsInVtableOrder(i.name).map((row, n) =>
        `func ${row.member} ${row.dispid} ${invkind[row.kind]} ${dispatch ? -1 : parentEntries(i.name) + n} ${row.params.length}`));
    }
    expect(lines).toContain('type Messenger coclass {B69003B3-C55E-4B48-836C-BC5946FC3B28}');
    for (const [name, values] of Object.entries(ENUMS)) {
      const start = lines.indexOf(`type ${name} enum {00000000-0000-0000-0000-000000000000}`);
      expect(lines.slice(start + 1, start + 1 + Object.keys(values).length)).toEqual(Object.entries(values).map(([k, v]) => `value ${k} ${v}`));
    }
  }, 60_000);

  it('builds the x86 DLL too (32-bit VB6, VBA, WSH), with the type library and the four exports; Wine here runs only x64', () => {
    const x86 = buildDll('x86', work);
    const dump = execFileSync('i686-w64-mingw32-objdump', ['-p', x86.dll], { encoding: 'utf8' });
    expect(dump).toMatch(/file format pei-i386/);
    for (const name of ['DllCanUnloadNow', 'DllGetClassObject', 'DllRegisterServer', 'DllUnregisterServer']) expect(dump).toMatch(new RegExp(`\\] ${name}\\n`));
    expect(fs.statSync(x86.tlb).size).toBeGreaterThan(10_000);
  }, 60_000);

  it('VBScript through Wine\'s cscript: members in any case, VT_I2/string/by-reference coercion, For Each, default member, Err.Number and Description, events', async () => {
    const r = await cscript(daemon(), path.join(SCRIPTS, 'host.vbs'));
    expect(r.scriptError).toBe(false);
    expect(r.stdout.trim().split('\n')).toEqual([
      'event OnSignin 0',
      'event OnMyStatusChange 0 2',
      'MySigninName ann@contoso.com',
      'mystatus 2',
      'event OnMyStatusChange 0 34',
      'MyStatus after VT_I2 34',
      'event OnMyStatusChange 0 2',
      'MyStatus after string 2',
      'Count 5',
      '  bob@contoso.com Bob Kelly 2',
      '  carol@contoso.com Carol Diaz 34',
      '  dave@fabrikam.com Dave Park 1',
      '  frank@contoso.com Frank Wu 10',
      '  grace@fabrikam.com Grace Hall 14',
      'default member Carol Diaz',
      'by-reference index dave@fabrikam.com',
      'service .NET Messenger Service',
      'event OnGroupAdded 0 Night Shift',
      'groups 3',
      // A second CreateGroup of the same name: the call succeeds, the event carries MSGR_E_GROUP_ALREADY_EXISTS.
      'event OnGroupAdded -2130705589 Night Shift',
      'Err.Number 0 0',
      'Err.Description ',
      'Item(-1) 80070057 Index must be a non-negative integer, got -1.',
      // After DisconnectObject the status change raises no handler.
      'END',
    ]);
  }, 60_000);

  it('JScript through Wine\'s cscript: both ProgIDs and Communicator.UIAutomation, Enumerator, identity, e.number and e.description, events', async () => {
    const r = await cscript(daemon(), path.join(SCRIPTS, 'host.js'));
    expect(r.scriptError).toBe(false);
    expect(r.stdout.trim().split('\n')).toEqual([
      'event OnSignin 0',
      'event OnMyStatusChange 0 2',
      'MyFriendlyName Ann Lee',
      'Enumerator bob@contoso.com,carol@contoso.com,dave@fabrikam.com,frank@contoso.com,grace@fabrikam.com',
      'groups Coworkers=3,Friends=2',
      'same object true',
      'event OnIMWindowCreated 1',
      'window closed false',
      'e.number -2147024809 0x80070057',
      'e.description bstrSigninName is an empty string.',
      'event OnMyStatusChange 0 10',
      'Communicator.UIAutomation ann@contoso.com 10',
      'END',
    ]);
  }, 60_000);

  it('an early-bound C client: CoCreateInstance by CLSID, QueryInterface by each IID, vtable calls, IEnumVARIANT, IErrorInfo, Advise and Unadvise, IObjectSafety', async () => {
    const r = await run(daemon(), [windowsPath(clientExe)]);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => /FAILED/.test(l))).toEqual([]);
    expect(lines).toEqual(expect.arrayContaining([
      'CoCreateInstance 00000000', 'QI IMessenger ok', 'QI IMessenger2 ok', 'QI IMessenger3 ok', 'QI IDispatch ok',
      'QI IProvideClassInfo2 ok', 'QI ISupportErrorInfo ok', 'QI IObjectSafety ok', 'same object yes',
      'source is DMessengerEvents yes', 'ISupportErrorInfo IMessenger2 yes', 'QI IConnectionPointContainer ok',
      'FindConnectionPoint ok', 'Advise ok', 'AutoSignin ok', 'MyStatus 00000000 2', 'MySigninName ann@contoso.com',
      'put_MyStatus ok', 'event OnMyStatusChange hr=0 status=34', 'QI IMessengerContacts ok', 'Count 5',
      'contact bob@contoso.com Bob Kelly 2', 'contact grace@fabrikam.com Grace Hall 14', 'QI IEnumVARIANT ok',
      'enumerated 5', 'after Reset+Skip fetched 1', 'identity same',
      'Item(99) 80004005 Index 99 exceeds the collection (Count = 5).',
      'QI IMessengerGroups ok', 'groups 2', 'QI IMessengerGroup ok', 'group0 Coworkers', 'QI IMessengerServices ok',
      'QI IMessengerService ok', 'service .NET Messenger Service', 'InstantMessage 00000000', 'event dispid 1041 args 1',
      'QI IMessengerConversationWnd ok', 'QI IMessengerWindow ok', 'Unadvise ok', 'events after Unadvise 0',
      // IObjectSafety: safe for scripting and data; as a web page's host, MySigninName (not for scripts) is E_NOTIMPL.
      'IObjectSafety supported 3', 'untrusted MySigninName 80004001', 'untrusted MyStatus 00000000', 'END',
    ]));
    // Events arrive in the order raised: OnSignin, then the status changes.
    expect(lines.filter((l) => l.startsWith('event')).slice(0, 3)).toEqual(['event dispid 1024 args 1', 'event OnMyStatusChange hr=0 status=2', 'event OnMyStatusChange hr=0 status=34']);
  }, 60_000);

  // The legacy examples Wine's WSH can run unchanged (the others need WScript.ConnectObject, Sleep,
  // Arguments.Named or JScript's obj::Event syntax, which Wine 8's host lacks or stubs).
  it.each(['contacts.js', 'errors.js', 'keep-contact.js'])('%s gives the same output and exit code through the COM server as through imessenger run', async (script) => {
    const file = path.join(ROOT, 'examples', 'legacy-jscript', script);
    const viaCom = await cscript(daemon(), file);
    const viaRun = await new Promise<{ status: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI_BIN, 'run', file, '--seed', SEED], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
      child.on('close', (code) => resolve({ status: code ?? -1, stdout }));
    });
    expect(viaCom.scriptError).toBe(false);
    expect(viaCom.stdout).toBe(viaRun.stdout);
    expect(viaCom.status).toBe(viaRun.status);
    expect(viaCom.stdout.length).toBeGreaterThan(100);
  }, 60_000);

  describe('authentication, from the C side', () => {
    it('a wrong secret: activation fails with E_ACCESSDENIED and the daemon logs the refusal', async () => {
      const real = daemon();
      expect((await run(real, [windowsPath(clientExe), 'leak'])).stdout).toContain('holding yes'); // the daemon is up
      // The same daemon, reached through a serve file whose secret is not the daemon's.
      const wrong = new Daemon();
      fs.copyFileSync(real.file, wrong.file);
      fs.writeFileSync(path.join(wrong.dir, 'serve.secret'), Buffer.alloc(32, 7), { mode: 0o600 });
      const r = await runWine(PREFIX, [windowsPath(clientExe)], { env: { IMESSENGER_SERVE_FILE: windowsPath(wrong.file), IMESSENGER_SERVE_COMMAND: 'none' } });
      expect(r.stdout.trim()).toBe('CoCreateInstance 80070005');
      expect(real.log()).toMatch(/bad answer/);
      expect(real.log()).not.toContain(fs.readFileSync(path.join(real.dir, 'serve.secret')).toString('hex'));
    }, 60_000);

    it('no secret file: E_ACCESSDENIED, nothing sent', async () => {
      const real = daemon();
      await run(real, [windowsPath(clientExe), 'leak']);
      const none = new Daemon();
      fs.copyFileSync(real.file, none.file);
      const r = await runWine(PREFIX, [windowsPath(clientExe)], { env: { IMESSENGER_SERVE_FILE: windowsPath(none.file), IMESSENGER_SERVE_COMMAND: 'none' } });
      expect(r.stdout.trim()).toBe('CoCreateInstance 80070005');
    }, 60_000);

    it('a stranger on the port (it cannot prove the secret): the client sends it no call and fails with E_ACCESSDENIED', async () => {
      const received: Buffer[] = [];
      const impostor: Server = createServer((socket) => {
        const hello = Buffer.alloc(4 + 1 + 4 + 32);
        hello.writeUInt32LE(1 + 4 + 32, 0); hello[4] = 0x01; hello.writeUInt32LE(1, 5);
        socket.write(hello);
        socket.on('data', (d) => {
          received.push(d);
          const welcome = Buffer.alloc(4 + 1 + 32 + 4); // a WELCOME whose server MAC is wrong
          welcome.writeUInt32LE(1 + 32 + 4, 0); welcome[4] = 0x03;
          socket.write(welcome);
        });
      });
      await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
      const fake = new Daemon();
      const port = (impostor.address() as { port: number }).port;
      fs.writeFileSync(fake.file, JSON.stringify({ version: 1, pid: process.pid, host: '127.0.0.1', port }));
      fs.writeFileSync(path.join(fake.dir, 'serve.secret'), Buffer.alloc(32, 1), { mode: 0o600 });
      const r = await runWine(PREFIX, [windowsPath(clientExe)], { env: { IMESSENGER_SERVE_FILE: windowsPath(fake.file), IMESSENGER_SERVE_COMMAND: 'none' } });
      impostor.close();
      expect(r.stdout.trim()).toBe('CoCreateInstance 80070005');
      const sent = Buffer.concat(received);
      expect(sent[4]).toBe(0x02); // AUTH, and nothing after it: no CALL reached the stranger
      expect(sent.length).toBe(4 + sent.readUInt32LE(0));
    }, 60_000);
  });

  describe('lifecycle', () => {
    it('the daemon dies mid-use: that call fails with RPC_S_SERVER_UNAVAILABLE (no hang), the next call restarts it, old objects are disconnected', async () => {
      const d = daemon();
      let output = '';
      const done = runWine(PREFIX, [windowsPath(clientExe), 'lifecycle'], {
        env: d.env, timeoutMs: 60_000,
        onStdout: (s) => {
          output += s;
          if (s.includes('looping')) setTimeout(() => process.kill(d.info().pid, 'SIGKILL'), 200);
        },
      });
      const r = await done;
      expect(output).toMatch(/failed 800706ba The imessenger serve daemon closed the connection/);
      expect(r.stdout).toContain('next call 00000000');
      expect(r.stdout).toContain('old object 80010108');
      // The new daemon's memory backend starts from its seed again (no --state): signed out.
      expect(r.stdout).toContain('root again 00000000 status 1');
    }, 90_000);

    it('a client that exits without releasing: the daemon frees its objects', async () => {
      const d = daemon();
      const r = await run(d, [windowsPath(clientExe), 'leak']);
      expect(r.stdout).toContain('holding yes');
      for (let i = 0; i < 50 && !/closed \([1-9]\d* handles freed\)/.test(d.log()); i++) await new Promise((w) => setTimeout(w, 100));
      expect(d.log()).toMatch(/closed \([1-9]\d* handles freed\)/);
    }, 60_000);

    it('RELEASEs held back to go with the next frame all reach the daemon (docs/protocol.md, Releasing)', async () => {
      const d = daemon();
      const file = path.join(work, 'releases.vbs');
      // Each GetContact after a release makes a new handle, so the daemon's count shows any RELEASE lost;
      // the last ones go out when the script drops its last proxy (no call follows them).
      fs.writeFileSync(file, ['Set m = CreateObject("Messenger.UIAutomation.1")', 'm.AutoSignin', 'For i = 1 To 50',
        '  Set c = m.GetContact("bob@contoso.com", "")', '  Set c = Nothing', 'Next',
        'Set c = m.GetContact("bob@contoso.com", "")', 'Set l = m.MyContacts', 'WScript.Echo "got " & c.SigninName', ''].join('\r\n'));
      const r = await cscript(d, file);
      expect(r.stdout + r.stderr).toContain('got bob@contoso.com');
      for (let i = 0; i < 50 && !/closed \(\d+ handles freed\)/.test(d.log()); i++) await new Promise((w) => setTimeout(w, 100));
      expect(d.log()).toMatch(/closed \(0 handles freed\)/);
    }, 60_000);
  });

  describe('imessenger com register / unregister', () => {
    const cli = (...args: string[]) => {
      try {
        return { status: 0, out: execFileSync(process.execPath, [CLI_BIN, 'com', ...args, '--prefix', PREFIX, '--dll', build.dll], { encoding: 'utf8', stdio: 'pipe' }) };
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        return { status: err.status, out: err.stdout + err.stderr };
      }
    };
    const reg = (...args: string[]) => execFileSync(WINE64, ['reg', ...args], { env: wineEnv(PREFIX), stdio: 'pipe' });
    const OTHER = '{11111111-2222-3333-4444-555555555555}';

    afterAll(() => {
      // Leave the prefix as the other tests expect it.
      try { reg('delete', `HKLM\\Software\\Classes\\CLSID\\${OTHER}`, '/f'); } catch { /* already gone */ }
      installServer(PREFIX, build.dll);
    }, 60_000);

    it('refuses a ProgID another server owns, takes it with --force, and unregister puts the other server back', () => {
      cli('unregister');
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID')).toBeUndefined();
      // Another server (the original Messenger, say) owns Messenger.UIAutomation.1.
      reg('add', 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID', '/ve', '/d', OTHER, '/f');
      reg('add', `HKLM\\Software\\Classes\\CLSID\\${OTHER}\\LocalServer32`, '/ve', '/d', 'C:\\Program Files\\Messenger\\msmsgs.exe', '/f');
      const refused = cli('register', '--seed', SEED);
      expect(refused.status).toBe(1);
      expect(refused.out).toContain('Messenger.UIAutomation.1 is registered to another server (C:\\Program Files\\Messenger\\msmsgs.exe); pass --force');
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID')).toBe(OTHER);

      const forced = cli('register', '--seed', SEED, '--force');
      expect(forced.status).toBe(0);
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID')).toBe('{B69003B3-C55E-4B48-836C-BC5946FC3B28}');
      expect(regQuery(PREFIX, 'HKLM\\Software\\imessenger\\ComServer', 'ServeCommand')).toContain('serve --detach --seed');

      expect(cli('unregister').status).toBe(0);
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID')).toBe(OTHER);
      expect(regQuery(PREFIX, `HKLM\\Software\\Classes\\CLSID\\${OTHER}\\LocalServer32`)).toBe('C:\\Program Files\\Messenger\\msmsgs.exe');
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\CLSID\\{B69003B3-C55E-4B48-836C-BC5946FC3B28}\\InprocServer32')).toBeUndefined();
      expect(regQuery(PREFIX, 'HKLM\\Software\\imessenger\\ComServer', 'ServeCommand')).toBeUndefined();
      reg('delete', 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1', '/f');
    }, 90_000);

    it('--progids registers only the chosen ProgIDs', () => {
      expect(cli('register', '--progids', 'Communicator.UIAutomation').status).toBe(0);
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Communicator.UIAutomation\\CLSID')).toBe('{8885370D-B33E-44B7-875D-28E403CF9270}');
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Messenger.UIAutomation.1\\CLSID')).toBeUndefined();
      expect(cli('unregister').status).toBe(0);
      expect(regQuery(PREFIX, 'HKLM\\Software\\Classes\\Communicator.UIAutomation\\CLSID')).toBeUndefined();
    }, 60_000);
  });

  describe('imessenger com wine', () => {
    it('runs a script by its Linux path against a daemon it starts and stops, and reports a runtime error Wine\'s cscript hides', () => {
      const bad = path.join(work, 'dies.vbs');
      fs.writeFileSync(bad, 'Set m = CreateObject("Messenger.UIAutomation.1")\r\nWScript.Echo "before"\r\nm.NoSuchMember\r\nWScript.Echo "after"\r\n');
      let status = 0;
      let out = '';
      try {
        out = execFileSync(process.execPath, [CLI_BIN, 'com', 'wine', '--prefix', PREFIX, '--dll', build.dll, '--', 'cscript', '//nologo', path.relative(process.cwd(), bad)], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        status = err.status;
        out = err.stdout + err.stderr;
      }
      expect(out).toContain('before');
      expect(out).not.toContain('after');
      expect(out).toContain('the script stopped on an error');
      expect(status).toBe(1);
    }, 60_000);
  });

  it('a prefix whose wineserver has exited: after ensurePrefix, a program whose output is read ends when it ends (CI\'s regsvr32 timeout)', () => {
    execFileSync(WINESERVER, ['-k'], { env: wineEnv(PREFIX), stdio: 'ignore' });
    ensurePrefix(PREFIX);
    // Without the services started by ensurePrefix, this program starts them, they inherit its pipes and
    // hold them until the wineserver exits: execFileSync waits for its timeout (ETIMEDOUT).
    expect(execFileSync(WINE64, ['cmd', '/c', 'echo', 'done'], { env: wineEnv(PREFIX), encoding: 'utf8', stdio: 'pipe', timeout: 30_000 }).trim()).toBe('done');
    installServer(PREFIX, build.dll);
  }, 120_000);
});
