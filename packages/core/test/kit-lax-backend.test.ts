/**
 * The conformance kit on a backend double that checks nothing core checks: the in-memory backend
 * behind thin wrapper ports that (1) accept any AddContact (the memory backend refuses a name it does
 * not know or one already listed, so core's own checks of B594/B595 would go unnoticed if they were
 * lost), and (2) list the services with the second, non-primary one first (so "the first service"
 * cannot pass for "the primary service"). Every kit rule must still hold: core alone makes it so.
 */
import { type BackendDefinition, type ContactRecord, type DirectoryPort, MISTATUS, type SessionPort } from '@imessenger/contract';
import { runMessengerContract } from '@imessenger/contract-tests';
import { memoryBackend } from '@imessenger/adapter-memory';

/** A service that takes any name: what it does not know it adds as it is, what is listed it adds again. */
function laxDirectory(directory: DirectoryPort): DirectoryPort {
  return Object.assign(Object.create(directory) as DirectoryPort, {
    async addContact(signinName: string): Promise<ContactRecord> {
      const known = await directory.lookup(signinName);
      if (!known) {
        return { signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_OFFLINE, blocked: false, canPage: false, phones: {}, serviceId: '' };
      }
      const listed = await directory.listContacts();
      return listed.find((c) => c.signinName.toLowerCase() === signinName.toLowerCase()) ?? directory.addContact(signinName);
    },
  });
}

/** The services in the reverse order: the non-primary one first. */
function reversedServices(session: SessionPort): SessionPort {
  return Object.assign(Object.create(session) as SessionPort, {
    async services() { return [...(await session.services())].reverse(); },
  });
}

function lax(backend: BackendDefinition): BackendDefinition {
  const { ports } = backend;
  return {
    name: `${backend.name} (lax)`,
    ports: { ...ports, session: reversedServices(ports.session), ...(ports.directory ? { directory: laxDirectory(ports.directory) } : {}) },
    ...(backend.info ? { info: backend.info } : {}),
  };
}

runMessengerContract('memory behind lax ports', (seed) => {
  const b = memoryBackend({ seed });
  return { backend: lax(b), otherSide: b.otherSide };
});
