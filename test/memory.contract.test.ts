import { runMessengerContract } from '@imessenger/contract-tests';
import { memoryBackend } from '@imessenger/adapter-memory';

runMessengerContract('memory', (seed) => { const b = memoryBackend({ seed }); return { backend: b, otherSide: b.otherSide }; });
