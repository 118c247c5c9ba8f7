/**
 * The argument rules of validation.ts, each at its edges, called directly: the kit checks them
 * through the members that use them on every backend; these pin the sides the kit's members do not
 * reach (undefined as COM's NULL as well as null, a wrong type where NULL has its own HRESULT, a
 * non-printable character that is also CR or LF, both ends of a LONG).
 */
import { hresultName, MUASORT } from '@imessenger/contract';
import { rules } from '@imessenger/core';

const M = 'Test.Member';
/** The HResultName a rule throws, or 'ok'. */
function hr(check: () => unknown): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    return hresultName((error as { hresult: number }).hresult) ?? 'not a MessengerError';
  }
}

describe('validation: each rule at its edges', () => {
  test('NULL is null or undefined, with the rule\'s own HRESULT; another type is E_INVALIDARG', () => {
    for (const nul of [null, undefined]) {
      expect([hr(() => rules.checkSigninName(nul, M)), hr(() => rules.checkServiceId(nul, M)), hr(() => rules.checkGroupName(nul, M))])
        .toEqual(['E_FAIL', 'E_FAIL', 'E_POINTER']);
      expect([hr(() => rules.checkServiceArg(nul, M)), hr(() => rules.checkText(nul, M, 'p', 10)), hr(() => rules.checkContactArg(nul, M))])
        .toEqual(['E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG']);
    }
    expect([hr(() => rules.checkSigninName(7, M)), hr(() => rules.checkGroupName(7, M)), hr(() => rules.checkContactArg(7, M)), hr(() => rules.checkContactArg({}, M))])
      .toEqual(['E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG']);
  });

  test('objects: a contact or service object is taken as it is; NULL never is', () => {
    const contact = { get_SigninName: async () => 'bob@contoso.com' };
    const service = { get_ServiceID: async () => '{S}' };
    expect(rules.checkContactArg(contact, M)).toBe(contact);
    expect(rules.checkServiceArg(service, M)).toBe(service);
    expect(hr(() => rules.checkServiceArg({ get_ServiceID: 'not a function' }, M))).toBe('E_INVALIDARG');
  });

  test('sign-in names: empty, a leading space, CR/LF, over 129 characters -> E_INVALIDARG; 129 accepted', () => {
    const at129 = `${'a'.repeat(64)}@${'b'.repeat(64)}`;
    expect(at129).toHaveLength(129);
    expect([hr(() => rules.checkContactName(at129, M)), hr(() => rules.checkSigninName(at129, M))]).toEqual(['ok', 'ok']);
    for (const bad of ['', ' bob@contoso.com', 'bob@contoso.com\r', 'bob@contoso.com\n', `${at129}x`]) {
      expect([bad, hr(() => rules.checkContactName(bad, M))]).toEqual([bad, 'E_INVALIDARG']);
    }
    for (const bad of ['', 'bob @contoso.com', 'bob@contoso.com\t', `${at129}x`]) {
      expect([bad, hr(() => rules.checkSigninName(bad, M))]).toEqual([bad, 'E_INVALIDARG']);
    }
    expect(rules.checkContactName('bob@contoso.com ', M)).toBe('bob@contoso.com ');
  });

  test('service ids: at most 38 characters, no white space, not blank', () => {
    const guid = `{${'0'.repeat(36)}}`;
    expect(guid).toHaveLength(38);
    expect(rules.checkServiceId(guid, M)).toBe(guid);
    for (const bad of ['', '   ', `${guid}0`, '{a b}', '{ab}\n']) expect([bad, hr(() => rules.checkServiceId(bad, M))]).toEqual([bad, 'E_INVALIDARG']);
  });

  test('group names: trimmed, then at most 61; CR/LF E_INVALIDARG before the non-printable rule; a tab MSGR_E_BAD_GROUP_NAME', () => {
    const at61 = 'g'.repeat(61);
    expect(rules.checkGroupName(`  ${at61}  `, M)).toBe(at61);
    expect(hr(() => rules.checkGroupName(`${at61}g`, M))).toBe('MSGR_E_GROUP_NAME_TOO_LONG');
    expect([hr(() => rules.checkGroupName('a\rb', M)), hr(() => rules.checkGroupName('a\nb', M))]).toEqual(['E_INVALIDARG', 'E_INVALIDARG']);
    expect([hr(() => rules.checkGroupName('a\tb', M)), hr(() => rules.checkGroupName('a\u009fb', M)), hr(() => rules.checkGroupName('a\u00a0b', M))])
      .toEqual(['MSGR_E_BAD_GROUP_NAME', 'MSGR_E_BAD_GROUP_NAME', 'ok']);
    expect([hr(() => rules.checkGroupName('', M)), hr(() => rules.checkGroupName('  ', M))]).toEqual(['E_INVALIDARG', 'E_INVALIDARG']);
  });

  test('plain text and credentials: the limit is inclusive; empty only where allowed; CR/LF and (credentials) spaces refused', () => {
    expect([hr(() => rules.checkText('abc', M, 'p', 3)), hr(() => rules.checkText('abcd', M, 'p', 3))]).toEqual(['ok', 'E_INVALIDARG']);
    expect([hr(() => rules.checkText('', M, 'p', 3)), hr(() => rules.checkText('', M, 'p', 3, { allowEmpty: true }))]).toEqual(['E_INVALIDARG', 'ok']);
    expect([hr(() => rules.checkText('a\nb', M, 'p', 9, { allowEmpty: true })), hr(() => rules.checkText('a b', M, 'p', 9))]).toEqual(['E_INVALIDARG', 'ok']);
    expect([hr(() => rules.checkCredential('', M, 'p', 3)), hr(() => rules.checkCredential('abc', M, 'p', 3)), hr(() => rules.checkCredential('abcd', M, 'p', 3))])
      .toEqual(['ok', 'ok', 'E_INVALIDARG']);
    expect([hr(() => rules.checkCredential('a b', M, 'p', 9)), hr(() => rules.checkCredential('a\tb', M, 'p', 9))]).toEqual(['E_INVALIDARG', 'E_INVALIDARG']);
  });

  test('enumerations: a documented value only, as a number; the rule\'s HRESULT otherwise', () => {
    expect(rules.checkEnum('MUASORT', MUASORT.MUASORT_ONOFFLINE, M, 'p')).toBe(1);
    expect([hr(() => rules.checkEnum('MUASORT', '1', M, 'p')), hr(() => rules.checkEnum('MUASORT', 2, M, 'p', 'E_FAIL'))]).toEqual(['E_INVALIDARG', 'E_FAIL']);
  });

  test('indexes: a non-negative integer (E_INVALIDARG) below Count (E_FAIL)', () => {
    expect([0, 2].map((i) => hr(() => rules.checkIndex(i, 3, M)))).toEqual(['ok', 'ok']);
    expect([-1, 1.5, '0', 3, 4].map((i) => hr(() => rules.checkIndex(i, 3, M))))
      .toEqual(['E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG', 'E_FAIL', 'E_FAIL']);
  });

  test('LONGs: both ends of the range; positive where a size is asked; hwndParent NULL is 0', () => {
    // Literals, not rules.MIN_LONG/MAX_LONG: the range is the contract, not whatever the constants say.
    expect([-2147483648, 2147483647, -2147483649, 2147483648, 0.5, '1'].map((v) => hr(() => rules.checkInteger(v, M, 'p'))))
      .toEqual(['ok', 'ok', 'E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG', 'E_INVALIDARG']);
    expect([1, 0, -1].map((v) => hr(() => rules.checkInteger(v, M, 'p', { positive: true })))).toEqual(['ok', 'E_INVALIDARG', 'E_INVALIDARG']);
    expect([rules.checkHwnd(null, M), rules.checkHwnd(undefined, M), rules.checkHwnd(42, M)]).toEqual([0, 0, 42]);
  });
});
