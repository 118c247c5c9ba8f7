'use strict';
/**
 * A dual-write enqueuer in a process of its own (built dist), for locks.test.ts: appends `count`
 * entries to the queue file and prints "ack <id>" once each is acknowledged (enqueue resolved: on
 * disk, fsync'd).
 *
 *   node queue-writer.js <queueFile> <tag> <count>
 */
const path = require('node:path');
const { fileWriteQueue } = require(path.resolve(__dirname, '../../../packages/migration/dist/dual-write.js'));

const [file, tag, count] = process.argv.slice(2);
const queue = fileWriteQueue(file);
(async () => {
  for (let i = 0; i < Number(count); i++) {
    const id = `${tag}-${i}`;
    await queue.enqueue({
      id, time: new Date().toISOString(), user: 'ann@contoso.com', target: 'new',
      write: { capability: 'preferences', member: 'setSortOrder', order: i % 2 }, error: { $error: 'E_FAIL' }, attempts: 1,
    });
    process.stdout.write(`ack ${id}\n`);
  }
})().catch((error) => { process.stderr.write(`${error.stack}\n`); process.exitCode = 1; });
