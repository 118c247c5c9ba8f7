/**
 * The conformance kit on the COM adapter, driving the emulator of the Messenger automation object
 * (the same adapter code drives the real object through winax on Windows).
 */
import { runMessengerContract } from '@imessenger/contract-tests';
import { comBackend } from '@imessenger/adapter-com';

runMessengerContract('com (emulated)', (seed) => {
  const backend = comBackend({ emulate: { seed } });
  return { backend, otherSide: backend.otherSide, dispose: () => backend.dispose() };
}, {
  unsupported: {
    // The automation API cannot look a user up: GetContact succeeds for anyone (B064), so only a write
    // tells an unknown user apart. Removing someone who is not in the group sends no write: the
    // answer is "not a member" (B629) for an unknown user too, where the service would say B628's.
    'IMessengerGroup.RemoveContact (unknown user)': 'MSGR_E_USER_NOT_GROUP_MEMBER',
  },
});
