/**
 * The edges of composition and of the event emitter that a backend never reaches: what is refused
 * as a backend (each shape, with the caller named), the BackendInfo a Messenger gets (declared
 * HRESULTs kept; the name when there is none), inversify missing, and the emitter's own plumbing
 * (off for an event never listened to, onAny's unsubscribe, listeners that throw).
 */
import { type BackendDefinition, type BackendPorts, HR, TOKENS } from '@imessenger/contract';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createMessenger, type Messenger, MessengerEventEmitter } from '../src';
import { backendModule, createContainer } from '../src/container';

const seed = { signedIn: true, self: { signinName: 'ann@contoso.com', password: 'pw' } };
const session = () => memoryBackend({ seed }).ports.session;
const failure = (call: () => unknown): unknown => { try { call(); } catch (error) { return error; } return undefined; };
const hresultOf = (p: Promise<unknown>) => p.then(() => 0, (e: { hresult: number; description?: string }) => e);

describe('what is not a backend', () => {
  test.each([
    ['null', null], ['a string', 'memory'], ['an object without a name', { ports: { session: {} } }],
    ['the factory instead of its result', memoryBackend],
  ])('%s: refused by name of the caller, as a backend definition', (_what, backend) => {
    const error = failure(() => createMessenger({ backend: backend as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('createMessenger: `backend` must be a backend definition, e.g. memoryBackend({ seed }).');
  });

  test('ports missing or null: "no `ports` object", with the old `module` hint only for an old backend', () => {
    expect(failure(() => createMessenger({ backend: { name: 'x', ports: null } as never }))).toEqual(new TypeError('createMessenger: backend "x" has no `ports` object.'));
    expect(failure(() => createMessenger({ backend: { name: 'x' } as never }))).toEqual(new TypeError('createMessenger: backend "x" has no `ports` object.'));
    expect((failure(() => backendModule({ name: 'x' } as never)) as Error).message).toMatch(/^backendModule: backend "x" has no `ports` object\.$/);
  });
});

describe('the BackendInfo a Messenger gets', () => {
  /** A backend with a session port only, declaring its own HRESULT for MyGroups when `declared`. */
  const bare = (declared: boolean): BackendDefinition => ({
    name: 'bare', ports: { session: session() } as BackendPorts,
    ...(declared ? { info: { name: 'bare', unsupported: { 'IMessenger2.MyGroups': 'E_NOTIMPL' } } } : {}),
  });
  const myGroupsError = (msn: Messenger) => hresultOf(msn.get_MyGroups()) as Promise<{ hresult: number; description: string }>;

  test.each([
    ['createMessenger', (b: BackendDefinition) => createMessenger({ backend: b })],
    ['createContainer', (b: BackendDefinition) => createContainer({ backend: b }).get<Messenger>(TOKENS.Messenger)],
  ])('%s: the backend\'s info, with the HRESULTs it declares; without one, its name', async (_how, make) => {
    expect((await myGroupsError(make(bare(true)))).hresult).toBe(HR.E_NOTIMPL); // as declared
    const plain = await myGroupsError(make(bare(false)));
    expect(plain.hresult).toBe(HR.MSGR_E_GROUPS_NOT_ENABLED); // the capability's default (CAPABILITY_HRESULTS)
    expect(plain.description).toMatch(/\bbare backend\b/);
  });

  test('createContainer: the backend\'s name when BackendInfo was unbound', async () => {
    const container = createContainer({ backend: bare(true) });
    expect(container.get(TOKENS.BackendInfo)).toEqual({ name: 'bare', unsupported: { 'IMessenger2.MyGroups': 'E_NOTIMPL' } });
    container.unbind(TOKENS.BackendInfo);
    const error = await myGroupsError(container.get<Messenger>(TOKENS.Messenger));
    expect(error.description).toMatch(/\bbare backend\b/);
    expect(createContainer({ backend: bare(false) }).get(TOKENS.BackendInfo)).toEqual({ name: 'bare' });
  });
});

describe('@imessenger/core/container without inversify', () => {
  afterEach(() => { jest.resetModules(); jest.dontMock('inversify'); });

  test('a clear message naming what to install; another loading error is passed on as it is', () => {
    const notFound = Object.assign(new Error("Cannot find module 'inversify'"), { code: 'MODULE_NOT_FOUND' });
    for (const [thrown, expected] of [[notFound, /needs inversify: npm install inversify reflect-metadata/], [new Error('broken install'), /^broken install$/]] as const) {
      jest.resetModules();
      jest.doMock('inversify', () => { throw thrown; });
      const container = require('../src/container') as typeof import('../src/container');
      expect(() => container.createContainer({ backend: memoryBackend({ seed }) })).toThrow(expected);
    }
  });
});

describe('the event emitter', () => {
  test('off for an event never listened to does nothing; an event with no listeners reaches nothing', () => {
    const errors: unknown[] = [];
    const emitter = new MessengerEventEmitter((error) => errors.push(error));
    expect(() => emitter.off('OnSignin', () => undefined)).not.toThrow();
    emitter.emit('OnSignin', 0);
    expect(errors).toEqual([]);
  });

  test('onAny returns its unsubscribe; a throwing onAny listener is reported and the rest still run', () => {
    const errors: [unknown, string][] = [];
    const emitter = new MessengerEventEmitter((error, event) => errors.push([error, event]));
    const heard: string[] = [];
    const boom = new Error('listener bug');
    emitter.onAny(() => { throw boom; });
    const stop = emitter.onAny((event) => heard.push(event));
    emitter.emit('OnSignin', 0);
    stop();
    emitter.emit('OnSignout');
    expect(heard).toEqual(['OnSignin']);
    expect(errors).toEqual([[boom, 'OnSignin'], [boom, 'OnSignout']]);
  });

  test('by default a throwing listener becomes a process warning naming the event and the error', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const emitter = new MessengerEventEmitter();
      emitter.on('OnSignout', () => { throw new Error('listener bug'); });
      emitter.on('OnSignin', () => { throw 'not an Error'; });
      emitter.emit('OnSignout');
      emitter.emit('OnSignin', 0);
      expect(warn.mock.calls).toEqual([
        ['A listener of OnSignout threw: listener bug', 'MessengerEventWarning'],
        ['A listener of OnSignin threw: not an Error', 'MessengerEventWarning'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
