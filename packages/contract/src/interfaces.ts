/**
 * The Messenger automation interfaces, defined once, in their asynchronous TypeScript form.
 *
 * Naming follows the COM vtable exactly as the C++ reference pages print it: a method keeps its name
 * (`Signin`), a property becomes `get_Name()` / `put_Name(value)`, a parameterised property keeps its
 * index parameters first (`get_MyPhoneNumber(PhoneType)`). The type-library table (typelib.ts) lists
 * the same members as data, and a compile-time check keeps the two identical.
 * Every member returns a Promise: backends are asynchronous (HTTP, out-of-process COM).
 * The synchronous automation face (msn.MyStatus, msn.MyContacts.Item(0)) is derived from these.
 */
import type {
  MCONTACTPROPERTY, MISTATUS, MMESSENGERPROPERTY, MOPTIONPAGE, MPHONE_TYPE, MSERVICEPROPERTY,
  MUAFOLDER, MUASORT, MWINDOWPROPERTY,
} from './enums';

/** A VARIANT property value. */
export type Variant = string | number | boolean | null | readonly Variant[];

/** vContact: a VT_BSTR sign-in name or a VT_DISPATCH MessengerContact object. */
export type ContactArg = string | IMessengerContact;
/** vService: a VT_BSTR service id or a VT_DISPATCH MessengerService object. */
export type ServiceArg = string | IMessengerService;

export interface IMessenger {
  get_Window(): Promise<IMessengerWindow>;
  ViewProfile(vContact: ContactArg): Promise<void>;
  get_ReceiveFileDirectory(): Promise<string>;
  StartVoice(vContact: ContactArg): Promise<IMessengerConversationWnd>;
  InviteApp(vContact: ContactArg, bstrAppID: string): Promise<IMessengerConversationWnd>;
  SendMail(vContact: ContactArg): Promise<void>;
  OpenInbox(): Promise<void>;
  SendFile(vContact: ContactArg, bstrFileName: string): Promise<IMessengerConversationWnd>;
  Signout(): Promise<void>;
  Signin(hwndParent: number, bstrSigninName: string, bstrPassword: string): Promise<void>;
  GetContact(bstrSigninName: string, bstrServiceId: string): Promise<IMessengerContact>;
  OptionsPages(hwndParent: number, mOptionPage: MOPTIONPAGE): Promise<void>;
  AddContact(hwndParent: number, bstrEMail: string): Promise<void>;
  FindContact(hwndParent: number, bstrFirstName: string, bstrLastName: string,
    vbstrCity?: string, vbstrState?: string, vbstrCountry?: string): Promise<void>;
  InstantMessage(vContact: ContactArg): Promise<IMessengerConversationWnd>;
  Phone(vContact: ContactArg, ePhoneNumber: MPHONE_TYPE, bstrNumber: string): Promise<IMessengerConversationWnd>;
  MediaWizard(hwndParent: number): Promise<void>;
  Page(vContact: ContactArg): Promise<IMessengerConversationWnd>;
  AutoSignin(): Promise<void>;
  get_MyContacts(): Promise<IMessengerContacts>;
  get_MySigninName(): Promise<string>;
  get_MyFriendlyName(): Promise<string>;
  get_MyStatus(): Promise<MISTATUS>;
  put_MyStatus(mStatus: MISTATUS): Promise<void>;
  get_UnreadEmailCount(mFolder: MUAFOLDER): Promise<number>;
  get_MyServiceName(): Promise<string>;
  get_MyPhoneNumber(PhoneType: MPHONE_TYPE): Promise<string>;
  get_MyProperty(ePropType: MCONTACTPROPERTY): Promise<Variant>;
  put_MyProperty(ePropType: MCONTACTPROPERTY, vPropVal: Variant): Promise<void>;
  get_MyServiceId(): Promise<string>;
  get_Services(): Promise<IMessengerServices>;
}

export interface IMessenger2 extends IMessenger {
  CreateGroup(bstrName: string, vService: ServiceArg): Promise<IMessengerGroup>;
  StartVideo(vContact: ContactArg): Promise<IMessengerConversationWnd>;
  get_ContactsSortOrder(): Promise<MUASORT>;
  put_ContactsSortOrder(Sort: MUASORT): Promise<void>;
  get_MyGroups(): Promise<IMessengerGroups>;
}

export interface IMessenger3 extends IMessenger2 {
  get_Property(ePropType: MMESSENGERPROPERTY): Promise<Variant>;
  put_Property(ePropType: MMESSENGERPROPERTY, vPropVal: Variant): Promise<void>;
}

export interface IMessengerContact {
  get_Blocked(): Promise<boolean>;
  put_Blocked(vBoolBlock: boolean): Promise<void>;
  get_CanPage(): Promise<boolean>;
  get_FriendlyName(): Promise<string>;
  get_IsSelf(): Promise<boolean>;
  get_PhoneNumber(PhoneType: MPHONE_TYPE): Promise<string>;
  /** MCONTACTPROP_EMAIL: a string; MCONTACTPROP_GROUPS_PROPERTY: the contact's groups, a MessengerGroups collection (VT_DISPATCH). */
  get_Property(ePropType: MCONTACTPROPERTY): Promise<Variant | IMessengerGroups>;
  put_Property(ePropType: MCONTACTPROPERTY, vPropVal: Variant): Promise<void>;
  get_ServiceID(): Promise<string>;
  get_ServiceName(): Promise<string>;
  get_SigninName(): Promise<string>;
  get_Status(): Promise<MISTATUS>;
}

/** The enumerator _NewEnum hands out (IEnumVARIANT): a snapshot iterator. */
export interface IEnumVARIANT<T> extends AsyncIterableIterator<T> {}

export interface IMessengerContacts extends AsyncIterable<IMessengerContact> {
  get_Count(): Promise<number>;
  Item(Index: number): Promise<IMessengerContact>;
  Remove(pMContact: IMessengerContact): Promise<void>;
  get__NewEnum(): Promise<IEnumVARIANT<IMessengerContact>>;
}

export interface IMessengerGroup {
  AddContact(vContact: ContactArg): Promise<void>;
  RemoveContact(vContact: ContactArg): Promise<void>;
  get_Contacts(): Promise<IMessengerContacts>;
  get_Name(): Promise<string>;
  put_Name(bstrName: string): Promise<void>;
  get_Service(): Promise<IMessengerService>;
}

export interface IMessengerGroups extends AsyncIterable<IMessengerGroup> {
  get_Count(): Promise<number>;
  Item(Index: number): Promise<IMessengerGroup>;
  Remove(pMGroup: IMessengerGroup): Promise<void>;
  get__NewEnum(): Promise<IEnumVARIANT<IMessengerGroup>>;
}

export interface IMessengerService {
  get_MyFriendlyName(): Promise<string>;
  get_MySigninName(): Promise<string>;
  get_MyStatus(): Promise<MISTATUS>;
  get_Property(ePropType: MSERVICEPROPERTY): Promise<Variant>;
  put_Property(ePropType: MSERVICEPROPERTY, vPropVal: Variant): Promise<void>;
  get_ServiceID(): Promise<string>;
  get_ServiceName(): Promise<string>;
}

export interface IMessengerServices extends AsyncIterable<IMessengerService> {
  get_Count(): Promise<number>;
  Item(Index: number): Promise<IMessengerService>;
  get_PrimaryService(): Promise<IMessengerService>;
  get__NewEnum(): Promise<IEnumVARIANT<IMessengerService>>;
}

export interface IMessengerWindow {
  Close(): Promise<void>;
  get_HWND(): Promise<number>;
  get_Left(): Promise<number>;
  put_Left(lLeft: number): Promise<void>;
  get_Top(): Promise<number>;
  put_Top(lTop: number): Promise<void>;
  get_Width(): Promise<number>;
  put_Width(lWidth: number): Promise<void>;
  get_Height(): Promise<number>;
  put_Height(lHeight: number): Promise<void>;
  get_IsClosed(): Promise<boolean>;
  Show(): Promise<void>;
  get_Property(ePropType: MWINDOWPROPERTY): Promise<Variant>;
  put_Property(ePropType: MWINDOWPROPERTY, vPropVal: Variant): Promise<void>;
}

export interface IMessengerConversationWnd extends IMessengerWindow {
  get_Contacts(): Promise<IMessengerContacts>;
  get_History(): Promise<string>;
  AddContact(vContact: ContactArg): Promise<void>;
}

/** The interfaces by IDL name, for table checks and the automation face. */
export interface InterfaceMap {
  IMessenger: IMessenger;
  IMessenger2: IMessenger2;
  IMessenger3: IMessenger3;
  IMessengerContact: IMessengerContact;
  IMessengerContacts: IMessengerContacts;
  IMessengerGroup: IMessengerGroup;
  IMessengerGroups: IMessengerGroups;
  IMessengerService: IMessengerService;
  IMessengerServices: IMessengerServices;
  IMessengerWindow: IMessengerWindow;
  IMessengerConversationWnd: IMessengerConversationWnd;
}
