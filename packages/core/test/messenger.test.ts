/**
 * What the Messenger object hands to the backend and the edges the memory backend cannot show: the
 * arguments FindContact, ViewProfile, SendMail, OptionsPages and MediaWizard pass to the shell and
 * mail ports (the memory backend's are silent), a sign-in or name read that fails with something
 * other than a MessengerError, a backend without a contact list or groups, the Property defaults,
 * and a service id in another case (the memory backend's ports, some replaced: rig.ts).
 */
import {
  type BackendPorts, HR, hresultName, MCONTACTPROPERTY, MISTATUS, MMESSENGERPROPERTY, MOPTIONPAGE, MUASORT, messengerError,
} from '@imessenger/contract';
import { override, wrappedMessenger } from './rig';

const ANN = 'ann@contoso.com';
const seed = {
  signedIn: true,
  self: { signinName: ANN, password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_ONLINE, email: 'bob.kelly@contoso.com' }],
  directory: [{ signinName: 'erin@contoso.com', status: MISTATUS.MISTATUS_ONLINE }],
};
const hr = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => 'S_OK', (e: { hresult: number }) => hresultName(e.hresult));

describe('the Messenger object: what reaches the backend', () => {
  test('FindContact, ViewProfile, SendMail, OptionsPages and MediaWizard hand the backend what the caller gave', async () => {
    const calls: unknown[][] = [];
    const record = (name: string) => async (...args: unknown[]) => { calls.push([name, ...args]); };
    const { msn } = wrappedMessenger(seed, (ports) => ({
      shell: override(ports.shell!, { findContact: record('findContact'), viewProfile: record('viewProfile'), optionsPages: record('optionsPages'), mediaWizard: record('mediaWizard') }),
      mail: override(ports.mail!, { compose: record('compose') }),
    }));
    await msn.FindContact(0, 'Erin', 'Moss', 'Redmond', 'WA', 'US');
    await msn.FindContact(0, '', '', undefined, null as unknown as string, '');
    await msn.ViewProfile('erin@contoso.com');
    await msn.SendMail('bob@contoso.com');
    await msn.SendMail('erin@contoso.com');
    await msn.OptionsPages(0, MOPTIONPAGE.MOPT_PRIVACY_PAGE);
    await msn.MediaWizard(0);
    // B003: AddContact with no name opens the Add a Contact wizard (the client's contact search).
    await msn.AddContact(0, '');
    expect(calls).toEqual([
      ['findContact', { firstName: 'Erin', lastName: 'Moss', city: 'Redmond', state: 'WA', country: 'US' }],
      ['findContact', { firstName: '', lastName: '', city: undefined, state: undefined, country: undefined }],
      ['viewProfile', 'erin@contoso.com'],
      ['compose', 'bob.kelly@contoso.com'],
      ['compose', 'erin@contoso.com'],
      ['optionsPages', MOPTIONPAGE.MOPT_PRIVACY_PAGE],
      ['mediaWizard'],
      ['findContact', { firstName: '', lastName: '' }],
    ]);
    expect(await hr(msn.FindContact(0, 'Erin', 'Moss', undefined, undefined, 'Espa\u00f1a'))).toBe('E_INVALIDARG');
    expect(await hr(msn.FindContact(0, 'Erin', 'Moss', undefined, undefined, '~'))).toBe('S_OK');
  });

  test('a sign-in that fails with no HRESULT: OnSignin(E_FAIL) and the call\'s E_FAIL', async () => {
    const { msn, events } = wrappedMessenger({ ...seed, signedIn: false }, (ports) => ({
      session: override(ports.session, { signin: () => Promise.reject(new Error('The socket closed.')) }),
    }));
    expect(await hr(msn.Signin(0, ANN, 'pw'))).toBe('E_FAIL');
    expect(events).toEqual([['OnSignin', [HR.E_FAIL]]]);
  });

  test('B111 B112: MyFriendlyName is empty signed out, and E_FAIL when the local user is disconnected', async () => {
    const { msn } = wrappedMessenger(seed, (ports) => ({
      session: override(ports.session, { self: () => Promise.reject(messengerError('MSGR_E_DISCONNECTED', undefined, 'Lost.')) }),
    }));
    expect(await hr(msn.get_MyFriendlyName())).toBe('E_FAIL');
    const offline = wrappedMessenger({ ...seed, signedIn: false }).msn;
    expect(await offline.get_MyFriendlyName()).toBe('');
  });

  test('a backend without a contact list: MyContacts is empty; ContactsSortOrder needs the groups capability', async () => {
    const { msn } = wrappedMessenger(seed, () => ({ directory: undefined, groups: undefined } as Partial<BackendPorts>));
    expect(await (await msn.get_MyContacts()).get_Count()).toBe(0);
    expect(await hr(msn.get_ContactsSortOrder())).toBe('MSGR_E_GROUPS_NOT_ENABLED');
    expect(await hr(msn.put_ContactsSortOrder(MUASORT.MUASORT_GROUPS))).toBe('MSGR_E_GROUPS_NOT_ENABLED');
  });

  test('IMessenger3.Property: version 5.1.0701 and LCID 1033 unless the options say otherwise', async () => {
    const plain = wrappedMessenger(seed).msn;
    expect([await plain.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), await plain.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID)]).toEqual(['5.1.0701', 1033]);
    const set = wrappedMessenger(seed, undefined, undefined, { version: '4.7.3001', lcid: 1031 }).msn;
    expect([await set.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), await set.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID)]).toEqual(['4.7.3001', 1031]);
  });

  test('GetContact: a service id in another case is the same service; the self contact is not blocked, cannot be paged, and its e-mail is its sign-in name', async () => {
    const { msn } = wrappedMessenger(seed);
    const id = await msn.get_MyServiceId();
    const other = id === id.toLowerCase() ? id.toUpperCase() : id.toLowerCase();
    expect(other).not.toBe(id);
    const bob = await msn.GetContact('bob@contoso.com', other);
    expect(await bob.get_SigninName()).toBe('bob@contoso.com');
    const self = await msn.GetContact(ANN, id);
    expect([await self.get_Blocked(), await self.get_CanPage(), await self.get_Property(MCONTACTPROPERTY.MCONTACTPROP_EMAIL)]).toEqual([false, false, ANN]);
  });
});
