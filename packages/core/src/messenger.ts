/**
 * The Messenger object (IMessenger, IMessenger2, IMessenger3) over the backend SPI: the async face.
 * Every documented rule of every member lives here or in the objects it returns; each member checks
 * its arguments first, then state (signed in), then capability, then calls the backend, then
 * raises its events. Rule ids (B…) refer to docs/BEHAVIOUR.md.
 */
import {
  type BackendInfo, type BackendPorts, type ContactArg, type ConversationKind, type IMessenger3, type IMessengerService,
  type MCONTACTPROPERTY, MISTATUS, MMESSENGERPROPERTY, type MOPTIONPAGE, type MPHONE_TYPE, MUAFOLDER, type MUASORT,
  type MessengerEventListener, type MessengerEventName, type SelfRecord, type ServiceArg, type Variant, HR, isMessengerError, messengerError,
} from '@imessenger/contract';
import { MessengerEventEmitter } from './events';
import { contactToReport, decide, type OutcomeMode, serviceOutcome } from './outcomes';
import { keyOf, Runtime } from './runtime';
import { type MessengerContact, phoneOf } from './objects/contact';
import { MessengerContacts, removeFromContactList } from './objects/contacts';
import { MessengerGroup } from './objects/group';
import { MessengerGroups } from './objects/groups';
import { resolveContactName } from './objects/resolve';
import { MessengerServices } from './objects/service';
import { type ConversationWindow, MainWindow } from './objects/window';
import {
  MAX_FILE_NAME, MAX_FIND_FIELD, MAX_PASSWORD, MAX_PHONE_NUMBER, MAX_SIGNIN_NAME, checkContactArg, checkCredential, checkEnum,
  checkGroupName, checkHwnd, checkServiceArg, checkServiceId, checkSigninName, checkText,
} from './validation';

export interface MessengerOptions {
  /** Reported by IMessenger3.Property(MMESSENGERPROP_VERSION). */
  readonly version?: string;
  /** Reported by IMessenger3.Property(MMESSENGERPROP_PLCID). */
  readonly lcid?: number;
  /** Called when an event listener throws (default: a process warning). */
  readonly onListenerError?: (error: unknown, event: MessengerEventName) => void;
  /**
   * How a write the service refused ends (docs/decisions.md, "What the service decides"). 'events',
   * the default, is the pages' way: the call succeeds and its event carries the HRESULT
   * (AddContact -> OnContactListAdd(MSGR_E_USER_NOT_FOUND, contact)). 'reject', for new code, also
   * rejects the call with that HRESULT; the event is raised in both modes.
   */
  readonly outcomes?: OutcomeMode;
}

/** Statuses a user can choose for themselves (put_MyStatus); local and unknown states are not. */
const SETTABLE_STATUSES = new Set<number>(Object.values(MISTATUS).filter((s) => s !== MISTATUS.MISTATUS_UNKNOWN && s < 0x100));

export class Messenger implements IMessenger3 {
  private readonly rt: Runtime;
  private mainWindow: MainWindow | undefined;

  constructor(ports: BackendPorts, info: BackendInfo, private readonly options: MessengerOptions = {}) {
    this.rt = new Runtime(ports, info, new MessengerEventEmitter(options.onListenerError), options.outcomes ?? 'events');
  }

  /** The backend's name (memory, graph, com, …). */
  get backend(): string { return this.rt.info.name; }

  // ---- events (DMessengerEvents) --------------------------------------------------------------

  on<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): () => void { return this.rt.events.on(event, listener); }
  once<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): () => void { return this.rt.events.once(event, listener); }
  off<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): void { this.rt.events.off(event, listener); }
  onAny(listener: (event: MessengerEventName, args: readonly unknown[]) => void): () => void { return this.rt.events.onAny(listener); }

  /** Stop watching the backend for remote changes. */
  dispose(): void { this.rt.dispose(); }

  // ---- sign-in ---------------------------------------------------------------------------------

  async Signin(hwndParent: number, bstrSigninName: string, bstrPassword: string): Promise<void> {
    const member = 'IMessenger.Signin';
    return this.rt.run(member, async () => {
      checkHwnd(hwndParent, member);
      const signinName = checkCredential(bstrSigninName ?? '', member, 'bstrSigninName', MAX_SIGNIN_NAME);
      const password = checkCredential(bstrPassword ?? '', member, 'bstrPassword', MAX_PASSWORD);
      await this.signin(member, { signinName, password });
    });
  }

  async AutoSignin(): Promise<void> {
    const member = 'IMessenger.AutoSignin';
    return this.rt.run(member, () => this.signin(member, { signinName: '', password: '' }));
  }

  private async signin(member: 'IMessenger.Signin' | 'IMessenger.AutoSignin', request: { signinName: string; password: string }): Promise<void> {
    if (await this.rt.signedIn()) throw messengerError('MSGR_E_ALREADY_LOGGED_ON', member, 'The current user is already signed in.');
    let self: SelfRecord;
    try {
      self = await this.rt.ports.session.signin(request);
    } catch (caught) {
      // B697: an unknown user is not told apart from a wrong password (never MSGR_E_USER_NOT_FOUND).
      const error = isMessengerError(caught, 'MSGR_E_USER_NOT_FOUND')
        ? messengerError('MSGR_E_INVALID_PASSWORD', member, 'The sign-in name or password is not correct.', caught) : caught;
      const hr = (error as { hresult?: unknown } | undefined)?.hresult;
      // B690: the result of a sign-in always reaches OnSignin, failed ones included.
      this.rt.events.emit('OnSignin', typeof hr === 'number' ? hr : HR.E_FAIL);
      // B028: AutoSignin's server errors arrive in OnSignin alone and the call succeeds (outcomes.ts);
      // Signin's page lists none, and its failures stay the call's too (docs/decisions.md, "State").
      if (member === 'IMessenger.AutoSignin' && serviceOutcome(member, error) !== undefined && this.rt.outcomeMode === 'events') return;
      throw error;
    }
    this.rt.contactList.invalidate(); // a new session: its list is read again when needed
    this.rt.signedInAs(self); // and the contact objects held read their records again
    this.rt.events.emit('OnSignin', HR.S_OK);
    // B680, B677: sign-in is complete when OnMyStatusChange reports the status the client is now in.
    this.rt.events.emit('OnMyStatusChange', HR.S_OK, self.status);
    // B587, B634: then what changed while signed out, for the contacts the program kept.
    await this.rt.refreshKept();
  }

  async Signout(): Promise<void> {
    const member = 'IMessenger.Signout';
    return this.rt.run(member, async () => {
      await this.rt.requireSignedIn(member);
      await this.rt.ports.session.signout();
      this.rt.sessionEnded(); // B076: signing out closes every conversation window.
      // B233: signing out also raises OnMyStatusChange(MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER).
      this.rt.events.emit('OnMyStatusChange', HR.S_OK, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER);
      this.rt.events.emit('OnSignout');
    });
  }

  // ---- self ------------------------------------------------------------------------------------

  async get_MySigninName(): Promise<string> {
    const member = 'IMessenger.MySigninName';
    return this.rt.run(member, async () => { await this.rt.requireSignedIn(member); return (await this.rt.ports.session.self()).signinName; });
  }

  async get_MyFriendlyName(): Promise<string> {
    const member = 'IMessenger.MyFriendlyName';
    return this.rt.run(member, async () => {
      // B112: offline, the call succeeds with an empty string. B111's E_FAIL is for a local user who is
      // disconnected: the backend lost the connection while reading the name.
      if (!(await this.rt.signedIn())) return '';
      try {
        return (await this.rt.ports.session.self()).friendlyName;
      } catch (error) {
        if (isMessengerError(error, 'MSGR_E_DISCONNECTED')) throw messengerError('E_FAIL', member, 'The local user is disconnected.', error);
        throw error;
      }
    });
  }

  async get_MyStatus(): Promise<MISTATUS> {
    const member = 'IMessenger.MyStatus';
    return this.rt.run(member, async () => {
      if (!(await this.rt.signedIn())) return MISTATUS.MISTATUS_OFFLINE;
      return (await this.rt.ports.session.self()).status;
    });
  }

  async put_MyStatus(mStatus: MISTATUS): Promise<void> {
    const member = 'IMessenger.MyStatus';
    return this.rt.run(member, async () => {
      const status = checkEnum('MISTATUS', mStatus, member, 'mStatus');
      if (!SETTABLE_STATUSES.has(status)) throw messengerError('E_INVALIDARG', member, `MISTATUS ${status} cannot be set: unknown and local states are reported, not chosen.`);
      await this.rt.requireSignedIn(member);
      const presence = this.rt.port('presence', member);
      // B678: setting the status it already has still raises OnMyStatusChange. The event reports the
      // status now in effect: a backend may have set the nearest one it has (Graph's statusPolicy 'nearest').
      // B683-B686: what the server answers instead arrives in OnMyStatusChange(hr, the status still in effect).
      await decide(this.rt, member, async () => {
        const inEffect = await presence.setMyStatus(status);
        this.rt.events.emit('OnMyStatusChange', HR.S_OK, inEffect ?? status);
      }, async (hr) => this.rt.events.emit('OnMyStatusChange', hr, await this.statusNow()));
    });
  }

  /** The status the client is in, for an event after a failed change (B681: check hr first); offline when unknown. */
  private async statusNow(): Promise<MISTATUS> {
    try {
      return (await this.rt.signedIn()) ? (await this.rt.ports.session.self()).status : MISTATUS.MISTATUS_OFFLINE;
    } catch {
      return MISTATUS.MISTATUS_OFFLINE;
    }
  }

  async get_MyPhoneNumber(PhoneType: MPHONE_TYPE): Promise<string> {
    const member = 'IMessenger.MyPhoneNumber';
    return this.rt.run(member, async () => {
      const type = checkEnum('MPHONE_TYPE', PhoneType, member, 'PhoneType');
      await this.rt.requireSignedIn(member);
      const number = phoneOf((await this.rt.ports.session.self()).phones, type);
      if (!number) throw messengerError('E_FAIL', member, 'The requested phone number does not exist.');
      return number;
    });
  }

  async get_MyProperty(ePropType: MCONTACTPROPERTY): Promise<Variant> { return this.reservedMyProperty(ePropType); }
  async put_MyProperty(ePropType: MCONTACTPROPERTY, _vPropVal: Variant): Promise<void> { await this.reservedMyProperty(ePropType); }

  /** The page: E_INVALIDARG "Returned in all cases. This method is reserved." */
  private async reservedMyProperty(_ePropType: unknown): Promise<never> {
    const member = 'IMessenger.MyProperty';
    return this.rt.run(member, async () => { throw messengerError('E_INVALIDARG', member, 'MyProperty is reserved.'); });
  }

  async get_MyServiceId(): Promise<string> {
    return this.rt.run('IMessenger.MyServiceId', async () => (await this.rt.primaryService()).id);
  }

  async get_MyServiceName(): Promise<string> {
    return this.rt.run('IMessenger.MyServiceName', async () => (await this.rt.primaryService()).name);
  }

  async get_Services(): Promise<MessengerServices> {
    return this.rt.run('IMessenger.Services', async () => {
      const services = (await this.rt.ports.session.services()).map((s) => this.rt.service(s));
      return new MessengerServices(services, this.rt.service(await this.rt.primaryService()));
    });
  }

  // ---- contacts --------------------------------------------------------------------------------

  async get_MyContacts(): Promise<MessengerContacts> {
    const member = 'IMessenger.MyContacts';
    return this.rt.run(member, async () => {
      const remove = removeFromContactList(this.rt);
      // Signed out: S_OK and a true collection with zero members (the MyContacts page).
      if (!(await this.rt.signedIn()) || !this.rt.ports.directory) return new MessengerContacts(this.rt, [], remove);
      // The local user may be in their own list (B341): that object is the self contact.
      if (!this.rt.knowsSelf) await this.rt.learnSelf();
      const records = await this.rt.contactList.readAll();
      return new MessengerContacts(this.rt, records.map((r) => this.rt.contact(r, true)), remove);
    });
  }

  async GetContact(bstrSigninName: string, bstrServiceId: string): Promise<MessengerContact> {
    const member = 'IMessenger.GetContact';
    return this.rt.run(member, async () => {
      const name = checkSigninName(bstrSigninName, member);
      // An empty service id means the primary service, as MyServiceId would give.
      const serviceId = bstrServiceId === '' ? '' : checkServiceId(bstrServiceId, member);
      await this.rt.requireSignedIn(member);
      await this.requireService(serviceId, member);
      const self = await this.rt.ports.session.self();
      this.rt.noteSelf(self);
      if (keyOf(self.signinName) === keyOf(name)) {
        // The self contact: its properties read the session's own record from now on (Runtime.current).
        return this.rt.contact({ ...self, blocked: false, canPage: false, email: self.signinName });
      }
      return this.rt.contactByName(name);
    });
  }

  async AddContact(hwndParent: number, bstrEMail: string): Promise<void> {
    const member = 'IMessenger.AddContact';
    return this.rt.run(member, async () => {
      checkHwnd(hwndParent, member);
      // B018: called offline, AddContact raises no error: signed out is an answer like the service's (outcomes.ts).
      const signedIn = () => this.rt.requireSignedIn(member);
      if (bstrEMail === null || bstrEMail === undefined || bstrEMail === '') {
        // B003: no name: the Add a Contact wizard opens for the user to pick someone (the client's
        // contact search, as FindContact opens it). Whoever the user adds arrives in OnContactListAdd.
        // Offline nobody can be picked, so there is no add to report (B016): S_OK and no event.
        if (await decide(this.rt, member, () => signedIn().then(() => true), () => false)) {
          await this.rt.port('shell', member).findContact({ firstName: '', lastName: '' });
        }
        return;
      }
      const name = checkSigninName(bstrEMail, member, 'bstrEMail', 'E_INVALIDARG');
      // B016, B018, B593-B599: the service decides; its answer arrives in OnContactListAdd(hr, contact).
      await decide(this.rt, member, async () => {
        await signedIn();
        const directory = this.rt.port('directory', member);
        if (await this.rt.contactList.has(name)) throw messengerError('MSGR_E_ALREADY_IN_LIST', member, `"${name}" is already in the contact list.`);
        if (!(await directory.lookup(name))) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
        const record = await directory.addContact(name);
        this.rt.contactList.added(record);
        this.rt.events.emit('OnContactListAdd', HR.S_OK, this.rt.contact(record, true));
      }, async (hr) => this.rt.events.emit('OnContactListAdd', hr, await contactToReport(this.rt, name)));
    });
  }

  async FindContact(hwndParent: number, bstrFirstName: string, bstrLastName: string,
    vbstrCity?: string, vbstrState?: string, vbstrCountry?: string): Promise<void> {
    const member = 'IMessenger.FindContact';
    return this.rt.run(member, async () => {
      checkHwnd(hwndParent, member);
      // The page: every field at most 63 characters; the names NULL -> E_INVALIDARG (B031-B036).
      // Empty names are accepted: the Remarks call them common usage (A14).
      const optional = (value: unknown, param: string): string | undefined =>
        value === undefined || value === null || value === '' ? undefined : checkText(value, member, param, MAX_FIND_FIELD);
      const country = optional(vbstrCountry, 'vbstrCountry');
      if (country !== undefined && /[^\u0000-\u007e]/.test(country)) {
        throw messengerError('E_INVALIDARG', member, 'vbstrCountry contains a character above 126 (0x7E).');
      }
      const query = {
        firstName: checkText(bstrFirstName, member, 'bstrFirstName', MAX_FIND_FIELD, { allowEmpty: true }),
        lastName: checkText(bstrLastName, member, 'bstrLastName', MAX_FIND_FIELD, { allowEmpty: true }),
        city: optional(vbstrCity, 'vbstrCity'), state: optional(vbstrState, 'vbstrState'), country,
      };
      await this.rt.requireSignedIn(member);
      await this.rt.port('shell', member).findContact(query);
    });
  }

  // ---- conversations ---------------------------------------------------------------------------

  async InstantMessage(vContact: ContactArg): Promise<ConversationWindow> { return this.converse('IMessenger.InstantMessage', 'im', vContact); }
  async StartVoice(vContact: ContactArg): Promise<ConversationWindow> { return this.converse('IMessenger.StartVoice', 'voice', vContact); }
  async StartVideo(vContact: ContactArg): Promise<ConversationWindow> { return this.converse('IMessenger2.StartVideo', 'video', vContact); }

  async Page(vContact: ContactArg): Promise<ConversationWindow> {
    return this.converse('IMessenger.Page', 'page', vContact, {
      precondition: async (contact, member) => {
        if (!(await contact.get_CanPage())) throw messengerError('MSGR_E_PAGING_UNAVAILABLE', member, 'This contact does not have mobile services enabled.');
      },
    });
  }

  async Phone(vContact: ContactArg, ePhoneNumber: MPHONE_TYPE, bstrNumber: string): Promise<ConversationWindow> {
    const member = 'IMessenger.Phone';
    const type = () => checkEnum('MPHONE_TYPE', ePhoneNumber, member, 'ePhoneNumber');
    const given = () => checkText(bstrNumber ?? '', member, 'bstrNumber', MAX_PHONE_NUMBER, { allowEmpty: true });
    return this.converse(member, 'phone', vContact, {
      check: () => { type(); given(); },
      precondition: async (contact) => {
        if (given() === '' && !phoneOf((await this.rt.current(contact, member)).phones, type())) {
          throw messengerError('MSGR_E_PHONE_INVALID_NUMBER', member, 'The contact has no number of that phone type.');
        }
      },
      detail: () => given() || undefined,
    });
  }

  async SendFile(vContact: ContactArg, bstrFileName: string): Promise<ConversationWindow> {
    const member = 'IMessenger.SendFile';
    // B193: NULL or an empty name is valid: the File dialog lets the user choose the file.
    const file = () => checkText(bstrFileName ?? '', member, 'bstrFileName', MAX_FILE_NAME, { allowEmpty: true });
    return this.converse(member, 'file', vContact, { check: file, detail: () => file() || undefined });
  }

  async InviteApp(vContact: ContactArg, bstrAppID: string): Promise<ConversationWindow> {
    const member = 'IMessenger.InviteApp';
    const app = () => checkText(bstrAppID, member, 'bstrAppID', MAX_SIGNIN_NAME);
    return this.converse(member, 'app', vContact, { check: app, detail: app, signedOutHr: 'E_FAIL' });
  }

  /**
   * The shared rules of every member that opens a conversation with one contact: vContact rules,
   * signed in (MSGR_E_NOT_LOGGED_ON unless the page says otherwise), not the local user (E_FAIL),
   * one open window per contact (a second call returns the same window), OnIMWindowCreated once.
   */
  private async converse(member: string, kind: ConversationKind, vContact: ContactArg, extra: {
    check?: () => void;
    precondition?: (contact: MessengerContact, member: string) => Promise<void>;
    detail?: () => string | undefined;
    signedOutHr?: 'E_FAIL';
  } = {}): Promise<ConversationWindow> {
    return this.rt.run(member, async () => {
      const arg = checkContactArg(vContact, member);
      extra.check?.();
      await this.rt.requireSignedIn(member, extra.signedOutHr);
      const conversations = this.rt.port('conversations', member);
      const name = await resolveContactName(arg);
      if (keyOf((await this.rt.ports.session.self()).signinName) === keyOf(name)) {
        throw messengerError('E_FAIL', member, 'Called against the local client user.');
      }
      const contact = await this.rt.contactByName(name);
      await extra.precondition?.(contact, member);
      const open = this.rt.openWindowWith(name);
      // B178: the same window, but a number, file or application given again reaches it (the most recent call's).
      const detail = extra.detail?.();
      if (open && open.record.kind === kind && detail === undefined) return open;
      const record = await conversations.open(kind, contact.record.signinName, { reuse: open?.record.id, detail });
      const window = this.rt.window(record);
      if (!open || open !== window) this.rt.events.emit('OnIMWindowCreated', window);
      return window;
    });
  }

  // ---- mail, profile, options ------------------------------------------------------------------

  async get_UnreadEmailCount(mFolder: MUAFOLDER): Promise<number> {
    const member = 'IMessenger.UnreadEmailCount';
    return this.rt.run(member, async () => {
      if (mFolder !== MUAFOLDER.MUAFOLDER_INBOX) throw messengerError('E_FAIL', member, 'Only MUAFOLDER_INBOX can be counted.');
      await this.rt.requireSignedIn(member);
      return this.rt.port('mail', member).unreadCount(mFolder);
    });
  }

  async OpenInbox(): Promise<void> {
    const member = 'IMessenger.OpenInbox';
    return this.rt.run(member, async () => { await this.rt.requireSignedIn(member); await this.rt.port('mail', member).openInbox(); });
  }

  async SendMail(vContact: ContactArg): Promise<void> {
    const member = 'IMessenger.SendMail';
    return this.rt.run(member, async () => {
      const name = await resolveContactName(checkContactArg(vContact, member));
      await this.rt.requireSignedIn(member);
      const record = await this.rt.current(await this.rt.contactByName(name), member);
      await this.rt.port('mail', member).compose(record.email ?? record.signinName);
    });
  }

  async ViewProfile(vContact: ContactArg): Promise<void> {
    const member = 'IMessenger.ViewProfile';
    return this.rt.run(member, async () => {
      const name = await resolveContactName(checkContactArg(vContact, member));
      await this.rt.requireSignedIn(member);
      await this.rt.port('shell', member).viewProfile(name);
    });
  }

  async OptionsPages(hwndParent: number, mOptionPage: MOPTIONPAGE): Promise<void> {
    const member = 'IMessenger.OptionsPages';
    return this.rt.run(member, async () => {
      checkHwnd(hwndParent, member);
      const page = checkEnum('MOPTIONPAGE', mOptionPage, member, 'mOptionPage');
      await this.rt.port('shell', member).optionsPages(page);
    });
  }

  async MediaWizard(hwndParent: number): Promise<void> {
    const member = 'IMessenger.MediaWizard';
    return this.rt.run(member, async () => { checkHwnd(hwndParent, member); await this.rt.port('shell', member).mediaWizard(); });
  }

  async get_Window(): Promise<MainWindow> {
    const member = 'IMessenger.Window';
    return this.rt.run(member, async () => {
      // B493, B496: one main-window object, still the same after Close (Show brings it back).
      if (!this.mainWindow) this.mainWindow = new MainWindow(this.rt, await this.rt.port('shell', member).mainWindow());
      return this.mainWindow;
    });
  }

  async get_ReceiveFileDirectory(): Promise<string> {
    const member = 'IMessenger.ReceiveFileDirectory';
    return this.rt.run(member, async () => this.rt.port('preferences', member).receiveFileDirectory());
  }

  // ---- IMessenger2: groups, sort order ---------------------------------------------------------

  async CreateGroup(bstrName: string, vService: ServiceArg): Promise<MessengerGroup> {
    const member = 'IMessenger2.CreateGroup';
    return this.rt.run(member, async () => {
      const name = checkGroupName(bstrName, member);
      const service = checkServiceArg(vService, member);
      await this.rt.requireSignedIn(member);
      const groups = this.rt.port('groups', member);
      const serviceId = typeof service === 'string' ? service : await (service as IMessengerService).get_ServiceID();
      const named = (g: { name: string }) => g.name.toLowerCase() === name.toLowerCase();
      // B287: whether the group was made is reported by OnGroupAdded, not by the HRESULT.
      return decide(this.rt, member, async () => {
        await this.requireService(serviceId, member);
        // B286: CreateGroup looks the name up first and only creates when it is not found; the existing
        // group comes back and OnGroupAdded reports MSGR_E_GROUP_ALREADY_EXISTS (B640, docs/decisions.md A04).
        const existing = (await groups.list()).find(named);
        if (existing) {
          const group = this.rt.group(existing);
          this.rt.events.emit('OnGroupAdded', HR.MSGR_E_GROUP_ALREADY_EXISTS, group);
          return group;
        }
        const group = this.rt.group(await groups.create(name, serviceId));
        this.rt.events.emit('OnGroupAdded', HR.S_OK, group);
        return group;
      }, async (hr) => {
        // B640-B642: the service refused. A name another client took meanwhile gives that group, as the
        // lookup would have; otherwise the group that was not made (not in MyGroups; B573, B414 for its members and name).
        let existing;
        if (hr === HR.MSGR_E_GROUP_ALREADY_EXISTS) existing = await groups.list().then((all) => all.find(named), () => undefined);
        const group = existing ? this.rt.group(existing) : MessengerGroup.unmade(this.rt, name, serviceId);
        this.rt.events.emit('OnGroupAdded', hr, group);
        return group;
      });
    });
  }

  async get_MyGroups(): Promise<MessengerGroups> {
    const member = 'IMessenger2.MyGroups';
    return this.rt.run(member, async () => {
      const groups = this.rt.port('groups', member);
      if (!(await this.rt.signedIn())) return new MessengerGroups(this.rt, []);
      return new MessengerGroups(this.rt, (await groups.list()).map((g) => this.rt.group(g)));
    });
  }

  async get_ContactsSortOrder(): Promise<MUASORT> {
    const member = 'IMessenger2.ContactsSortOrder';
    return this.rt.run(member, async () => {
      await this.rt.requireSignedIn(member);
      this.requireMainWindowOpen(member);
      this.rt.port('groups', member);
      return this.rt.port('preferences', member).sortOrder();
    });
  }

  async put_ContactsSortOrder(Sort: MUASORT): Promise<void> {
    const member = 'IMessenger2.ContactsSortOrder';
    return this.rt.run(member, async () => {
      const order = checkEnum('MUASORT', Sort, member, 'Sort');
      await this.rt.requireSignedIn(member);
      this.requireMainWindowOpen(member);
      this.rt.port('groups', member);
      await this.rt.port('preferences', member).setSortOrder(order);
    });
  }

  // ---- IMessenger3 -----------------------------------------------------------------------------

  async get_Property(ePropType: MMESSENGERPROPERTY): Promise<Variant> {
    const member = 'IMessenger3.Property';
    return this.rt.run(member, async () => {
      const prop = checkEnum('MMESSENGERPROPERTY', ePropType, member, 'ePropType');
      return prop === MMESSENGERPROPERTY.MMESSENGERPROP_VERSION ? (this.options.version ?? '5.1.0701') : (this.options.lcid ?? 1033);
    });
  }

  async put_Property(_ePropType: MMESSENGERPROPERTY, _vPropVal: Variant): Promise<void> {
    const member = 'IMessenger3.Property';
    return this.rt.run(member, async () => { throw messengerError('E_INVALIDARG', member, 'IMessenger3.Property is read-only (reserved).'); });
  }

  /** B268: ContactsSortOrder fails with E_FAIL while the Messenger application window is closed. */
  private requireMainWindowOpen(member: string): void {
    if (this.mainWindow?.closed) throw messengerError('E_FAIL', member, 'The Messenger application window is closed.');
  }

  private async requireService(serviceId: string, member: string): Promise<void> {
    if (serviceId === '') return;
    const services = await this.rt.ports.session.services();
    if (!services.some((s) => s.id.toLowerCase() === serviceId.toLowerCase())) {
      throw messengerError('MSGR_E_INVALID_SERVICE', member, `No service with id "${serviceId}".`);
    }
  }
}
