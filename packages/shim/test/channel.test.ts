/**
 * The channel's handshake (protocol.ts). First under the interleaving that once crossed replies: the
 * caller stores REQ_SEQ, is held back (as a preempted thread is) before it notifies, the spinning
 * worker serves the request meanwhile and parks again, and the late notify then wakes it with
 * nothing new. The worker must go back to waiting, not serve its own reply as a request. Thousands
 * of calls under CPU load, each checked for being *its* answer. Then the sequence numbers in the data
 * buffer: a request whose buffer is not the one announced is not served, it gets an E_FAIL.
 */
import { Worker } from 'node:worker_threads';
import { HR } from '@imessenger/contract';
import { workerPath } from '../src/host';
import { ifaceIndex } from '../src/ifaces';
import { IFACES, lookup } from '../src/members';
import {
  createBuffers, OP_CALL, REQ_SEQ, RESP_ERROR, RESP_OK, RESP_SEQ, STATE, STATE_READY, STATE_STARTING, T_STRING, Wire, type WorkerInit,
} from '../src/protocol';
import { auto, call, loadThreads, memoryHost, seed } from './helpers';

const CONTACTS = 64;
const ROUNDS = 2500;
const names = Array.from({ length: CONTACTS }, (_, i) => `user${i}@contoso.com`);

const busyWait = (micros: number): void => { const end = performance.now() + micros / 1000; while (performance.now() < end) { /* held back */ } };

test('a late notify never makes the worker serve a stale buffer: every call gets its own answer', async () => {
  const host = memoryHost(seed({ signedIn: true, contacts: names.map((signinName, i) => ({ signinName, friendlyName: `User ${i}`, status: 2 })), groups: [] }));
  const msn = auto(host.create('Messenger.UIAutomation'));
  const contacts = names.map((n) => call(msn, 'GetContact', n, ''));
  const stopLoad = loadThreads(2);
  const realNotify = Atomics.notify;
  let requests = 0;
  let lateWakes = 0;
  /** A notify for the request just stored; counted when it found that request served and woke the parked worker. */
  const notify = (ctrl: Int32Array, count?: number): number => {
    const served = Atomics.load(ctrl, RESP_SEQ) === Atomics.load(ctrl, REQ_SEQ);
    const woken = realNotify(ctrl, REQ_SEQ, count);
    if (served && woken > 0) lateWakes++;
    return woken;
  };
  // Every fourth request is announced 100–300 µs after its REQ_SEQ store (a caller preempted between
  // the two), and once more as late again: by then the worker has served it (having caught the store
  // while spinning, or woken by the first notify) and parked again.
  Atomics.notify = ((ctrl: Int32Array, index: number, count?: number) => {
    if (index !== REQ_SEQ || ++requests % 4 !== 0) return realNotify(ctrl, index, count);
    busyWait(100 + Math.random() * 200);
    const woken = notify(ctrl, count);
    busyWait(100 + Math.random() * 200);
    return woken + notify(ctrl, count);
  }) as typeof Atomics.notify;
  const problems: string[] = [];
  try {
    for (let i = 0; i < ROUNDS && problems.length < 10; i++) {
      const k = i % CONTACTS;
      try {
        const contact = call(msn, 'GetContact', names[k], '');
        if (contact !== contacts[k]) problems.push(`GetContact(${names[k]}) gave another contact`);
        const name = auto(contacts[k])['SigninName'];
        if (name !== names[k]) problems.push(`${names[k]}'s SigninName was ${String(name)}`);
      } catch (e) {
        problems.push(`call ${i} failed: ${(e as Error).message}`);
      }
    }
  } finally {
    Atomics.notify = realNotify;
    await stopLoad();
    host.dispose();
  }
  expect(problems).toEqual([]);
  // The interleaving did happen: notifies that found the request served and woke the parked worker.
  expect(lateWakes).toBeGreaterThan(0);
}, 30_000);

test('a buffer that is not the request announced is never served: its caller gets an E_FAIL protocol error', async () => {
  const buffers = createBuffers();
  const init: WorkerInit = { buffers, backend: { kind: 'memory', seed: seed({ signedIn: true }) } };
  const worker = new Worker(workerPath(), { workerData: init });
  const ctrl = new Int32Array(buffers.ctrl);
  const wire = new Wire(buffers.data);
  const messenger = IFACES[ifaceIndex('IMessenger3')]!;
  const name = lookup(messenger, 'MyFriendlyName')!;
  try {
    while (Atomics.load(ctrl, STATE) === STATE_STARTING) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(Atomics.load(ctrl, STATE)).toBe(STATE_READY);
    let seq = 0;
    /** Announce request `++seq` over whatever the buffer holds; the reply's seq, status and first field. */
    const announce = (): [number, number, unknown] => {
      seq++;
      Atomics.store(ctrl, REQ_SEQ, seq);
      Atomics.notify(ctrl, REQ_SEQ);
      while (Atomics.load(ctrl, RESP_SEQ) !== seq) Atomics.wait(ctrl, RESP_SEQ, seq - 1, 50);
      wire.reset();
      const answered = wire.rI32();
      const status = wire.rU8();
      if (status === RESP_ERROR) return [answered, status, [wire.rU32() | 0, wire.rStr(), wire.rStr()]];
      return [answered, status, wire.rU8() === T_STRING ? wire.rStr() : undefined];
    };
    /** A put of MyFriendlyName, its header numbered `numbered`. */
    const writePut = (numbered: number, value: string): void => {
      wire.reset();
      wire.i32(numbered); wire.u8(OP_CALL); wire.i32(0); wire.u16(name.putRow); wire.u8(1); wire.u8(T_STRING); wire.str(value);
    };
    const writeGet = (numbered: number): void => {
      wire.reset();
      wire.i32(numbered); wire.u8(OP_CALL); wire.i32(0); wire.u16(name.row); wire.u8(0);
    };

    writeGet(1);
    expect(announce()).toEqual([1, RESP_OK, 'Ann Lee']);
    // Request 2's buffer is numbered 7: not served (the name stays), answered as 2 with an E_FAIL.
    writePut(7, 'Mallory');
    expect(announce()).toEqual([2, RESP_ERROR, [HR.E_FAIL | 0, '', 'Shim protocol error: request 2 was announced but the buffer is numbered 7.']]);
    // Request 3 announced over the reply to 2 (nothing rewritten): a stale buffer, not a request.
    expect(announce()).toEqual([3, RESP_ERROR, [HR.E_FAIL | 0, '', 'Shim protocol error: request 3 was announced but the buffer is numbered 2.']]);
    writeGet(4);
    expect(announce()).toEqual([4, RESP_OK, 'Ann Lee']);
  } finally {
    await worker.terminate();
  }
});

test('a reply that does not decode fails its call with E_FAIL (never a RangeError out of the decoder); a new object works', () => {
  // The torn read behind the RangeError of issue 10 (Wire.rU32 <- Host.readEvents): a string length
  // from half-written bytes. Now every read is bounds-checked and a reply that does not decode
  // stops that worker: nothing it says can be trusted.
  const host = memoryHost(seed({ signedIn: true }));
  const msn = auto(host.create('Messenger.UIAutomation'));
  expect(msn['MyFriendlyName']).toBe('Ann Lee');
  host.simulateCrash('garble');
  expect(host.stopped).toMatch(/^the Messenger host stopped: Shim protocol error: A string of \d+ bytes at 10 runs past the channel's \d+\./);
  let thrown: unknown;
  try { void msn['MyFriendlyName']; } catch (e) { thrown = e; }
  expect(thrown).toMatchObject({ number: HR.E_FAIL | 0, description: host.stopped });
  expect(auto(host.create('Messenger.UIAutomation'))['MyFriendlyName']).toBe('Ann Lee');
  host.dispose();
});
