import { hresultFor, graphError, redact } from '@imessenger/adapter-graph';

describe('Graph failures -> HRESULTs (one row each)', () => {
  test.each([
    [{ status: 401 }, 'other', 'MSGR_E_NOT_LOGGED_ON'],
    [{ status: 403, code: 'Forbidden' }, 'meeting', 'MSGR_E_POLICY_RESTRICTED'],
    [{ status: 404 }, 'user', 'MSGR_E_USER_NOT_FOUND'],
    [{ status: 404 }, 'chat', 'MSGR_E_GROUP_DOES_NOT_EXIST'],
    [{ status: 404 }, 'member', 'MSGR_E_USER_NOT_GROUP_MEMBER'],
    [{ status: 404 }, 'contact', 'MSGR_E_USER_NOT_FOUND'],
    [{ status: 404 }, 'other', 'E_FAIL'],
    [{ status: 409 }, 'chat', 'MSGR_E_GROUP_ALREADY_EXISTS'],
    [{ status: 409 }, 'contact', 'MSGR_E_ALREADY_IN_LIST'],
    [{ status: 429, code: 'TooManyRequests' }, 'other', 'MSGR_E_SERVER_TOO_BUSY'],
    [{ status: 503 }, 'other', 'MSGR_E_SERVER_TOO_BUSY'],
    [{ status: 504 }, 'other', 'MSGR_E_SERVER_TOO_BUSY'],
    [{ status: 400, code: 'BadRequest' }, 'other', 'E_INVALIDARG'],
    [{ status: 501 }, 'other', 'E_NOTIMPL'],
    [{ status: 500 }, 'other', 'MSGR_E_SERVER_ERROR'],
    [{ transport: 'network' }, 'other', 'MSGR_E_CONNECT'],
    [{ transport: 'timeout' }, 'other', 'MSGR_E_SESSION_TIMEOUT'],
    [{ transport: 'malformed' }, 'other', 'MSGR_E_SERVER_PROTOCOL'],
    [{ transport: 'reset' }, 'other', 'MSGR_E_CONNECT'],
    [{ transport: 'origin' }, 'other', 'MSGR_E_SERVER_PROTOCOL'],
    [{ transport: 'paging' }, 'contact', 'MSGR_E_SERVER_PROTOCOL'],
  ] as const)('%j on a %s -> %s', (failure, resource, hr) => {
    expect(hresultFor(failure, resource)).toBe(hr);
    expect(graphError(failure, 'GET /x', resource).code).toBe(hr);
  });

  test('an error keeps Graph\'s code and message but never a token', () => {
    const e = graphError({ status: 401, code: 'InvalidAuthenticationToken' }, 'GET /me', 'user', 'Token eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig expired; Bearer abc.def');
    expect(e.description).toContain('HTTP 401 InvalidAuthenticationToken');
    expect(JSON.stringify(e)).not.toMatch(/eyJhbGciOiJub25lIn0|abc\.def/);
    expect(e.message).not.toMatch(/eyJhbGciOiJub25lIn0|abc\.def/);
  });

  test('redact strips bearer tokens, JWTs and secrets in form bodies', () => {
    expect(redact('Authorization: Bearer secret.token-value')).toBe('Authorization: Bearer [redacted]');
    expect(redact('client_secret=s3cr3t&scope=x')).toBe('client_secret=[redacted]&scope=x');
    expect(redact('refresh_token=r1&access_token=a1')).toBe('refresh_token=[redacted]&access_token=[redacted]');
  });
});
