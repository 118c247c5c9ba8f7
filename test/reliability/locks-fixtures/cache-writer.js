'use strict';
/**
 * MSAL's read-modify-write of a token cache file, in a process of its own (the Graph adapter's
 * built TokenCacheFile plugin with a stand-in for MSAL's cache), for locks.test.ts: `count` times,
 * beforeCacheAccess (read), add one entry, afterCacheAccess (write); prints "ack <key>" after each.
 *
 *   node cache-writer.js <cacheFile> <tag> <count>
 */
const path = require('node:path');
const { TokenCacheFile } = require(path.resolve(__dirname, '../../../adapters/graph/dist/auth/token-cache-file.js'));

const [file, tag, count] = process.argv.slice(2);
const plugin = new TokenCacheFile(file);
(async () => {
  for (let i = 0; i < Number(count); i++) {
    let cache = {};
    const key = `${tag}-${i}`;
    const context = {
      cacheHasChanged: true,
      tokenCache: { deserialize: (text) => { cache = JSON.parse(text); }, serialize: () => JSON.stringify(cache) },
    };
    await plugin.beforeCacheAccess(context);
    cache.AccessToken = { ...(cache.AccessToken || {}), [key]: { secret: 'x' } };
    await plugin.afterCacheAccess(context);
    process.stdout.write(`ack ${key}\n`);
  }
})().catch((error) => { process.stderr.write(`${error.stack}\n`); process.exitCode = 1; });
