/**
 * Issue 10, item 3 (the RangeError): once in ~5 M calls under load, `RangeError: Offset is outside
 * the bounds of the DataView` escaped from Wire.rU32 <- Host.readEvents. The caller had read a reply
 * while the worker was writing over it (before the handshake carried sequence numbers, a late
 * notify made the worker serve its own reply as a request): a string length read from half-written
 * bytes moved the cursor past the end (Buffer.toString clamps silently), and the next DataView read,
 * the event count, threw. These runs check the event path end to end, under load threads:
 *
 * - replies carrying many events, each event's strings exact, in order;
 * - events big enough that the growable buffer grows while the worker writes them, several times;
 * - one event per call at full speed, with the caller's notify held back now and then (the
 *   interleaving that used to cross replies).
 *
 * Every event must arrive exactly once, in order, with exactly the strings sent; no call may fail.
 */
import { BOB } from '@imessenger/contract-tests';
import { createAutomationHost, type ShimHost } from '@imessenger/shim';
import { kitSeed } from '@imessenger/contract-tests';
import { type Auto, auto, call, loadThreads } from '../../packages/shim/test/helpers';

jest.setTimeout(30_000);


const busyWait = (ms: number): void => { const end = performance.now() + ms; while (performance.now() < end) { /* the worker runs its timers */ } };

/** A friendly name of `units` code units that says which it is, with a lone surrogate and a pair in it. */
function nameOf(tag: string, units: number): string {
  const head = `${tag} \ud800|\udfff|\ud83d\ude00|é|`;
  return head + 'x'.repeat(Math.max(0, units - head.length));
}

let host: ShimHost;
let msn: Auto;
/** The previous names OnContactFriendlyNameChange carried, in order. */
const heard: string[] = [];
let current = 'Bob Kelly';
let stopLoad: () => Promise<void>;

beforeAll(() => {
  host = createAutomationHost({ backend: { kind: 'memory', seed: { ...kitSeed(), signedIn: true } } });
  msn = auto(host.create('Messenger.UIAutomation'));
  call(msn, 'on', 'OnContactFriendlyNameChange', (hr: number, contact: unknown, previous: string) => {
    if (hr !== 0 || auto(contact)['SigninName'] !== BOB) throw new Error(`unexpected event ${hr} ${String(auto(contact)['SigninName'])}`);
    heard.push(previous);
  });
  current = auto(call(msn, 'GetContact', BOB, ''))['FriendlyName'] as string;
  stopLoad = loadThreads(2);
});

afterAll(async () => {
  await stopLoad();
  host.dispose();
});

/**
 * Queue `names` in the worker (each changes Bob's name 60 ms after it is queued: timers of one
 * duration fire in the order set), wait until all have, then collect their events with one call.
 */
function burst(names: readonly string[]): void {
  heard.length = 0;
  for (const name of names) host.otherSideAfter(60).contactFriendlyName(BOB, name);
  busyWait(90);
  expect(msn['MyStatus']).toBe(2);
  host.deliverEvents();
  const previous = [current, ...names.slice(0, -1)];
  expect(heard.length).toBe(previous.length);
  // Compared one by one: a mismatch names its index, not a 10 MB diff.
  heard.forEach((name, i) => { if (name !== previous[i]) throw new Error(`event ${i}: got ${JSON.stringify(name.slice(0, 60))}…, expected ${JSON.stringify(previous[i]!.slice(0, 60))}…`); });
  current = names[names.length - 1]!;
}

test('events big enough to grow the channel while the worker writes them, round after round, arrive exact and in order', () => {
  // 24 events a reply, each name twice as long as the last round's: the buffer (64 KB at first)
  // grows in the middle of the events, up to ~6 MB.
  for (let round = 0; round < 8; round++) {
    const units = 1024 << round;
    burst(Array.from({ length: 24 }, (_, k) => nameOf(`r${round}e${k}`, units + k)));
  }
});

test('replies carrying a thousand events each arrive whole', () => {
  for (let round = 0; round < 5; round++) burst(Array.from({ length: 1000 }, (_, k) => nameOf(`s${round}e${k}`, 16 + (k % 40))));
});

test('one event a call at full speed, with the notify held back now and then: every call gets its own events', () => {
  const realNotify = Atomics.notify;
  let requests = 0;
  const holdBack = (micros: number): void => { const end = performance.now() + micros / 1000; while (performance.now() < end) { /* preempted */ } };
  // Every fifth request is announced 100-300 µs after its REQ_SEQ store, and once more as late again.
  Atomics.notify = ((ctrl: Int32Array, index: number, count?: number) => {
    if (index !== 0 || ++requests % 5 !== 0) return realNotify(ctrl, index, count);
    holdBack(100 + Math.random() * 200);
    const woken = realNotify(ctrl, index, count);
    holdBack(100 + Math.random() * 200);
    return woken + realNotify(ctrl, index, count);
  }) as typeof Atomics.notify;
  const bob = auto(call(msn, 'GetContact', BOB, ''));
  try {
    for (let i = 0; i < 1500; i++) {
      heard.length = 0;
      const name = nameOf(`c${i}`, 8 + (i % 300));
      host.otherSide.contactFriendlyName(BOB, name);
      if (heard.length !== 1 || heard[0] !== current) throw new Error(`call ${i}: heard ${JSON.stringify(heard.map((h) => h.slice(0, 40)))}, expected ${JSON.stringify(current.slice(0, 40))}`);
      if (bob['FriendlyName'] !== name) throw new Error(`call ${i}: FriendlyName is not the name just set`);
      current = name;
    }
  } finally {
    Atomics.notify = realNotify;
  }
});
