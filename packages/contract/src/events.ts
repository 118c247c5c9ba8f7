/**
 * DMessengerEvents: the 25 events with their parameters in documented order (the event pages).
 * `hr` is the HRESULT of the operation that raised the event (S_OK on success).
 * Page errata kept out of the types: OnContactRemovedFromGroup's pMContact is documented as
 * VARIANT_BOOL but is the contact object; OnContactBlockChange/OnContactPagerChange call their
 * boolean "pBoolBlock".
 */
import type { MCONTACTPROPERTY, MISTATUS, MPHONE_TYPE, MUAFOLDER } from './enums';
import type { IMessengerContact, IMessengerConversationWnd, IMessengerGroup, Variant } from './interfaces';

/** OnUnreadEmailChange's in/out flag: set `value = false` to suppress the client's default alert. */
export interface BoolRef { value: boolean }

export interface DMessengerEvents {
  OnAppShutdown: [];
  OnContactAddedToGroup: [hr: number, pMGroup: IMessengerGroup, pMContact: IMessengerContact];
  OnContactBlockChange: [hr: number, pContact: IMessengerContact, pBoolBlock: boolean];
  OnContactFriendlyNameChange: [hr: number, pMContact: IMessengerContact, bstrPrevFriendlyName: string];
  OnContactListAdd: [hr: number, pMContact: IMessengerContact];
  OnContactListRemove: [hr: number, pMContact: IMessengerContact];
  OnContactPagerChange: [hr: number, pContact: IMessengerContact, pBoolPage: boolean];
  OnContactPhoneChange: [hr: number, pContact: IMessengerContact, PhoneType: MPHONE_TYPE, bstrNumber: string];
  OnContactPropertyChange: [hr: number, pContact: IMessengerContact, ePropType: MCONTACTPROPERTY, vPropVal: Variant];
  OnContactRemovedFromGroup: [hr: number, pMGroup: IMessengerGroup, pMContact: IMessengerContact];
  OnContactStatusChange: [pMContact: IMessengerContact, mStatus: MISTATUS];
  OnGroupAdded: [hr: number, pMGroup: IMessengerGroup];
  OnGroupNameChanged: [hr: number, pMGroup: IMessengerGroup];
  OnGroupRemoved: [hr: number, pMGroup: IMessengerGroup];
  OnIMWindowContactAdded: [pContact: IMessengerContact, pIMWindow: IMessengerConversationWnd];
  OnIMWindowContactRemoved: [pContact: IMessengerContact, pIMWindow: IMessengerConversationWnd];
  OnIMWindowCreated: [pIMWindow: IMessengerConversationWnd];
  OnIMWindowDestroyed: [pIMWindow: IMessengerConversationWnd];
  OnMyFriendlyNameChange: [hr: number, bstrPrevFriendlyName: string];
  OnMyPhoneChange: [PhoneType: MPHONE_TYPE, bstrNumber: string];
  OnMyPropertyChange: [hr: number, ePropType: MCONTACTPROPERTY, vPropVal: Variant];
  OnMyStatusChange: [hr: number, mMyStatus: MISTATUS];
  OnSignin: [hr: number];
  OnSignout: [];
  OnUnreadEmailChange: [mFolder: MUAFOLDER, cUnreadEmail: number, pBoolfEnableDefault: BoolRef];
}

export type MessengerEventName = keyof DMessengerEvents;
export type MessengerEventListener<E extends MessengerEventName> = (...args: DMessengerEvents[E]) => void;

/** The event names in the order the DMessengerEvents page lists them. */
export const MESSENGER_EVENT_NAMES = [
  'OnAppShutdown', 'OnContactAddedToGroup', 'OnContactBlockChange', 'OnContactFriendlyNameChange',
  'OnContactListAdd', 'OnContactListRemove', 'OnContactPagerChange', 'OnContactPhoneChange',
  'OnContactPropertyChange', 'OnContactRemovedFromGroup', 'OnContactStatusChange', 'OnGroupAdded',
  'OnGroupNameChanged', 'OnGroupRemoved', 'OnIMWindowContactAdded', 'OnIMWindowContactRemoved',
  'OnIMWindowCreated', 'OnIMWindowDestroyed', 'OnMyFriendlyNameChange', 'OnMyPhoneChange',
  'OnMyPropertyChange', 'OnMyStatusChange', 'OnSignin', 'OnSignout', 'OnUnreadEmailChange',
] as const satisfies readonly MessengerEventName[];
