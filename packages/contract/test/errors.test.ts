import { HR, HRESULTS, MessengerError, hresultName, isMessengerError, messengerError, toSigned } from '@imessenger/contract';

describe('HRESULT values (TYPELIB.md)', () => {
  test.each([
    ['MSGR_E_BAD_GROUP_NAME', 0x81000351, -2130705583],
    ['E_INVALIDARG', 0x80070057, -2147024809],
    ['E_FAIL', 0x80004005, -2147467259],
    ['MSGR_E_NOT_LOGGED_ON', 0x8100031e, -2130705634],
    ['MSGR_E_GROUPS_NOT_ENABLED', 0x8100034a, -2130705590],
    ['MSGR_E_POLICY_RESTRICTED', 0x81000356, -2130705578],
    ['MSGR_S_GROUP_ALREADY_EXISTS', 0x01000306, 0x01000306],
    ['MSGR_E_APP_INVITE_NOT_ACCEPTABLE', 0x81000392, -2130705518],
    ['RPC_X_NULL_REF_POINTER', 0x800706f4, -2147023116],
  ] as const)('%s = 0x%s, e.number %s', (name, unsigned, signed) => {
    expect(HR[name]).toBe(unsigned);
    expect(toSigned(HR[name])).toBe(signed);
    expect(hresultName(signed)).toBe(name);
  });

  test('every MSGR_E value is 0x81000300 + offset and every MSGR_S is 0x01000300 + offset', () => {
    for (const [name, { value }] of Object.entries(HRESULTS)) {
      if (name.startsWith('MSGR_E_')) expect(value - 0x81000300).toBeGreaterThan(0);
      if (name.startsWith('MSGR_S_')) expect(value - 0x01000300).toBeGreaterThan(0);
    }
    expect(new Set(Object.values(HRESULTS).map((h) => h.value)).size).toBe(Object.keys(HRESULTS).length);
  });
});

describe('MessengerError', () => {
  test('carries the unsigned and signed HRESULT, its name, the member and a readable message', () => {
    const e = messengerError('MSGR_E_BAD_GROUP_NAME', 'IMessenger2.CreateGroup', 'bstrName contains a tab.');
    expect(e).toBeInstanceOf(MessengerError);
    expect(e.hresult).toBe(0x81000351);
    expect(e.number).toBe(-2130705583);
    expect(e.code).toBe('MSGR_E_BAD_GROUP_NAME');
    expect(e.member).toBe('IMessenger2.CreateGroup');
    expect(e.description).toBe('bstrName contains a tab.');
    expect(e.message).toBe('IMessenger2.CreateGroup: MSGR_E_BAD_GROUP_NAME (0x81000351): bstrName contains a tab.');
  });

  test('an undocumented HRESULT keeps its value and gets a hex code name', () => {
    const e = new MessengerError(0x80040154);
    expect(e.code).toBe('HRESULT_0x80040154');
    expect(e.number).toBe(-2147221164);
  });

  test('without detail the description is the page text', () => {
    expect(messengerError('MSGR_E_ALREADY_IN_LIST').description).toBe('Attempt to add a contact that is already in the contact list.');
  });

  test('isMessengerError tests the shape (works across realms) and the HRESULT, signed or unsigned', () => {
    const e = messengerError('E_INVALIDARG');
    const crossRealm = { ...e, name: 'MessengerError', hresult: e.hresult };
    expect(isMessengerError(e, 'E_INVALIDARG')).toBe(true);
    expect(isMessengerError(crossRealm, -2147024809)).toBe(true);
    expect(isMessengerError(e, 'E_FAIL')).toBe(false);
    expect(isMessengerError(new Error('x'))).toBe(false);
    expect(isMessengerError(null)).toBe(false);
  });
});
