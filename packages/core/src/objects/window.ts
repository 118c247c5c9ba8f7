import {
  type ContactArg, type IMessengerConversationWnd, type IMessengerWindow, MWINDOWPROPERTY, type Variant,
  type WindowGeometry, type WindowRecord, messengerError,
} from '@imessenger/contract';
import type { Runtime } from '../runtime';
import { keyOf } from '../runtime';
import { checkContactArg, checkEnum, checkInteger } from '../validation';
import { MessengerContacts } from './contacts';
import { resolveContactName } from './resolve';

type Edge = keyof WindowGeometry;

/** What the main window and conversation windows share: handle, geometry, Show, Close. */
abstract class WindowBase implements IMessengerWindow {
  closed = false;
  protected abstract readonly iface: string;
  protected constructor(protected readonly rt: Runtime) {}
  protected abstract windowId(): Promise<string>;
  protected abstract hwnd(): Promise<number>;

  async get_HWND(): Promise<number> {
    return this.rt.run(`${this.iface}.HWND`, async () => { this.requireOpen(`${this.iface}.HWND`); return this.hwnd(); });
  }

  async get_IsClosed(): Promise<boolean> { return this.closed; }

  async get_Left(): Promise<number> { return this.edge('left', 'Left'); }
  async get_Top(): Promise<number> { return this.edge('top', 'Top'); }
  async get_Width(): Promise<number> { return this.edge('width', 'Width'); }
  async get_Height(): Promise<number> { return this.edge('height', 'Height'); }
  async put_Left(lLeft: number): Promise<void> { return this.setEdge('left', 'Left', lLeft); }
  async put_Top(lTop: number): Promise<void> { return this.setEdge('top', 'Top', lTop); }
  async put_Width(lWidth: number): Promise<void> { return this.setEdge('width', 'Width', lWidth); }
  async put_Height(lHeight: number): Promise<void> { return this.setEdge('height', 'Height', lHeight); }

  async Show(): Promise<void> {
    const member = `${this.iface}.Show`;
    return this.rt.run(member, async () => {
      this.requireOpen(member, 'Window instance destroyed.');
      await this.rt.port('shell', member).show(await this.windowId());
    });
  }

  abstract Close(): Promise<void>;
  abstract get_Property(ePropType: MWINDOWPROPERTY): Promise<Variant>;
  abstract put_Property(ePropType: MWINDOWPROPERTY, vPropVal: Variant): Promise<void>;

  protected requireOpen(member: string, detail = 'The window has been closed.'): void {
    if (this.closed) throw messengerError('E_FAIL', member, detail);
  }

  private async edge(edge: Edge, name: string): Promise<number> {
    const member = `${this.iface}.${name}`;
    return this.rt.run(member, async () => {
      this.requireOpen(member);
      return (await this.rt.port('shell', member).geometry(await this.windowId()))[edge];
    });
  }

  private async setEdge(edge: Edge, name: string, value: number): Promise<void> {
    const member = `${this.iface}.${name}`;
    return this.rt.run(member, async () => {
      checkInteger(value, member, `l${name}`, { positive: edge === 'width' || edge === 'height' });
      this.requireOpen(member);
      await this.rt.port('shell', member).setGeometry(await this.windowId(), { [edge]: value });
    });
  }
}

/** The Messenger main window (IMessenger.Window). */
export class MainWindow extends WindowBase {
  protected readonly iface = 'IMessengerWindow';
  constructor(rt: Runtime, private record: WindowRecord) { super(rt); }
  protected async windowId(): Promise<string> { return this.record.id; }
  protected async hwnd(): Promise<number> { return this.record.hwnd; }

  async Close(): Promise<void> {
    const member = 'IMessengerWindow.Close';
    return this.rt.run(member, async () => {
      if (this.closed) return; // S_FALSE: already closed.
      this.closed = true;
    });
  }

  /** B496, B527: closing only sends the main window to the tray; Show redisplays it. */
  override async Show(): Promise<void> {
    const member = 'IMessengerWindow.Show';
    return this.rt.run(member, async () => {
      await this.rt.port('shell', member).show(await this.windowId());
      this.closed = false;
    });
  }

  /** The page: E_NOTIMPL on the Phone window or the main application window. */
  async get_Property(ePropType: MWINDOWPROPERTY): Promise<Variant> { return this.notOnMainWindow(ePropType); }
  async put_Property(ePropType: MWINDOWPROPERTY, _vPropVal: Variant): Promise<void> { await this.notOnMainWindow(ePropType); }

  private async notOnMainWindow(ePropType: unknown): Promise<never> {
    const member = 'IMessengerWindow.Property';
    return this.rt.run(member, async () => {
      checkEnum('MWINDOWPROPERTY', ePropType, member, 'ePropType');
      throw messengerError('E_NOTIMPL', member, 'Window properties are not available on the main application window.');
    });
  }
}

/** A conversation window (InstantMessage, StartVideo, StartVoice, Page, Phone, SendFile, InviteApp). */
export class ConversationWindow extends WindowBase implements IMessengerConversationWnd {
  // The members it inherits are declared on IMessengerWindow (the typelib's Interface.Member names).
  protected readonly iface = 'IMessengerWindow';
  private readonly view = new Map<number, boolean>([
    [MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR, true],
    [MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR, true],
  ]);

  constructor(rt: Runtime, public record: WindowRecord) { super(rt); }
  protected async windowId(): Promise<string> { return this.record.id; }
  protected async hwnd(): Promise<number> { return this.record.hwnd; }

  /** Where the conversation can be joined (e.g. a Teams meeting), when the backend has one. */
  get joinUrl(): string | undefined { return this.record.joinUrl; }

  async Close(): Promise<void> {
    const member = 'IMessengerWindow.Close';
    return this.rt.run(member, async () => {
      if (this.closed) return; // S_FALSE: already closed.
      await this.rt.port('conversations', member).close(this.record.id);
      this.markClosed();
    });
  }

  /** Closed here or by the other side: raises OnIMWindowDestroyed once. */
  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.rt.forgetWindow(this.record.id);
    this.rt.events.emit('OnIMWindowDestroyed', this);
  }

  async get_Contacts(): Promise<MessengerContacts> {
    const member = 'IMessengerConversationWnd.Contacts';
    return this.rt.run(member, async () => {
      await this.rt.requireSignedIn(member, 'E_FAIL');
      const contacts = await this.rt.contactsByName(this.record.contacts);
      return new MessengerContacts(this.rt, contacts, async (_c, m) => { throw messengerError('E_NOTIMPL', m, 'Participants cannot be removed from a conversation.'); });
    });
  }

  async get_History(): Promise<string> {
    const member = 'IMessengerConversationWnd.History';
    return this.rt.run(member, async () => {
      await this.rt.requireSignedIn(member, 'E_FAIL');
      this.requireOpen(member, 'The conversation window is closed.');
      return this.rt.port('conversations', member).history(this.record.id);
    });
  }

  async AddContact(vContact: ContactArg): Promise<void> {
    const member = 'IMessengerConversationWnd.AddContact';
    return this.rt.run(member, async () => {
      const name = await resolveContactName(checkContactArg(vContact, member));
      await this.rt.requireSignedIn(member, 'E_FAIL');
      this.requireOpen(member);
      if (keyOf((await this.rt.ports.session.self()).signinName) === keyOf(name)) {
        throw messengerError('E_FAIL', member, 'The local user cannot be added to their own conversation.');
      }
      if (this.record.kind === 'video' || this.record.kind === 'voice') {
        throw messengerError('MSGR_E_SESSION_FULL', member, 'The window is hosting a voice or video conversation.');
      }
      if (this.record.contacts.some((c) => keyOf(c) === keyOf(name))) return;
      await this.rt.port('conversations', member).addParticipant(this.record.id, name);
      this.record = { ...this.record, contacts: [...this.record.contacts, name] };
      this.rt.events.emit('OnIMWindowContactAdded', await this.rt.contactByName(name), this);
    });
  }

  async get_Property(ePropType: MWINDOWPROPERTY): Promise<Variant> {
    const member = 'IMessengerWindow.Property';
    return this.rt.run(member, async () => {
      const prop = this.checkProperty(ePropType, member);
      return this.view.get(prop) ?? false;
    });
  }

  async put_Property(ePropType: MWINDOWPROPERTY, vPropVal: Variant): Promise<void> {
    const member = 'IMessengerWindow.Property';
    return this.rt.run(member, async () => {
      const prop = this.checkProperty(ePropType, member);
      if (typeof vPropVal !== 'boolean') throw messengerError('E_INVALIDARG', member, 'vPropVal must be a boolean (show or hide).');
      this.requireOpen(member);
      this.view.set(prop, vPropVal);
    });
  }

  private checkProperty(ePropType: unknown, member: string): number {
    const prop = checkEnum('MWINDOWPROPERTY', ePropType, member, 'ePropType');
    if (prop === MWINDOWPROPERTY.MWINDOWPROP_INVALID_PROPERTY) throw messengerError('E_INVALIDARG', member, 'ePropType is MWINDOWPROP_INVALID_PROPERTY.');
    if (this.record.kind === 'phone') throw messengerError('E_NOTIMPL', member, 'Window properties are not available on the Phone window.');
    return prop;
  }
}
