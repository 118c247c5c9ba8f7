/**
 * `imessenger com`: its command line (help, usage errors, backend options validated as serve's).
 * Registration and `com wine` themselves run under Wine in packages/com-server/test/wine.test.ts.
 */
import { main } from '../src/main';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env: {} });
  return { code, out, err };
}

describe('imessenger com', () => {
  it.each([['com', '--help'], ['help', 'com']])('%s %s prints its usage', async (...argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(0);
    expect(r.out).toContain('imessenger com register [backend options] [--progids <list>] [--per-user] [--force]');
    expect(r.out).toContain('imessenger com wine [backend options] [--prefix <dir>] -- <windows command line...>');
    expect(r.out).toContain('--force');
  });

  it('is listed by imessenger --help', async () => {
    expect((await cli('--help')).out).toContain('com register|unregister|wine');
  });

  it.each([
    [['com'], 'missing subcommand: register, unregister or wine'],
    [['com', 'install'], 'unknown subcommand "install" (register, unregister, wine)'],
    [['com', 'register', '--backend', 'fax'], '--backend'],
    [['com', 'register', '--progids', 'Messenger.Automation'], '--progids: unknown ProgID Messenger.Automation'],
    [['com', 'wine'], 'missing the Windows command line'],
    [['com', 'register', '--', 'x'], '"com register" takes no "--" arguments'],
  ])('%j is a usage error (exit 2) that says what is wrong', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Run "imessenger com --help" for usage.');
  });
});
