import { MISTATUS, type PresencePort, TOKENS } from '@imessenger/contract';
import { createMessenger, type Messenger } from '@imessenger/core';
import { createContainer } from '@imessenger/core/container';
import { memoryBackend } from '@imessenger/adapter-memory';

const seed = { signedIn: true, self: { signinName: 'ann@contoso.com' }, contacts: [{ signinName: 'bob@contoso.com', status: 2 }] };

describe('createMessenger / createContainer', () => {
  test('createMessenger gives a Messenger on the backend, one per container', () => {
    const container = createContainer({ backend: memoryBackend({ seed }) });
    const msn = container.get<Messenger>(TOKENS.Messenger);
    expect(msn.backend).toBe('memory');
    expect(container.get<Messenger>(TOKENS.Messenger)).toBe(msn);
  });

  test('a port can be rebound before the first get (here: presence writes go to a spy)', async () => {
    const calls: number[] = [];
    const container = createContainer({ backend: memoryBackend({ seed }) });
    container.rebind<PresencePort>(TOKENS.PresencePort).toConstantValue({
      async setMyStatus(status) { calls.push(status); },
      async statuses() { return new Map(); },
    });
    const msn = container.get<Messenger>(TOKENS.Messenger);
    await msn.put_MyStatus(MISTATUS.MISTATUS_BUSY);
    expect(calls).toEqual([MISTATUS.MISTATUS_BUSY]);
  });

  test('an unbound capability becomes its documented HRESULT (groups -> MSGR_E_GROUPS_NOT_ENABLED)', async () => {
    const container = createContainer({ backend: memoryBackend({ seed }) });
    container.unbind(TOKENS.GroupsPort);
    const msn = container.get<Messenger>(TOKENS.Messenger);
    await expect(msn.CreateGroup('Team', '')).rejects.toMatchObject({ code: 'E_INVALIDARG' }); // arguments first
    await expect(msn.CreateGroup('Team', await msn.get_MyServiceId())).rejects.toMatchObject({ code: 'MSGR_E_GROUPS_NOT_ENABLED', member: 'IMessenger2.CreateGroup' });
    await expect(msn.get_MyGroups()).rejects.toMatchObject({ code: 'MSGR_E_GROUPS_NOT_ENABLED' });
    await expect(msn.get_ContactsSortOrder()).rejects.toMatchObject({ code: 'MSGR_E_GROUPS_NOT_ENABLED' });
  });

  test('other missing capabilities become E_NOTIMPL, never a silent success', async () => {
    const container = createContainer({ backend: memoryBackend({ seed }) });
    container.unbind(TOKENS.MailPort);
    container.unbind(TOKENS.ShellPort);
    const msn = container.get<Messenger>(TOKENS.Messenger);
    await expect(msn.OpenInbox()).rejects.toMatchObject({ code: 'E_NOTIMPL', member: 'IMessenger.OpenInbox' });
    await expect(msn.ViewProfile('bob@contoso.com')).rejects.toMatchObject({ code: 'E_NOTIMPL' });
  });

  test('a backend without a session port is refused with a clear message', () => {
    const container = createContainer({ backend: memoryBackend({ seed }) });
    container.unbind(TOKENS.SessionPort);
    expect(() => container.get(TOKENS.Messenger)).toThrow('The backend binds no SessionPort');
  });

  test('createMessenger without a backend definition explains what to pass', () => {
    expect(() => createMessenger({} as never)).toThrow('`backend` must be a backend definition, e.g. memoryBackend({ seed })');
  });

  test('a backend error that is not a MessengerError becomes E_FAIL naming the member, with the cause kept', async () => {
    const container = createContainer({ backend: memoryBackend({ seed }) });
    const cause = new Error('socket hang up');
    container.rebind<PresencePort>(TOKENS.PresencePort).toConstantValue({
      async setMyStatus() { throw cause; },
      async statuses() { return new Map(); },
    });
    const msn = container.get<Messenger>(TOKENS.Messenger);
    await expect(msn.put_MyStatus(MISTATUS.MISTATUS_AWAY)).rejects.toMatchObject({
      code: 'E_FAIL', member: 'IMessenger.MyStatus', cause, description: 'The backend failed: socket hang up',
    });
  });

  test('a listener that throws does not break the call that raised the event', async () => {
    const errors: unknown[] = [];
    const msn = createMessenger({ backend: memoryBackend({ seed }), onListenerError: (e) => errors.push(e) });
    msn.on('OnMyStatusChange', () => { throw new Error('listener bug'); });
    await msn.put_MyStatus(MISTATUS.MISTATUS_AWAY);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_AWAY);
    expect(errors).toHaveLength(1);
  });
});
