import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphAuthError, TokenCacheFile, type TokenCacheAccess } from '../src/auth';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-cache-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

/** A stand-in for MSAL's TokenCacheContext (TokenCacheAccess is the adapter's structural copy of it). */
function context(serialized: string, changed: boolean): { ctx: TokenCacheAccess; loaded: string[] } {
  const loaded: string[] = [];
  const tokenCache = { serialize: () => serialized, deserialize: (s: string) => { loaded.push(s); } };
  return { ctx: { cacheHasChanged: changed, tokenCache }, loaded };
}
const mode = async (f: string): Promise<number> => (await fs.stat(f)).mode & 0o777;

test('a missing file is an empty cache (and resets what MSAL holds)', async () => {
  const plugin = new TokenCacheFile(path.join(dir, 'none.json'));
  const { ctx, loaded } = context('', false);
  await plugin.beforeCacheAccess(ctx);
  expect(loaded).toEqual(['{}']);
  await expect(plugin.read()).resolves.toBeUndefined();
});

test('written only on change, via temp + rename, mode 0600 even over a 0644 file', async () => {
  const file = path.join(dir, 'cache.json');
  await fs.writeFile(file, '{"Account":{}}', { mode: 0o644 });
  await fs.chmod(file, 0o644);
  const plugin = new TokenCacheFile(file);
  await plugin.afterCacheAccess(context('{"x":1}', false).ctx);
  expect(await fs.readFile(file, 'utf8')).toBe('{"Account":{}}');
  await plugin.afterCacheAccess(context('{"x":2}', true).ctx);
  expect(await fs.readFile(file, 'utf8')).toBe('{"x":2}');
  expect(await mode(file)).toBe(0o600);
  expect(await fs.readdir(dir)).toEqual(['cache.json']);
});

test('a 0644 file is narrowed to 0600 when read', async () => {
  const file = path.join(dir, 'cache.json');
  await fs.writeFile(file, '{}');
  await fs.chmod(file, 0o644);
  const { ctx, loaded } = context('', false);
  await new TokenCacheFile(file).beforeCacheAccess(ctx);
  expect(loaded).toEqual(['{}']);
  expect(await mode(file)).toBe(0o600);
});

test.each(['not json at all: SECRET-CONTENT', '[1,2]', 'null', '"SECRET-CONTENT"'])('corrupt file %j: error names the path only', async (content) => {
  const file = path.join(dir, 'cache.json');
  await fs.writeFile(file, content, { mode: 0o600 });
  const e = await new TokenCacheFile(file).beforeCacheAccess(context('', false).ctx).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(GraphAuthError);
  expect((e as GraphAuthError).message).toContain(file);
  expect(JSON.stringify(e) + String((e as Error).stack)).not.toContain('SECRET-CONTENT');
});

test('a write that fails leaves no temp file and names the path', async () => {
  const file = path.join(dir, 'cache.json');
  await fs.mkdir(file); // a directory where the file should be: rename fails
  const e = await new TokenCacheFile(file).write('{}').catch((err: unknown) => err);
  expect(e).toBeInstanceOf(GraphAuthError);
  expect((e as Error).message).toContain(file);
  expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
