'use strict';
/**
 * A dual-write retry pass after another, in a process of its own (built dist), for locks.test.ts:
 * applies the queued writes to an in-memory backend (they all succeed) and prints "applied <id>" for
 * each write a pass applied and settled. Stops once <stopFile> exists and a pass found nothing.
 *
 *   node queue-retrier.js <queueFile> <stopFile>
 */
const fs = require('node:fs');
const path = require('node:path');
const dist = path.resolve(__dirname, '../../../packages/migration/dist');
const { fileWriteQueue, retryQueue } = require(path.join(dist, 'dual-write.js'));
const { portsOf } = require(path.join(dist, 'routing.js'));
const { memoryBackend } = require(path.resolve(__dirname, '../../../adapters/memory/dist'));

const [file, stopFile] = process.argv.slice(2);
const queue = fileWriteQueue(file);
const { ports } = portsOf(memoryBackend({ seed: { self: { signinName: 'ann@contoso.com' } } }));
(async () => {
  for (;;) {
    const stopping = fs.existsSync(stopFile);
    const report = await retryQueue(queue, () => ports);
    for (const entry of report.applied) process.stdout.write(`applied ${entry.id}\n`);
    if (report.attempted > 0) process.stdout.write(`pass ${report.attempted}\n`);
    if (stopping && report.attempted === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
})().catch((error) => { process.stderr.write(`${error.stack}\n`); process.exitCode = 1; });
