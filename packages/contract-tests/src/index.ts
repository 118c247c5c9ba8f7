/**
 * The conformance kit. A backend's whole test file:
 *
 *   import { runMessengerContract } from '@imessenger/contract-tests';
 *   import { memoryBackend } from '@imessenger/adapter-memory';
 *   runMessengerContract('memory', (seed) => { const b = memoryBackend({ seed }); return { backend: b, otherSide: b.otherSide }; });
 */
import { type ContractFactory, type ContractOptions, createKitRun } from './kit';
import { SUITES } from './suites';

export function runMessengerContract(backendName: string, factory: ContractFactory, options: ContractOptions = {}): void {
  describe(`IMessenger2 contract on ${backendName}`, () => {
    const run = createKitRun(backendName, factory, options);
    for (const suite of SUITES) suite(run);
  });
}

export { expectHr, expectMembers, KitContext, outcomeOf, type ContractBackend, type ContractFactory, type ContractSource, type ContractOptions, type KitRun, type MemberSuite, type TestOptions, type RecordedEvent, type Body } from './kit';
export * from './fixture';
export { withPortFaults } from './faults';
