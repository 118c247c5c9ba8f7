/**
 * The main <-> worker channel: two SharedArrayBuffers and a compact binary encoding.
 *
 * - `ctrl` (Int32Array, fixed): sequence numbers, lengths, the worker's state, its heartbeat and the
 *   number of events it holds. Written with Atomics; the caller waits on RESP_SEQ with Atomics.wait,
 *   the worker on REQ_SEQ with Atomics.waitAsync (so its event loop keeps running the backend).
 * - `data` (growable SharedArrayBuffer): one request, then its response, in the same bytes (the
 *   channel is strictly half-duplex). It grows when a payload does not fit; both sides re-map their
 *   views when they see a new byteLength.
 * - `note` (fixed): why the worker stopped, written by the worker as it dies.
 *
 * Values are tagged: primitives, strings (UTF-8), arrays, object references (handle + interface),
 * collection snapshots (id + interface + the item handles, in one message), BoolRef, opaque.
 *
 * Depends on nothing but Node: the worker loads it before anything that could fail to load.
 */
// ---- control block slots --------------------------------------------------------------------
export const REQ_SEQ = 0;
export const RESP_SEQ = 1;
export const REQ_LEN = 2;
export const RESP_LEN = 3;
export const STATE = 4;
export const HEARTBEAT = 5;
export const EVENTS_PENDING = 6;
export const CTRL_SLOTS = 8;

export const STATE_STARTING = 0;
export const STATE_READY = 1;
export const STATE_FAILED = 2;
export const STATE_DEAD = 3;

export const HEARTBEAT_MS = 100;
export const NOTE_BYTES = 8192;
export const DATA_INITIAL_BYTES = 64 * 1024;
export const DATA_MAX_BYTES = 512 * 1024 * 1024;

// ---- requests ---------------------------------------------------------------------------------
/** `[op]` then the op's fields. */
export const OP_CALL = 1; //        i32 handle, u16 row, u8 argc, args
export const OP_COLL_CALL = 2; //   i32 collection id, i32 source handle, u16 source row, u16 row, u8 argc, args
export const OP_INDEX_ERROR = 3; // u8 interface, value index, u32 count
export const OP_SLEEP = 4; //       f64 ms
export const OP_PING = 5; //        (events only)
export const OP_OTHER_SIDE = 6; //  string method, f64 delay ms (0: now, and wait), u8 argc, args
export const OP_CRASH = 7; //       u8 how (test hook)
export const OP_SHUTDOWN = 8;

export const CRASH_EXIT = 0;
export const CRASH_THROW = 1;
export const CRASH_HANG = 2;

// ---- responses --------------------------------------------------------------------------------
/** `[status]` then a value (OK) or an error, then `u32 count` events: `u8 event, u8 argc, args`. */
export const RESP_OK = 0;
export const RESP_ERROR = 1; // u32 hresult, string member, string description, string cause

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

  str(s: string): void {
    const max = s.length <= 65536 ? s.length * 3 : Buffer.byteLength(s);
    this.ensure(4 + max);
    const n = this.buf.write(s, this.pos + 4);
    this.dv.setUint32(this.pos, n, true);
    this.pos += 4 + n;
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
    const n = this.rU32();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** `count` i32 values into a new Int32Array. */
  rI32s(count: number): Int32Array {
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

/** What the worker is started with (structured-cloned). */
export interface WorkerInit {
  readonly buffers: ChannelBuffers;
  readonly backend: unknown;
  /** Microseconds the worker spins for the next request before it parks (0: never spins). */
  readonly spinMicros: number;
}

/**
 * Adaptive spinning before a thread sleeps on the channel. A back-to-back call is answered in a
 * few microseconds when both threads spin; on an oversubscribed machine, though, a spinning thread
 * takes the core the other one needs, so the budget halves each time spinning did not pay (down to
 * a small floor) and doubles each time it did (up to the configured maximum). At the floor, every
 * PROBE_EVERY-th wait spins the full budget once: when the machine is free again, the caller's
 * probe catches a reply, its next request then comes at once, the worker's spin catches that, and
 * both budgets grow back.
 */
const PROBE_EVERY = 256;

export class SpinBudget {
  private budget: number;
  private readonly floor: number;
  private atFloor = 0;

  constructor(private readonly max: number) {
    this.budget = max;
    this.floor = Math.min(2, max);
  }

  /** Spin while `ctrl[index] === value`, within the budget. True when the value changed. */
  spinWhile(ctrl: Int32Array, index: number, value: number): boolean {
    if (Atomics.load(ctrl, index) !== value) return true;
    let budget = this.budget;
    if (budget <= 0) return false;
    if (budget <= this.floor && ++this.atFloor >= PROBE_EVERY) { this.atFloor = 0; budget = this.max; }
    const end = performance.now() + budget / 1000;
    let i = 0;
    for (;;) {
      if (Atomics.load(ctrl, index) !== value) {
        this.budget = Math.min(this.max, budget * 2);
        return true;
      }
      if ((++i & 31) === 0 && performance.now() > end) {
        this.budget = Math.max(this.floor, budget / 2);
        return false;
      }
    }
  }
}
