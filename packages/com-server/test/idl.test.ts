/**
 * The generated IDL and C stubs come from the contract's table: every interface with its IID and parent,
 * every member in the original vtable order with its DISPID, the event dispinterface, the coclass.
 * (wine.test.ts compiles them with widl and checks the binary type library the same way.)
 */
import { INTERFACES, rowsInVtableOrder } from '@imessenger/contract';
import { generateIdl, generateStubs, IDL_TYPE_FIXES, LIBID, MESSENGER_CLSID, vtableRows } from '../src';

const idl = generateIdl();

describe('generateIdl', () => {
  it('declares library MessengerAPI with its LIBID and the Messenger coclass with its CLSID, IMessenger3 default and DMessengerEvents as source', () => {
    expect(idl).toContain(`[uuid(${LIBID}), version(1.0), helpstring("Messenger API Type Library")]\nlibrary MessengerAPI`);
    expect(idl).toMatch(new RegExp(`\\[uuid\\(${MESSENGER_CLSID}\\)[^\\]]*\\]\\s*coclass Messenger\\s*\\{\\s*\\[default\\] interface IMessenger3;`));
    expect(idl).toContain('[default, source] dispinterface DMessengerEvents;');
  });

  it.each(INTERFACES.map((i) => [i.name, i.iid, i.inherits] as const))('%s: its IID, its parent, its members in vtable order with their DISPIDs', (name, iid, parent) => {
    const header = name === 'DMessengerEvents'
      ? `[uuid(${iid}), hidden]\n  dispinterface ${name}`
      : `[object, uuid(${iid}), dual, oleautomation]\n  interface ${name} : ${parent}`;
    const start = idl.indexOf(header);
    expect(start).toBeGreaterThan(0);
    const body = idl.slice(start, idl.indexOf('};', start));
    const declared = [...body.matchAll(/\[id\((-?\d+)\)(, prop(get|put))?[^\]]*\] (?:HRESULT|void) (\w+)\(/g)]
      .map((m) => `${m[3] ? `${m[3] === 'get' ? 'get_' : 'put_'}` : ''}${m[4]}@${m[1]}`);
    const expected = rowsInVtableOrder(name).map((r) => `${r.kind === 'propget' ? 'get_' : r.kind === 'propput' ? 'put_' : ''}${r.member}@${r.dispid}`);
    expect(declared).toEqual(expected);
  });

  it('types retvals as [out, retval], optional parameters as [in, optional], the by-reference event flag as [in, out]', () => {
    expect(idl).toContain('[id(1286)] HRESULT GetContact([in] BSTR bstrSigninName, [in] BSTR bstrServiceId, [out, retval] IDispatch **ppMContact);');
    expect(idl).toContain('[in, optional] VARIANT vbstrCity');
    expect(idl).toContain('[id(1039)] void OnUnreadEmailChange([in] MUAFOLDER mFolder, [in] LONG cUnreadEmail, [in, out] VARIANT_BOOL *pBoolfEnableDefault);');
    expect(idl).toContain('[id(-4), propget, restricted] HRESULT _NewEnum([out, retval] IUnknown **ppUnknown);');
  });

  it('applies only the documented fixes of page typos (TYPELIB.md)', () => {
    expect(Object.keys(IDL_TYPE_FIXES)).toHaveLength(3);
    expect(idl).toContain('[id(1049)] void OnContactRemovedFromGroup([in] LONG hr, [in] IDispatch *pMGroup, [in] IDispatch *pMContact);');
    expect(idl).toContain('[id(1542), propget] HRESULT Property([in] MCONTACTPROPERTY ePropType, [out, retval] VARIANT *pvPropVal);');
  });
});

describe('generateStubs', () => {
  const stubs = generateStubs();
  it('fills each object kind\'s vtable with IDispatch\'s seven entries, then every row parents first', () => {
    const vt = stubs.slice(stubs.indexOf('static const IMessenger3Vtbl vt_IMessenger3 = {'));
    const entries = vt.slice(0, vt.indexOf('};')).split('\n').slice(1).map((l) => l.trim().replace(/^s_IMessenger3_|,$/g, '')).filter(Boolean);
    expect(entries.slice(0, 7)).toEqual(['QueryInterface', 'AddRef', 'Release', 'GetTypeInfoCount', 'GetTypeInfo', 'GetIDsOfNames', 'Invoke']);
    expect(entries.slice(7)).toEqual(vtableRows('IMessenger3').map((r) => `${r.kind === 'propget' ? 'get_' : r.kind === 'propput' ? 'put_' : ''}${r.member}`));
    expect(entries).toHaveLength(7 + 31 + 5 + 2);
  });

  it('indexes the kind table by the wire\'s interface kinds (docs/protocol.md: INTERFACES order)', () => {
    const table = stubs.slice(stubs.indexOf('const KindInfo KINDS[KIND_SLOTS] = {'));
    const names = [...table.slice(0, table.indexOf('};')).matchAll(/\{ "(\w+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['IMessenger3', 'IMessenger3', 'IMessenger3', 'IMessengerContact', 'IMessengerContacts', 'IMessengerGroup',
      'IMessengerGroups', 'IMessengerService', 'IMessengerServices', 'IMessengerWindow', 'IMessengerConversationWnd', 'DMessengerEvents']);
  });
});
