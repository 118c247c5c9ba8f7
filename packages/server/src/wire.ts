/**
 * The wire protocol of `imessenger serve` (docs/protocol.md): frames (`u32 length, u8 type,
 * payload`, little-endian) and the tagged values inside them. Shared by the daemon and the
 * TypeScript client; the C side (packages/com-server) implements the same page.
 */

export const PROTOCOL_VERSION = 1;
/** The largest frame either side accepts (length field: type + payload). */
export const MAX_FRAME = 64 * 1024 * 1024;

/** Message types. */
export const MSG = {
  HELLO: 0x01, AUTH: 0x02, WELCOME: 0x03,
  CALL: 0x10, RESULT: 0x11, ADVISE: 0x12, UNADVISE: 0x13, RELEASE: 0x14,
  EVENT: 0x20,
  STATUS: 0x30, STOP: 0x31, HOOK: 0x32,
} as const;

/** Value tags. */
export const TAG = {
  EMPTY: 0x00, NULL: 0x01, BOOL: 0x02, I4: 0x03, R8: 0x04, BSTR: 0x05, DISPATCH: 0x06, NOTHING: 0x07, ARRAY: 0x08, MISSING: 0x09, FOREIGN: 0x0a,
} as const;

/** COM's `wFlags` for IDispatch::Invoke. */
export const INVOKE = { METHOD: 1, PROPERTYGET: 2, PROPERTYPUT: 4 } as const;

/** The interface kind of an enumerator (IEnumVARIANT); kinds 0–11 are the contract's INTERFACES. */
export const KIND_ENUM = 256;
/** The enumerator's members (CALL dispids, invokeKind METHOD). */
export const ENUM_DISPID = { NEXT: 1, SKIP: 2, RESET: 3, CLONE: 4 } as const;

/** HRESULTs of the protocol itself (docs/protocol.md). */
export const WIRE_HR = {
  S_FALSE: 1,
  RPC_E_DISCONNECTED: 0x80010108,
  RPC_S_SERVER_UNAVAILABLE: 0x800706ba,
  CO_E_SERVER_EXEC_FAILURE: 0x80080005,
  E_ACCESSDENIED: 0x80070005,
  DISP_E_MEMBERNOTFOUND: 0x80020003,
  DISP_E_BADPARAMCOUNT: 0x8002000e,
} as const;

/** One of our objects, by its handle on this connection (DISPATCH). */
export class Ref {
  constructor(readonly handle: number, readonly kind: number) {}
}
/** A NULL IDispatch (NOTHING). */
export const NOTHING: unique symbol = Symbol('NOTHING');
/** An omitted optional argument (MISSING). */
export const MISSING: unique symbol = Symbol('MISSING');
/** An object that is not ours (FOREIGN). */
export const FOREIGN: unique symbol = Symbol('FOREIGN');

/** A value as the codec reads and writes it: EMPTY is undefined, NULL null, I4/R8 number (R8 when not an int32). */
export type WireValue = undefined | null | boolean | number | string | Ref | typeof NOTHING | typeof MISSING | typeof FOREIGN | readonly WireValue[];

/** Builds one frame; `finish()` patches the length in. */
export class FrameWriter {
  private buf: Buffer;
  private pos = 5;

  constructor(type: number, size = 64) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 16));
    this.buf[4] = type;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  u8(v: number): this { this.ensure(1); this.buf[this.pos++] = v; return this; }
  u16(v: number): this { this.ensure(2); this.buf.writeUInt16LE(v, this.pos); this.pos += 2; return this; }
  i16(v: number): this { this.ensure(2); this.buf.writeInt16LE(v, this.pos); this.pos += 2; return this; }
  u32(v: number): this { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; return this; }
  i32(v: number): this { this.ensure(4); this.buf.writeInt32LE(v | 0, this.pos); this.pos += 4; return this; }
  f64(v: number): this { this.ensure(8); this.buf.writeDoubleLE(v, this.pos); this.pos += 8; return this; }
  bytes(b: Uint8Array): this { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; return this; }
  /** A string: u32 count of UTF-16 code units, then the code units (lone surrogates kept). */
  str(s: string): this {
    this.u32(s.length);
    this.ensure(2 * s.length);
    for (let i = 0; i < s.length; i++) this.buf.writeUInt16LE(s.charCodeAt(i), this.pos + 2 * i);
    this.pos += 2 * s.length;
    return this;
  }

  value(v: WireValue): this {
    switch (typeof v) {
      case 'undefined': return this.u8(TAG.EMPTY);
      case 'boolean': return this.u8(TAG.BOOL).i16(v ? -1 : 0);
      case 'number': return (v | 0) === v && !Object.is(v, -0) ? this.u8(TAG.I4).i32(v) : this.u8(TAG.R8).f64(v);
      case 'string': return this.u8(TAG.BSTR).str(v);
      case 'symbol': return this.u8(v === NOTHING ? TAG.NOTHING : v === MISSING ? TAG.MISSING : TAG.FOREIGN);
      default:
        if (v === null) return this.u8(TAG.NULL);
        if (v instanceof Ref) return this.u8(TAG.DISPATCH).u32(v.handle).u16(v.kind);
        this.u8(TAG.ARRAY).u32(v.length);
        for (const item of v) this.value(item);
        return this;
    }
  }

  values(list: readonly WireValue[]): this {
    if (list.length > 255) throw new RangeError(`${list.length} arguments: at most 255 fit a frame's u8 count.`);
    this.u8(list.length);
    for (const v of list) this.value(v);
    return this;
  }

  finish(): Buffer {
    this.buf.writeUInt32LE(this.pos - 4, 0);
    return this.buf.subarray(0, this.pos);
  }
}

/** A malformed frame: the connection closes. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** Reads one frame's payload. Every read past the end is a ProtocolError. */
export class FrameReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new ProtocolError(`a frame ends ${at + n - this.buf.length} bytes early`);
    this.pos += n;
    return at;
  }

  get done(): boolean { return this.pos === this.buf.length; }
  u8(): number { return this.buf[this.need(1)] as number; }
  u16(): number { return this.buf.readUInt16LE(this.need(2)); }
  i16(): number { return this.buf.readInt16LE(this.need(2)); }
  u32(): number { return this.buf.readUInt32LE(this.need(4)); }
  i32(): number { return this.buf.readInt32LE(this.need(4)); }
  f64(): number { return this.buf.readDoubleLE(this.need(8)); }
  bytes(n: number): Buffer { const at = this.need(n); return this.buf.subarray(at, at + n); }
  str(): string {
    const units = this.u32();
    const at = this.need(2 * units);
    // Code unit for code unit: TextDecoder/utf16le would be fine too, but this keeps lone surrogates by construction.
    let s = '';
    for (let i = 0; i < units; i += 4096) {
      const end = Math.min(units, i + 4096);
      const chunk = new Array<number>(end - i);
      for (let j = i; j < end; j++) chunk[j - i] = this.buf.readUInt16LE(at + 2 * j);
      s += String.fromCharCode(...chunk);
    }
    return s;
  }

  value(depth = 0): WireValue {
    const tag = this.u8();
    switch (tag) {
      case TAG.EMPTY: return undefined;
      case TAG.NULL: return null;
      case TAG.BOOL: return this.i16() !== 0;
      case TAG.I4: return this.i32();
      case TAG.R8: return this.f64();
      case TAG.BSTR: return this.str();
      case TAG.DISPATCH: { const handle = this.u32(); return new Ref(handle, this.u16()); }
      case TAG.NOTHING: return NOTHING;
      case TAG.MISSING: return MISSING;
      case TAG.FOREIGN: return FOREIGN;
      case TAG.ARRAY: {
        if (depth > 32) throw new ProtocolError('arrays nested deeper than 32');
        const count = this.u32();
        // Each value is at least its tag: a count the frame cannot hold is malformed, not an allocation.
        if (count > this.buf.length - this.pos) throw new ProtocolError(`an array of ${count} values in a frame of ${this.buf.length} bytes`);
        const out: WireValue[] = new Array<WireValue>(count);
        for (let i = 0; i < count; i++) out[i] = this.value(depth + 1);
        return out;
      }
      default: throw new ProtocolError(`unknown value tag ${tag}`);
    }
  }

  values(): WireValue[] {
    const n = this.u8();
    const out: WireValue[] = new Array<WireValue>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }
}

/** Splits a byte stream into frames. */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The longest frame accepted now (the daemon lowers it until a connection has authenticated). */
  limit = MAX_FRAME;

  /** The complete frames `data` finishes, in order. Throws a ProtocolError for a length out of bounds. */
  push(data: Buffer): { type: number; payload: Buffer }[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: { type: number; payload: Buffer }[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.merge();
      const length = head.readUInt32LE(0);
      if (length < 1 || length > this.limit) throw new ProtocolError(`a frame length of ${length} bytes (1 to ${this.limit})`);
      if (this.buffered < 4 + length) break;
      const all = this.merge();
      frames.push({ type: all[4] as number, payload: all.subarray(5, 4 + length) });
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }

  private merge(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
}
