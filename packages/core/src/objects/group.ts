import {
  type ContactArg, type GroupRecord, type IMessengerGroup, type IMessengerService, HR, messengerError,
} from '@imessenger/contract';
import type { Runtime } from '../runtime';
import { keyOf } from '../runtime';
import { checkContactArg, checkGroupName } from '../validation';
import { MessengerContacts } from './contacts';
import { resolveContactName } from './resolve';

/** A MessengerGroup: one object per backend group id. */
export class MessengerGroup implements IMessengerGroup {
  removed = false;
  constructor(private readonly rt: Runtime, public record: GroupRecord) {}

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
      const all = await groups.list();
      if (!all.some((g) => g.id === this.record.id)) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', member, 'The group was removed.');
      if (all.some((g) => g.id !== this.record.id && g.name.toLowerCase() === name.toLowerCase())) {
        throw messengerError('MSGR_E_GROUP_ALREADY_EXISTS', member, `A group named "${name}" already exists.`);
      }
      await groups.rename(this.record.id, name);
      this.record = { ...this.record, name };
      this.rt.events.emit('OnGroupNameChanged', HR.S_OK, this);
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
      const user = await directory.lookup(name);
      if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
      this.requireExists(member);
      if (this.record.members.some((m) => keyOf(m) === keyOf(name))) return;
      await groups.addMember(this.record.id, user.signinName);
      this.record = { ...this.record, members: [...this.record.members, user.signinName] };
      this.rt.events.emit('OnContactAddedToGroup', HR.S_OK, this, await this.rt.contactByName(user.signinName));
    });
  }

  async RemoveContact(vContact: ContactArg): Promise<void> {
    const member = 'IMessengerGroup.RemoveContact';
    return this.rt.run(member, async () => {
      const arg = checkContactArg(vContact, member);
      await this.rt.requireSignedIn(member);
      const groups = this.rt.port('groups', member);
      const name = await resolveContactName(arg);
      this.requireExists(member);
      const present = this.record.members.find((m) => keyOf(m) === keyOf(name));
      if (!present) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `"${name}" is not a member of this group.`);
      await groups.removeMember(this.record.id, present);
      this.record = { ...this.record, members: this.record.members.filter((m) => m !== present) };
      this.rt.events.emit('OnContactRemovedFromGroup', HR.S_OK, this, await this.rt.contactByName(present));
    });
  }

  async get_Contacts(): Promise<MessengerContacts> {
    const member = 'IMessengerGroup.Contacts';
    return this.rt.run(member, async () => {
      if (!(await this.rt.signedIn())) return new MessengerContacts(this.rt, [], async () => undefined);
      const contacts = await this.rt.contactsByName(this.record.members);
      return new MessengerContacts(this.rt, contacts, (contact) => this.RemoveContact(contact));
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
