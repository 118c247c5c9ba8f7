/**
 * The conformance kit on the COM adapter, driving the emulator of the Messenger automation object
 * (the same adapter code drives the real object through winax on Windows).
 */
import { runMessengerContract } from '@imessenger/contract-tests';
import { comBackend } from '@imessenger/adapter-com';

runMessengerContract('com (emulated)', (seed) => {
  const backend = comBackend({ emulate: { seed } });
  return { backend, otherSide: backend.otherSide, dispose: () => backend.dispose() };
});
