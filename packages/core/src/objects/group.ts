import {
  type ContactArg, type GroupRecord, type IMessengerGroup, type IMessengerService, HR, messengerError,
} from '@imessenger/contract';
import { contactToReport, decide } from '../outcomes';
import type { Runtime } from '../runtime';
import { keyOf } from '../runtime';
import { checkContactArg, checkGroupName } from '../validation';
import { MessengerContacts } from './contacts';
import { resolveContactName } from './resolve';

/** A MessengerGroup: one object per backend group id. */
export class MessengerGroup implements IMessengerGroup {
  removed = false;
  constructor(private readonly rt: Runtime, public record: GroupRecord) {}

  /**
   * The group a CreateGroup the service refused returns (B287: the event, not the HRESULT, says it was
   * not made): it has the name asked for, no members, and is in no collection; its members and name
   * answer as a removed group's do (B573, B414).
   */
  static unmade(rt: Runtime, name: string, serviceId: string): MessengerGroup {
    const group = new MessengerGroup(rt, { id: '', name, serviceId, members: [] });
    group.removed = true;
    return group;
  }

  async get_Name(): Promise<string> {
    const member = 'IMessengerGroup.Name';
    return this.rt.run(member, async () => {
      await this.rt.requireSignedIn(member);
      return this.record.name;
    });
  }

  async put_Name(bstrName: string): Promise<void> {
    const member = 'IMessengerGroup.Name';
    return this.rt.run(member, async () => {
      const name = checkGroupName(bstrName, member);
      await this.rt.requireSignedIn(member);
      const groups = this.rt.port('groups', member);
      if (name === this.record.name) return;
      // B646-B648: the service's answer arrives in OnGroupNameChanged(hr, group); a group that does not
      // exist is the call's own error (B414).
      await decide(this.rt, member, async () => {
        const all = await groups.list();
        if (!all.some((g) => g.id === this.record.id)) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', member, 'The group was removed.');
        if (all.some((g) => g.id !== this.record.id && g.name.toLowerCase() === name.toLowerCase())) {
          throw messengerError('MSGR_E_GROUP_ALREADY_EXISTS', member, `A group named "${name}" already exists.`);
        }
        await groups.rename(this.record.id, name);
        this.record = { ...this.record, name };
        this.rt.events.emit('OnGroupNameChanged', HR.S_OK, this);
      }, (hr) => this.rt.events.emit('OnGroupNameChanged', hr, this));
    });
  }

  async AddContact(vContact: ContactArg): Promise<void> {
    const member = 'IMessengerGroup.AddContact';
    return this.rt.run(member, async () => {
      const arg = checkContactArg(vContact, member);
      await this.rt.requireSignedIn(member);
      const groups = this.rt.port('groups', member);
      const name = await resolveContactName(arg);
      const directory = this.rt.port('directory', member);
      // B572, B573 (B403): the service's answer arrives in OnContactAddedToGroup(hr, group, contact).
      await decide(this.rt, member, async () => {
        this.requireExists(member);
        const user = await directory.lookup(name);
        if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
        if (this.record.members.some((m) => keyOf(m) === keyOf(name))) return;
        await groups.addMember(this.record.id, user.signinName);
        this.record = { ...this.record, members: [...this.record.members, user.signinName] };
        this.rt.events.emit('OnContactAddedToGroup', HR.S_OK, this, await this.rt.contactByName(user.signinName));
      }, async (hr) => this.rt.events.emit('OnContactAddedToGroup', hr, this, await contactToReport(this.rt, name)));
    });
  }

  async RemoveContact(vContact: ContactArg): Promise<void> { await this.removeContact(vContact); }

  /** RemoveContact; true when the contact left the group (Contacts.Remove drops it from its snapshot only then). */
  private async removeContact(vContact: ContactArg): Promise<boolean> {
    const member = 'IMessengerGroup.RemoveContact';
    return this.rt.run(member, async () => {
      const arg = checkContactArg(vContact, member);
      await this.rt.requireSignedIn(member);
      const groups = this.rt.port('groups', member);
      const name = await resolveContactName(arg);
      // B628-B630 (B425): the service's answer arrives in OnContactRemovedFromGroup(hr, group, contact).
      return decide(this.rt, member, async () => {
        this.requireExists(member);
        const present = this.record.members.find((m) => keyOf(m) === keyOf(name));
        if (!present) {
          // B628 or B629: a user the service does not know, or one who is not in this group.
          const user = await this.rt.ports.directory?.lookup(name);
          if (user === null) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
          throw messengerError('MSGR_E_USER_NOT_GROUP_MEMBER', member, `"${name}" is not a member of this group.`);
        }
        await groups.removeMember(this.record.id, present);
        this.record = { ...this.record, members: this.record.members.filter((m) => m !== present) };
        this.rt.events.emit('OnContactRemovedFromGroup', HR.S_OK, this, await this.rt.contactByName(present));
        return true;
      }, async (hr) => {
        this.rt.events.emit('OnContactRemovedFromGroup', hr, this, await contactToReport(this.rt, name));
        return false;
      });
    });
  }

  async get_Contacts(): Promise<MessengerContacts> {
    const member = 'IMessengerGroup.Contacts';
    return this.rt.run(member, async () => {
      if (!(await this.rt.signedIn())) return new MessengerContacts(this.rt, [], async () => false);
      const contacts = await this.rt.contactsByName(this.record.members);
      return new MessengerContacts(this.rt, contacts, (contact) => this.removeContact(contact));
    });
  }

  async get_Service(): Promise<IMessengerService> {
    const services = await this.rt.ports.session.services();
    const record = services.find((s) => s.id === this.record.serviceId) ?? (await this.rt.primaryService());
    return this.rt.service(record);
  }

  /**
   * A group removed through this client is known to be gone. Otherwise the backend is the judge: it
   * answers MSGR_E_GROUP_DOES_NOT_EXIST for a group removed elsewhere, so no extra request is made.
   */
  private requireExists(member: string): void {
    if (this.removed) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', member, `The group "${this.record.name}" no longer exists.`);
  }
}
