import { type IMessengerContact, type IMessengerContacts, HR, messengerError } from '@imessenger/contract';
import { decide } from '../outcomes';
import type { Runtime } from '../runtime';
import { Collection } from './collection';
import { MessengerContact } from './contact';

/**
 * How a contacts collection removes: from the contact list, from a group, or not at all. True when the
 * contact left; false when the service refused (its event says why) and the contact stays.
 */
export type RemoveContact = (contact: MessengerContact, member: string) => Promise<boolean>;

/** MessengerContacts: the contact list, a group's members or a window's participants. */
export class MessengerContacts extends Collection<MessengerContact> implements IMessengerContacts {
  constructor(private readonly rt: Runtime, items: MessengerContact[], private readonly remove: RemoveContact) {
    super(items, 'IMessengerContacts');
  }

  async Remove(pMContact: IMessengerContact): Promise<void> {
    const member = 'IMessengerContacts.Remove';
    return this.rt.run(member, async () => {
      if (pMContact === null || pMContact === undefined) throw messengerError('E_POINTER', member, 'pMContact is NULL.');
      const contact = pMContact as MessengerContact;
      if (this.indexOf(contact) < 0) throw messengerError('E_FAIL', member, 'The contact is not in this collection.');
      if (await this.remove(contact, member)) this.drop(contact);
    });
  }
}

/** Removal from the contact list itself (MyContacts.Remove). */
export function removeFromContactList(rt: Runtime): RemoveContact {
  return async (contact, member) => {
    await rt.requireSignedIn(member);
    const directory = rt.port('directory', member);
    // B395, B603, B607-B610: Remove returns S_OK once the request is sent; the service's answer is OnContactListRemove's hr.
    return decide(rt, 'IMessengerContacts.Remove', async () => {
      await directory.removeContact(contact.record.signinName);
      rt.contactList.removed(contact.record.signinName);
      contact.listed = false; // B611: the object stays valid, but gets no further status updates.
      rt.events.emit('OnContactListRemove', HR.S_OK, contact);
      return true;
    }, (hr) => {
      rt.events.emit('OnContactListRemove', hr, contact);
      return false;
    });
  };
}
