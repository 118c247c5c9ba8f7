/**
 * The conformance kit through `imessenger serve`'s wire protocol: the "COM server" column of the
 * compatibility matrix. Each test gets a daemon on the kit's seed (memory backend) and drives it as
 * the COM server does: a real loopback TCP connection, mutual authentication, every member a CALL
 * by DISPID resolved from the type-library table, objects as handles, events pushed after ADVISE,
 * IEnumVARIANT as enumerator handles. The other side's test hooks go over the wire too (HOOK), so
 * their events arrive in order before their result. The native layer itself (vtables, IDispatch,
 * connection points, real hosts) is covered by the Wine tests of packages/com-server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMessengerContract } from '@imessenger/contract-tests';
import type { Messenger } from '@imessenger/core';
import { RemoteSession, ServeClient, startDaemon } from '@imessenger/server';

runMessengerContract('COM server', async (seed) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-kit-serve-'));
  const serveFile = path.join(dir, 'serve.json');
  const daemon = await startDaemon({ backend: { kind: 'memory', seed }, serveFile, testHooks: true, log: () => undefined });
  const session = await RemoteSession.open(() => ServeClient.connect({ serveFile }));
  return {
    messenger: session.messenger as unknown as Messenger,
    otherSide: session.otherSide(),
    dispose: async () => {
      await daemon.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
