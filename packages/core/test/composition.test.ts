/**
 * Composition: a backend is a plain object of ports, and createMessenger takes it without inversify
 * ever loading (it is most of a worker's start-up: bench/startup.js). The advanced entry,
 * `@imessenger/core/container`, composes the same backend through inversify for those who rebind ports.
 */
let inversifyLoads = 0;
jest.mock('inversify', () => {
  inversifyLoads++;
  return jest.requireActual('inversify');
});

import { type BackendPorts, MISTATUS, type PresencePort, TOKENS } from '@imessenger/contract';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createMessenger, type Messenger } from '../src';
import { PORT_TOKENS, backendModule, createContainer, resolvePorts } from '../src/container';

const seed = { self: { signinName: 'ann@contoso.com', password: 'pw' }, contacts: [{ signinName: 'bob@contoso.com' }] };

it('createMessenger on plain ports works and never loads inversify', async () => {
  const msn = createMessenger({ backend: memoryBackend({ seed }) });
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  expect(await (await msn.get_MyContacts()).get_Count()).toBe(1);
  expect(inversifyLoads).toBe(0);
});

it('createContainer composes the same backend through inversify, and a port can be rebound before the first get', async () => {
  const backend = memoryBackend({ seed });
  const container = createContainer({ backend });
  expect(inversifyLoads).toBe(1);
  const set: MISTATUS[] = [];
  const recording: PresencePort = { ...backend.ports.presence, setMyStatus: async (status) => { set.push(status); } };
  container.rebind<PresencePort>(PORT_TOKENS.presence).toConstantValue(recording);
  const msn = container.get<Messenger>(TOKENS.Messenger);
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  expect(await msn.get_MySigninName()).toBe('ann@contoso.com');
  await msn.put_MyStatus(MISTATUS.MISTATUS_BUSY);
  expect(set).toEqual([MISTATUS.MISTATUS_BUSY]);
});

it('backendModule and resolvePorts go from a plain backend to bindings and back', () => {
  const backend = memoryBackend({ seed });
  const { Container } = jest.requireActual<typeof import('inversify')>('inversify');
  const container = new Container();
  container.load(backendModule(backend));
  const ports: BackendPorts = resolvePorts(container);
  expect(Object.keys(ports).filter((k) => ports[k as keyof BackendPorts]).sort()).toEqual(Object.keys(backend.ports).sort());
  expect(ports.session).toBe(backend.ports.session);
  expect(container.get(TOKENS.BackendInfo)).toBe(backend.info);
});

it('what is not a backend is refused clearly, a backend of the old `module` shape included', () => {
  expect(() => createMessenger({ backend: { name: 'x' } as never })).toThrow(/backend "x" has no `ports` object/);
  expect(() => createMessenger({ backend: { name: 'x', module: {} } as never })).toThrow(/an inversify `module` is no longer read/);
  expect(() => createMessenger({ backend: { name: 'x', ports: {} } as never })).toThrow(/has no SessionPort/);
  expect(() => createMessenger({ backend: undefined as never })).toThrow(/must be a backend definition/);
  expect(() => createContainer({ backend: { name: 'x' } as never })).toThrow(/^createContainer: backend "x"/);
});
