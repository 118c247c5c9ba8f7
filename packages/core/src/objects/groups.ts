import { type IMessengerGroup, type IMessengerGroups, HR, messengerError } from '@imessenger/contract';
import { decide } from '../outcomes';
import type { Runtime } from '../runtime';
import { Collection } from './collection';
import type { MessengerGroup } from './group';

/** MessengerGroups: the user's groups (MyGroups). */
export class MessengerGroups extends Collection<MessengerGroup> implements IMessengerGroups {
  constructor(private readonly rt: Runtime, items: MessengerGroup[]) { super(items, 'IMessengerGroups'); }

  async Remove(pMGroup: IMessengerGroup): Promise<void> {
    const member = 'IMessengerGroups.Remove';
    return this.rt.run(member, async () => {
      if (pMGroup === null || pMGroup === undefined) throw messengerError('E_POINTER', member, 'pMGroup is NULL.');
      await this.rt.requireSignedIn(member, 'MSGR_E_CONNECT');
      const group = pMGroup as MessengerGroup;
      if (this.indexOf(group) < 0) throw messengerError('E_FAIL', member, 'The group is not in this collection.');
      const groups = this.rt.port('groups', member);
      // B449, B651-B653: the service's answer arrives in OnGroupRemoved(hr, group); the group stays when it refused.
      await decide(this.rt, member, async () => {
        await groups.remove(group.record.id);
        group.removed = true;
        this.drop(group);
        this.rt.events.emit('OnGroupRemoved', HR.S_OK, group);
      }, (hr) => this.rt.events.emit('OnGroupRemoved', hr, group));
    });
  }
}
