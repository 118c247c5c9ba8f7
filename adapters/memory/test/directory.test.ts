import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DirectoryPort } from '@imessenger/contract';
import { memoryBackend, type MemoryBackendOptions, type PersistenceFs } from '@imessenger/adapter-memory';

const seed = {
  signedIn: true,
  self: { signinName: 'ann@contoso.com' },
  contacts: [{ signinName: 'Bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 }, { signinName: 'carol@contoso.com' }],
  directory: [{ signinName: 'erin@contoso.com' }],
};

function directoryOf(options: MemoryBackendOptions = {}) {
  const backend = memoryBackend({ seed, ...options });
  return { backend, directory: backend.ports.directory };
}

/** listedContacts must agree with listContacts, name by name. */
async function expectAgreement(directory: DirectoryPort, names: readonly string[]): Promise<void> {
  const listed = new Map((await directory.listContacts()).map((r) => [r.signinName.toLowerCase(), r]));
  expect(await directory.listedContacts!(names)).toEqual(names.map((n) => listed.get(n.toLowerCase()) ?? null));
}

const NAMES = ['bob@contoso.com', 'BOB@CONTOSO.COM', 'carol@contoso.com', 'erin@contoso.com', 'ann@contoso.com', 'nobody@contoso.com'];

describe('DirectoryPort.listedContacts (memory)', () => {
  test('answers, in order, the list entry of each name (case ignored) and null for strangers, self and unknown users', async () => {
    const { directory } = directoryOf();
    const [bob, bobAgain, carol, erin, ann, nobody] = await directory.listedContacts!(NAMES);
    expect(bob).toMatchObject({ signinName: 'Bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 });
    expect(bobAgain).toEqual(bob);
    expect(carol).toMatchObject({ signinName: 'carol@contoso.com' });
    expect([erin, ann, nobody]).toEqual([null, null, null]);
    await expectAgreement(directory, NAMES);
  });

  test('stays in agreement with listContacts through adds and removes', async () => {
    const { directory } = directoryOf();
    await directory.addContact('erin@contoso.com');
    await expectAgreement(directory, NAMES);
    await directory.removeContact('BOB@contoso.com');
    await expectAgreement(directory, NAMES);
    await directory.addContact('bob@contoso.com');
    await directory.removeContact('carol@contoso.com');
    await expectAgreement(directory, NAMES);
  });

  test('follows the list when it is changed directly (tests, another writer) and when a failed write is undone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-directory-'));
    try {
      let failRename = false;
      const io: PersistenceFs = {
        ...fs,
        renameSync: (from: string, to: string) => { if (failRename) throw new Error('disk full'); fs.renameSync(from, to); },
      } as PersistenceFs;
      const { backend, directory } = directoryOf({ stateFile: path.join(dir, 'state.json'), fs: io });
      await directory.listedContacts!(NAMES); // the set is built
      backend.store.state.contactList.push('erin@contoso.com');
      await expectAgreement(directory, NAMES);
      backend.store.state.contactList = ['carol@contoso.com'];
      await expectAgreement(directory, NAMES);
      failRename = true;
      await expect(directory.addContact('bob@contoso.com')).rejects.toThrow('disk full');
      await expect(directory.removeContact('carol@contoso.com')).rejects.toThrow('disk full');
      await expectAgreement(directory, NAMES);
      expect(await directory.listedContacts!(['bob@contoso.com', 'carol@contoso.com'])).toEqual([null, expect.objectContaining({ signinName: 'carol@contoso.com' })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an injected fault fails the call once', async () => {
    const { backend, directory } = directoryOf();
    backend.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    await expect(directory.listedContacts!(['bob@contoso.com'])).rejects.toMatchObject({ code: 'MSGR_E_SERVER_TOO_BUSY' });
    expect(await directory.listedContacts!(['bob@contoso.com'])).toHaveLength(1);
  });
});
