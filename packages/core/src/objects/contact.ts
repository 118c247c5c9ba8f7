import {
  type ContactRecord, type IMessengerContact, MCONTACTPROPERTY, MISTATUS, MPHONE_TYPE, type PhoneKind, type Phones,
  type Variant, HR, messengerError,
} from '@imessenger/contract';
import { decide } from '../outcomes';
import type { Runtime } from '../runtime';
import { keyOf } from '../runtime';
import { checkEnum } from '../validation';
import { MessengerGroups } from './groups';

const PHONE_KIND: Readonly<Record<number, PhoneKind>> = {
  [MPHONE_TYPE.MPHONE_TYPE_HOME]: 'home',
  [MPHONE_TYPE.MPHONE_TYPE_WORK]: 'work',
  [MPHONE_TYPE.MPHONE_TYPE_MOBILE]: 'mobile',
  [MPHONE_TYPE.MPHONE_TYPE_CUSTOM]: 'custom',
};

/** The number of one phone type; MPHONE_TYPE_ALL gives the first number set, in enum order. */
export function phoneOf(phones: Phones, type: number): string | undefined {
  if (type === MPHONE_TYPE.MPHONE_TYPE_ALL) return Object.values(PHONE_KIND).map((k) => phones[k]).find((n) => n);
  const kind = PHONE_KIND[type];
  return kind ? phones[kind] : undefined;
}

/** A remote contact's status as subscribers see it: MISTATUS_INVISIBLE appears as MISTATUS_OFFLINE (B374). */
export function visibleStatus(status: MISTATUS): MISTATUS {
  return status === MISTATUS.MISTATUS_INVISIBLE ? MISTATUS.MISTATUS_OFFLINE : status;
}

/** Phones with one number set (OnContactPhoneChange); MPHONE_TYPE_ALL names no single number. */
export function withPhone(phones: Phones, type: number, number: string): Phones {
  const kind = PHONE_KIND[type];
  return kind ? { ...phones, [kind]: number } : phones;
}

/**
 * A MessengerContact: one object per sign-in name (GetContact and every collection share it). It is
 * live: every property reads the one current record of its identity (Runtime.current), which every
 * write and remote change updates; the self contact reads the session's own record.
 */
export class MessengerContact implements IMessengerContact {
  /** In the contact list: only listed contacts get status updates (B611, B635). Kept by Runtime. */
  listed = false;
  /** The session (core's sign-ins) its record was read in. Kept by Runtime. */
  session = 0;
  /** keyOf its sign-in name: its identity. */
  readonly key: string;
  constructor(private readonly rt: Runtime, public record: ContactRecord, key = keyOf(record.signinName)) { this.key = key; }

  /** The record as it is now (Runtime.current); no call on the fast path. */
  private async now(member: string): Promise<ContactRecord> {
    return this.rt.isCurrent(this) ? this.record : this.rt.current(this, member);
  }

  async get_SigninName(): Promise<string> { return this.record.signinName; }
  // The two reads a walk of a long list makes: no await on the fast path (an async function that
  // can suspend costs a walk of 10^4 contacts about a tenth more).
  get_FriendlyName(): Promise<string> {
    if (this.rt.isCurrent(this)) return Promise.resolve(this.record.friendlyName);
    return this.rt.current(this, 'IMessengerContact.FriendlyName').then((r) => r.friendlyName);
  }
  /** B374: MISTATUS_INVISIBLE is never returned; an invisible contact appears offline. */
  get_Status(): Promise<MISTATUS> {
    if (this.rt.isCurrent(this)) return Promise.resolve(visibleStatus(this.record.status));
    return this.rt.current(this, 'IMessengerContact.Status').then((r) => visibleStatus(r.status));
  }
  /** B331: offline, CanPage is always FALSE (no error). */
  async get_CanPage(): Promise<boolean> { return (await this.rt.signedIn()) && (await this.now('IMessengerContact.CanPage')).canPage; }
  /** B323: offline, Blocked is always FALSE (no error). */
  async get_Blocked(): Promise<boolean> { return (await this.rt.signedIn()) && (await this.now('IMessengerContact.Blocked')).blocked; }

  async put_Blocked(vBoolBlock: boolean): Promise<void> {
    const member = 'IMessengerContact.Blocked';
    return this.rt.run(member, async () => {
      if (typeof vBoolBlock !== 'boolean') throw messengerError('E_INVALIDARG', member, 'vBoolBlock must be a boolean.');
      await this.rt.requireSignedIn(member);
      // S_FALSE on the page: blocking a blocked contact is a success that changes nothing.
      if ((await this.now(member)).blocked === vBoolBlock) return;
      const directory = this.rt.port('directory', member);
      // B578-B582: the service's answer arrives in OnContactBlockChange(hr, contact, the value it still has).
      await decide(this.rt, member, async () => {
        await directory.setBlocked(this.record.signinName, vBoolBlock);
        this.record = { ...this.record, blocked: vBoolBlock };
        this.rt.events.emit('OnContactBlockChange', HR.S_OK, this, vBoolBlock);
      }, (hr) => this.rt.events.emit('OnContactBlockChange', hr, this, !vBoolBlock));
    });
  }

  async get_IsSelf(): Promise<boolean> {
    if (!(await this.rt.signedIn())) return false;
    return keyOf((await this.rt.ports.session.self()).signinName) === keyOf(this.record.signinName);
  }

  async get_PhoneNumber(PhoneType: MPHONE_TYPE): Promise<string> {
    const member = 'IMessengerContact.PhoneNumber';
    return this.rt.run(member, async () => {
      const type = checkEnum('MPHONE_TYPE', PhoneType, member, 'PhoneType', 'E_FAIL');
      // B350: MPHONE_TYPE_ALL and MPHONE_TYPE_CUSTOM are valid with Phone only; here they are invalid types.
      if (type === MPHONE_TYPE.MPHONE_TYPE_ALL || type === MPHONE_TYPE.MPHONE_TYPE_CUSTOM) {
        throw messengerError('E_FAIL', member, 'MPHONE_TYPE_ALL and MPHONE_TYPE_CUSTOM are valid with IMessenger.Phone only.');
      }
      // The page (B346): E_FAIL for a contact who has no phone information of that type.
      const number = phoneOf((await this.now(member)).phones, type);
      if (!number) throw messengerError('E_FAIL', member, 'The contact has no phone number of that type.');
      return number;
    });
  }

  async get_Property(ePropType: MCONTACTPROPERTY): Promise<Variant | MessengerGroups> {
    const member = 'IMessengerContact.Property';
    return this.rt.run<Variant | MessengerGroups>(member, async () => {
      const prop = checkEnum('MCONTACTPROPERTY', ePropType, member, 'ePropType');
      if (prop === MCONTACTPROPERTY.MCONTACTPROP_INVALID_PROPERTY) throw messengerError('E_INVALIDARG', member, 'ePropType is MCONTACTPROP_INVALID_PROPERTY.');
      if (prop === MCONTACTPROPERTY.MCONTACTPROP_EMAIL) {
        const record = await this.now(member);
        return record.email ?? record.signinName;
      }
      return this.groups(member);
    });
  }

  /**
   * MCONTACTPROP_GROUPS_PROPERTY (B354): the groups the contact is in, as the page's example uses
   * them (`Set MsgrGroups = MsgrContact.Property(…)`, `MsgrGroups.Count`): a MessengerGroups
   * collection of the same group objects MyGroups gives, read now (a snapshot, like every
   * collection). Signed out it is empty, as MyGroups is (B435); without groups, MSGR_E_GROUPS_NOT_ENABLED.
   */
  private async groups(member: string): Promise<MessengerGroups> {
    const groups = this.rt.port('groups', member);
    if (!(await this.rt.signedIn())) return new MessengerGroups(this.rt, []);
    const key = keyOf(this.record.signinName);
    const records = (await groups.list()).filter((g) => g.members.some((m) => keyOf(m) === key));
    return new MessengerGroups(this.rt, records.map((g) => this.rt.group(g)));
  }

  async put_Property(ePropType: MCONTACTPROPERTY, _vPropVal: Variant): Promise<void> {
    const member = 'IMessengerContact.Property';
    return this.rt.run(member, async () => {
      checkEnum('MCONTACTPROPERTY', ePropType, member, 'ePropType');
      throw messengerError('E_INVALIDARG', member, 'Contact properties are read-only through this interface (reserved).');
    });
  }

  async get_ServiceID(): Promise<string> { return this.record.serviceId; }

  async get_ServiceName(): Promise<string> {
    const services = await this.rt.ports.session.services();
    return services.find((s) => s.id === this.record.serviceId)?.name ?? (await this.rt.primaryService()).name;
  }
}
