/**
 * The company directory passes the whole conformance kit: everything it can do is checked like any
 * backend, and everything it cannot do is declared here, with the HRESULT core returns for it.
 */
import type { HResultName } from '@imessenger/contract';
import { runMessengerContract } from '@imessenger/contract-tests';
import { companyDirectoryBackend } from '../src';

const declare = (hr: HResultName, members: string[]) => Object.fromEntries(members.map((m) => [m, hr]));
const WINDOW = ['HWND', 'Left', 'Top', 'Width', 'Height', 'Property', 'Show', 'Close', 'IsClosed'].map((m) => `IMessengerWindow.${m}`);

const unsupported = {
  // No groups: the documented answer of CreateGroup, MyGroups and ContactsSortOrder (B273, B291, B270).
  ...declare('MSGR_E_GROUPS_NOT_ENABLED', [
    'IMessenger2.CreateGroup', 'IMessenger2.MyGroups', 'IMessenger2.ContactsSortOrder',
    'IMessengerGroup', 'IMessengerGroup.Name', 'IMessengerGroup.AddContact', 'IMessengerGroup.RemoveContact',
    'IMessengerGroup.Contacts', 'IMessengerGroup.Service',
    'IMessengerGroups', 'IMessengerGroups.Count', 'IMessengerGroups.Item', 'IMessengerGroups.Remove', 'IMessengerGroups._NewEnum',
  ]),
  // No conversations, mail, preferences or user interface.
  ...declare('E_NOTIMPL', [
    'IMessenger.InstantMessage', 'IMessenger2.StartVideo', 'IMessenger.StartVoice', 'IMessenger.Page', 'IMessenger.Phone',
    'IMessenger.SendFile', 'IMessenger.InviteApp',
    'IMessengerConversationWnd', 'IMessengerConversationWnd.Contacts', 'IMessengerConversationWnd.History', 'IMessengerConversationWnd.AddContact',
    'DMessengerEvents.OnIMWindowContactRemoved', 'DMessengerEvents.OnIMWindowContactAdded (remote)', 'DMessengerEvents.OnIMWindowDestroyed (remote)',
    'IMessenger.OpenInbox', 'IMessenger.SendMail', 'IMessenger.UnreadEmailCount', 'IMessenger.ReceiveFileDirectory',
    'IMessenger.ViewProfile', 'IMessenger.OptionsPages', 'IMessenger.MediaWizard', 'IMessenger.FindContact', 'IMessenger.Window',
    ...WINDOW,
  ]),
  // One service, the directory: any other service id is unknown.
  'IMessenger.Services (second service)': 'MSGR_E_INVALID_SERVICE' as HResultName,
};

runMessengerContract('company-directory', (seed) => {
  const backend = companyDirectoryBackend(seed);
  return { backend, otherSide: backend.directory.otherSide() };
}, { unsupported });
