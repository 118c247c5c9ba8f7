/**
 * Windows Messenger COM automation type library ("Messenger API Type Library",
 * LIBID E02AD29E-80F5-46C6-B416-9B3EBDDF057E) as data.
 *
 * Members, parameters, `scriptable` flags and `page` come from the spec pages in
 * /work/shared/spec/messenger/docs (one row per interface x member x kind).
 *
 * DISPIDs and IIDs: read from a Delphi import of Microsoft's msgrua type library
 * (the file generated from the type library, with `dispid N` clauses on every dispinterface member):
 *   repository maestron/botnets, path VirusPack/wworm2/Units/MSNapi/Pas/MessengerAPI_TLB.pas
 *   (commit 53ca803b0eb32e96ce8d4bce87ab6ccdd0784c2a)
 * Every value was cross-checked against a second, independent import of the same type library:
 *   repository Chiggins/malware_sources, path Xtreme_RAT_Unicode_xe7/Servidor/MSNfunc.pas
 * Both repositories are archives of old malware source code. Only the type-library constants
 * (DISPIDs and GUIDs) were read from them. No code was taken.
 * IIDs for IMessenger, IMessenger3, IMessengerWindow, IMessengerConversationWnd and
 * DMessengerEvents also match the MIDL_INTERFACE(...) lines in two MIDL-generated msgrua.h headers
 * (the 2002 Windows Messenger 4.x header, and the Office Communicator SDK header built with
 * MIDL 7.00.0555). IMessenger2 matches TYPELIB.md. IMessengerContacts and DMessengerEvents
 * also match constants in jitsi/jitsi src/native/windows/msofficecomm.
 * No msgruaid.h (DISPID_MUAM_* / DISPID_MUAE_* names) was found in the index, so the
 * symbolic DISPID names are not recorded. Only their numeric values are.
 *
 * Param `type` conventions: the IDL type exactly as written in the page's syntax block
 * (including the page's LONG/long casing). `[in]` params keep their declared pointer level
 * (e.g. `IDispatch *pMContact` -> 'IDispatch*'). `[out, retval]` / `[retval]` params are recorded
 * with one level of indirection removed, i.e. as the value type that is returned
 * (`IDispatch **ppX` -> 'IDispatch*', `BSTR *pbstr` -> 'BSTR').
 * A property put takes its value as dir 'in', after any index params.
 */

export type InterfaceName =
  | 'IMessenger'
  | 'IMessenger2'
  | 'IMessenger3'
  | 'IMessengerContact'
  | 'IMessengerContacts'
  | 'IMessengerGroup'
  | 'IMessengerGroups'
  | 'IMessengerService'
  | 'IMessengerServices'
  | 'IMessengerWindow'
  | 'IMessengerConversationWnd'
  | 'DMessengerEvents';

export type MemberKind = 'method' | 'propget' | 'propput' | 'event';

export interface TypeLibParam {
  readonly name: string;
  /** IDL type as on the page: 'BSTR', 'VARIANT', 'long', 'LONG', 'VARIANT_BOOL', 'MISTATUS', 'IDispatch*', 'MPHONE_TYPE', ... */
  readonly type: string;
  readonly dir: 'in' | 'out' | 'retval';
  readonly optional?: true;
}

export interface TypeLibMember {
  readonly iface: InterfaceName;
  readonly member: string;
  readonly kind: MemberKind;
  /** Numeric DISPID from the type library. null if not found in any source. */
  readonly dispid: number | null;
  readonly params: readonly TypeLibParam[];
  /** false when the page says the member is "not available for scripting languages". */
  readonly scriptable: boolean;
  /** Spec page file name (docs/*.md). */
  readonly page: string;
}

export interface TypeLibInterface {
  readonly name: InterfaceName;
  /** IID (DIID for DMessengerEvents), upper-case, without braces. */
  readonly iid: string | null;
  readonly inherits: InterfaceName | 'IDispatch';
  readonly page: string;
}

/**
 * DMessengerEvents is a dispinterface (an outgoing event source), so it is recorded as inheriting
 * IDispatch. Its page says it inherits IUnknown.
 */
export const INTERFACES = [
  { name: 'IMessenger', iid: 'D50C3186-0F89-48F8-B204-3604629DEE10', inherits: 'IDispatch', page: 'im-imessenger.md' },
  { name: 'IMessenger2', iid: 'D50C3286-0F89-48F8-B204-3604629DEE10', inherits: 'IMessenger', page: 'im-imessenger2.md' },
  { name: 'IMessenger3', iid: 'D50C3386-0F89-48F8-B204-3604629DEE10', inherits: 'IMessenger2', page: 'im-imessenger3.md' },
  { name: 'IMessengerContact', iid: 'E7479A0F-BB19-44A5-968F-6F41D93EE0BC', inherits: 'IDispatch', page: 'im-imessengercontact.md' },
  { name: 'IMessengerContacts', iid: 'E7479A0D-BB19-44A5-968F-6F41D93EE0BC', inherits: 'IDispatch', page: 'im-imessengercontacts.md' },
  { name: 'IMessengerGroup', iid: 'E1AF1038-B884-44CB-A535-1C3C11A3D1DB', inherits: 'IDispatch', page: 'im-imessengergroup.md' },
  { name: 'IMessengerGroups', iid: 'E1AF1028-B884-44CB-A535-1C3C11A3D1DB', inherits: 'IDispatch', page: 'im-imessengergroups.md' },
  { name: 'IMessengerService', iid: '2E50547C-A8AA-4F60-B57E-1F414711007B', inherits: 'IDispatch', page: 'im-imessengerservice.md' },
  { name: 'IMessengerServices', iid: '2E50547B-A8AA-4F60-B57E-1F414711007B', inherits: 'IDispatch', page: 'im-imessengerservices.md' },
  { name: 'IMessengerWindow', iid: 'D6B0E4C8-FAD6-4885-B271-0DC5A584ADF8', inherits: 'IDispatch', page: 'im-imessengerwindow.md' },
  { name: 'IMessengerConversationWnd', iid: 'D6B0E4C9-FAD6-4885-B271-0DC5A584ADF8', inherits: 'IMessengerWindow', page: 'im-imessengerconversationwnd.md' },
  { name: 'DMessengerEvents', iid: 'C9A6A6B6-9BC1-43A5-B06B-E58874EEBC96', inherits: 'IDispatch', page: 'im-dmessengerevents.md' },
] as const satisfies readonly TypeLibInterface[];

/**
 * Order: interfaces as in INTERFACES; within an interface, members in the order of the
 * interface page's tables (methods, then properties; propget before propput).
 */
export const TYPELIB = [
  { iface: 'IMessenger', member: 'AddContact', kind: 'method', dispid: 1288, params: [{ name: 'hwndParent', type: 'long', dir: 'in' }, { name: 'bstrEMail', type: 'BSTR', dir: 'in' }], scriptable: false, page: 'im-imessenger-addcontact.md' },
  { iface: 'IMessenger', member: 'AutoSignin', kind: 'method', dispid: 1299, params: [], scriptable: true, page: 'im-imessenger-autosignin.md' },
  { iface: 'IMessenger', member: 'FindContact', kind: 'method', dispid: 1289, params: [{ name: 'hwndParent', type: 'long', dir: 'in' }, { name: 'bstrFirstName', type: 'BSTR', dir: 'in' }, { name: 'bstrLastName', type: 'BSTR', dir: 'in' }, { name: 'vbstrCity', type: 'VARIANT', dir: 'in', optional: true }, { name: 'vbstrState', type: 'VARIANT', dir: 'in', optional: true }, { name: 'vbstrCountry', type: 'VARIANT', dir: 'in', optional: true }], scriptable: false, page: 'im-imessenger-findcontact.md' },
  { iface: 'IMessenger', member: 'GetContact', kind: 'method', dispid: 1286, params: [{ name: 'bstrSigninName', type: 'BSTR', dir: 'in' }, { name: 'bstrServiceId', type: 'BSTR', dir: 'in' }, { name: 'ppMContact', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-getcontact.md' },
  { iface: 'IMessenger', member: 'InstantMessage', kind: 'method', dispid: 1290, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-instantmessage.md' },
  { iface: 'IMessenger', member: 'InviteApp', kind: 'method', dispid: 1295, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'bstrAppID', type: 'BSTR', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: false, page: 'im-imessenger-inviteapp.md' },
  { iface: 'IMessenger', member: 'MediaWizard', kind: 'method', dispid: 1301, params: [{ name: 'hwndParent', type: 'long', dir: 'in' }], scriptable: true, page: 'im-imessenger-mediawizard.md' },
  { iface: 'IMessenger', member: 'OpenInbox', kind: 'method', dispid: 1293, params: [], scriptable: true, page: 'im-imessenger-openinbox.md' },
  { iface: 'IMessenger', member: 'OptionsPages', kind: 'method', dispid: 1287, params: [{ name: 'hwndParent', type: 'long', dir: 'in' }, { name: 'mOptionPage', type: 'MOPTIONPAGE', dir: 'in' }], scriptable: true, page: 'im-imessenger-optionspages.md' },
  { iface: 'IMessenger', member: 'Page', kind: 'method', dispid: 1302, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-page.md' },
  { iface: 'IMessenger', member: 'Phone', kind: 'method', dispid: 1300, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'ePhoneNumber', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'bstrNumber', type: 'BSTR', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-phone.md' },
  { iface: 'IMessenger', member: 'SendFile', kind: 'method', dispid: 1292, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'bstrFileName', type: 'BSTR', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-sendfile.md' },
  { iface: 'IMessenger', member: 'SendMail', kind: 'method', dispid: 1298, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessenger-sendmail.md' },
  { iface: 'IMessenger', member: 'Signin', kind: 'method', dispid: 1297, params: [{ name: 'hwndParent', type: 'long', dir: 'in' }, { name: 'bstrSigninName', type: 'BSTR', dir: 'in' }, { name: 'bstrPassword', type: 'BSTR', dir: 'in' }], scriptable: true, page: 'im-imessenger-signin.md' },
  { iface: 'IMessenger', member: 'Signout', kind: 'method', dispid: 1291, params: [], scriptable: false, page: 'im-imessenger-signout.md' },
  { iface: 'IMessenger', member: 'StartVoice', kind: 'method', dispid: 1281, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: false, page: 'im-imessenger-startvoice.md' },
  { iface: 'IMessenger', member: 'ViewProfile', kind: 'method', dispid: 1285, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessenger-viewprofile.md' },
  { iface: 'IMessenger', member: 'MyContacts', kind: 'propget', dispid: 1303, params: [{ name: 'ppMContacts', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-mycontacts.md' },
  { iface: 'IMessenger', member: 'MyFriendlyName', kind: 'propget', dispid: 1282, params: [{ name: 'pbstrName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessenger-myfriendlyname.md' },
  { iface: 'IMessenger', member: 'MyPhoneNumber', kind: 'propget', dispid: 1296, params: [{ name: 'PhoneType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'pbstrNumber', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessenger-myphonenumber.md' },
  { iface: 'IMessenger', member: 'MyProperty', kind: 'propget', dispid: 1306, params: [{ name: 'ePropType', type: 'MCONTACTPROPERTY', dir: 'in' }, { name: 'pvPropVal', type: 'VARIANT', dir: 'retval' }], scriptable: true, page: 'im-imessenger-myproperty.md' },
  { iface: 'IMessenger', member: 'MyProperty', kind: 'propput', dispid: 1306, params: [{ name: 'ePropType', type: 'MCONTACTPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessenger-myproperty.md' },
  { iface: 'IMessenger', member: 'MyServiceId', kind: 'propget', dispid: 1307, params: [{ name: 'pbstrServiceId', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessenger-myserviceid.md' },
  { iface: 'IMessenger', member: 'MyServiceName', kind: 'propget', dispid: 1294, params: [{ name: 'pbstrServiceName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessenger-myservicename.md' },
  { iface: 'IMessenger', member: 'MySigninName', kind: 'propget', dispid: 1304, params: [{ name: 'pbstrName', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessenger-mysigninname.md' },
  { iface: 'IMessenger', member: 'MyStatus', kind: 'propget', dispid: 1305, params: [{ name: 'pmiStatus', type: 'MISTATUS', dir: 'retval' }], scriptable: true, page: 'im-imessenger-mystatus.md' },
  { iface: 'IMessenger', member: 'MyStatus', kind: 'propput', dispid: 1305, params: [{ name: 'pmiStatus', type: 'MISTATUS', dir: 'in' }], scriptable: false, page: 'im-imessenger-mystatus.md' },
  { iface: 'IMessenger', member: 'ReceiveFileDirectory', kind: 'propget', dispid: 1280, params: [{ name: 'bstrPath', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessenger-receivefiledirectory.md' },
  { iface: 'IMessenger', member: 'Services', kind: 'propget', dispid: 1308, params: [{ name: 'ppdispServices', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-services.md' },
  { iface: 'IMessenger', member: 'UnreadEmailCount', kind: 'propget', dispid: 1284, params: [{ name: 'mFolder', type: 'MUAFOLDER', dir: 'in' }, { name: 'plCount', type: 'LONG', dir: 'retval' }], scriptable: true, page: 'im-imessenger-unreademailcount.md' },
  { iface: 'IMessenger', member: 'Window', kind: 'propget', dispid: 1283, params: [{ name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger-window.md' },
  { iface: 'IMessenger2', member: 'CreateGroup', kind: 'method', dispid: 1312, params: [{ name: 'bstrName', type: 'BSTR', dir: 'in' }, { name: 'vService', type: 'VARIANT', dir: 'in' }, { name: 'ppGroup', type: 'IDispatch*', dir: 'retval' }], scriptable: false, page: 'im-imessenger2-creategroup.md' },
  { iface: 'IMessenger2', member: 'StartVideo', kind: 'method', dispid: 1310, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }, { name: 'ppMWindow', type: 'IDispatch*', dir: 'retval' }], scriptable: false, page: 'im-imessenger2-startvideo.md' },
  { iface: 'IMessenger2', member: 'ContactsSortOrder', kind: 'propget', dispid: 1313, params: [{ name: 'pSort', type: 'MUASORT', dir: 'retval' }], scriptable: true, page: 'im-imessenger2-contactssortorder.md' },
  { iface: 'IMessenger2', member: 'ContactsSortOrder', kind: 'propput', dispid: 1313, params: [{ name: 'Sort', type: 'MUASORT', dir: 'in' }], scriptable: false, page: 'im-imessenger2-contactssortorder.md' },
  { iface: 'IMessenger2', member: 'MyGroups', kind: 'propget', dispid: 1311, params: [{ name: 'ppMGroups', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessenger2-mygroups.md' },
  { iface: 'IMessenger3', member: 'Property', kind: 'propget', dispid: 1314, params: [{ name: 'ePropType', type: 'MMESSENGERPROPERTY', dir: 'in' }, { name: 'pvPropVal', type: 'VARIANT', dir: 'retval' }], scriptable: true, page: 'im-imessenger3-property.md' },
  { iface: 'IMessenger3', member: 'Property', kind: 'propput', dispid: 1314, params: [{ name: 'ePropType', type: 'MMESSENGERPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessenger3-property.md' },
  { iface: 'IMessengerContact', member: 'Blocked', kind: 'propget', dispid: 1540, params: [{ name: 'pBoolBlock', type: 'VARIANT_BOOL', dir: 'retval' }], scriptable: false, page: 'im-imessengercontact-blocked.md' },
  { iface: 'IMessengerContact', member: 'Blocked', kind: 'propput', dispid: 1540, params: [{ name: 'vBoolBlock', type: 'VARIANT_BOOL', dir: 'in' }], scriptable: false, page: 'im-imessengercontact-blocked.md' },
  { iface: 'IMessengerContact', member: 'CanPage', kind: 'propget', dispid: 1543, params: [{ name: 'pBoolPage', type: 'VARIANT_BOOL', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-canpage.md' },
  { iface: 'IMessengerContact', member: 'FriendlyName', kind: 'propget', dispid: 1536, params: [{ name: 'pbstrFriendlyName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-friendlyname.md' },
  { iface: 'IMessengerContact', member: 'IsSelf', kind: 'propget', dispid: 1541, params: [{ name: 'pBoolSelf', type: 'VARIANT_BOOL', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-isself.md' },
  { iface: 'IMessengerContact', member: 'PhoneNumber', kind: 'propget', dispid: 1544, params: [{ name: 'PhoneType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'bstrNumber', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessengercontact-phonenumber.md' },
  { iface: 'IMessengerContact', member: 'Property', kind: 'propget', dispid: 1542, params: [{ name: 'ePropType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'pvPropVal', type: 'VARIANT', dir: 'retval' }], scriptable: false, page: 'im-imessengercontact-property.md' },
  { iface: 'IMessengerContact', member: 'Property', kind: 'propput', dispid: 1542, params: [{ name: 'ePropType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: false, page: 'im-imessengercontact-property.md' },
  { iface: 'IMessengerContact', member: 'ServiceID', kind: 'propget', dispid: 1545, params: [{ name: 'pbstrServiceID', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-serviceid.md' },
  { iface: 'IMessengerContact', member: 'ServiceName', kind: 'propget', dispid: 1539, params: [{ name: 'pbstrServiceName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-servicename.md' },
  { iface: 'IMessengerContact', member: 'SigninName', kind: 'propget', dispid: 1538, params: [{ name: 'pbstrSigninName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-signinname.md' },
  { iface: 'IMessengerContact', member: 'Status', kind: 'propget', dispid: 1537, params: [{ name: 'pMstate', type: 'MISTATUS', dir: 'retval' }], scriptable: true, page: 'im-imessengercontact-status.md' },
  { iface: 'IMessengerContacts', member: 'Item', kind: 'method', dispid: 0, params: [{ name: 'Index', type: 'long', dir: 'in' }, { name: 'ppMContact', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengercontacts-item.md' },
  { iface: 'IMessengerContacts', member: 'Remove', kind: 'method', dispid: 1793, params: [{ name: 'pMContact', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-imessengercontacts-remove.md' },
  { iface: 'IMessengerContacts', member: '_NewEnum', kind: 'propget', dispid: -4, params: [{ name: 'ppUnknown', type: 'IUnknown*', dir: 'retval' }], scriptable: true, page: 'im-imessengercontacts--newenum.md' },
  { iface: 'IMessengerContacts', member: 'Count', kind: 'propget', dispid: 1792, params: [{ name: 'pcContacts', type: 'long', dir: 'retval' }], scriptable: true, page: 'im-imessengercontacts-count.md' },
  { iface: 'IMessengerGroup', member: 'AddContact', kind: 'method', dispid: 1669, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }], scriptable: false, page: 'im-imessengergroup-addcontact.md' },
  { iface: 'IMessengerGroup', member: 'RemoveContact', kind: 'method', dispid: 1670, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }], scriptable: false, page: 'im-messengergroup-removecontact.md' },
  { iface: 'IMessengerGroup', member: 'Contacts', kind: 'propget', dispid: 1667, params: [{ name: 'ppMContacts', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengergroup-contacts.md' },
  { iface: 'IMessengerGroup', member: 'Name', kind: 'propget', dispid: 1668, params: [{ name: 'bstrName', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessengergroup-name.md' },
  { iface: 'IMessengerGroup', member: 'Name', kind: 'propput', dispid: 1668, params: [{ name: 'bstrName', type: 'BSTR', dir: 'in' }], scriptable: false, page: 'im-imessengergroup-name.md' },
  { iface: 'IMessengerGroup', member: 'Service', kind: 'propget', dispid: 1671, params: [{ name: 'pService', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengergroup-service.md' },
  { iface: 'IMessengerGroups', member: 'Item', kind: 'method', dispid: 0, params: [{ name: 'Index', type: 'long', dir: 'in' }, { name: 'ppService', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengergroups-item.md' },
  { iface: 'IMessengerGroups', member: 'Remove', kind: 'method', dispid: 1665, params: [{ name: 'pMGroup', type: 'IDispatch*', dir: 'in' }], scriptable: false, page: 'im-imessengergroups-remove.md' },
  { iface: 'IMessengerGroups', member: '_NewEnum', kind: 'propget', dispid: -4, params: [{ name: 'ppUnknown', type: 'IUnknown*', dir: 'retval' }], scriptable: true, page: 'im-imessengergroups--newenum.md' },
  { iface: 'IMessengerGroups', member: 'Count', kind: 'propget', dispid: 1666, params: [{ name: 'pcCount', type: 'long', dir: 'retval' }], scriptable: true, page: 'im-imessengergroups-count.md' },
  { iface: 'IMessengerService', member: 'MyFriendlyName', kind: 'propget', dispid: 2179, params: [{ name: 'pbstrName', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessengerservice-myfriendlyname.md' },
  { iface: 'IMessengerService', member: 'MySigninName', kind: 'propget', dispid: 2184, params: [{ name: 'pbstrName', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessengerservice-mysigninname.md' },
  { iface: 'IMessengerService', member: 'MyStatus', kind: 'propget', dispid: 2181, params: [{ name: 'pmiStatus', type: 'MISTATUS', dir: 'retval' }], scriptable: true, page: 'im-imessengerservice-mystatus.md' },
  { iface: 'IMessengerService', member: 'Property', kind: 'propget', dispid: 2182, params: [{ name: 'ePropType', type: 'MSERVICEPROPERTY', dir: 'in' }, { name: 'pvPropVal', type: 'VARIANT', dir: 'retval' }], scriptable: true, page: 'im-imessengerservice-property.md' },
  { iface: 'IMessengerService', member: 'Property', kind: 'propput', dispid: 2182, params: [{ name: 'ePropType', type: 'MSERVICEPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessengerservice-property.md' },
  { iface: 'IMessengerService', member: 'ServiceID', kind: 'propget', dispid: 2183, params: [{ name: 'pbstrID', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengerservice-serviceid.md' },
  { iface: 'IMessengerService', member: 'ServiceName', kind: 'propget', dispid: 2178, params: [{ name: 'pbstrServiceName', type: 'BSTR', dir: 'retval' }], scriptable: true, page: 'im-imessengerservice-servicename.md' },
  { iface: 'IMessengerServices', member: 'Item', kind: 'method', dispid: 0, params: [{ name: 'Index', type: 'LONG', dir: 'in' }, { name: 'ppService', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengerservices-item.md' },
  { iface: 'IMessengerServices', member: '_NewEnum', kind: 'propget', dispid: -4, params: [{ name: 'ppUnknown', type: 'IUnknown*', dir: 'retval' }], scriptable: true, page: 'im-imessengerservices--newenum.md' },
  { iface: 'IMessengerServices', member: 'Count', kind: 'propget', dispid: 2177, params: [{ name: 'pcServices', type: 'LONG', dir: 'retval' }], scriptable: true, page: 'im-imessengerservices-count.md' },
  { iface: 'IMessengerServices', member: 'PrimaryService', kind: 'propget', dispid: 2176, params: [{ name: 'ppService', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengerservices-primaryservice.md' },
  { iface: 'IMessengerWindow', member: 'Close', kind: 'method', dispid: 2053, params: [], scriptable: false, page: 'im-imessengerwindow-close.md' },
  { iface: 'IMessengerWindow', member: 'Show', kind: 'method', dispid: 2054, params: [], scriptable: true, page: 'im-imessengerwindow--show.md' },
  { iface: 'IMessengerWindow', member: 'Height', kind: 'propget', dispid: 2052, params: [{ name: 'plHeight', type: 'LONG', dir: 'retval' }], scriptable: false, page: 'im-imessengerwindow-height.md' },
  { iface: 'IMessengerWindow', member: 'Height', kind: 'propput', dispid: 2052, params: [{ name: 'lHeight', type: 'LONG', dir: 'in' }], scriptable: false, page: 'im-imessengerwindow-height.md' },
  { iface: 'IMessengerWindow', member: 'HWND', kind: 'propget', dispid: 2048, params: [{ name: 'phWnd', type: 'long', dir: 'retval' }], scriptable: false, page: 'im-imessengerwindow-hwnd.md' },
  { iface: 'IMessengerWindow', member: 'IsClosed', kind: 'propget', dispid: 2055, params: [{ name: 'pBoolClose', type: 'VARIANT_BOOL', dir: 'retval' }], scriptable: true, page: 'im-imessengerwindow-isclosed.md' },
  { iface: 'IMessengerWindow', member: 'Left', kind: 'propget', dispid: 2049, params: [{ name: 'plLeft', type: 'LONG', dir: 'retval' }], scriptable: false, page: 'im-imessengerwindow-left.md' },
  { iface: 'IMessengerWindow', member: 'Left', kind: 'propput', dispid: 2049, params: [{ name: 'lLeft', type: 'LONG', dir: 'in' }], scriptable: false, page: 'im-imessengerwindow-left.md' },
  { iface: 'IMessengerWindow', member: 'Property', kind: 'propget', dispid: 2056, params: [{ name: 'ePropType', type: 'MWINDOWPROPERTY', dir: 'in' }, { name: 'pvPropVal', type: 'VARIANT', dir: 'retval' }], scriptable: true, page: 'im-imessengerwindow-property.md' },
  { iface: 'IMessengerWindow', member: 'Property', kind: 'propput', dispid: 2056, params: [{ name: 'ePropType', type: 'MWINDOWPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: false, page: 'im-imessengerwindow-property.md' },
  { iface: 'IMessengerWindow', member: 'Top', kind: 'propget', dispid: 2050, params: [{ name: 'plTop', type: 'LONG', dir: 'retval' }], scriptable: false, page: 'im-imessengerwindow-top.md' },
  { iface: 'IMessengerWindow', member: 'Top', kind: 'propput', dispid: 2050, params: [{ name: 'lTop', type: 'LONG', dir: 'in' }], scriptable: false, page: 'im-imessengerwindow-top.md' },
  { iface: 'IMessengerWindow', member: 'Width', kind: 'propget', dispid: 2051, params: [{ name: 'plWidth', type: 'LONG', dir: 'retval' }], scriptable: false, page: 'im-imessengerwindow-width.md' },
  { iface: 'IMessengerWindow', member: 'Width', kind: 'propput', dispid: 2051, params: [{ name: 'lWidth', type: 'LONG', dir: 'in' }], scriptable: false, page: 'im-imessengerwindow-width.md' },
  { iface: 'IMessengerConversationWnd', member: 'AddContact', kind: 'method', dispid: 2059, params: [{ name: 'vContact', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-imessengerconversationwnd-addcontact.md' },
  { iface: 'IMessengerConversationWnd', member: 'Contacts', kind: 'propget', dispid: 2057, params: [{ name: 'pContacts', type: 'IDispatch*', dir: 'retval' }], scriptable: true, page: 'im-imessengerconversationwnd-contacts.md' },
  { iface: 'IMessengerConversationWnd', member: 'History', kind: 'propget', dispid: 2058, params: [{ name: 'bstrHistoryText', type: 'BSTR', dir: 'retval' }], scriptable: false, page: 'im-imessengerconversationwnd-history.md' },
  { iface: 'DMessengerEvents', member: 'OnAppShutdown', kind: 'event', dispid: 1032, params: [], scriptable: true, page: 'im-dmessengerevents-onappshutdown.md' },
  { iface: 'DMessengerEvents', member: 'OnContactAddedToGroup', kind: 'event', dispid: 1048, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMGroup', type: 'IDispatch*', dir: 'in' }, { name: 'pMContact', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactaddedtogroup.md' },
  { iface: 'DMessengerEvents', member: 'OnContactBlockChange', kind: 'event', dispid: 1035, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'pBoolBlock', type: 'VARIANT_BOOL', dir: 'in' }], scriptable: false, page: 'im-dmessengerevents-oncontactblockchange.md' },
  { iface: 'DMessengerEvents', member: 'OnContactFriendlyNameChange', kind: 'event', dispid: 1028, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMContact', type: 'IDispatch*', dir: 'in' }, { name: 'bstrPrevFriendlyName', type: 'BSTR', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactfriendlynamechange.md' },
  { iface: 'DMessengerEvents', member: 'OnContactListAdd', kind: 'event', dispid: 1026, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMContact', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactlistadd.md' },
  { iface: 'DMessengerEvents', member: 'OnContactListRemove', kind: 'event', dispid: 1027, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMContact', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactlistremove.md' },
  { iface: 'DMessengerEvents', member: 'OnContactPagerChange', kind: 'event', dispid: 1036, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'pBoolBlock', type: 'VARIANT_BOOL', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactpagerchange.md' },
  { iface: 'DMessengerEvents', member: 'OnContactPhoneChange', kind: 'event', dispid: 1037, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'PhoneType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'bstrNumber', type: 'BSTR', dir: 'in' }], scriptable: false, page: 'im-dmessengerevents-oncontactphonechange.md' },
  { iface: 'DMessengerEvents', member: 'OnContactPropertyChange', kind: 'event', dispid: 1034, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'ePropType', type: 'MCONTACTPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: false, page: 'im-dmessengerevents-oncontactpropertychange.md' },
  { iface: 'DMessengerEvents', member: 'OnContactRemovedFromGroup', kind: 'event', dispid: 1049, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMGroup', type: 'IDispatch*', dir: 'in' }, { name: 'pMContact', type: 'VARIANT_BOOL', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactremovedfromgroup.md' },
  { iface: 'DMessengerEvents', member: 'OnContactStatusChange', kind: 'event', dispid: 1030, params: [{ name: 'pMContact', type: 'IDispatch*', dir: 'in' }, { name: 'mStatus', type: 'MISTATUS', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-oncontactstatuschange.md' },
  { iface: 'DMessengerEvents', member: 'OnGroupAdded', kind: 'event', dispid: 1045, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMGroup', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-ongroupadded.md' },
  { iface: 'DMessengerEvents', member: 'OnGroupNameChanged', kind: 'event', dispid: 1047, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMGroup', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-ongroupnamechanged.md' },
  { iface: 'DMessengerEvents', member: 'OnGroupRemoved', kind: 'event', dispid: 1046, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'pMGroup', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-ongroupremoved.md' },
  { iface: 'DMessengerEvents', member: 'OnIMWindowContactAdded', kind: 'event', dispid: 1043, params: [{ name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'pIMWindow', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onimwindowcontactadded.md' },
  { iface: 'DMessengerEvents', member: 'OnIMWindowContactRemoved', kind: 'event', dispid: 1044, params: [{ name: 'pContact', type: 'IDispatch*', dir: 'in' }, { name: 'pIMWindow', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onimwindowcontactremoved.md' },
  { iface: 'DMessengerEvents', member: 'OnIMWindowCreated', kind: 'event', dispid: 1041, params: [{ name: 'pIMWindow', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onimwindowcreated.md' },
  { iface: 'DMessengerEvents', member: 'OnIMWindowDestroyed', kind: 'event', dispid: 1042, params: [{ name: 'pIMWindow', type: 'IDispatch*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onimwindowdestroyed.md' },
  { iface: 'DMessengerEvents', member: 'OnMyFriendlyNameChange', kind: 'event', dispid: 1029, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'bstrPrevFriendlyName', type: 'BSTR', dir: 'in' }], scriptable: false, page: 'im-dmessengerevents-onmyfriendlynamechange.md' },
  { iface: 'DMessengerEvents', member: 'OnMyPhoneChange', kind: 'event', dispid: 1038, params: [{ name: 'PhoneType', type: 'MPHONE_TYPE', dir: 'in' }, { name: 'bstrNumber', type: 'BSTR', dir: 'in' }], scriptable: false, page: 'im-dmessengerevents-onmyphonechange.md' },
  { iface: 'DMessengerEvents', member: 'OnMyPropertyChange', kind: 'event', dispid: 1033, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'ePropType', type: 'MCONTACTPROPERTY', dir: 'in' }, { name: 'vPropVal', type: 'VARIANT', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onmypropertychange.md' },
  { iface: 'DMessengerEvents', member: 'OnMyStatusChange', kind: 'event', dispid: 1031, params: [{ name: 'hr', type: 'LONG', dir: 'in' }, { name: 'mMYStatusOE', type: 'MISTATUS', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onmystatuschange.md' },
  { iface: 'DMessengerEvents', member: 'OnSignin', kind: 'event', dispid: 1024, params: [{ name: 'hr', type: 'LONG', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onsignin.md' },
  { iface: 'DMessengerEvents', member: 'OnSignout', kind: 'event', dispid: 1025, params: [], scriptable: true, page: 'im-dmessengerevents-onsignout.md' },
  { iface: 'DMessengerEvents', member: 'OnUnreadEmailChange', kind: 'event', dispid: 1039, params: [{ name: 'mFolder', type: 'MUAFOLDER', dir: 'in' }, { name: 'cUnreadEmail', type: 'LONG', dir: 'in' }, { name: 'pBoolfEnableDefault', type: 'VARIANT_BOOL*', dir: 'in' }], scriptable: true, page: 'im-dmessengerevents-onunreademailchange.md' },
] as const satisfies readonly TypeLibMember[];

/** Union of member names of interface I with kind K, derived at compile time from TYPELIB. */
export type MemberNames<I extends InterfaceName, K extends MemberKind> = Extract<
  (typeof TYPELIB)[number],
  { iface: I; kind: K }
>['member'];

/**
 * Rows declared directly on `iface`, in table order. Inherited members are not included
 * (e.g. IMessengerConversationWnd returns only Contacts, History and AddContact).
 */
export function membersOf(iface: InterfaceName): readonly TypeLibMember[] {
  return TYPELIB.filter((m) => m.iface === iface);
}
