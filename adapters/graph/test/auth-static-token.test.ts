import { GraphAuthError, StaticTokenAuth } from '../src/auth';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXZhbHVl';

describe('StaticTokenAuth', () => {
  test('signin checks the name case-insensitively; getToken and refresh', async () => {
    let n = 0;
    const auth = new StaticTokenAuth({ username: 'ada@contoso.example', token: () => 'T1', refresh: async () => `T${++n + 1}` });
    expect(auth.mode).toBe('delegated');
    expect(auth.actAs).toBeUndefined();
    await expect(auth.signin('ADA@contoso.example')).resolves.toEqual({ username: 'ada@contoso.example' });
    await expect(auth.signin('')).resolves.toEqual({ username: 'ada@contoso.example' });
    await expect(auth.getToken()).resolves.toBe('T1');
    await expect(auth.getToken({ forceRefresh: true })).resolves.toBe('T2');
    await expect(auth.signin('grace@contoso.example')).rejects.toMatchObject({ name: 'GraphAuthError', reason: 'invalid-grant' });
  });

  test('without refresh, forceRefresh calls token() again; application mode acts as the username', async () => {
    const token = jest.fn(() => 'T');
    const auth = new StaticTokenAuth({ username: 'svc@contoso.example', token, mode: 'application' });
    expect(auth.actAs).toBe('svc@contoso.example');
    await auth.getToken({ forceRefresh: true });
    expect(token).toHaveBeenCalledTimes(1);
  });

  test('signinSilently: the configured user is always at hand (signed in at start), with no token call', async () => {
    const token = jest.fn(() => 'T1');
    const auth = new StaticTokenAuth({ username: 'ada@contoso.example', token });
    await auth.signout();
    await expect(auth.signinSilently()).resolves.toEqual({ username: 'ada@contoso.example' });
    await expect(auth.getToken()).resolves.toBe('T1');
    expect(token).toHaveBeenCalledTimes(1);
  });

  test('signout: no-account until the next signin', async () => {
    const auth = new StaticTokenAuth({ username: 'ada@contoso.example', token: () => 'T1' });
    await auth.signout();
    await expect(auth.getToken()).rejects.toMatchObject({ reason: 'no-account' });
    await auth.signin('');
    await expect(auth.getToken()).resolves.toBe('T1');
  });

  test('a failing or empty token source: GraphAuthError failed, tokens redacted', async () => {
    const failing = new StaticTokenAuth({ username: 'u', token: () => { throw new Error(`vault said Bearer ${JWT}`); } });
    const e = await failing.getToken().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(GraphAuthError);
    expect((e as GraphAuthError).reason).toBe('failed');
    expect(JSON.stringify(e) + String((e as Error).stack)).not.toContain(JWT);
    const empty = new StaticTokenAuth({ username: 'u', token: () => '' });
    await expect(empty.getToken()).rejects.toMatchObject({ reason: 'failed' });
  });
});
