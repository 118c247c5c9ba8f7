'use strict';
/**
 * A Messenger program on the in-memory backend with a state file, in a process of its own (built
 * dist), for locks.test.ts: creates `count` groups, printing "ack <name>" once each CreateGroup has
 * returned (the backend acknowledges a write once it is on disk). A refusal is printed as "refused <message>".
 *
 *   node state-writer.js <stateFile> <tag> <count>
 */
const path = require('node:path');
const root = path.resolve(__dirname, '../../..');
const { createMessenger } = require(path.join(root, 'packages/core/dist'));
const { memoryBackend } = require(path.join(root, 'adapters/memory/dist'));

const [stateFile, tag, count] = process.argv.slice(2);
const seed = { self: { signinName: 'ann@contoso.com' }, contacts: [{ signinName: 'bob@contoso.com' }] };
(async () => {
  let msn;
  try {
    msn = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
  } catch (error) {
    process.stdout.write(`refused ${error.message}\n`);
    process.exitCode = 3;
    return;
  }
  try { await msn.AutoSignin(); } catch (error) { if (error.code !== 'MSGR_E_ALREADY_LOGGED_ON') throw error; }
  const service = await msn.get_MyServiceId();
  for (let i = 0; i < Number(count); i++) {
    const name = `${tag} ${i}`;
    await msn.CreateGroup(name, service);
    process.stdout.write(`ack ${name}\n`);
  }
})().catch((error) => { process.stderr.write(`${error.stack}\n`); process.exitCode = 1; });
