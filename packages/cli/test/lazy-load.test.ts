/**
 * Start-up: `imessenger run` and `--help` never load @imessenger/migration (it brings the Graph
 * client and MSAL); `imessenger migrate …` loads it when asked. bench/startup.js measures the time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(30_000);

let migrationLoads = 0;
jest.mock('@imessenger/migration', () => {
  migrationLoads++;
  return jest.requireActual('@imessenger/migration');
});

import { main } from '../src/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-lazy-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const io = (sink: string[]) => ({ stdout: (t: string) => { sink.push(t); }, stderr: (t: string) => { sink.push(t); }, cwd: dir, env: {} });

it('runs a script and prints help without loading the migration package', async () => {
  const file = path.join(dir, 'two-lines.js');
  fs.writeFileSync(file, 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nWScript.Echo(msn.MyStatus);\n');
  const out: string[] = [];
  expect(await main(['run', file, '--backend', 'memory'], io(out))).toBe(0);
  expect(out.join('')).toBe('1\n');
  expect(await main(['--help'], io([]))).toBe(0);
  expect(migrationLoads).toBe(0);
});

it('loads the migration package for `migrate`', async () => {
  const out: string[] = [];
  await main(['migrate', 'routes', '--help'], io(out));
  expect(migrationLoads).toBe(1);
});
