/**
 * The routing backend is a backend like any other: the whole conformance kit passes on it with a
 * split route (groups and presence from "new", everything else from "old"), two in-memory services
 * seeded alike; and again with shadowed reads and with dual writes, where the caller must see
 * exactly what the primary alone would give. The other side acts on both services (each keeps its
 * own copy of the world, as two real services would); failures are injected at the routing
 * backend's ports. After each test, the background work must have finished without an error.
 */
import type { OtherSide } from '@imessenger/contract';
import { KIT_SELF, runMessengerContract, withPortFaults } from '@imessenger/contract-tests';
import { memoryBackend } from '@imessenger/adapter-memory';
import { type CapabilityRoutes, routingBackend } from '../src/index-routing';

const VARIANTS: Record<string, CapabilityRoutes> = {
  route: { groups: { route: 'new' }, presence: { route: 'new' } },
  // Reads also go to the other service and are compared; the caller sees the primary only.
  shadow: { groups: { route: 'new', mode: 'shadow' }, directory: { route: 'old', mode: 'shadow' }, presence: { route: 'new' } },
  // Writes also go to the other service; the caller sees the primary only.
  'dual-write': { groups: { route: 'new', mode: 'dual-write' }, directory: { route: 'old', mode: 'dual-write' }, preferences: { route: 'new', mode: 'dual-write' } },
};

for (const [mode, capabilities] of Object.entries(VARIANTS)) runMessengerContract(`routing(memory→memory), ${mode}`, (seed) => {
  const errors: unknown[] = [];
  const old = memoryBackend({ seed: structuredClone(seed) });
  const neu = memoryBackend({ seed: structuredClone(seed) });
  const routed = routingBackend({
    old, new: neu,
    config: { old: 'memory', new: 'memory', cohort: { users: [KIT_SELF] }, capabilities },
    onBackgroundError: (error) => { errors.push(error); },
  });
  const faults = withPortFaults(routed);
  const both = <K extends Exclude<keyof OtherSide, 'failNextCall'>>(key: K) =>
    (async (...args: unknown[]) => {
      for (const b of [old, neu]) await (b.otherSide[key] as (...a: unknown[]) => Promise<void>)(...args);
    }) as OtherSide[K];
  const otherSide: OtherSide = {
    contactStatus: both('contactStatus'),
    contactFriendlyName: both('contactFriendlyName'),
    contactPhone: both('contactPhone'),
    contactPager: both('contactPager'),
    contactEmail: both('contactEmail'),
    contactLeavesConversations: both('contactLeavesConversations'),
    contactJoinsConversations: both('contactJoinsConversations'),
    conversationsClosed: both('conversationsClosed'),
    contactListAdd: both('contactListAdd'),
    contactListRemove: both('contactListRemove'),
    myFriendlyName: both('myFriendlyName'),
    myPhone: both('myPhone'),
    appShutdown: both('appShutdown'),
    unreadEmail: both('unreadEmail'),
    signOut: both('signOut'),
    failNextCall: (hr) => faults.failNextCall(hr),
  };
  const dispose = async (): Promise<void> => {
    await routed.idle();
    if (errors.length > 0) throw errors[0];
  };
  return { backend: faults.backend, otherSide, dispose };
});
