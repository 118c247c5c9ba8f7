/**
 * The main <-> worker channel: shared buffers, a request/reply handshake and a compact binary encoding.
 *
 * - `ctrl` (Int32Array, fixed): the two sequence numbers, the worker's state, its progress counter,
 *   the number of events it holds, how long it spins and its thread id. Written with Atomics; each
 *   slot has one writer: REQ_SEQ and WORKER_SPIN the caller, the others the worker. The caller waits on RESP_SEQ with
 *   Atomics.wait, the worker on REQ_SEQ with Atomics.waitAsync (so its event loop keeps running the
 *   backend); both spin first, as SpinPolicy decides.
 * - `data` (growable SharedArrayBuffer): one request, then its reply, in the same bytes (the
 *   channel is strictly half-duplex). It grows when a payload does not fit; both sides re-map their
 *   views when they see a new byteLength.
 * - `note` (fixed): why the worker stopped, written by the worker as it dies.
 *
 * The handshake. Requests are numbered 1, 2, 3, … (int32, wrapping); `seq` is the request's number.
 * The data buffer belongs to the caller until it publishes a request (step 2), then to the worker
 * until it publishes the reply (step 5), then to the caller again.
 *
 *   caller                                              worker (has served `seen` = seq - 1)
 *   1. writes `i32 seq, u8 op, fields` into data
 *   2. REQ_SEQ = seq (Atomics.store: whoever reads
 *      seq there also sees step 1's bytes), then
 *      notify REQ_SEQ
 *                                                       3. waits (spin, then sleep) until REQ_SEQ differs
 *                                                          from `seen`, re-reading it after every wake: a
 *                                                          wake is only a hint. A notify can come late (the
 *                                                          caller was preempted between store and notify;
 *                                                          the worker saw the store while spinning, served
 *                                                          it and slept again) and then wakes it with
 *                                                          nothing new: it goes back to waiting
 *                                                       4. reads the header: the request's seq must be
 *                                                          REQ_SEQ's and its first byte a request op; a
 *                                                          stale buffer is not served, it is answered with
 *                                                          an E_FAIL protocol error
 *                                                       5. writes `i32 seq, u8 status, value | error,
 *                                                          events` over it, then RESP_SEQ = seq, notify
 *   6. waits (spin, then Atomics.wait) until RESP_SEQ
 *      is seq, re-reading it after every wake
 *   7. reads the header: the seq must be its own and
 *      the status a reply status, else the call fails
 *      with an E_FAIL protocol error (never a value
 *      meant for another call)
 *
 * Request ops and reply statuses are disjoint codes, so a reply is never read as a request.
 * Values are tagged: primitives, strings, arrays, object references (handle + interface),
 * collection snapshots (id + interface + the item handles, in one message), BoolRef, opaque.
 *
 * Strings are what COM's BSTRs are, UTF-16 code units, and cross exactly, lone surrogates included:
 * `u32 (units << 1 | wide)`, then the units, one byte each (latin1) when every unit is at most
 * U+00FF, else two each (UTF-16LE). (UTF-8, before, turned a lone surrogate into U+FFFD.)
 *
 * Progress. The caller does not give up on a worker that is slow, only on one that is stuck: the
 * worker bumps PROGRESS as its work on a request moves (the request read, the awaited call
 * resolved, every 4096 collection items or 256 events encoded, every event the backend raised, and,
 * on its 100 ms tick, while the request waits on a timer or I/O it started), and the caller
 * declares it hung after `hangTimeoutMs` without progress, not counting the time the worker's
 * thread waited for a CPU (Linux: /proc/self/task/<tid>/schedstat; elsewhere wall time counts). So
 * a long synchronous stretch counts its CPU time only, a loaded machine does not trip the timeout,
 * and both ways of hanging are caught: an endless synchronous loop (CPU time, no progress) and a
 * promise that never settles with nothing pending that could settle it (idle, no progress).
 *
 * Depends on nothing but Node: the worker loads it before anything that could fail to load.
 */
import * as fs from 'node:fs';

// ---- control block slots --------------------------------------------------------------------
export const REQ_SEQ = 0;
export const RESP_SEQ = 1;
export const STATE = 2;
export const PROGRESS = 3; //     bumped by the worker as its work moves (see Progress above)
export const EVENTS_PENDING = 4;
export const WORKER_SPIN = 5; //  µs the worker spins for the next request before it parks (SpinPolicy)
export const WORKER_TID = 6; //   the worker thread's id (Linux; 0 elsewhere): the caller reads its schedstat
export const CTRL_SLOTS = 8;

export const STATE_STARTING = 0;
export const STATE_READY = 1;
export const STATE_FAILED = 2;
export const STATE_DEAD = 3;

/** How often the worker looks whether the request in flight waits on a timer or I/O. */
export const TICK_MS = 100;
export const NOTE_BYTES = 8192;
export const DATA_INITIAL_BYTES = 64 * 1024;
export const DATA_MAX_BYTES = 512 * 1024 * 1024;

// ---- requests ---------------------------------------------------------------------------------
/** `i32 seq, u8 op`, then the op's fields. */
export const OP_CALL = 1; //        i32 handle, u16 row, u8 argc, args
export const OP_COLL_CALL = 2; //   i32 collection id, i32 source handle, u16 source row, u8 argc, source args, u16 row, u8 argc, args
export const OP_INDEX_ERROR = 3; // u8 interface, value index, u32 count
export const OP_SLEEP = 4; //       f64 ms
export const OP_PING = 5; //        (events only)
export const OP_OTHER_SIDE = 6; //  string method, f64 delay ms (0: now, and wait), u8 argc, args
export const OP_CRASH = 7; //       u8 how (test hook)
export const OP_SHUTDOWN = 8;
export const OP_SLOW = 9; //        u8 how, f64 ms (test hook: a slow call)

export const CRASH_EXIT = 0;
export const CRASH_THROW = 1;
export const CRASH_HANG = 2; //  an endless synchronous loop
export const CRASH_STALL = 3; // a call awaiting a promise that never settles, nothing pending
export const CRASH_GARBLE = 4; // a reply that does not decode (a string running past the buffer's end)

export const SLOW_PROGRESS = 0; // busy for `ms`, reporting progress as it goes (like encoding many items)
export const SLOW_BUSY = 1; //     busy for `ms` of CPU time, reporting nothing (like a long stretch in core)
export const SLOW_WAIT = 2; //     waiting `ms` on a timer (like a backend's retry delay)

// ---- responses --------------------------------------------------------------------------------
/**
 * `i32 seq` (the request answered), `u8 status`, then a value (OK) or an error, then `u32 count`
 * events: `u8 event, u8 argc, args`.
 */
export const RESP_OK = 0x40;
export const RESP_ERROR = 0x41; // u32 hresult, string member, string description, string cause

// ---- value tags -------------------------------------------------------------------------------
export const T_UNDEFINED = 0;
export const T_NULL = 1;
export const T_FALSE = 2;
export const T_TRUE = 3;
export const T_INT = 4;
export const T_DOUBLE = 5;
export const T_STRING = 6;
export const T_ARRAY = 7;
export const T_OBJECT = 8; //     i32 handle, u8 interface
export const T_COLLECTION = 9; // i32 id, u8 interface, u8 item interface, u32 count, count x i32 handle
export const T_BOOLREF = 10; //   u8 value
export const T_OPAQUE = 11; //    an object the other side cannot reference (a plain JS object, a function)
export const T_JSON = 12; //      string: plain data

/** The shared buffers, as handed to the worker. */
export interface ChannelBuffers {
  readonly ctrl: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly note: SharedArrayBuffer;
}

/** ES2024's growable SharedArrayBuffer (Node 20 has it; the project's lib is ES2022). */
interface Growable { grow(newLength: number): void }
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;

export function createBuffers(): ChannelBuffers {
  return {
    ctrl: new SharedArrayBuffer(CTRL_SLOTS * 4),
    data: new GrowableSharedArrayBuffer(DATA_INITIAL_BYTES, { maxByteLength: DATA_MAX_BYTES }),
    note: new SharedArrayBuffer(NOTE_BYTES),
  };
}

/** A code unit above U+00FF: the string goes as UTF-16LE, else as latin1 (one byte a unit). */
const WIDE = /[^\u0000-\u00ff]/;

/**
 * A cursor over the data buffer, for writing and for reading. Re-maps its views when the other side
 * grew the buffer. No allocation per call besides decoded strings.
 */
export class Wire {
  buf!: Buffer;
  private dv!: DataView;
  pos = 0;

  constructor(private readonly sab: SharedArrayBuffer) { this.map(); }

  private map(): void {
    this.buf = Buffer.from(this.sab);
    this.dv = new DataView(this.sab, 0, this.buf.length);
  }

  /** Before reading what the other side wrote: see its growth. */
  sync(): void { if (this.buf.length !== this.sab.byteLength) this.map(); }

  reset(): this { this.sync(); this.pos = 0; return this; }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length;
    while (size < need) size *= 2;
    if (size > DATA_MAX_BYTES) {
      if (need > DATA_MAX_BYTES) throw new RangeError(`A payload of ${need} bytes exceeds the channel's ${DATA_MAX_BYTES} bytes.`);
      size = DATA_MAX_BYTES;
    }
    (this.sab as unknown as Growable).grow(size);
    this.map();
  }

  u8(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.ensure(2); this.dv.setUint16(this.pos, v, true); this.pos += 2; }
  i32(v: number): void { this.ensure(4); this.dv.setInt32(this.pos, v, true); this.pos += 4; }
  u32(v: number): void { this.ensure(4); this.dv.setUint32(this.pos, v, true); this.pos += 4; }
  f64(v: number): void { this.ensure(8); this.dv.setFloat64(this.pos, v, true); this.pos += 8; }
  /** Patch a u32 written earlier (counts known only at the end). */
  u32At(at: number, v: number): void { this.dv.setUint32(at, v, true); }

  /** A string, code unit for code unit (module header): `u32 units << 1 | wide`, then latin1 or UTF-16LE. */
  str(s: string): void {
    const units = s.length;
    if (WIDE.test(s)) {
      this.ensure(4 + 2 * units);
      this.dv.setUint32(this.pos, (units << 1 | 1) >>> 0, true);
      this.buf.write(s, this.pos + 4, 'utf16le');
      this.pos += 4 + 2 * units;
    } else {
      this.ensure(4 + units);
      this.dv.setUint32(this.pos, units << 1, true);
      this.buf.write(s, this.pos + 4, 'latin1');
      this.pos += 4 + units;
    }
  }

  /** A number: int32 when it is one (and not -0), else a double. */
  num(v: number): void {
    if ((v | 0) === v && !(v === 0 && 1 / v < 0)) { this.u8(T_INT); this.i32(v); } else { this.u8(T_DOUBLE); this.f64(v); }
  }

  rU8(): number { return this.buf[this.pos++] as number; }
  rU16(): number { const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  rI32(): number { const v = this.dv.getInt32(this.pos, true); this.pos += 4; return v; }
  rU32(): number { const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  rF64(): number { const v = this.dv.getFloat64(this.pos, true); this.pos += 8; return v; }
  rStr(): string {
    const header = this.rU32();
    const wide = header & 1;
    const bytes = (header >>> 1) * (wide + 1);
    const start = this.pos;
    this.pos += bytes;
    if (this.pos > this.buf.length) throw new RangeError(`A string of ${bytes} bytes at ${start} runs past the channel's ${this.buf.length}.`);
    return this.buf.toString(wide ? 'utf16le' : 'latin1', start, this.pos);
  }
  /** `count` i32 values into a new Int32Array. */
  rI32s(count: number): Int32Array {
    if (this.pos + count * 4 > this.buf.length) throw new RangeError(`${count} handles at ${this.pos} run past the channel's ${this.buf.length} bytes.`);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.dv.getInt32(this.pos + i * 4, true);
    this.pos += count * 4;
    return out;
  }
}

/** The worker's death note: why it stopped. */
export function writeNote(note: SharedArrayBuffer, text: string): void {
  const buf = Buffer.from(note);
  const n = buf.write(text.slice(0, NOTE_BYTES / 4), 4);
  buf.writeUInt32LE(n, 0);
}

export function readNote(note: SharedArrayBuffer): string {
  const buf = Buffer.from(note);
  const n = buf.readUInt32LE(0);
  return n > 0 ? buf.toString('utf8', 4, 4 + n) : '';
}

// ---- progress -----------------------------------------------------------------------------------

/** The worker publishes its thread id (Linux: /proc/thread-self is `<pid>/task/<tid>`), so the caller can read its schedstat. */
export function publishThreadId(ctrl: Int32Array): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]);
    if (tid > 0 && tid <= 0x7fffffff) Atomics.store(ctrl, WORKER_TID, tid);
  } catch { /* no /proc: the caller counts wall time */ }
}

/**
 * How long the worker's thread has waited for a CPU (runnable, not running), in ms, from the
 * kernel's per-thread scheduler statistics (`/proc/self/task/<tid>/schedstat`: time on a CPU, time
 * waiting on a run queue, in ns). 0 where the platform does not say: wall time then counts in full.
 */
export class RunQueueClock {
  private fd = -1;
  private tid = 0;
  private readonly text = Buffer.alloc(96);

  constructor(private readonly ctrl: Int32Array) {}

  waitedMs(): number {
    if (this.fd < 0) {
      const tid = Atomics.load(this.ctrl, WORKER_TID);
      if (tid === 0 || tid === this.tid) return 0;
      this.tid = tid;
      try { this.fd = fs.openSync(`/proc/self/task/${tid}/schedstat`, 'r'); } catch { return 0; }
    }
    try {
      const n = fs.readSync(this.fd, this.text, 0, this.text.length, 0);
      const fields = this.text.toString('latin1', 0, n).split(' ');
      const ns = Number(fields[1]);
      return Number.isFinite(ns) ? ns / 1e6 : 0;
    } catch {
      this.close(); // the thread is gone
      return 0;
    }
  }

  close(): void {
    if (this.fd >= 0) try { fs.closeSync(this.fd); } catch { /* closed */ }
    this.fd = -1;
  }
}

/** What the worker is started with (structured-cloned). */
export interface WorkerInit {
  readonly buffers: ChannelBuffers;
  readonly backend: unknown;
}

/** Spin while `ctrl[index] === value`, for at most `micros`. True when the value changed. */
export function spinWhile(ctrl: Int32Array, index: number, value: number, micros: number): boolean {
  if (Atomics.load(ctrl, index) !== value) return true;
  if (!(micros > 0)) return false;
  const end = performance.now() + micros / 1000;
  for (let i = 1; ; i++) {
    if (Atomics.load(ctrl, index) !== value) return true;
    if ((i & 31) === 0 && performance.now() > end) return false;
  }
}

/** Calls per measured epoch. */
const EPOCH = 32;
/** Epochs before the other mode is tried again: at first, after a switch; at most (0.2 % of calls). */
const TRY_FIRST = 16;
const TRY_LAST = 512;
/** Spinning must make the typical call this much cheaper to be chosen. */
const WIN = 0.9;
/** The slowest call of an epoch counts as at most this many µs (a stall is not the channel's). */
const TAIL_CAP = 1000;
const SLEEP = 0;
const SPIN = 1;
type Mode = typeof SLEEP | typeof SPIN;

/**
 * Whether the two threads spin on the channel before they sleep, and how long: decided by the
 * caller for both sides (it tells the worker in WORKER_SPIN), from what calls cost either way.
 *
 * Spinning pays when each thread has a core of its own: a back-to-back call then costs a few µs
 * instead of two thread wake-ups (tens of µs on an idle machine, whose cores doze). It costs
 * when they share one: a spinning thread holds the core the other needs, which makes the other's
 * wake-ups slow, which makes spinning look worth more — from one side alone it cannot be told;
 * and even where it speeds the typical call up, a thread that spins on a busy machine tends to
 * wait longer for a core when it next wakes (the scheduler counts it as busy), which shows in
 * the slowest calls. So the caller measures: calls run in epochs of one mode, spinning or
 * sleeping; for each mode it keeps the typical (median) and the slowest round trip of an epoch,
 * and spins only while spinning makes the typical call clearly cheaper and the slowest no
 * dearer. It tries the other mode for one epoch now and then: twice as rarely each time the
 * choice stands, at once when the figures it has point the other way or, while spinning, the
 * typical call just got twice as dear. So it adapts both ways: load that comes makes spinning
 * lose, load that goes makes sleeping lose. A spin lasts at most half a typical sleeping round
 * trip (one wake-up: spinning longer cannot pay), so trying it where it does not pay costs
 * little.
 */
export class SpinPolicy {
  /** Microseconds the caller spins for a reply before it sleeps. */
  callerMicros = 0;
  private mode: Mode = SPIN;
  /** The mode calls return to after a trial of the other. */
  private home: Mode = SPIN;
  /** Per mode, the median and the slowest round trip of an epoch (µs), NaN until measured. */
  private readonly typical: [number, number] = [NaN, NaN];
  private readonly slowest: [number, number] = [NaN, NaN];
  private readonly epoch = new Float64Array(EPOCH);
  private calls = 0;
  private untilTry = 1;
  private tryEvery = TRY_FIRST;

  constructor(private readonly ctrl: Int32Array, private readonly callerMax: number, private readonly workerMax: number) {
    this.apply();
  }

  /** A call's round trip, in µs (only calls that may spin: a sleep's is no measure). */
  record(micros: number): void {
    this.epoch[this.calls] = micros;
    if (++this.calls < EPOCH) return;
    this.calls = 0;
    const sorted = this.epoch.sort();
    const median = sorted[EPOCH >> 1] as number;
    const slowest = Math.min(TAIL_CAP, sorted[EPOCH - 1] as number);
    const mode = this.mode;
    if (mode !== this.home) {
      // The end of a trial: fresh figures for the mode tried; choose again.
      this.typical[mode] = median;
      this.slowest[mode] = slowest;
      const home = this.best();
      this.tryEvery = home === this.home ? Math.min(TRY_LAST, this.tryEvery * 2) : TRY_FIRST;
      this.mode = this.home = home;
      this.untilTry = this.tryEvery;
    } else {
      const before = this.typical[mode];
      this.typical[mode] = Number.isNaN(before) ? median : (before + median) / 2;
      this.slowest[mode] = Number.isNaN(this.slowest[mode]) ? slowest : (this.slowest[mode] + slowest) / 2;
      // While spinning, a typical call twice as dear means the machine got busy: the sleeping figures
      // are from before, so they cannot say it; only a trial can.
      if (--this.untilTry <= 0 || this.best() !== mode || (mode === SPIN && median > 2 * before)) this.mode = mode === SPIN ? SLEEP : SPIN;
    }
    this.apply();
  }

  /** Spinning, when it makes the typical call clearly cheaper and the slowest no dearer (and sleeping, until both are measured). */
  private best(): Mode {
    return this.typical[SPIN] < WIN * this.typical[SLEEP] && this.slowest[SPIN] <= this.slowest[SLEEP] ? SPIN : SLEEP;
  }

  private apply(): void {
    const sleeping = this.typical[SLEEP];
    const limit = this.mode === SLEEP ? 0 : Number.isNaN(sleeping) ? Infinity : sleeping / 2;
    this.callerMicros = Math.min(this.callerMax, limit);
    Atomics.store(this.ctrl, WORKER_SPIN, Math.round(Math.min(this.workerMax, limit)));
  }
}
