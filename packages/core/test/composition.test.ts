/**
 * Composition without a container: a backend that hands its ports as a plain object gets a Messenger
 * without inversify ever loading (it is most of a worker's start-up: bench/startup.js); the container
 * path still works for those who rebind ports.
 */
let inversifyLoads = 0;
jest.mock('inversify', () => {
  inversifyLoads++;
  return jest.requireActual('inversify');
});

import { TOKENS } from '@imessenger/contract';
import { memoryBackend } from '@imessenger/adapter-memory';
import { createContainer, createMessenger, type Messenger } from '../src';

const seed = { self: { signinName: 'ann@contoso.com', password: 'pw' }, contacts: [{ signinName: 'bob@contoso.com' }] };

it('createMessenger on plain ports works and never loads inversify', async () => {
  const msn = createMessenger({ backend: memoryBackend({ seed }) });
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  expect(await (await msn.get_MyContacts()).get_Count()).toBe(1);
  expect(inversifyLoads).toBe(0);
});

it('createContainer still composes through inversify (for those who rebind ports)', async () => {
  const backend = memoryBackend({ seed });
  const container = createContainer({ backend });
  expect(inversifyLoads).toBe(1);
  const msn = container.get<Messenger>(TOKENS.Messenger);
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  expect(await msn.get_MySigninName()).toBe('ann@contoso.com');
});

it('a backend with neither ports nor a module is refused clearly', () => {
  expect(() => createMessenger({ backend: { name: 'x' } as never })).toThrow(/must be a backend definition/);
});
