/**
 * The Messenger object (IMessenger, IMessenger2, IMessenger3) as winax sees it. Each member mirrors
 * core's Messenger (packages/core/src/messenger.ts) synchronously: arguments first (the shared
 * `rules`), then the signed-out rule its page documents, then the change, then its events. Rule ids
 * (B…) refer to docs/BEHAVIOUR.md, A.. to its ambiguities as resolved in docs/decisions.md.
 */
import {
  type ConversationKind, HR, type HResultName, MISTATUS, MMESSENGERPROPERTY, MUAFOLDER, messengerError,
} from '@imessenger/contract';
import { rules } from '@imessenger/core';
import type { AutomationObject } from '../dispatch';
import { automationObject } from './automation';
import { contactsCollection, groupsCollection, servicesCollection } from './collections';
import {
  Contact, Group, MainWindow, Service, closeAllWindows, contactByName, contactFor, contactName, groupFor,
  openWindowWith, serviceFor, windowFor,
} from './objects';
import type { Session } from './session';
import { phoneOf } from './state';

/** What IMessenger3.Property reports (as core's defaults): Windows Messenger 5.1, English (US). */
const VERSION = '5.1.0701';
const LCID = 1033;

/** Statuses a user can choose for themselves (put_MyStatus, A26): not UNKNOWN, not the LOCAL_* states. */
const SETTABLE_STATUSES = new Set<number>(Object.values(MISTATUS).filter((s) => s !== MISTATUS.MISTATUS_UNKNOWN && s < 0x100));

/** The extra rules of one conversation member (see `converse`). */
interface ConverseOptions {
  /** Checks of the member's other arguments, after vContact's. */
  readonly check?: () => void;
  /** A rule about the contact, once it is known (Page: CanPage; Phone: a number to call). */
  readonly precondition?: (contact: Contact) => void;
  /** What the window's History records (a file, a number, an application id). */
  readonly detail?: () => string | undefined;
  /** The page's HRESULT for "not signed in", when it is not MSGR_E_NOT_LOGGED_ON. */
  readonly signedOutHr?: HResultName;
}

export function messengerObject(session: Session): AutomationObject {
  const { state } = session;
  const self = () => state.data.self;
  const S_OK = HR.S_OK;

  // ---- sign-in -----------------------------------------------------------------------------------

  const signin = (member: string, signinName: string, password: string): void => {
    if (state.signedIn) throw messengerError('MSGR_E_ALREADY_LOGGED_ON', member, 'The current user is already signed in.');
    // B697: an unknown account is reported like a wrong password; the result always reaches OnSignin.
    const me = self();
    const known = !signinName || state.isSelf(signinName);
    if (!known || (signinName && me.password !== undefined && password !== me.password)) {
      session.fire('OnSignin', session.hr('MSGR_E_INVALID_PASSWORD'));
      throw messengerError('MSGR_E_INVALID_PASSWORD', member, 'The sign-in name or password is not correct.');
    }
    state.data.signedIn = true;
    if (me.status === MISTATUS.MISTATUS_OFFLINE) me.status = MISTATUS.MISTATUS_ONLINE;
    session.fire('OnSignin', S_OK);
    // B680: sign-in is complete when OnMyStatusChange reports the status the client is now in.
    session.fire('OnMyStatusChange', S_OK, me.status as MISTATUS);
  };
  /** A sign-in the server fails (an injected fault) reports its hr in OnSignin too (B028, B698). */
  const signinFailed = (hr: number): void => session.fire('OnSignin', hr | 0);

  const signout = (): void => {
    session.requireSignedIn('IMessenger.Signout');
    state.data.signedIn = false;
    closeAllWindows(session); // B076: every conversation window closes (OnIMWindowDestroyed each)
    // B233: then OnMyStatusChange(MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER), then OnSignout.
    session.fire('OnMyStatusChange', S_OK, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER);
    session.fire('OnSignout');
  };

  // ---- contacts and groups -----------------------------------------------------------------------

  /** The contact list. Signed out: S_OK and an empty collection (the MyContacts page). */
  const myContacts = (): AutomationObject => {
    const remove = (item: AutomationObject, member: string): void => {
      session.requireSignedIn(member);
      const contact = session.owners.get(item);
      if (!(contact instanceof Contact) || !state.inList(contact.record.signinName)) {
        throw messengerError('MSGR_E_USER_NOT_FOUND', member, 'The contact is not in the contact list.');
      }
      const key = contact.record.signinName.toLowerCase();
      state.data.contactList = state.data.contactList.filter((k) => k !== key);
      contact.listed = false; // B611: the object stays valid, but gets no further status updates.
      session.fire('OnContactListRemove', S_OK, contact.object);
    };
    if (!state.signedIn) return contactsCollection(session, [], remove);
    return contactsCollection(session, state.listed().map((u) => contactFor(session, state.record(u), true).object), remove);
  };

  /** An empty service id means the primary service; an unknown one -> MSGR_E_INVALID_SERVICE. */
  const requireService = (serviceId: string, member: string): void => {
    if (serviceId !== '' && !state.service(serviceId)) throw messengerError('MSGR_E_INVALID_SERVICE', member, `No service with id "${serviceId}".`);
  };

  const getContact = (signinName: unknown, serviceId: unknown): AutomationObject => {
    const member = 'IMessenger.GetContact';
    const name = rules.checkSigninName(signinName, member);
    const service = serviceId === '' ? '' : rules.checkServiceId(serviceId, member);
    session.requireSignedIn(member);
    requireService(service, member);
    // A15: someone outside the list still gets a contact object (status unknown until added).
    if (state.isSelf(name)) return contactFor(session, state.selfRecord()).object;
    return contactByName(session, name).object;
  };

  const addContact = (hwndParent: unknown, email: unknown): void => {
    const member = 'IMessenger.AddContact';
    rules.checkHwnd(hwndParent, member);
    const name = rules.checkSigninName(email, member, 'bstrEMail', 'E_INVALIDARG');
    session.requireSignedIn(member);
    if (state.inList(name)) throw messengerError('MSGR_E_ALREADY_IN_LIST', member, `"${name}" is already in the contact list.`);
    const user = state.user(name);
    if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
    state.data.contactList.push(name.toLowerCase());
    session.fire('OnContactListAdd', S_OK, contactFor(session, state.record(user), true).object); // B016
  };

  const createGroup = (groupName: unknown, vService: unknown): AutomationObject => {
    const member = 'IMessenger2.CreateGroup';
    const name = rules.checkGroupName(groupName, member);
    const owner = typeof vService === 'object' && vService !== null ? session.owners.get(vService as AutomationObject) : undefined;
    const serviceArg = owner instanceof Service ? owner.record.id : rules.checkServiceArg(vService, member);
    if (typeof serviceArg !== 'string') throw messengerError('E_INVALIDARG', member, 'vService is not a MessengerService of this client.');
    session.requireSignedIn(member);
    requireService(serviceArg, member);
    // B286, B640, A04: an existing name (ignoring case) gives the existing group, and OnGroupAdded
    // reports MSGR_E_GROUP_ALREADY_EXISTS.
    const existing = state.groupNamed(name);
    if (existing) {
      const group = groupFor(session, existing);
      session.fire('OnGroupAdded', session.hr('MSGR_E_GROUP_ALREADY_EXISTS'), group.object);
      return group.object;
    }
    const group = groupFor(session, state.createGroup(name, serviceArg));
    session.fire('OnGroupAdded', S_OK, group.object);
    return group.object;
  };

  /** MyGroups. Signed out: S_OK and an empty collection. */
  const myGroups = (): AutomationObject => {
    const remove = (item: AutomationObject): void => {
      const group = session.owners.get(item);
      if (!(group instanceof Group) || !state.hasGroup(group.group)) {
        throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', 'IMessengerGroups.Remove', 'The group no longer exists.');
      }
      state.removeGroup(group.group);
      group.removed = true;
      session.fire('OnGroupRemoved', S_OK, group.object);
    };
    const groups = state.signedIn ? state.data.groups.map((g) => groupFor(session, g).object) : [];
    return groupsCollection(session, groups, remove);
  };

  // ---- conversations -----------------------------------------------------------------------------

  /**
   * What every member that opens a conversation with one contact shares: the vContact rules, the
   * member's own checks, signed in, not the local user (E_FAIL), and one window per contact: an open
   * window with the contact is returned (turned into the asked kind), OnIMWindowCreated only for a
   * new one.
   */
  const converse = (member: string, kind: ConversationKind, vContact: unknown, options: ConverseOptions = {}): AutomationObject => {
    const name = contactName(session, vContact, member);
    options.check?.();
    session.requireSignedIn(member, options.signedOutHr);
    if (state.isSelf(name)) throw messengerError('E_FAIL', member, 'Called against the local client user.');
    const contact = contactByName(session, name);
    options.precondition?.(contact);
    const open = openWindowWith(session, name);
    // B178: the same window, showing the number (file, application) of the most recent call.
    const detail = options.detail?.();
    if (open && open.conversation.kind === kind && detail === undefined) return open.object;
    const window = windowFor(session, state.openConversation(kind, contact.record.signinName, open?.conversation, detail));
    if (!open) session.fire('OnIMWindowCreated', window.object);
    return window.object;
  };

  const page = (vContact: unknown): AutomationObject => converse('IMessenger.Page', 'page', vContact, {
    precondition: (contact) => {
      if (!(state.signedIn && contact.record.canPage)) {
        throw messengerError('MSGR_E_PAGING_UNAVAILABLE', 'IMessenger.Page', 'This contact does not have mobile services enabled.');
      }
    },
  });

  const phone = (vContact: unknown, phoneType: unknown, phoneNumber: unknown): AutomationObject => {
    const member = 'IMessenger.Phone';
    const type = () => rules.checkEnum('MPHONE_TYPE', phoneType, member, 'ePhoneNumber');
    const given = () => rules.checkText(phoneNumber ?? '', member, 'bstrNumber', rules.MAX_PHONE_NUMBER, { allowEmpty: true });
    return converse(member, 'phone', vContact, {
      check: () => { type(); given(); },
      precondition: (contact) => {
        if (given() === '' && !phoneOf(contact.record.phones, type())) {
          throw messengerError('MSGR_E_PHONE_INVALID_NUMBER', member, 'The contact has no number of that phone type.');
        }
      },
      detail: () => given() || undefined,
    });
  };

  const sendFile = (vContact: unknown, fileName: unknown): AutomationObject => {
    const member = 'IMessenger.SendFile';
    // B193: NULL or an empty name is valid: the File dialog lets the user choose the file.
    const file = () => rules.checkText(fileName ?? '', member, 'bstrFileName', rules.MAX_FILE_NAME, { allowEmpty: true });
    return converse(member, 'file', vContact, { check: file, detail: () => file() || undefined });
  };

  const inviteApp = (vContact: unknown, appId: unknown): AutomationObject => {
    const member = 'IMessenger.InviteApp';
    const app = () => rules.checkText(appId, member, 'bstrAppID', rules.MAX_SIGNIN_NAME);
    return converse(member, 'app', vContact, { check: app, detail: app, signedOutHr: 'E_FAIL' });
  };

  // ---- the user interface (there is none: the calls are checked and succeed) -----------------------

  const findContact = (hwndParent: unknown, first: unknown, last: unknown, city?: unknown, region?: unknown, country?: unknown): void => {
    const member = 'IMessenger.FindContact';
    rules.checkHwnd(hwndParent, member);
    // B031-B037: every field at most 63 characters; the country also no character above 0x7E.
    // A14: empty names are accepted (the Remarks call them common usage).
    const optional = (value: unknown, param: string): string | undefined =>
      value === undefined || value === null || value === '' ? undefined : rules.checkText(value, member, param, rules.MAX_FIND_FIELD);
    const countryText = optional(country, 'vbstrCountry');
    if (countryText !== undefined && /[^\u0000-\u007e]/.test(countryText)) {
      throw messengerError('E_INVALIDARG', member, 'vbstrCountry contains a character above 126 (0x7E).');
    }
    rules.checkText(first, member, 'bstrFirstName', rules.MAX_FIND_FIELD, { allowEmpty: true });
    rules.checkText(last, member, 'bstrLastName', rules.MAX_FIND_FIELD, { allowEmpty: true });
    optional(city, 'vbstrCity');
    optional(region, 'vbstrState');
    session.requireSignedIn(member);
  };

  const mainWindow = (): MainWindow => (session.mainWindow ??= new MainWindow(session));
  /** B268: ContactsSortOrder fails with E_FAIL while the Messenger application window is closed. */
  const requireMainWindowOpen = (member: string): void => {
    if (state.mainWindow.closed) throw messengerError('E_FAIL', member, 'The Messenger application window is closed.');
  };

  // ---- the object ------------------------------------------------------------------------------------

  return automationObject<'IMessenger' | 'IMessenger2' | 'IMessenger3'>(session, {
    get: {
      MyContacts: myContacts,
      MyFriendlyName: () => { session.requireSignedIn('IMessenger.MyFriendlyName', 'E_FAIL'); return self().friendlyName; }, // B111
      MyServiceId: () => state.primaryService().id,
      MyServiceName: () => state.primaryService().name,
      MySigninName: () => { session.requireSignedIn('IMessenger.MySigninName'); return self().signinName; },
      MyStatus: () => (state.signedIn ? self().status : MISTATUS.MISTATUS_OFFLINE), // A26
      ReceiveFileDirectory: () => state.data.receiveFileDirectory,
      Services: () => {
        const services = state.data.services.map((s) => serviceFor(session, s).object);
        return servicesCollection(session, services, serviceFor(session, state.primaryService()).object);
      },
      Window: () => mainWindow().object, // B493: one main-window object
      ContactsSortOrder: () => {
        const member = 'IMessenger2.ContactsSortOrder';
        session.requireSignedIn(member);
        requireMainWindowOpen(member);
        return state.data.sortOrder;
      },
      MyGroups: myGroups,
    },
    put: {
      MyStatus: (value) => {
        const member = 'IMessenger.MyStatus';
        const status = rules.checkEnum('MISTATUS', value, member, 'mStatus');
        if (!SETTABLE_STATUSES.has(status)) throw messengerError('E_INVALIDARG', member, `MISTATUS ${status} cannot be set: unknown and local states are reported, not chosen.`);
        session.requireSignedIn(member);
        self().status = status;
        session.fire('OnMyStatusChange', S_OK, status); // B678: also when the status does not change
      },
      ContactsSortOrder: (value) => {
        const member = 'IMessenger2.ContactsSortOrder';
        const order = rules.checkEnum('MUASORT', value, member, 'Sort');
        session.requireSignedIn(member);
        requireMainWindowOpen(member);
        state.data.sortOrder = order;
      },
    },
    call: {
      Signin: (hwndParent, signinName, password) => {
        const member = 'IMessenger.Signin';
        rules.checkHwnd(hwndParent, member);
        const name = rules.checkCredential(signinName ?? '', member, 'bstrSigninName', rules.MAX_SIGNIN_NAME);
        const secret = rules.checkCredential(password ?? '', member, 'bstrPassword', rules.MAX_PASSWORD);
        signin(member, name, secret);
      },
      AutoSignin: () => signin('IMessenger.AutoSignin', '', ''),
      Signout: signout,
      GetContact: getContact,
      AddContact: addContact,
      FindContact: findContact,
      InstantMessage: (vContact) => converse('IMessenger.InstantMessage', 'im', vContact),
      StartVoice: (vContact) => converse('IMessenger.StartVoice', 'voice', vContact),
      StartVideo: (vContact) => converse('IMessenger2.StartVideo', 'video', vContact),
      Page: page,
      Phone: phone,
      SendFile: sendFile,
      InviteApp: inviteApp,
      SendMail: (vContact) => {
        const member = 'IMessenger.SendMail';
        contactName(session, vContact, member);
        session.requireSignedIn(member);
      },
      ViewProfile: (vContact) => {
        const member = 'IMessenger.ViewProfile';
        contactName(session, vContact, member);
        session.requireSignedIn(member);
      },
      OpenInbox: () => session.requireSignedIn('IMessenger.OpenInbox'),
      OptionsPages: (hwndParent, page) => {
        const member = 'IMessenger.OptionsPages';
        rules.checkHwnd(hwndParent, member);
        rules.checkEnum('MOPTIONPAGE', page, member, 'mOptionPage');
      },
      MediaWizard: (hwndParent) => { rules.checkHwnd(hwndParent, 'IMessenger.MediaWizard'); },
      MyPhoneNumber: (phoneType) => {
        const member = 'IMessenger.MyPhoneNumber';
        const type = rules.checkEnum('MPHONE_TYPE', phoneType, member, 'PhoneType');
        session.requireSignedIn(member);
        const number = phoneOf(self().phones, type);
        if (!number) throw messengerError('E_FAIL', member, 'The requested phone number does not exist.');
        return number;
      },
      // The page: E_INVALIDARG "Returned in all cases. This method is reserved."
      MyProperty: () => { throw messengerError('E_INVALIDARG', 'IMessenger.MyProperty', 'MyProperty is reserved.'); },
      UnreadEmailCount: (folder) => {
        const member = 'IMessenger.UnreadEmailCount';
        if (folder !== MUAFOLDER.MUAFOLDER_INBOX) throw messengerError('E_FAIL', member, 'Only MUAFOLDER_INBOX can be counted.');
        session.requireSignedIn(member);
        return state.data.unreadEmail;
      },
      CreateGroup: createGroup,
      Property: (propType) => {
        const prop = rules.checkEnum('MMESSENGERPROPERTY', propType, 'IMessenger3.Property', 'ePropType');
        return prop === MMESSENGERPROPERTY.MMESSENGERPROP_VERSION ? VERSION : LCID;
      },
    },
    onFault: { Signin: signinFailed, AutoSignin: signinFailed },
  });
}
