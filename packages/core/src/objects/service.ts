import {
  type IMessengerService, type IMessengerServices, MISTATUS, type MSERVICEPROPERTY, type ServiceRecord, type Variant,
  messengerError,
} from '@imessenger/contract';
import type { Runtime } from '../runtime';
import { checkEnum } from '../validation';
import { Collection } from './collection';

/** A MessengerService: one object per service id. */
export class MessengerService implements IMessengerService {
  constructor(private readonly rt: Runtime, public record: ServiceRecord) {}

  async get_ServiceID(): Promise<string> { return this.record.id; }
  async get_ServiceName(): Promise<string> { return this.record.name; }

  async get_MySigninName(): Promise<string> {
    const member = 'IMessengerService.MySigninName';
    return this.rt.run(member, async () => { await this.rt.requireSignedIn(member); return (await this.rt.ports.session.self()).signinName; });
  }

  async get_MyFriendlyName(): Promise<string> {
    const member = 'IMessengerService.MyFriendlyName';
    return this.rt.run(member, async () => { await this.rt.requireSignedIn(member); return (await this.rt.ports.session.self()).friendlyName; });
  }

  async get_MyStatus(): Promise<MISTATUS> {
    if (!(await this.rt.signedIn())) return MISTATUS.MISTATUS_OFFLINE;
    return (await this.rt.ports.session.self()).status;
  }

  async get_Property(ePropType: MSERVICEPROPERTY): Promise<Variant> {
    return this.reserved(ePropType);
  }

  async put_Property(ePropType: MSERVICEPROPERTY, _vPropVal: Variant): Promise<void> {
    await this.reserved(ePropType);
  }

  /** The page: E_INVALIDARG "Returned in all cases. Reserved." */
  private async reserved(ePropType: unknown): Promise<never> {
    const member = 'IMessengerService.Property';
    return this.rt.run(member, async () => {
      checkEnum('MSERVICEPROPERTY', ePropType, member, 'ePropType');
      throw messengerError('E_INVALIDARG', member, 'Service properties are reserved.');
    });
  }
}

/** MessengerServices: the services the client knows (works signed in or not). */
export class MessengerServices extends Collection<MessengerService> implements IMessengerServices {
  constructor(items: MessengerService[], private readonly primary: MessengerService) { super(items, 'IMessengerServices'); }
  async get_PrimaryService(): Promise<MessengerService> { return this.primary; }
}
